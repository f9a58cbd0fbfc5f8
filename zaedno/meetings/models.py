"""Meetings of the team around the child (срещи, case conferences) and the decisions they take.

A meeting is scheduled with an agenda, held with recorded attendance, minuted, and its minutes are
confirmed by each participant who was present; then they are locked and later corrections are
addenda. Every decision has someone responsible, a due date and a status, and is followed to the
end: the next meeting opens with the review of the decisions still open.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zaedno.cases.models import Case, Sensitivity
from zaedno.organisations.models import Organisation


class MeetingKind(models.TextChoices):
    MULTIDISCIPLINARY_TEAM = "multidisciplinary_team", _("multidisciplinary team meeting")
    CONFERENCE_INITIAL = "conference_initial", _("case conference: initial")
    CONFERENCE_PLANNING = "conference_planning", _("case conference: planning")
    CONFERENCE_REVIEW = "conference_review", _("case conference: review")
    CRISIS = "crisis", _("crisis meeting")
    FAMILY_GROUP = "family_group", _("family group conference")
    SUPERVISION = "supervision", _("supervision / intervision on the case")


# The protocol record (artefact) a meeting of each kind produces when it is held:
# ``meeting_held[<kind>]`` in the protocol definitions (see zaedno/protocols/vocabulary.py).
MEETING_ARTEFACT_KIND: dict[str, str] = {
    MeetingKind.MULTIDISCIPLINARY_TEAM: "multidisciplinary_team",
    MeetingKind.CONFERENCE_INITIAL: "case_conference",
    MeetingKind.CONFERENCE_PLANNING: "case_conference",
    MeetingKind.CONFERENCE_REVIEW: "review",
    MeetingKind.CRISIS: "multidisciplinary_team",
    MeetingKind.FAMILY_GROUP: "network",
    MeetingKind.SUPERVISION: "",
}


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    HELD = "held", _("held, minutes in progress")
    LOCKED = "locked", _("minutes confirmed and locked")
    CANCELLED = "cancelled", _("cancelled")


# A meeting that took place (held, minutes in progress or locked): the only kind at which a plan
# or a formulation is agreed, and whose minutes are a document.
HELD_STATES = (MeetingStatus.HELD, MeetingStatus.LOCKED)


class Meeting(models.Model):
    """A meeting about one case (среща по случая): scheduled, held, minuted, confirmed, locked."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=24, choices=MeetingKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    # Minutes (протокол от срещата): what was discussed, and how the child's and the parents'
    # views were heard (directly, through a trusted adult, in writing...).
    minutes = models.TextField(_("minutes"), blank=True)
    child_views = models.TextField(_("how the child's views were heard"), blank=True)
    parents_views = models.TextField(_("how the parents' views were heard"), blank=True)
    sensitivity = models.PositiveSmallIntegerField(
        _("sensitivity of the minutes"), choices=Sensitivity.choices, default=Sensitivity.STANDARD
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("chair")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # The iCalendar sequence: each change of time or place sent to the invitees increases it.
    ics_sequence = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in MeetingStatus]), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="locked")
                | models.Q(locked_at__isnull=False, held_at__isnull=False),
                name="meeting_locked_has_dates",
            ),
        ]
        indexes = [models.Index(fields=["case", "starts_at"]), models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    @property
    def was_held(self) -> bool:
        return self.status in HELD_STATES

    @property
    def is_locked(self) -> bool:
        return self.status == MeetingStatus.LOCKED


class Attendance(models.TextChoices):
    INVITED = "invited", _("invited")
    PRESENT = "present", _("present")
    EXCUSED = "excused", _("excused")
    ABSENT = "absent", _("absent")


class ParticipantRole(models.TextChoices):
    PROFESSIONAL = "professional", _("professional")
    PARENT = "parent", _("parent or carer")
    CHILD = "child", _("the child")
    RELATIVE = "relative", _("relative or friend of the family")
    OTHER = "other", _("other")


class Participant(models.Model):
    """Someone invited to a meeting: a professional (a user) or a person recorded by name and role."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_invitations",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(
        _("role"), max_length=12, choices=ParticipantRole.choices, default=ParticipantRole.PROFESSIONAL
    )
    role_note = models.CharField(_("role in the child's life or network"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail for the invitation"), blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=8, choices=Attendance.choices, default=Attendance.INVITED
    )
    attendance_note = models.CharField(_("note on attendance"), max_length=300, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(_("minutes confirmed"), null=True, blank=True)
    # What was confirmed, and by whom: a professional whose sharing level is below the minutes'
    # sensitivity confirms the part they may read (``confirmed_level`` below the minutes' level);
    # one who can no longer open the case confirms orally and the chair records it
    # (``confirmed_by`` is the chair, ``confirmation_note`` says how and when).
    confirmed_level = models.PositiveSmallIntegerField(
        _("sharing level of the part confirmed"), choices=Sensitivity.choices, null=True, blank=True
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("confirmation recorded by"),
    )  # fmt: skip
    confirmation_note = models.CharField(_("how the confirmation was given"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], condition=models.Q(user__isnull=False), name="participant_user_once"),
            models.CheckConstraint(condition=models.Q(user__isnull=False) | ~models.Q(name=""), name="participant_named"),
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | models.Q(user__isnull=False),
                name="participant_confirms_as_user",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["user", "confirmed_at"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.username
        return self.name


class MinutesAddendum(models.Model):
    """A correction or addition to locked minutes (допълнение към протокола); never an edit."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("addendum to the minutes")
        verbose_name_plural = _("addenda to the minutes")

    def __str__(self) -> str:
        return f"{self.meeting} + {self.created_at:%d.%m.%Y}"


class DecisionStatus(models.TextChoices):
    # A context of their own: in Bulgarian the words agree with "решение" (neuter).
    OPEN = "open", pgettext_lazy("decision", "open")
    IN_PROGRESS = "in_progress", pgettext_lazy("decision", "in progress")
    DONE = "done", pgettext_lazy("decision", "done")
    NOT_DONE = "not_done", pgettext_lazy("decision", "not done")
    SUPERSEDED = "superseded", pgettext_lazy("decision", "superseded")


# A decision in one of these states still asks something of someone.
DECISION_OPEN_STATES = (DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS)


class ResponsibleKind(models.TextChoices):
    PROFESSIONAL = "professional", _("a professional")
    ORGANISATION = "organisation", _("an organisation")
    PARENT = "parent", _("a parent or carer")
    CHILD = "child", _("the child")
    OTHER = "other", _("someone else")


class DecisionKind(models.TextChoices):
    """What a decision is about, where the protocol cares (``decision_recorded[<kind>]``)."""

    GENERAL = "", _("general")
    PROTECTION_MEASURE = "protection_measure", _("protection measure")
    CRISIS_INTERVENTION = "crisis_intervention", _("crisis intervention")
    FOLLOW_UP = "follow_up", _("long-term follow-up")
    CLOSURE = "closure", _("closing the case")
    # A move of the child to another school, service or placement (смяна): in a difficult case
    # only such a decision, naming from where to where, justifies the move (zaedno/episodes).
    MOVE = "move", _("move of the child to another school or service")


# A decision about a move is taken by the team at a case conference or a team meeting where the
# child's and the parents' views were heard — not at a supervision of the professionals.
MOVE_MEETING_KINDS = (
    MeetingKind.MULTIDISCIPLINARY_TEAM,
    MeetingKind.CONFERENCE_INITIAL,
    MeetingKind.CONFERENCE_PLANNING,
    MeetingKind.CONFERENCE_REVIEW,
    MeetingKind.CRISIS,
    MeetingKind.FAMILY_GROUP,
)


class Decision(models.Model):
    """A decision taken at a meeting (решение), followed until it is done, not done or superseded."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveIntegerField(_("number in the meeting"))
    text = models.TextField(_("decision"))
    kind = models.CharField(_("about"), max_length=20, choices=DecisionKind.choices, default="", blank=True)
    # For a decision about a move: from where to where (e.g. "СУ „Вела Благоева“" → "ОУ „Паисий“").
    move_from = models.CharField(_("moves from"), max_length=200, blank=True)
    move_to = models.CharField(_("moves to"), max_length=200, blank=True)
    responsible_kind = models.CharField(_("responsible"), max_length=12, choices=ResponsibleKind.choices)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions",
        verbose_name=_("responsible professional"),
    )  # fmt: skip
    responsible_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions",
        verbose_name=_("responsible organisation"),
    )  # fmt: skip
    responsible_name = models.CharField(_("responsible person (name and role)"), max_length=150, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    status_reason = models.TextField(_("reason"), blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Deadline scan bookkeeping, as for protocol steps: each notice goes once.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    overdue_sent_at = models.DateTimeField(null=True, blank=True)
    sensitivity = models.PositiveSmallIntegerField(choices=Sensitivity.choices, default=Sensitivity.STANDARD)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_in_meeting"),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in DecisionStatus]), name="decision_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="not_done") | ~models.Q(status_reason=""),
                name="decision_not_done_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(responsible_kind="professional") | models.Q(responsible_user__isnull=False),
                name="decision_professional_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(responsible_kind="organisation") | models.Q(responsible_organisation__isnull=False),
                name="decision_organisation_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="move") | (~models.Q(move_from="") & ~models.Q(move_to="")),
                name="decision_move_names_places",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["case", "status"]),
            models.Index(fields=["responsible_user", "status", "due_on"]),
            models.Index(fields=["responsible_organisation", "status", "due_on"]),
            models.Index(fields=["status", "due_on"], name="decision_open_due", condition=models.Q(status__in=["open", "in_progress"])),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.meeting_id}.{self.number}: {self.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in DECISION_OPEN_STATES


class DecisionDueChange(models.Model):
    """A move of a decision's due date (нов срок): from when to when, by whom and why; never edited."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="due_changes")
    old_due_on = models.DateField(_("due date before"))
    new_due_on = models.DateField(_("new due date"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("change of due date")
        verbose_name_plural = _("changes of due date")
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="decision_due_change_has_reason"),
            models.CheckConstraint(
                condition=~models.Q(old_due_on=models.F("new_due_on")), name="decision_due_change_changes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.old_due_on:%d.%m.%Y} → {self.new_due_on:%d.%m.%Y}"


class DecisionNote(models.Model):
    """A progress note on a decision (ход на изпълнението), including each change of status."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("progress note"))
    status_from = models.CharField(max_length=12, choices=DecisionStatus.choices, blank=True)
    status_to = models.CharField(max_length=12, choices=DecisionStatus.choices, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    # Reviewed in which meeting (the next meeting opens with the review of open decisions).
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="decision_reviews"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return f"{self.decision_id} {self.created_at:%d.%m.%Y}"
