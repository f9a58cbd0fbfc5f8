"""Printable documents as PDF (WeasyPrint): minutes, assessment, plan, network map, family sheet.

Every document is an HTML template extending ``documents/print_base.html`` — the same template
serves the browser's print view and the PDF, so what a professional sees is what gets signed. The
fonts are DejaVu (packaged with Debian and WeasyPrint's usual fallback), which cover Cyrillic.
Rendering never fetches anything from the network: static files are read from disk.
"""

from __future__ import annotations

import re
import unicodedata

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from zaedno.core.translit import to_latin


def _url_fetcher(url: str, *args, **kwargs):
    """Serve ``/static/...`` from the static finders; refuse everything else (no network)."""
    from weasyprint.urls import default_url_fetcher

    prefix = "/static/"
    path = url.split("://", 1)[-1]
    if prefix in path:
        found = finders.find(path.split(prefix, 1)[1])
        if found:
            return default_url_fetcher("file://" + found)
    if url.startswith("data:"):
        return default_url_fetcher(url)
    raise ValueError(f"not fetched while rendering a PDF: {url}")


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a print template to PDF bytes."""
    from weasyprint import HTML

    context = {"now": timezone.now(), "for_pdf": True, **context}
    html = render_to_string(template_name, context, request=request)
    base = request.build_absolute_uri("/") if request is not None else "http://localhost/"
    return HTML(string=html, base_url=base, url_fetcher=_url_fetcher).write_pdf()


def pdf_filename(*parts: str) -> str:
    """An ASCII file name from parts (Cyrillic transliterated): ``minutes-VT-2026-0001.pdf``."""
    text = "-".join(p for p in parts if p)
    text = unicodedata.normalize("NFKD", to_latin(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._") or "document"
    return f"{text[:120]}.pdf"


def pdf_response(template_name: str, context: dict, *, request, filename: str) -> HttpResponse:
    """A PDF download; never cached by the browser or a proxy (it is about a child)."""
    response = HttpResponse(
        render_pdf(template_name, context, request=request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
