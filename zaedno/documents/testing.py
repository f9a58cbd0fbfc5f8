"""Helpers for tests of printed documents."""

from __future__ import annotations

import io


def pdf_text(data: bytes) -> str:
    """The text of a PDF, every page (pypdf's extraction): lets a test check the Cyrillic came out."""
    from pypdf import PdfReader

    assert data[:5] == b"%PDF-", "not a PDF"
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
