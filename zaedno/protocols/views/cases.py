from django.http import Http404


def case_protocol(request, case_id):
    raise Http404


def event_add(request, case_id):
    raise Http404


def step_done(request, case_id, step_id):
    raise Http404


def step_na(request, case_id, step_id):
    raise Http404
