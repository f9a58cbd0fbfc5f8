"""Views that belong to no domain: health check and the start page."""

from __future__ import annotations

import time

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zaedno import __version__


@never_cache
@require_GET
def healthz(request):
    """Liveness and database status for load balancers and monitoring (no personal data)."""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = {
            "status": "ok",
            "vendor": connection.vendor,
            "ms": round((time.perf_counter() - started) * 1000, 2),
        }
        ok = True
    except Exception as exc:  # noqa: BLE001 - any database failure is reported, not raised
        db = {"status": "error", "vendor": connection.vendor, "error": exc.__class__.__name__}
        ok = False
    return JsonResponse(
        {"status": "ok" if ok else "error", "version": __version__, "database": db}, status=200 if ok else 503
    )


@login_required
def home(request):
    return redirect("protocols:my_work")
