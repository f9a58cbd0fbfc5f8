"""The case (случай): the child's shared record, its lead, its team and its timeline."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zaedno.children.models import Child
from zaedno.organisations.models import Organisation
from zaedno.places.models import Municipality
from zaedno.signals.choices import SignalCategory


class Sensitivity(models.IntegerChoices):
    """How sensitive a section of a case is; a member sees sections up to their sharing level."""

    BASIC = 1, _("Basic: identity, team, dates")
    STANDARD = 2, _("Standard: case work, plans, school")
    SENSITIVE = 3, _("Sensitive: violence, health, police records")


# A team member's sharing level (ниво на споделяне) uses the same scale.
SharingLevel = Sensitivity


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    FOLLOW_UP = "follow_up", _("in follow-up")
    CLOSED = "closed", _("closed")


class Case(models.Model):
    """A case (случай) about one child, held by a case lead (водещ на случая) and a team."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases", verbose_name=_("child"))
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_cases",
        verbose_name=_("case lead"),
    )
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_cases", verbose_name=_("lead organisation")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="cases", verbose_name=_("municipality")
    )
    summary = models.TextField(_("summary"), blank=True)
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    status_reason = models.TextField(_("reason for the last status change"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in CaseStatus]), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True) | ~models.Q(status="open"),
                name="case_open_not_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["lead", "status"]),
            models.Index(fields=["lead_organisation", "status"]),
            models.Index(fields=["municipality", "status"]),
            # Lists are newest first: lets a manager's list stop after one page.
            models.Index(fields=["-opened_at", "-id"], name="case_opened_desc"),
        ]

    def __str__(self) -> str:
        return self.number


class TeamRole(models.TextChoices):
    LEAD = "lead", _("case lead")
    # Stands in for the lead while the lead is away: receives the lead's deadline notices.
    DEPUTY = "deputy", _("deputy case lead")
    MEMBER = "member", _("team member")
    CONSULTANT = "consultant", _("consultant")


