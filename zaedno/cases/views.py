from django.http import HttpResponse


def case_list(request):  # replaced by the web UI work
    return HttpResponse("")


def case_detail(request, case_id):  # replaced by the web UI work
    return HttpResponse("")
