"""Writes of signals: record and route, forward, assign, check, link the child, decide.

Every function checks permission through ``signals.access``, validates, writes, records the audit
event in the same transaction and notifies after commit. Notices and e-mails never name the
child or the reporter: they say a signal of a category is waiting, its number and its term.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zaedno.accounts.models import Membership, Role
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess, Via
from zaedno.cases.models import Case, CaseStatus, Sensitivity, TeamMember, TimelineKind
from zaedno.cases.services import case_open, team_member_add, timeline_add
from zaedno.children.identifiers import clean_egn, egn_birth_date
from zaedno.children.models import Child
from zaedno.core.errors import require
from zaedno.notifications.models import Notification
from zaedno.notifications.services import notification_send, notifications_send_many, office_email_send
from zaedno.organisations.models import Institution, Organisation, OrganisationKind, Sector
from zaedno.organisations.queries import covering
from zaedno.protocols import engine as protocol_engine
from zaedno.protocols.rules import intake_terms, lead_refusal, signal_facts
from zaedno.signals.access import (
    SignalAccess,
    access_for_signal,
    assigners,
    department_members,
)
from zaedno.signals.choices import (
    Decision,
    LearnedHow,
    ReporterKind,
    SignalCategory,
    SignalKind,
    SignalStatus,
    Urgency,
)
from zaedno.signals.models import RouteStatus, Signal, SignalRoute

MSG_TIMELINE_SIGNAL = gettext_noop("Signal %(number)s received: %(category)s")
MSG_TIMELINE_ATTACHED = gettext_noop("Signal %(number)s attached to the case: %(category)s")
MSG_NEW = gettext_noop("New signal %(number)s (%(category)s%(danger)s): name who checks it by %(due)s")
MSG_INFORMED = gettext_noop(
    "Signal %(number)s (%(category)s%(danger)s) for your information; it is with %(org)s"
)
MSG_ASSIGNED = gettext_noop("Signal %(number)s (%(category)s) is yours to check by %(due)s")
MSG_FORWARDED = gettext_noop("Signal %(number)s (%(category)s) forwarded to your department by %(org)s")
MSG_ATTACHED_LEAD = gettext_noop("A new signal (%(number)s, %(category)s) was attached to case %(case)s")
MSG_REPORTER = gettext_noop("Your signal %(number)s: %(state)s")
DANGER = gettext_noop(", the child is in immediate danger")

# How far back a signal may be dated when it is recorded late (a phone call written up later).
MAX_BACKDATE = dt.timedelta(days=30)


@dataclass(frozen=True)
class SignalInput:
    """What a signal says (сигнал): about which child, what happened, how urgent, who reported."""

    category: str
    description: str
    kind: str = SignalKind.REPORT
    received_at: dt.datetime | None = None
    occurred: str = ""
    learned_at: dt.datetime | None = None
    learned_how: str = ""
    urgency: str = Urgency.ROUTINE
    immediate_danger: bool = False
    child: Child | None = None
    child_first_name: str = ""
    child_middle_name: str = ""
    child_last_name: str = ""
    child_birth_date: dt.date | None = None
    child_age: int | None = None
    child_sex: str = ""
    child_egn: str = ""
    child_settlement: object | None = None
    child_address: str = ""
    child_school: str = ""
    reporter_kind: str = ReporterKind.PROFESSIONAL
    reporter_name: str = ""
    reporter_contact: str = ""
    reporter_organisation: Organisation | None = None
    # A professional reports: themself (the one signed in), or another who phoned or wrote.
    reporter_is_me: bool = True
    source_sector: str = ""


def _memberships(user) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, is_active=True)
        .exclude(role=Role.ADMINISTRATOR)
        .select_related("organisation__municipality")
        .order_by("id")
    )


def _label(choices, value) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(choices(value).label)


def _clean(data: SignalInput, actor, now: dt.datetime) -> tuple[SignalInput, dict]:
    """Validate; return the input with derived values and the errors keyed by field."""
    errors: dict[str, list[str]] = {}
    received_at = data.received_at or now
    description = (data.description or "").strip()
    if data.category not in SignalCategory.values:
        errors["category"] = [_("Choose what the signal is about.")]
    if data.kind not in SignalKind.values:
        errors["kind"] = [_("Unknown kind of signal.")]
    if data.urgency not in Urgency.values:
        errors["urgency"] = [_("Choose the urgency.")]
    if not description:
        errors["description"] = [_("Describe what happened to the child and what you know.")]
    if received_at > now + dt.timedelta(minutes=5):
        errors["received_at"] = [_("The signal cannot have been received in the future.")]
    elif received_at < now - MAX_BACKDATE:
        errors["received_at"] = [
            _("A signal is recorded when it comes, not weeks later: this date is more than 30 days ago.")
        ]
    if data.learned_at and data.learned_at > now + dt.timedelta(minutes=5):
        errors["learned_at"] = [_("This cannot be in the future.")]
    if data.learned_how and data.learned_how not in LearnedHow.values:
        errors["learned_how"] = [_("Unknown choice.")]
    # The child: a registered record (one the recorder may see), or at least a first name.
    if data.child is not None:
        from zaedno.children.queries import may_name

        if not may_name(actor, data.child.pk):
            errors["child"] = [_("Choose a child you can see, or write what you know of the child.")]
    first = (data.child_first_name or "").strip()
    egn = (data.child_egn or "").replace(" ", "")
    if data.child is None and not first:
        errors["child_first_name"] = [
            _("Give at least the child's first name as you know it, or choose a registered child.")
        ]
    if data.child_birth_date and data.child_birth_date > timezone.localdate(now):
        errors["child_birth_date"] = [_("The birth date cannot be in the future.")]
    if data.child_age is not None and not 0 <= int(data.child_age) <= 17:
        errors["child_age"] = [_("A child is 0 to 17 years old.")]
    if egn:
        try:
            egn = clean_egn(egn)
        except ValidationError as exc:
            errors["child_egn"] = exc.messages
        else:
            if data.child_birth_date and egn_birth_date(egn) != data.child_birth_date:
                errors["child_egn"] = [_("The ЕГН encodes another birth date than the one given.")]
    # The reporter.
    reporter_name = (data.reporter_name or "").strip()
    reporter_contact = (data.reporter_contact or "").strip()
    organisation = data.reporter_organisation
    sector = ""
    if data.reporter_kind not in ReporterKind.values:
        errors["reporter_kind"] = [_("Say who reported.")]
    elif data.reporter_kind == ReporterKind.PROFESSIONAL and data.reporter_is_me:
        mine = {m.organisation_id: m.organisation for m in _memberships(actor)}
        if organisation is None and mine:
            organisation = next(iter(mine.values()))
        if organisation is None or organisation.pk not in mine:
            errors["reporter_organisation"] = [_("Choose the organisation you work in.")]
        else:
            sector = organisation.sector
        reporter_name = actor.get_full_name() or actor.username
    elif data.reporter_kind == ReporterKind.PROFESSIONAL:
        # A professional who phoned or wrote to the one recording it.
        if not reporter_name:
            errors["reporter_name"] = [_("Write who reported: name and role, e.g. “class teacher”.")]
        sector = organisation.sector if organisation else data.source_sector
        if sector and sector not in Sector.values:
            errors["source_sector"] = [_("Unknown sector.")]
    else:
        organisation = None
        if data.reporter_kind == ReporterKind.ANONYMOUS:
            reporter_name, reporter_contact = "", ""
        elif data.reporter_kind == ReporterKind.HELPLINE and not reporter_name:
            reporter_name = _label(ReporterKind, ReporterKind.HELPLINE)
    if data.kind == SignalKind.COMMISSION_REQUEST and (
        data.reporter_kind != ReporterKind.PROFESSIONAL
        or not data.reporter_is_me
        or organisation is None
        or organisation.kind != OrganisationKind.MUNICIPALITY
    ):
        errors["kind"] = [
            _("A request of the child commission is made by the municipality's child-protection coordinator.")
        ]
    cleaned = replace(
        data, received_at=received_at, description=description, child_first_name=first,
        child_middle_name=(data.child_middle_name or "").strip(), child_last_name=(data.child_last_name or "").strip(),
        child_egn=egn if "child_egn" not in errors else "", child_address=(data.child_address or "").strip(),
        child_school=(data.child_school or "").strip(), reporter_name=reporter_name[:150],
        reporter_contact=reporter_contact[:150], reporter_organisation=organisation, occurred=(data.occurred or "").strip(),
    )  # fmt: skip
    return cleaned, {"errors": errors, "sector": sector}


def child_municipality(data: SignalInput):
    """Where the child lives, as far as anyone knows."""
    child = data.child
    if child is not None and child.settlement_id:
        return child.settlement.municipality
    if data.child_settlement is not None:
        return data.child_settlement.municipality
    return None


def next_signal_number(code: str, year: int) -> str:
    """``S-VTR04-2026-00012``: the municipality's series of signals for the year."""
    prefix = f"S-{code}-{year}-"
    last = Signal.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:05d}"


