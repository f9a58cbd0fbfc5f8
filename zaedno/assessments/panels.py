"""Panels this app shows on shared pages (see zaedno/core/panels.py)."""

from __future__ import annotations


def case_panel(access, now):
    return None


def documents(access) -> list[dict]:
    """Printable documents of the case: {"title", "date", "url", "pdf_url"}."""
    return []
