"""The protocol as a picture (placeholder until the diagram pages land)."""

from django.http import Http404


def protocol_list(request):
    raise Http404


def protocol_diagram(request, code, version=None):
    raise Http404


def case_diagram(request, case_id):
    raise Http404