def _save_numbered(signal: Signal, code: str, year: int) -> None:
    for attempt in range(5):
        signal.number = next_signal_number(code, year)
        try:
            with transaction.atomic():
                signal.save(force_insert=True)
            return
        except IntegrityError:
            signal.pk = None
            if attempt == 4 or not Signal.objects.filter(number=signal.number).exists():
                raise


def _params(signal: Signal, **extra) -> dict:
    return {
        "number": signal.number,
        "category": _label(SignalCategory, signal.category),
        "danger": _label_danger(signal),
        **extra,
    }


def _label_danger(signal: Signal) -> str:
    if not signal.immediate_danger:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return _(DANGER)


def _label_none() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("no department yet")


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else ""


def _url(signal: Signal) -> str:
    return reverse("signals:detail", args=[signal.pk])


def _notify_route(signal: Signal, organisation: Organisation, *, title: str, params: dict) -> int:
    """Notify the people of an organisation a signal was sent to: whoever is on intake duty and
    the managers (all its professionals when it has neither), and e-mail its office address."""
    people = assigners(department_members(organisation.pk))
    with translation.override(settings.LANGUAGE_CODE):
        text = (_(title) % params)[:200]
    # One insert and one e-mail task however large the department (the scans' way).
    notifications_send_many(
        [Notification(user=m.user, kind="signal.received", title=text, url=_url(signal)) for m in people]
    )
    office_email_send(address=organisation.email, title=title, params=params, path=_url(signal))
    return len(people)


