"""Who sees a signal, and what of it (need-to-know, as for cases).

* the **receiving department** (ОЗД): its professionals and managers see all of it, the
  reporter's identity included, and work it (assign, check, decide);
* an **informed institution** (the police, ДАЗД): its professionals see what happened and where
  the child is, never who reported;
* the **case** it opened or joined: through the case's access layer, at the reader's sharing
  level — what happened and who reported only at the sensitive level;
* the **reporter** (the professional who recorded it): what they reported and the state of the
  signal (received → being checked → case opened / attached / no case), never the check, the
  decision's reasons or the case, until they are in the case's team.

Anyone else gets 404, the same answer as for a signal that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from zaedno.accounts.models import Membership, Role
from zaedno.cases.access import CaseAccess, access_for
from zaedno.cases.models import Sensitivity
from zaedno.signals.models import (
    CHECK_SENSITIVITY,
    DESCRIPTION_SENSITIVITY,
    REPORTER_SENSITIVITY,
    RouteStatus,
    Signal,
    SignalRoute,
)

# Roles of a department's members who see and work its signals (not IT administrators).
WORKING_ROLES = (Role.PRACTITIONER, Role.MANAGER)


class SignalVia:
    DEPARTMENT = "department"
    CASE = "case"
    INFORMED = "informed"
    REPORTER = "reporter"


def department_ids(user) -> list[int]:
    """The organisations whose incoming signals ``user`` works (active, not as administrator)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(
        Membership.objects.filter(
            user=user, is_active=True, role__in=WORKING_ROLES, organisation__is_active=True
        ).values_list("organisation_id", flat=True)
    )


def intake_department_ids(user) -> list[int]:
    """The Child Protection Departments (ОЗД) the user works in: whose intake queue they see."""
    from zaedno.organisations.models import OrganisationKind

    ids = department_ids(user)
    if not ids:
        return []
    from zaedno.organisations.models import Organisation

    return list(
        Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.OZD).values_list("pk", flat=True)
    )


def department_members(organisation_id: int) -> list[Membership]:
    return list(
        Membership.objects.filter(
            organisation_id=organisation_id, is_active=True, role__in=WORKING_ROLES, user__is_active=True
        ).select_related("user")
    )


def assigners(members: list[Membership]) -> list[Membership]:
    """Who may assign the department's signals: its managers and whoever is on intake duty; when
    it has neither, every professional of it (a signal must never wait for a role nobody holds)."""
    chosen = [m for m in members if m.role == Role.MANAGER or m.on_duty]
    return chosen or members


def can_assign(user, organisation_id: int) -> bool:
    return any(m.user_id == user.pk for m in assigners(department_members(organisation_id)))


@dataclass(frozen=True)
class SignalAccess:
    """What one user may see and do with one signal, and why."""

    signal: Signal
    user: object
    via: str
    level: int
    case_access: CaseAccess | None = None
    assigner: bool = False

    @property
    def in_department(self) -> bool:
        return self.via == SignalVia.DEPARTMENT

    @property
    def is_reporter(self) -> bool:
        s = self.signal
        return self.user.pk in (s.recorded_by_id, s.reporter_user_id)

    @property
    def sees_content(self) -> bool:
        """What happened, the child's details as reported."""
        if self.via == SignalVia.REPORTER:
            return True  # their own words
        return self.level >= DESCRIPTION_SENSITIVITY

    @property
    def sees_reporter(self) -> bool:
        if self.via == SignalVia.INFORMED:
            return False
        if self.via == SignalVia.REPORTER:
            return True  # themself
        return self.level >= REPORTER_SENSITIVITY

    @property
    def sees_check(self) -> bool:
        return self.via in (SignalVia.DEPARTMENT, SignalVia.CASE) and self.level >= CHECK_SENSITIVITY

    @property
    def can_assign(self) -> bool:
        return self.in_department and self.assigner and self.signal.is_open

    @property
    def can_work(self) -> bool:
        """Check, link the child, decide: the worker it is assigned to, or whoever may assign."""
        s = self.signal
        return (
            self.in_department and s.is_open and s.assigned_to_id is not None
            and (s.assigned_to_id == self.user.pk or self.assigner)
        )  # fmt: skip

    @property
    def can_forward(self) -> bool:
        """Send it to another department: its own department (the child lives elsewhere), or the
        one who recorded it when no department could be found."""
        s = self.signal
        if not s.is_open:
            return False
        return self.in_department or (s.recipient_id is None and self.is_reporter)


def access_for_signal(user, signal: Signal) -> SignalAccess | None:
    """The strongest access ``user`` has to ``signal``, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if signal.recipient_id and signal.recipient_id in department_ids(user):
        return SignalAccess(
            signal, user, SignalVia.DEPARTMENT, Sensitivity.SENSITIVE,
            assigner=can_assign(user, signal.recipient_id),
        )  # fmt: skip
    if signal.case_id:
        case_access = access_for(user, signal.case)
        if case_access is not None:
            return SignalAccess(signal, user, SignalVia.CASE, int(case_access.level), case_access=case_access)
    informed = SignalRoute.objects.filter(
        signal=signal, status=RouteStatus.NOTIFIED, organisation_id__in=department_ids(user)
    ).exclude(organisation_id=signal.recipient_id)
    if informed.exists():
        return SignalAccess(signal, user, SignalVia.INFORMED, Sensitivity.SENSITIVE)
    if user.pk in (signal.recorded_by_id, signal.reporter_user_id):
        return SignalAccess(signal, user, SignalVia.REPORTER, Sensitivity.BASIC)
    return None


def recorded_by(user) -> QuerySet[Signal]:
    if not getattr(user, "is_authenticated", False):
        return Signal.objects.none()
    return Signal.objects.filter(recorded_by=user)
