"""A view for pages an app has not built yet (answers 404 like any unknown page)."""

from django.http import Http404


def not_yet(request, **kwargs):
    raise Http404