def _route(
    signal: Signal, institution: str, organisations: list[Organisation], *, by, now, title, org_name: str = ""
) -> list[SignalRoute]:
    """Send the signal to ``organisations`` as ``institution`` (a failed route when none); the
    notices name the department holding it (``org_name``), never the reporter."""
    if not organisations:
        return [
            SignalRoute.objects.create(
                signal=signal, institution=institution, status=RouteStatus.FAILED, at=now, by=by,
                note=_("No organisation covers this municipality as %(institution)s.")
                % {"institution": _label(Institution, institution)},
            )
        ]  # fmt: skip
    routes = []
    for org in organisations:
        n = _notify_route(
            signal,
            org,
            title=title,
            params=_params(signal, due=_when(signal.assign_due_at), org=org_name),
        )
        routes.append(
            SignalRoute.objects.create(
                signal=signal, institution=institution, organisation=org, status=RouteStatus.NOTIFIED, at=now,
                by=by, notified_people=n, emailed_office=bool(org.email),
            )
        )  # fmt: skip
    return routes


def _informed_at(signal: Signal) -> dt.datetime | None:
    """When every institution the signal had to reach was reached (None while one was not): a
    route that failed is made good by a later one to the same institution (a forward)."""
    reached: dict[str, dt.datetime] = {}
    needed: set[str] = set()
    for r in signal.routes.all():
        needed.add(r.institution)
        if r.status == RouteStatus.NOTIFIED and (
            r.institution not in reached or r.at < reached[r.institution]
        ):
            reached[r.institution] = r.at
    if not needed or needed - reached.keys():
        return None
    return max(reached.values())


