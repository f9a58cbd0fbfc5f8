"""Referrals (насочване): a case team asks a service on the resource map to take the child on.

The receiving organisation sees only what the sender chose to share — a snapshot taken when the
referral was sent — until one of its professionals accepts and joins the team around the child.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zaedno.cases.models import Case, Sensitivity, TeamMember
from zaedno.organisations.models import Organisation
from zaedno.resources.models import Service


class Urgency(models.TextChoices):
    """How soon the service is asked to answer (спешност)."""

    ROUTINE = "routine", _("routine")
    URGENT = "urgent", _("urgent")
    EMERGENCY = "emergency", _("emergency")


# The default response deadline per urgency, in the units of zaedno.protocols.calendar.deadline_for:
# an emergency is answered within 24 hours (day and night), an urgent referral within 3 working
# days, a routine one within 10 working days (weekends and Bulgarian public holidays skipped).
RESPONSE_DEADLINES: dict[str, dict[str, int]] = {
    Urgency.EMERGENCY: {"hours": 24},
    Urgency.URGENT: {"working_days": 3},
    Urgency.ROUTINE: {"working_days": 10},
}


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("sent, waiting for an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")
    COMPLETED = "completed", _("completed")


# Referrals the case still expects something from (an answer, or the service's work).
OPEN_STATES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class SharedSection(models.TextChoices):
    """Parts of the case a referral may share; each has a sensitivity (``SECTION_SENSITIVITY``)."""

    IDENTITY = "identity", _("the child's identity and contacts")
    SUMMARY = "summary", _("summary of the case")
    NEEDS = "needs", _("needs from the assessment")
    GOALS = "goals", _("goals of the plan")
    SCHOOL = "school", _("school information")
    HEALTH = "health", _("health information")


SECTION_SENSITIVITY: dict[str, int] = {
    SharedSection.IDENTITY: Sensitivity.BASIC,
    SharedSection.SUMMARY: Sensitivity.STANDARD,
    SharedSection.NEEDS: Sensitivity.STANDARD,
    SharedSection.GOALS: Sensitivity.STANDARD,
    SharedSection.SCHOOL: Sensitivity.STANDARD,
    SharedSection.HEALTH: Sensitivity.SENSITIVE,
}


class LegalBasis(models.TextChoices):
    """Why the information may be shared (основание за предоставяне на информацията)."""

    CONSENT = "consent", _("consent of the parent or guardian")
    ZZD_ART7 = "zzd_art7", _("Child Protection Act, art. 7 (duty to report a child at risk)")
    ZZD_ART11 = "zzd_art11", _("Child Protection Act, art. 11 (cooperation of the authorities)")
    ZSU = "zsu", _("Social Services Act (referral to a social service)")
    VITAL_INTEREST = "vital_interest", _("GDPR art. 6(1)(d): vital interest of the child in an emergency")


class Referral(models.Model):
    """A referral (насочване) of a case's child to a service, with its answer and outcome."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("case"))
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service")
    )
    # The service's organisation when sent: it answers, and only its professionals see the referral.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="incoming_referrals",
        verbose_name=_("receiving organisation"),
    )  # fmt: skip
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent"))
    reason = models.TextField(_("reason for the referral"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    sections = models.JSONField(_("shared information"), default=list)
    # What was shared, as it stood when sent: later changes to the case do not reach the service.
    snapshot = models.JSONField(default=list, editable=False)
    legal_basis = models.CharField(_("basis for sharing"), max_length=20, choices=LegalBasis.choices)
    consent_given_by = models.CharField(_("consent given by"), max_length=150, blank=True)
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    sharing_level = models.PositiveSmallIntegerField(
        _("sharing level of the professional who takes the child on"),
        choices=Sensitivity.choices, default=Sensitivity.STANDARD,
    )  # fmt: skip
    response_due_at = models.DateTimeField(_("answer due by"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("professional who works with the child"),
    )  # fmt: skip
    team_member = models.ForeignKey(
        TeamMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.TextField(_("reason for withdrawing"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(_("outcome"), blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ReferralStatus]), name="referral_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__in=[u.value for u in Urgency]), name="referral_urgency_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(legal_basis__in=[b.value for b in LegalBasis]),
                name="referral_legal_basis_valid",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="referral_reason_required"),
            models.CheckConstraint(
                condition=~models.Q(legal_basis="consent")
                | (~models.Q(consent_given_by="") & models.Q(consent_given_on__isnull=False)),
                name="referral_consent_recorded",
            ),
            models.CheckConstraint(
                condition=models.Q(sharing_level__gte=1, sharing_level__lte=3),
                name="referral_sharing_level_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(response_due_at__gt=models.F("sent_at")), name="referral_due_after_sent"
            ),
            # Each state carries what got it there.
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(answered_at__isnull=True),
                name="referral_sent_unanswered",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined")
                | (models.Q(answered_at__isnull=False) & ~models.Q(decline_reason="")),
                name="referral_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["accepted", "completed"])
                | models.Q(answered_at__isnull=False, professional__isnull=False),
                name="referral_accepted_has_professional",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn")
                | (models.Q(withdrawn_at__isnull=False) & ~models.Q(withdraw_reason="")),
                name="referral_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed")
                | (models.Q(completed_at__isnull=False) & ~models.Q(outcome="")),
                name="referral_completed_has_outcome",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["case", "status"]),
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["status", "response_due_at"]),
            models.Index(fields=["sent_by", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.service} — {self.sent_at:%d.%m.%Y}"

    def is_overdue(self, now) -> bool:
        """No answer yet and the response deadline has passed."""
        return self.status == ReferralStatus.SENT and self.response_due_at < now

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES
