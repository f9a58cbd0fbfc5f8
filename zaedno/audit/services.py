"""Writing and verifying the audit chain.

Every service that reads or writes case data calls :func:`audit_record` in the same
transaction as its change. Appending locks the single :class:`AuditHead` row (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite runs IMMEDIATE transactions, which are serial anyway), so the
chain has one order and no forks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from zaedno.audit.models import AuditEvent, AuditHead, AuditKind, Channel

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditContext:
    """Who is acting, through which channel and from where; passed to every service."""

    actor: object | None = None
    channel: str = Channel.SYSTEM
    ip: str = ""
    user_agent: str = ""

    @classmethod
    def from_request(cls, request, channel: str = Channel.WEB) -> AuditContext:
        return cls(
            actor=request.user if getattr(request.user, "is_authenticated", False) else None,
            channel=channel,
            ip=client_ip(request),
            user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:300],
        )

    @classmethod
    def system(cls, channel: str = Channel.SYSTEM, actor=None) -> AuditContext:
        return cls(actor=actor, channel=channel)


def client_ip(request) -> str:
    """The client address; X-Forwarded-For is trusted only for the configured number of proxies."""
    proxies = settings.ZAEDNO_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:45]
    return (request.META.get("REMOTE_ADDR") or "")[:45]


def _canonical(event: AuditEvent) -> bytes:
    at = event.at.astimezone(UTC).isoformat(timespec="microseconds")
    body = [
        event.seq, at, event.actor_id, event.actor_username, event.channel, event.kind, event.action,
        event.case_id, event.object_type, event.object_id, event.ip, event.user_agent, event.reason,
        event.details, event.prev_hash,
    ]  # fmt: skip
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


@dataclass
class PendingEvent:
    """An audit event not yet chained (used by :func:`audit_record_many`)."""

    action: str
    kind: str = AuditKind.WRITE
    case_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    reason: str = ""
    details: dict = field(default_factory=dict)
    at: datetime | None = None


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def audit_record_many(*, ctx: AuditContext, events: Iterable[PendingEvent], batch_size: int = 2000) -> int:
    """Chain and store many events in one go (bulk writes, e.g. seeding); return how many."""
    actor = ctx.actor
    actor_id = getattr(actor, "pk", None)
    actor_username = getattr(actor, "username", "") or ""
    count = 0
    with transaction.atomic():
        head = _lock_head()
        seq, prev = head.last_seq, head.last_hash
        buffer: list[AuditEvent] = []
        now = timezone.now()
        for pending in events:
            seq += 1
            event = AuditEvent(
                seq=seq,
                at=pending.at or now,
                actor_id=actor_id,
                actor_username=actor_username,
                channel=ctx.channel,
                kind=pending.kind,
                action=pending.action,
                case_id=pending.case_id,
                object_type=pending.object_type,
                object_id=str(pending.object_id or ""),
                ip=ctx.ip,
                user_agent=ctx.user_agent,
                reason=pending.reason,
                details=pending.details,
                prev_hash=prev,
            )
            event.hash = prev = compute_hash(event)
            buffer.append(event)
            count += 1
            if len(buffer) >= batch_size:
                AuditEvent.objects.bulk_create(buffer)
                buffer.clear()
        if buffer:
            AuditEvent.objects.bulk_create(buffer)
        if count:
            AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    return count


def audit_record(
    *,
    ctx: AuditContext,
    action: str,
    kind: str = AuditKind.WRITE,
    case_id: int | None = None,
    object_type: str = "",
    object_id: str | int = "",
    reason: str = "",
    details: dict | None = None,
) -> None:
    """Append one event to the chain, inside the caller's transaction when there is one."""
    audit_record_many(
        ctx=ctx,
        events=[
            PendingEvent(
                action=action,
                kind=kind,
                case_id=case_id,
                object_type=object_type,
                object_id=str(object_id or ""),
                reason=reason,
                details=details or {},
            )
        ],
    )


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None


def _events(upto: int) -> Iterator[AuditEvent]:
    return AuditEvent.objects.filter(seq__lte=upto).order_by("seq").iterator(chunk_size=5000)


PROGRESS_EVERY = 5000


def audit_verify(*, progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Walk the whole chain; report the first modified, missing or inserted event.

    The chain is read up to the head as it stands when verification starts, so events appended
    meanwhile by a running system are not mistaken for tampering. ``progress``, if given, is
    called with the number of entries checked since its last call (every few thousand).
    """
    head = AuditHead.objects.filter(pk=1).first()
    last_seq = head.last_seq if head else 0
    last_hash = head.last_hash if head else GENESIS
    expected_seq, prev, checked = 1, GENESIS, 0
    for event in _events(last_seq):
        if event.seq != expected_seq:
            if event.seq > expected_seq:
                return VerifyResult(
                    False,
                    checked,
                    f"entries #{expected_seq}–#{event.seq - 1} are missing (deleted)",
                    expected_seq,
                )
            return VerifyResult(
                False, checked, f"entry #{event.seq} is out of sequence (inserted)", event.seq
            )
        if event.prev_hash != prev:
            return VerifyResult(
                False,
                checked,
                f"entry #{event.seq} does not follow entry #{event.seq - 1} (inserted or replaced)",
                event.seq,
            )
        if compute_hash(event) != event.hash:
            return VerifyResult(
                False, checked, f"entry #{event.seq} was modified after it was written", event.seq
            )
        prev = event.hash
        expected_seq += 1
        checked += 1
        if progress is not None and checked % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    if progress is not None and checked % PROGRESS_EVERY:
        progress(checked % PROGRESS_EVERY)
    if checked < last_seq:
        return VerifyResult(
            False,
            checked,
            f"entries #{checked + 1}–#{last_seq} are missing at the end of the chain (deleted)",
            checked + 1,
        )
    if prev != last_hash:
        return VerifyResult(
            False, checked, f"entry #{checked} does not match the chain's head (replaced)", checked
        )
    # Rows beyond the head were not appended through the chain. One statement, one snapshot:
    # a concurrent append moves the head and its rows together.
    current_head = AuditHead.objects.filter(pk=1).values("last_seq")
    stray = (
        AuditEvent.objects.filter(seq__gt=Subquery(current_head))
        .order_by("seq")
        .values_list("seq", flat=True)
    ).first()
    if stray is not None:
        return VerifyResult(False, checked, f"entry #{stray} was added outside the chain (inserted)", stray)
    return VerifyResult(True, checked)