@transaction.atomic
def signal_record(*, ctx: AuditContext, data: SignalInput, recipient: Organisation | None = None) -> Signal:
    """Record a signal and route it at once: to the ОЗД of the child's municipality (or of the
    reporter's, when the child's address is not known) and, by the protocols' rules, to the police
    and ДАЗД. ``recipient`` is an organisation recording a signal it received itself and acts on
    at once (``case_open_direct``): it is not notified of its own signal.
    """
    own_receipt = recipient is not None
    actor = ctx.actor
    now = timezone.now()
    data, extra = _clean(data, actor, now)
    if extra["errors"]:
        raise ValidationError(extra["errors"])
    municipality = child_municipality(data)
    if municipality is None:
        own = _memberships(actor)
        org = data.reporter_organisation or (own[0].organisation if own else None)
        municipality = org.municipality if org else None
    if recipient is None:
        found = covering(Institution.OZD, municipality)
        recipient = found[0] if found else None
    if recipient is not None and municipality is None:
        municipality = recipient.municipality
    facts = signal_facts(
        category=data.category, urgency=data.urgency, immediate_danger=data.immediate_danger,
        municipality_id=municipality.pk if municipality else None,
    )  # fmt: skip
    terms = intake_terms(facts, data.received_at)
    signal = Signal(
        kind=data.kind, category=data.category, description=data.description, occurred=data.occurred[:200],
        learned_at=data.learned_at, learned_how=data.learned_how, urgency=data.urgency,
        immediate_danger=data.immediate_danger, child=data.child,
        child_first_name=(data.child.first_name if data.child else data.child_first_name)[:60],
        child_middle_name=(data.child.middle_name if data.child else data.child_middle_name)[:60],
        child_last_name=(data.child.last_name if data.child else data.child_last_name)[:60],
        child_birth_date=data.child.birth_date if data.child else data.child_birth_date,
        child_age=data.child_age, child_sex=(data.child.sex if data.child else data.child_sex) or "",
        child_egn=(data.child.egn or "") if data.child else data.child_egn,
        child_settlement=data.child.settlement if data.child else data.child_settlement,
        child_address=data.child_address[:200], child_school=data.child_school[:200],
        reporter_kind=data.reporter_kind, reporter_name=data.reporter_name, reporter_contact=data.reporter_contact,
        reporter_organisation=data.reporter_organisation,
        reporter_user=actor if data.reporter_kind == ReporterKind.PROFESSIONAL and data.reporter_is_me else None,
        source_sector=extra["sector"], recorded_by=actor, received_at=data.received_at, recorded_at=now,
        recipient=recipient, municipality=municipality,
        status=SignalStatus.RECEIVED if recipient else SignalStatus.UNROUTED,
        assign_due_at=terms.assign_due, check_due_at=terms.check_due, informed_due_at=terms.informed_due,
        terms=terms.sources,
    )  # fmt: skip
    # The rules were checked above; the database holds the constraints (no query for each).
    signal.full_clean(exclude=["number"], validate_constraints=False)
    _save_numbered(
        signal, municipality.pk if municipality else "BG000", timezone.localtime(data.received_at).year
    )
    if own_receipt:
        if recipient.kind == OrganisationKind.OZD:
            SignalRoute.objects.create(
                signal=signal, institution=Institution.OZD, organisation=recipient, status=RouteStatus.NOTIFIED,
                at=now, by=actor, note=_("Received by the department itself."),
            )  # fmt: skip
    else:
        _route(signal, Institution.OZD, [recipient] if recipient else [], by=actor, now=now, title=MSG_NEW)
    for institution in sorted(terms.notify):
        found = [
            o for o in covering(institution, municipality) if o.pk != (recipient.pk if recipient else None)
        ]
        _route(
            signal, institution, found, by=actor, now=now, title=MSG_INFORMED,
            org_name=str(recipient) if recipient else _label_none(),
        )  # fmt: skip
    informed = _informed_at(signal)
    if informed:
        Signal.objects.filter(pk=signal.pk).update(informed_at=informed)
        signal.informed_at = informed
    audit_record(
        ctx=ctx, action="signal.record", object_type="signal", object_id=signal.pk,
        details={
            "number": signal.number, "kind": signal.kind, "category": signal.category, "urgency": signal.urgency,
            "immediate_danger": signal.immediate_danger, "reporter_kind": signal.reporter_kind,
            "recipient": recipient.pk if recipient else None, "child": signal.child_id,
            "routes": [[r.institution, r.organisation_id, r.status] for r in signal.routes.all()],
        },
    )  # fmt: skip
    return signal


def _locked(signal: Signal) -> Signal:
    return (
        Signal.objects.select_for_update(of=("self",))
        .select_related("recipient", "child", "case")
        .get(pk=signal.pk)
    )


def _require_open(signal: Signal) -> None:
    if not signal.is_open:
        raise ValidationError({"__all__": [_("This signal has already been decided.")]})


def _access(ctx: AuditContext, signal: Signal) -> SignalAccess:
    access = access_for_signal(ctx.actor, signal)
    if access is None:
        from django.http import Http404

        raise Http404
    return access


