"""Signals (сигнали): what a professional, a citizen or the 116 111 helpline reports about a child
at risk, before any case — routed to the Child Protection Department (ОЗД) of the child's
municipality, checked there and decided: a case opened, the signal attached to the child's open
case, or no case needed.

The reporter's identity is protected (Child Protection Act, art. 7 and 10): only the receiving
department and, once there is a case, the case lead and the members at the sensitive sharing
level see who reported.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zaedno.cases.models import Case, Sensitivity
from zaedno.children.models import Child, Sex
from zaedno.organisations.models import Institution, Organisation, Sector
from zaedno.places.models import Municipality, Settlement
from zaedno.resources.models import Service
from zaedno.signals.choices import (
    Decision,
    LearnedHow,
    ReporterKind,
    SignalCategory,
    SignalKind,
    SignalStatus,
    Urgency,
)

# What a signal says happened to the child, the check's findings and the reporter's identity are
# sensitive; the child's identity is basic, as on a case.
DESCRIPTION_SENSITIVITY = Sensitivity.SENSITIVE
REPORTER_SENSITIVITY = Sensitivity.SENSITIVE
CHECK_SENSITIVITY = Sensitivity.SENSITIVE


class Signal(models.Model):
    """A signal about a child at risk (сигнал за дете в риск), from receipt to decision."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SignalKind.choices, default=SignalKind.REPORT)
    category = models.CharField(_("category"), max_length=20, choices=SignalCategory.choices)
    description = models.TextField(_("what happened"))
    occurred = models.CharField(_("when it happened"), max_length=200, blank=True)
    learned_at = models.DateTimeField(_("learned at"), null=True, blank=True)
    learned_how = models.CharField(
        _("how it was learned"), max_length=20, choices=LearnedHow.choices, blank=True
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    immediate_danger = models.BooleanField(_("the child is in immediate danger"), default=False)

    # The child: a registered record, or what the reporter could tell.
    child = models.ForeignKey(
        Child,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signals",
        verbose_name=_("child"),
    )
    child_first_name = models.CharField(_("child's first name"), max_length=60)
    child_middle_name = models.CharField(_("child's middle name"), max_length=60, blank=True)
    child_last_name = models.CharField(_("child's last name"), max_length=60, blank=True)
    child_birth_date = models.DateField(_("birth date"), null=True, blank=True)
    child_age = models.PositiveSmallIntegerField(_("approximate age"), null=True, blank=True)
    child_sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    child_egn = models.CharField(_("ЕГН"), max_length=10, blank=True)
    child_settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("settlement"),
    )  # fmt: skip
    child_address = models.CharField(_("address"), max_length=200, blank=True)
    child_school = models.CharField(_("school or kindergarten"), max_length=200, blank=True)

    # Who reported (protected) and who recorded it in Zaedno.
    reporter_kind = models.CharField(_("who reported"), max_length=20, choices=ReporterKind.choices)
    reporter_name = models.CharField(_("reporter's name"), max_length=150, blank=True)
    reporter_contact = models.CharField(_("reporter's phone or e-mail"), max_length=150, blank=True)
    reporter_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reporting organisation"),
    )  # fmt: skip
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reporting professional"),
    )  # fmt: skip
    source_sector = models.CharField(_("reporting sector"), max_length=20, choices=Sector.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signals_recorded",
        verbose_name=_("recorded by"),
    )  # fmt: skip
    received_at = models.DateTimeField(_("received at"))
    recorded_at = models.DateTimeField(_("recorded at"))

    # Routing and the clocks.
    recipient = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="incoming_signals",
        verbose_name=_("receiving department"),
    )  # fmt: skip
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("municipality"),
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=10, choices=SignalStatus.choices)
    assign_due_at = models.DateTimeField(_("to be assigned by"), null=True, blank=True)
    check_due_at = models.DateTimeField(_("to be checked and decided by"), null=True, blank=True)
    informed_due_at = models.DateTimeField(_("others to be informed by"), null=True, blank=True)
    informed_at = models.DateTimeField(_("others informed"), null=True, blank=True)
    terms = models.JSONField(default=list, blank=True, editable=False)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="signals_assigned",
        verbose_name=_("checked by"),
    )  # fmt: skip
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # The check (проверка по сигнала).
    checked_at = models.DateTimeField(_("checked on"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    check_actions = models.TextField(_("what was done"), blank=True)
    check_findings = models.TextField(_("findings"), blank=True)

    # The decision.
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="signals", verbose_name=_("case")
    )
    redirected_to = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("community service suggested"),
    )  # fmt: skip
    reporter_note = models.TextField(_("what the reporter is told"), blank=True)

    assign_escalated_at = models.DateTimeField(null=True, blank=True)
    check_escalated_at = models.DateTimeField(null=True, blank=True)
    # A signal carried over from a case opened before signals had records of their own.
    legacy_id = models.BigIntegerField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in SignalStatus]), name="signal_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=[c.value for c in SignalCategory]), name="signal_category_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(reporter_kind__in=[k.value for k in ReporterKind]), name="signal_reporter_kind_valid"
            ),
            models.CheckConstraint(condition=~models.Q(description=""), name="signal_description_required"),
            models.CheckConstraint(
                condition=~models.Q(status="unrouted") | models.Q(recipient__isnull=True), name="signal_unrouted_no_recipient"
            ),
            models.CheckConstraint(
                condition=models.Q(status="unrouted") | models.Q(recipient__isnull=False), name="signal_routed_has_recipient"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="checking") | models.Q(assigned_to__isnull=False),
                name="signal_checking_assigned",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="decided") | (~models.Q(decision="") & models.Q(decided_at__isnull=False)),
                name="signal_decided_has_decision",
            ),
            models.CheckConstraint(
                condition=models.Q(status="decided") | models.Q(decision=""), name="signal_decision_only_when_decided"
            ),
            models.CheckConstraint(
                condition=~models.Q(decision__in=["open_case", "attach"]) | models.Q(case__isnull=False),
                name="signal_case_decision_has_case",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="no_case") | ~models.Q(decision_reason=""),
                name="signal_no_case_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(checked_at__isnull=True) | ~models.Q(check_findings=""),
                name="signal_check_has_findings",
            ),
        ]  # fmt: skip
        indexes = [
            # The department's queue: open signals newest first; and the decided ones.
            models.Index(fields=["recipient", "status", "-received_at"], name="signal_queue"),
            models.Index(fields=["recorded_by", "-received_at"], name="signal_recorded_by"),
            models.Index(fields=["assigned_to", "status"], name="signal_assigned"),
            models.Index(fields=["case"], name="signal_case"),
            models.Index(fields=["child"], name="signal_child"),
            models.Index(fields=["category", "received_at"], name="signal_category_at"),
            # The intake scan: pending escalations only (a handled signal leaves the index).
            models.Index(
                fields=["status", "assign_due_at", "id"], condition=models.Q(assign_escalated_at__isnull=True),
                name="signal_assign_pending",
            ),
            models.Index(
                fields=["status", "check_due_at", "id"], condition=models.Q(check_escalated_at__isnull=True),
                name="signal_check_pending",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.number

    @property
    def child_name(self) -> str:
        """The child's name as registered, or as the reporter told it."""
        if self.child_id and self.child is not None:
            return self.child.full_name
        parts = (self.child_first_name, self.child_middle_name, self.child_last_name)
        return " ".join(p for p in parts if p)

    @property
    def is_open(self) -> bool:
        return self.status != SignalStatus.DECIDED

    @property
    def reporter_state(self) -> str:
        """What the reporter is told: received → being checked → case opened / attached / no case."""
        if self.status == SignalStatus.DECIDED:
            return self.decision
        return self.status


class RouteStatus(models.TextChoices):
    NOTIFIED = "notified", _("informed")
    FAILED = "failed", _("could not be informed")


class SignalRoute(models.Model):
    """One institution a signal was sent to when it was recorded (ОЗД, police, ДАЗД), or could
    not be: the evidence for "other institutions informed" (Coordination Mechanism, 1 hour)."""

    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="routes")
    institution = models.CharField(_("institution"), max_length=10, choices=Institution.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("organisation"),
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=10, choices=RouteStatus.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # How many people of the organisation were notified in Zaedno (and whether its own address
    # was e-mailed), or why it could not be informed.
    notified_people = models.PositiveIntegerField(default=0)
    emailed_office = models.BooleanField(default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("signal route")
        verbose_name_plural = _("signal routes")
        indexes = [
            models.Index(fields=["signal", "institution"]),
            models.Index(fields=["organisation", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.signal_id} → {self.institution} ({self.status})"
