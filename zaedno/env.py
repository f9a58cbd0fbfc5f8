"""Typed readers for settings from the environment that fail loudly on bad values.

Every setting of Zaedno comes from the environment (or a ``NAME_FILE`` holding the value, for
secrets mounted as files). A typo such as ``ZAEDNO_DEBUG=ture`` stops the start-up with a clear
message instead of silently meaning something else.
"""

from __future__ import annotations

import os
from pathlib import Path


class EnvError(ValueError):
    """A setting in the environment has a value that cannot be used."""


def envstr(name: str, default: str | None = None) -> str | None:
    """Return the value of ``name`` or of the file named by ``name_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise EnvError(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise EnvError(f"{name}={raw!r} is not a boolean; use true or false")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise EnvError(f"{name}={raw!r} is not a whole number") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