@transaction.atomic
def signal_forward(*, ctx: AuditContext, signal: Signal, organisation: Organisation, reason: str) -> Signal:
    """Send a signal to another department: the child lives in another municipality, or no
    department was found when it was recorded. Its clocks keep running from when it came."""
    signal = _locked(signal)
    access = _access(ctx, signal)
    _require_open(signal)
    require(access.can_forward, _("Only the receiving department can forward this signal."))
    reason = (reason or "").strip()
    errors = {}
    if organisation.kind != OrganisationKind.OZD or not organisation.is_active:
        errors["organisation"] = [_("Choose a Child Protection Department (ОЗД).")]
    elif organisation.pk == signal.recipient_id:
        errors["organisation"] = [_("The signal is already with this department.")]
    if signal.recipient_id and not reason:
        errors["reason"] = [_("Say why the signal goes to another department.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    was = signal.recipient
    Signal.objects.filter(pk=signal.pk).update(
        recipient=organisation, status=SignalStatus.RECEIVED, assigned_to=None, assigned_at=None, assigned_by=None,
        version=F("version") + 1,
    )  # fmt: skip
    signal.refresh_from_db()
    org_name = str(was or ctx.actor)
    _route(
        signal, Institution.OZD, [organisation], by=ctx.actor, now=now, title=MSG_FORWARDED, org_name=org_name
    )
    informed = _informed_at(signal)
    if informed and not signal.informed_at:
        Signal.objects.filter(pk=signal.pk).update(informed_at=informed)
    audit_record(
        ctx=ctx, action="signal.forward", object_type="signal", object_id=signal.pk, reason=reason,
        details={"from": was.pk if was else None, "to": organisation.pk, "by": org_name},
    )  # fmt: skip
    signal.refresh_from_db()
    return signal


@transaction.atomic
def signal_assign(*, ctx: AuditContext, signal: Signal, assignee) -> Signal:
    """Name the professional of the department who checks the signal (the head or the duty worker)."""
    signal = _locked(signal)
    access = _access(ctx, signal)
    _require_open(signal)
    require(
        access.can_assign, _("Only the head of the department or the worker on intake duty assigns signals.")
    )
    members = {m.user_id: m for m in department_members(signal.recipient_id)}
    if assignee is None or assignee.pk not in members:
        raise ValidationError(
            {"assignee": [_("Choose a professional of %(org)s.") % {"org": signal.recipient}]}
        )
    now = timezone.now()
    Signal.objects.filter(pk=signal.pk).update(
        assigned_to=assignee, assigned_at=now, assigned_by=ctx.actor, status=SignalStatus.CHECKING,
        version=F("version") + 1,
    )  # fmt: skip
    signal.refresh_from_db()
    audit_record(
        ctx=ctx, action="signal.assign", object_type="signal", object_id=signal.pk,
        details={"assignee": assignee.pk, "late": bool(signal.assign_due_at and now > signal.assign_due_at)},
    )  # fmt: skip
    if assignee.pk != ctx.actor.pk:
        notification_send(
            user=assignee, kind="signal.assigned", title=MSG_ASSIGNED, url=_url(signal),
            params=_params(signal, due=_when(signal.check_due_at)),
        )  # fmt: skip
    return signal


@transaction.atomic
def signal_check(
    *, ctx: AuditContext, signal: Signal, actions: str, findings: str, checked_at: dt.datetime | None = None
) -> Signal:
    """Record the check of the signal (проверка): what was done, when, what was found."""
    signal = _locked(signal)
    access = _access(ctx, signal)
    _require_open(signal)
    require(
        access.can_work,
        _("Only the professional assigned to the signal, or the head of the department, records the check."),
    )
    now = timezone.now()
    checked_at = checked_at or now
    errors: dict[str, list[str]] = {}
    if not (actions or "").strip():
        errors["actions"] = [_("Say what was done: a visit, talks with the child, the parents, the school…")]
    if not (findings or "").strip():
        errors["findings"] = [_("Write what the check found.")]
    if checked_at > now + dt.timedelta(minutes=5):
        errors["checked_at"] = [_("The check cannot be in the future.")]
    elif checked_at < signal.received_at - dt.timedelta(minutes=5):
        errors["checked_at"] = [_("The check cannot be before the signal was received.")]
    if errors:
        raise ValidationError(errors)
    Signal.objects.filter(pk=signal.pk).update(
        checked_at=checked_at, checked_by=ctx.actor, check_actions=actions.strip(), check_findings=findings.strip(),
        version=F("version") + 1,
    )  # fmt: skip
    signal.refresh_from_db()
    audit_record(
        ctx=ctx, action="signal.check", object_type="signal", object_id=signal.pk,
        details={"at": checked_at.isoformat(), "late": bool(signal.check_due_at and checked_at > signal.check_due_at)},
    )  # fmt: skip
    return signal


@transaction.atomic
def signal_link_child(*, ctx: AuditContext, signal: Signal, child: Child) -> Signal:
    """Say which registered child the signal is about: one the worker may see, or one a duplicate
    check of theirs found (they learn only that the record exists)."""
    from zaedno.children.queries import recently_matched, visible_children

    signal = _locked(signal)
    access = _access(ctx, signal)
    _require_open(signal)
    require(
        access.can_work, _("Only the professional assigned to the signal can say which child it is about.")
    )
    if child.merged_into_id:
        raise ValidationError({"child": [_("This record was merged into another; choose that one.")]})
    visible = visible_children(ctx.actor).filter(pk=child.pk).exists()
    if not (visible or recently_matched(ctx.actor, child.pk)):
        raise ValidationError({"child": [_("Look the child up first (by name and birth date, or ЕГН).")]})
    Signal.objects.filter(pk=signal.pk).update(child=child, version=F("version") + 1)
    signal.refresh_from_db()
    audit_record(
        ctx=ctx, action="signal.child", object_type="signal", object_id=signal.pk, details={"child": child.pk}
    )
    return signal


def open_cases_of(child: Child) -> list[Case]:
    return list(
        Case.objects.filter(child=child, status__in=[CaseStatus.OPEN, CaseStatus.FOLLOW_UP])
        .select_related("lead", "lead_organisation")
        .order_by("-opened_at")
    )


def facts_of(signal: Signal, extra: list[Signal] = ()) -> dict:
    facts = signal_facts(
        category=signal.category, urgency=signal.urgency, immediate_danger=signal.immediate_danger,
        municipality_id=signal.municipality_id,
    )  # fmt: skip
    for other in extra:
        facts["signal_category"].add(other.category)
        facts["urgency"].add(other.urgency)
        facts["immediate_danger"].add(other.immediate_danger)
    return facts


def _tell_reporter(signal: Signal, state: str) -> None:
    """Tell the professional who reported what became of it — the state only, never the case."""
    user = signal.reporter_user or signal.recorded_by
    if user is None or not user.is_active or user.pk == signal.decided_by_id:
        return
    notification_send(
        user=user, kind="signal.decided", title=MSG_REPORTER, url=_url(signal),
        params={"number": signal.number, "state": _label(Decision, state)},
    )  # fmt: skip


def _protocol_on_case(
    ctx: AuditContext, case: Case, signal: Signal, *, opened_at: dt.datetime | None
) -> None:
    """What the signal means for the case's protocols: its receipt starts the clocks; the routing
    (when it reached everyone) is the evidence that others were informed; the check is the check."""
    from zaedno.protocols.engine import artefact_record

    if opened_at is not None:
        protocol_engine.case_started(ctx=ctx, case=case, signal_at=signal.received_at, opened_at=opened_at)
    else:
        protocol_engine.protocol_event(ctx=ctx, case=case, event="signal_received", at=signal.received_at)
    if signal.urgency == Urgency.CRISIS:
        protocol_engine.protocol_event(ctx=ctx, case=case, event="crisis_identified", at=signal.received_at)
    routes = list(signal.routes.select_related("organisation").filter(status=RouteStatus.NOTIFIED))
    with translation.override(settings.LANGUAGE_CODE):
        if signal.informed_at:
            evidence = _("Signal %(number)s routed by Zaedno to: %(orgs)s.") % {
                "number": signal.number,
                "orgs": "; ".join(f"{r.organisation} ({_when(r.at)})" for r in routes),
            }
            artefact_record(
                ctx=ctx, case=case, artefact="notification_sent", kind="institutions", at=signal.informed_at,
                evidence=evidence, object_type="signal", object_id=signal.pk,
            )  # fmt: skip
        dazd = [r for r in routes if r.institution == Institution.DAZD]
        if dazd:
            artefact_record(
                ctx=ctx, case=case, artefact="notification_sent", kind="dazd", at=dazd[0].at,
                evidence=_("Signal %(number)s routed by Zaedno to %(org)s.") % {"number": signal.number, "org": dazd[0].organisation},
                object_type="signal", object_id=signal.pk,
            )  # fmt: skip
        if signal.checked_at:
            artefact_record(
                ctx=ctx, case=case, artefact="signal_checked", at=signal.checked_at,
                evidence=_("Check of signal %(number)s recorded on %(date)s.") % {"number": signal.number, "date": _when(signal.checked_at)},
                object_type="signal", object_id=signal.pk,
            )  # fmt: skip


def _decided(signal: Signal, ctx: AuditContext, decision: str, now, **fields) -> Signal:
    rows = Signal.objects.filter(pk=signal.pk, status__in=[SignalStatus.RECEIVED, SignalStatus.CHECKING]).update(
        status=SignalStatus.DECIDED, decision=decision, decided_at=now, decided_by=ctx.actor, version=F("version") + 1,
        **fields,
    )  # fmt: skip
    if rows == 0:
        raise ValidationError({"__all__": [_("This signal has already been decided.")]})
    signal.refresh_from_db()
    return signal


def _add_reporter(ctx: AuditContext, case: Case, signal: Signal, level: int) -> TeamMember | None:
    """The reporter's organisation is proposed for the team: add the reporting professional."""
    user = signal.reporter_user
    org = signal.reporter_organisation
    if user is None or org is None or not user.is_active or user.pk == case.lead_id:
        return None
    if not Membership.objects.filter(user=user, organisation=org, is_active=True).exists():
        return None
    if TeamMember.objects.filter(case=case, user=user, left_at__isnull=True).exists():
        return None
    lead_access = CaseAccess(case, case.lead, Sensitivity.SENSITIVE, Via.LEAD)
    return team_member_add(ctx=ctx, access=lead_access, user=user, organisation=org, sharing_level=level)


@transaction.atomic
def signal_decide(
    *, ctx: AuditContext, signal: Signal, decision: str, lead=None, lead_organisation: Organisation | None = None,
    summary: str = "", add_reporter: bool = True, reporter_level: int = Sensitivity.STANDARD, case: Case | None = None,
    reason: str = "", service=None, reporter_note: str = "", _direct: bool = False, _municipality=None,
) -> Signal:  # fmt: skip
    """Decide on a checked signal: open a case (the worker or another ОЗД professional leads it),
    attach it to the child's open case, or no case needed (with the reason, and perhaps a
    community service from the resource map)."""
    signal = _locked(signal)
    access = None if _direct else _access(ctx, signal)
    _require_open(signal)
    if access is not None:
        require(
            access.can_work,
            _("Only the professional assigned to the signal, or the head of the department, decides on it."),
        )
    if decision not in Decision.values:
        raise ValidationError(
            {"decision": [_("Choose: open a case, attach to the child's open case, or no case.")]}
        )
    now = timezone.now()
    reason = (reason or "").strip()
    reporter_note = (reporter_note or "").strip()
    if decision != Decision.OPEN_CASE and not signal.checked_at:
        raise ValidationError(
            {"__all__": [_("Record the check of the signal first: what was done and what was found.")]}
        )
    if decision in (Decision.OPEN_CASE, Decision.ATTACH) and signal.child_id is None:
        raise ValidationError(
            {"child": [_("Say which child the signal is about: find or register the child first.")]}
        )
    if decision == Decision.OPEN_CASE:
        return _decide_open(ctx, signal, now, lead=lead or ctx.actor, lead_organisation=lead_organisation or signal.recipient,
                            summary=summary, add_reporter=add_reporter, reporter_level=reporter_level, reporter_note=reporter_note,
                            municipality=_municipality)  # fmt: skip
    if decision == Decision.ATTACH:
        return _decide_attach(ctx, signal, now, case=case, reporter_note=reporter_note)
    if not reason:
        raise ValidationError({"reason": [_("Say why no case is needed.")]})
    if service is not None and not service.is_active:
        raise ValidationError({"service": [_("This service is no longer active on the resource map.")]})
    signal = _decided(
        signal,
        ctx,
        Decision.NO_CASE,
        now,
        decision_reason=reason,
        redirected_to=service,
        reporter_note=reporter_note,
    )
    audit_record(
        ctx=ctx, action="signal.decide", object_type="signal", object_id=signal.pk, reason=reason,
        details={"decision": Decision.NO_CASE, "service": service.pk if service else None},
    )  # fmt: skip
    _tell_reporter(signal, Decision.NO_CASE)
    return signal


def _decide_open(
    ctx, signal: Signal, now, *, lead, lead_organisation, summary, add_reporter, reporter_level, reporter_note,
    municipality=None,
):  # fmt: skip
    errors: dict[str, list[str]] = {}
    if lead_organisation is None:
        errors["lead_organisation"] = [_("Choose the lead organisation.")]
    elif not Membership.objects.filter(user=lead, organisation=lead_organisation, is_active=True).exists():
        errors["lead"] = [_("The case lead must work in the lead organisation.")]
    elif refusal := lead_refusal(facts_of(signal), lead_organisation):
        errors["lead_organisation"] = [refusal]
    if int(reporter_level) not in Sensitivity.values:
        errors["reporter_level"] = [_("Unknown sharing level.")]
    if errors:
        raise ValidationError(errors)
    child = signal.child
    municipality = municipality or (
        child.settlement.municipality
        if child.settlement_id
        else signal.municipality or lead_organisation.municipality
    )
    case = case_open(
        ctx=ctx, child=child, lead=lead, lead_organisation=lead_organisation, municipality=municipality,
        summary=(summary or "").strip(), opened_at=now,
    )  # fmt: skip
    signal = _decided(signal, ctx, Decision.OPEN_CASE, now, case=case, reporter_note=reporter_note)
    _signal_on_timeline(case, signal, ctx, MSG_TIMELINE_SIGNAL)
    _protocol_on_case(ctx, case, signal, opened_at=now)
    audit_record(
        ctx=ctx, action="signal.decide", case_id=case.pk, object_type="signal", object_id=signal.pk,
        details={"decision": Decision.OPEN_CASE, "case": case.pk, "lead": lead.pk, "lead_organisation": lead_organisation.pk},
    )  # fmt: skip
    if add_reporter:
        _add_reporter(ctx, case, signal, int(reporter_level))
    _refresh_profile(ctx, case, "case_opened")
    if lead.pk != ctx.actor.pk:
        notification_send(
            user=lead, kind="case.assigned", case_id=case.pk, url=reverse("cases:detail", args=[case.pk]),
            title=gettext_noop("You are the case lead of %(number)s"), params={"number": case.number},
        )  # fmt: skip
    _tell_reporter(signal, Decision.OPEN_CASE)
    return signal


def _decide_attach(ctx, signal: Signal, now, *, case: Case | None, reporter_note: str):
    candidates = open_cases_of(signal.child)
    if not candidates:
        raise ValidationError(
            {"case": [_("The child has no open case to attach the signal to: open a case instead.")]}
        )
    if case is None:
        case = candidates[0]
    elif case.pk not in {c.pk for c in candidates}:
        raise ValidationError({"case": [_("Choose one of the child's open cases.")]})
    signal = _decided(signal, ctx, Decision.ATTACH, now, case=case, reporter_note=reporter_note)
    _signal_on_timeline(case, signal, ctx, MSG_TIMELINE_ATTACHED)
    _protocol_on_case(ctx, case, signal, opened_at=None)
    audit_record(
        ctx=ctx, action="signal.decide", case_id=case.pk, object_type="signal", object_id=signal.pk,
        details={"decision": Decision.ATTACH, "case": case.pk},
    )  # fmt: skip
    _refresh_profile(ctx, case, "signal_attached")
    if case.lead_id != ctx.actor.pk:
        notification_send(
            user=case.lead, kind="signal.attached", case_id=case.pk, url=reverse("cases:detail", args=[case.pk]),
            title=MSG_ATTACHED_LEAD, params={**_params(signal), "case": case.number},
        )  # fmt: skip
    _tell_reporter(signal, Decision.ATTACH)
    return signal


def _signal_on_timeline(case: Case, signal: Signal, ctx: AuditContext, message: str) -> None:
    timeline_add(
        case=case, kind=TimelineKind.SIGNAL, actor=ctx.actor, at=signal.received_at, message=message,
        params={"number": signal.number, "category": signal.category},
    )  # fmt: skip


def _refresh_profile(ctx: AuditContext, case: Case, trigger: str) -> None:
    from zaedno.profiles.services import profile_refresh

    profile_refresh(ctx=ctx, case=case, trigger=trigger)


def can_open_directly(
    user, organisation: Organisation, category: str, *, immediate_danger: bool = False
) -> str:
    """Why ``organisation`` may not open a case of this kind directly ("" when it may)."""
    return lead_refusal(
        signal_facts(
            category=category, immediate_danger=immediate_danger, municipality_id=organisation.municipality_id
        ),
        organisation,
    )


def may_lead_some_case(user) -> bool:
    """Whether one of the user's organisations may lead some case (the "Open a case" link)."""
    from zaedno.protocols.rules import applicable_versions

    kinds: set[str] = set()
    unlimited = False
    for version in applicable_versions({}):
        for rule in version.body.get("lead") or []:
            kinds |= set(rule["organisation_kinds"])
    if not kinds:
        unlimited = True
    orgs = [m.organisation for m in _memberships(user)]
    return bool(orgs) and (unlimited or any(o.kind in kinds for o in orgs))


@transaction.atomic
def case_open_direct(
    *, ctx: AuditContext, child: Child, signal: SignalInput, lead, lead_organisation: Organisation, municipality=None,
    summary: str = "",
) -> Case:  # fmt: skip
    """Record a signal and the decision "open a case" in one step — for an organisation the
    protocol allows to lead such a case (the ОЗД that took the call; a school, a social service or
    the municipality for a support case). Anyone else records a signal for the ОЗД instead."""
    actor = ctx.actor
    errors = dict(_clean(replace(signal, child=child), actor, timezone.now())[1]["errors"])
    if not Membership.objects.filter(user=lead, organisation=lead_organisation, is_active=True).exists():
        errors["lead"] = [_("The case lead must work in the lead organisation.")]
    if errors:
        raise ValidationError(errors)
    require(
        actor.pk == lead.pk or Membership.objects.filter(user=actor, organisation=lead_organisation, is_active=True).exists(),
        _("Only a professional of the lead organisation can open a case for it."),
    )  # fmt: skip
    refusal = can_open_directly(
        actor, lead_organisation, signal.category, immediate_danger=signal.immediate_danger
    )
    if refusal:
        raise PermissionDenied(
            refusal
            + " "
            + _(
                "Record a signal for the Child Protection Department instead (/signals/new/, API: /api/v1/signals/)."
            )
        )
    recorded = signal_record(ctx=ctx, data=replace(signal, child=child), recipient=lead_organisation)
    if municipality is not None and recorded.municipality_id != municipality.pk:
        Signal.objects.filter(pk=recorded.pk).update(municipality=municipality)
        recorded.municipality = municipality
    Signal.objects.filter(pk=recorded.pk).update(
        assigned_to=lead, assigned_at=timezone.now(), assigned_by=actor, status=SignalStatus.CHECKING
    )
    recorded.refresh_from_db()
    decided = signal_decide(
        ctx=ctx, signal=recorded, decision=Decision.OPEN_CASE, lead=lead, lead_organisation=lead_organisation,
        summary=summary, add_reporter=False, _direct=True, _municipality=municipality,
    )  # fmt: skip
    return decided.case
