from django.http import Http404


def my_work_page(request):
    raise Http404


def compliance_page(request):
    raise Http404
