"""Reading protocol definitions. Definitions are reference data, not case data: no access check."""

from __future__ import annotations

from pathlib import Path

from zaedno.protocols.models import ProtocolVersion

SHIPPED_DIR = Path(__file__).resolve().parent / "definitions"


def shipped_files() -> list[Path]:
    """The definition files shipped with the code, in name order."""
    return sorted(SHIPPED_DIR.glob("*.yaml"))


def protocol_current(code: str) -> ProtocolVersion | None:
    """The highest loaded version of a protocol: the one new cases start on."""
    return (
        ProtocolVersion.objects.select_related("definition")
        .filter(definition__code=code)
        .order_by("-version")
        .first()
    )


def protocol_versions() -> list[ProtocolVersion]:
    """Every loaded version of every protocol, by code then version."""
    return list(ProtocolVersion.objects.select_related("definition").order_by("definition__code", "version"))


def protocol_loaded_keys() -> set[tuple[str, int]]:
    return set(ProtocolVersion.objects.values_list("definition__code", "version"))
