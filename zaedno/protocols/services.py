"""Loading protocol definitions. A loaded version is never modified: a change needs a new version."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from zaedno.audit.services import AuditContext, audit_record
from zaedno.protocols.models import ProtocolDefinition, ProtocolVersion
from zaedno.protocols.queries import shipped_files
from zaedno.protocols.validation import ProtocolError, check_text


class ProtocolLoadError(Exception):
    """A definition that cannot be loaded; ``errors`` holds one line per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class LoadResult:
    version: ProtocolVersion
    created: bool


def read_source(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolLoadError([f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from exc
    except OSError as exc:
        raise ProtocolLoadError([f"{path}: cannot read: {exc.strerror or exc}"]) from exc


def protocol_load(
    *,
    ctx: AuditContext,
    path: Path | str | None = None,
    text: str | None = None,
    source_name: str = "",
    shipped: bool = False,
) -> LoadResult:
    """Check and store one definition version (from ``path`` or ``text``).

    Loading the same content again is a no-op (``created=False``); different content under a
    version number already loaded is refused, so a case bound to that version never sees its
    steps change underneath it.
    """
    if (path is None) == (text is None):
        raise ValueError("give exactly one of path or text")
    if path is not None:
        path = Path(path)
        text = read_source(path)
        source_name = source_name or path.name
    source_name = source_name or "<text>"
    checked = check_text(text, source_name)
    if not checked.ok:
        raise ProtocolLoadError([str(e) for e in checked.errors])
    body = checked.definition
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    code, number = body["code"], body["version"]
    with transaction.atomic():
        definition, _created = ProtocolDefinition.objects.select_for_update().get_or_create(
            code=code, defaults={"title_bg": body["title"]["bg"], "title_en": body["title"]["en"]}
        )
        existing = ProtocolVersion.objects.filter(definition=definition, version=number).first()
        if existing is not None:
            if existing.sha256 == digest or existing.body == body:
                return LoadResult(existing, created=False)
            raise ProtocolLoadError(
                [
                    str(
                        ProtocolError(
                            source_name,
                            None,
                            "version",
                            f"{code} v{number} is already loaded with different content, and a loaded "
                            f"version is never changed (cases may be bound to it); raise `version` to "
                            f"{_next_version(definition)} to load this one",
                        )
                    )
                ]
            )
        version = ProtocolVersion.objects.create(
            definition=definition,
            version=number,
            body=body,
            source=text,
            source_name=source_name[:255],
            sha256=digest,
            shipped=shipped,
            loaded_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        if number == _latest(definition):
            definition.title_bg, definition.title_en = body["title"]["bg"], body["title"]["en"]
            definition.save(update_fields=["title_bg", "title_en"])
        audit_record(
            ctx=ctx,
            action="protocol.load",
            object_type="protocol_version",
            object_id=version.pk,
            details={
                "code": code,
                "version": number,
                "sha256": digest,
                "source": source_name,
                "shipped": shipped,
            },
        )
    return LoadResult(version, created=True)


def _latest(definition: ProtocolDefinition) -> int:
    return definition.versions.order_by("-version").values_list("version", flat=True).first() or 0


def _next_version(definition: ProtocolDefinition) -> int:
    return _latest(definition) + 1


@dataclass
class SyncResult:
    loaded: list[ProtocolVersion] = field(default_factory=list)
    unchanged: list[ProtocolVersion] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def protocol_sync(*, ctx: AuditContext, files: list[Path] | None = None) -> SyncResult:
    """Load every shipped definition whose (code, version) is not loaded yet.

    Each file loads in its own transaction, so one broken file does not hold back the others;
    its errors are returned.
    """
    result = SyncResult()
    for path in shipped_files() if files is None else files:
        try:
            loaded = protocol_load(ctx=ctx, path=path, shipped=True)
        except ProtocolLoadError as exc:
            result.errors += exc.errors
            continue
        (result.loaded if loaded.created else result.unchanged).append(loaded.version)
    return result