class TeamMember(models.Model):
    """A professional in the team around the child (екип около детето); history is kept."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_memberships"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        _("role in the case"), max_length=12, choices=TeamRole.choices, default=TeamRole.MEMBER
    )
    sharing_level = models.PositiveSmallIntegerField(
        _("sharing level"), choices=Sensitivity.choices, default=Sensitivity.STANDARD
    )
    joined_at = models.DateTimeField(_("joined"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    leave_reason = models.TextField(_("reason for leaving"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["joined_at", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=models.Q(left_at__isnull=True),
                name="team_one_active_membership",
            ),
            models.CheckConstraint(
                condition=models.Q(sharing_level__gte=1, sharing_level__lte=3),
                name="team_sharing_level_valid",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(role="deputy", left_at__isnull=True),
                name="team_one_deputy",
            ),
        ]
        indexes = [models.Index(fields=["user", "left_at"]), models.Index(fields=["case", "left_at"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class NoteSection(models.TextChoices):
    """Sections of case notes; each has a sensitivity (see ``SECTION_SENSITIVITY``)."""

    GENERAL = "general", _("general")
    EDUCATION = "education", _("education")
    FAMILY = "family", _("family")
    VIOLENCE = "violence", _("details of violence")
    HEALTH = "health", _("health")
    POLICE = "police", _("police records")


SECTION_SENSITIVITY = {
    NoteSection.GENERAL: Sensitivity.BASIC,
    NoteSection.EDUCATION: Sensitivity.STANDARD,
    NoteSection.FAMILY: Sensitivity.STANDARD,
    NoteSection.VIOLENCE: Sensitivity.SENSITIVE,
    NoteSection.HEALTH: Sensitivity.SENSITIVE,
    NoteSection.POLICE: Sensitivity.SENSITIVE,
}


class CaseNote(models.Model):
    """A note in a section of the case (бележка по случая); sensitive sections are restricted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    section = models.CharField(_("section"), max_length=12, choices=NoteSection.choices)
    sensitivity = models.PositiveSmallIntegerField(choices=Sensitivity.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        indexes = [models.Index(fields=["case", "sensitivity"])]

    def __str__(self) -> str:
        return f"{self.get_section_display()} — {self.created_at:%d.%m.%Y}"


class TimelineKind(models.TextChoices):
    SIGNAL = "signal", _("signal received")
    OPENED = "opened", _("case opened")
    MEMBER_JOINED = "member_joined", _("joined the team")
    MEMBER_LEFT = "member_left", _("left the team")
    NOTE = "note", _("note")
    STATUS = "status", _("status changed")
    UPDATED = "updated", _("case updated")
    BREAK_GLASS = "break_glass", _("emergency access")
    LEAD_CHANGED = "lead_changed", _("case lead changed")
    LEAD_HANDOVER = "lead_handover", _("case lead handover")
    PROTOCOL = "protocol", _("protocol")
    MEETING = "meeting", _("meeting")
    DECISION = "decision", _("decision")
    ASSESSMENT = "assessment", _("assessment")
    PLAN = "plan", _("plan")
    TOOL = "tool", _("discussion tool")
    PROFILE = "profile", _("difficult-case profile")


class TimelineEntry(models.Model):
    """One event in the life of a case (хронология), in order; shown up to the reader's level."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(_("when"))
    kind = models.CharField(_("kind"), max_length=20, choices=TimelineKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(_("summary"), max_length=300)
    # The message (its English source, a gettext msgid) and its parameters, so each reader sees
    # the entry in their own language; ``summary`` keeps the text in the default language.
    message = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    sensitivity = models.PositiveSmallIntegerField(choices=Sensitivity.choices, default=Sensitivity.BASIC)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.text}"

    @property
    def text(self) -> str:
        """The entry in the active language (falls back to the stored summary)."""
        return render_timeline_message(self.message, self.params) or self.summary


def render_timeline_message(message: str, params: dict) -> str:
    """Translate a timeline message; parameters that are choice codes get their translated label."""
    if not message:
        return ""
    values = dict(params or {})
    for key, choices in TIMELINE_PARAM_CHOICES.items():
        if key in values:
            with contextlib.suppress(ValueError):
                values[key] = choices(values[key]).label
    try:
        return gettext(message) % values
    except (KeyError, TypeError, ValueError):
        return ""


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", _("justified")
    NOT_JUSTIFIED = "not_justified", _("not justified")


class BreakGlassAccess(models.Model):
    """Emergency access (достъп при спешност) to a case by a professional outside its team.

    Needs a written reason, lasts a limited time, notifies the case lead and waits for review.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")),
                name="break_glass_expires_after_grant",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="break_glass_reason_required"),
        ]
        indexes = [models.Index(fields=["user", "expires_at"]), models.Index(fields=["reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.case} ({self.granted_at:%d.%m.%Y %H:%M})"


class HandoverKind(models.TextChoices):
    HANDOVER = "handover", _("handover by the case lead")
    REASSIGN = "reassign", _("reassignment by a manager")


class HandoverStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the new lead")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class LeadHandover(models.Model):
    """A change of case lead (предаване на водещия на случая): proposed by the lead and accepted
    by the new lead, or made at once by a manager of the lead organisation (absence, leaving)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="lead_handovers")
    kind = models.CharField(_("kind"), max_length=10, choices=HandoverKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=HandoverStatus.choices)
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lead_handovers_to",
        verbose_name=_("new case lead"),
    )  # fmt: skip
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("new lead organisation")
    )
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_note = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("case lead handover")
        verbose_name_plural = _("case lead handovers")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="pending"), name="lead_handover_one_pending"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="lead_handover_reason_required"),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(answered_at__isnull=False),
                name="lead_handover_answered_at",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(answer_note=""),
                name="lead_handover_decline_reason",
            ),
        ]
        indexes = [models.Index(fields=["to_user", "status"])]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_user} → {self.to_user} ({self.status})"


# Parameters of timeline messages stored as codes and shown with their label in the reader's
# language. Apps that build on cases add their own in ``AppConfig.ready()`` (e.g. meeting kinds).
TIMELINE_PARAM_CHOICES = {"category": SignalCategory, "role": TeamRole, "section": NoteSection}
