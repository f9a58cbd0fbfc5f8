"""The plan for the child (план за действие / план за случая), its reviews and long-term follow-up.

A plan has versions (v1, v2…): each starts as a draft, is agreed at a meeting of the team by the
case lead (or a manager of the lead organisation), and is confirmed by each active team member.
Agreeing a new version supersedes the previous one, which stays readable. Goals are long-term and
set per domain of the child's development; waymarks are the short steps towards them; actions
say who does what by when — professionals, organisations, the parents, the child and community
resources. Reviews record progress and outcome measures over time; after closure the team keeps
following the child with scheduled check-ins (проследяване).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zaedno.assessments.domains import DEVELOPMENT_DOMAINS, Domain
from zaedno.cases.models import Case
from zaedno.organisations.models import Organisation

DEVELOPMENT_DOMAIN_CHOICES = [(d, Domain(d).label) for d in DEVELOPMENT_DOMAINS]


class PlanKind(models.TextChoices):
    """Which protocol the plan belongs to; the kind is the ``plan_agreed[<kind>]`` artefact."""

    CASE_PLAN = "case_plan", _("case plan (multisector protocol)")
    ACTION_PLAN = "action_plan", _("action plan (coordination mechanism)")
    INDIVIDUAL_SUPPORT_PLAN = "individual_support_plan", _("individual support plan (social service)")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    AGREED = "agreed", _("agreed")
    SUPERSEDED = "superseded", _("superseded by a newer version")


class Plan(models.Model):
    """One version of a plan for the child (план), of one kind, on one case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans", verbose_name=_("case"))
    kind = models.CharField(_("kind of plan"), max_length=24, choices=PlanKind.choices)
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    purpose = models.TextField(_("what the plan wants to achieve for the child"), blank=True)
    # Verbatim: what the child and the parents said about the plan, in their own words.
    child_words = models.TextField(_("the child's own words"), blank=True)
    parents_words = models.TextField(_("the parents' own words"), blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous version"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="agreed_plans",
        verbose_name=_("agreed at the meeting"),
    )  # fmt: skip
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["case", "kind", "-number"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "number"], name="plan_version_number_unique"),
            models.UniqueConstraint(
                fields=["case", "kind"], condition=models.Q(status="draft"), name="plan_one_draft"
            ),
            models.UniqueConstraint(
                fields=["case", "kind"], condition=models.Q(status="agreed"), name="plan_one_agreed"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in PlanStatus]), name="plan_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in PlanKind]), name="plan_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(agreed_at__isnull=False, agreed_meeting__isnull=False),
                name="plan_agreed_at_a_meeting",
            ),
        ]
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, " + gettext("version %(number)s") % {"number": self.number}

    @property
    def label(self) -> str:
        return f"v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def is_agreed(self) -> bool:
        return self.status == PlanStatus.AGREED


class Goal(models.Model):
    """A long-term goal (дългосрочна цел) of the plan, in one domain of the child's development."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(default=0)
    domain = models.CharField(_("domain"), max_length=20, choices=DEVELOPMENT_DOMAIN_CHOICES)
    text = models.TextField(_("goal"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.text[:60]


class Waymark(models.Model):
    """A short-term waymark (междинна цел) on the way to a goal: what, by when, reached when."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="waymarks")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("waymark"))
    target_on = models.DateField(_("target date"), null=True, blank=True)
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("waymark")
        verbose_name_plural = _("waymarks")

    def __str__(self) -> str:
        return self.text[:60]


class Who(models.TextChoices):
    """Who does an action: the plan says "who does what", not only professionals."""

    PROFESSIONAL = "professional", _("a professional in the team")
    ORGANISATION = "organisation", _("an organisation")
    PARENT = "parent", _("a parent or carer")
    CHILD = "child", _("the child")
    COMMUNITY = "community", _("a community resource")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    NOT_DONE = "not_done", _("not done")


ACTION_OPEN_STATES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class Action(models.Model):
    """An action of the plan (дейност): who does what by when, and how it went."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions", verbose_name=_("goal")
    )
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("what is done"))
    who_kind = models.CharField(_("who"), max_length=12, choices=Who.choices)
    who_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="plan_actions",
        verbose_name=_("professional"),
    )  # fmt: skip
    who_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("organisation"),
    )  # fmt: skip
    # The parent's or the community resource's name (e.g. "the mother", "the football club").
    who_name = models.CharField(_("name"), max_length=150, blank=True)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    status_reason = models.TextField(_("why it was not done"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ActionStatus]),
                name="plan_action_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="not_done") | ~models.Q(status_reason=""),
                name="plan_action_not_done_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(who_kind="professional") | models.Q(who_user__isnull=False),
                name="plan_action_professional_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(who_kind="organisation") | models.Q(who_organisation__isnull=False),
                name="plan_action_organisation_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(who_kind="community") | ~models.Q(who_name=""),
                name="plan_action_community_named",
            ),
        ]
        indexes = [models.Index(fields=["who_user", "status", "due_on"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_open(self) -> bool:
        return self.status in ACTION_OPEN_STATES

    @property
    def who_display(self) -> str:
        if self.who_kind == Who.PROFESSIONAL and self.who_user_id:
            return str(self.who_user)
        if self.who_kind == Who.ORGANISATION and self.who_organisation_id:
            return str(self.who_organisation)
        if self.who_kind == Who.CHILD:
            return str(Who.CHILD.label)
        label = str(self.get_who_kind_display())
        return f"{self.who_name} ({label})" if self.who_name else label


class PlanConfirmation(models.Model):
    """A team member's confirmation of an agreed plan (потвърждение от члена на екипа)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="confirmations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["confirmed_at", "id"]
        verbose_name = _("confirmation of the plan")
        verbose_name_plural = _("confirmations of the plan")
        constraints = [models.UniqueConstraint(fields=["plan", "user"], name="plan_confirmed_once")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.user}"


class PlanReview(models.Model):
    """A review of the plan (преглед на плана): how the goals progress and what the measures say."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plan_reviews")
    held_on = models.DateField(_("review date"))
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="plan_reviews",
        verbose_name=_("meeting"),
    )  # fmt: skip
    summary = models.TextField(_("summary of the review"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        indexes = [models.Index(fields=["case", "held_on"])]

    def __str__(self) -> str:
        return f"{self.plan} — {self.held_on:%d.%m.%Y}"


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    PROGRESSING = "progressing", _("progressing")
    ACHIEVED = "achieved", _("achieved")
    CHANGED = "changed", _("changed")


class GoalProgress(models.Model):
    """How one goal stands at a review."""

    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="progress")
    progress = models.CharField(_("progress"), max_length=12, choices=Progress.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["goal__position", "id"]
        verbose_name = _("progress of a goal")
        verbose_name_plural = _("progress of goals")
        constraints = [models.UniqueConstraint(fields=["review", "goal"], name="plan_goal_progress_once")]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.progress}"


class Measure(models.TextChoices):
    """The outcome measures compared over time (fixed list; each has its scale below)."""

    SAFETY_SCALE = "safety_scale", _("safety scale (0–10)")
    SCHOOL_ATTENDANCE = "school_attendance", _("school attendance (%)")
    CHILD_WELLBEING = "child_wellbeing", _("the child's own wellbeing (0–10)")
    PARENTS_ENGAGEMENT = "parents_engagement", _("the parents' engagement (0–10)")


# measure -> (lowest, highest) value.
MEASURE_SCALES: dict[str, tuple[int, int]] = {
    Measure.SAFETY_SCALE: (0, 10),
    Measure.SCHOOL_ATTENDANCE: (0, 100),
    Measure.CHILD_WELLBEING: (0, 10),
    Measure.PARENTS_ENGAGEMENT: (0, 10),
}


class OutcomeMeasurement(models.Model):
    """One value of an outcome measure for the child (измерване на резултат), usually at a review."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="outcome_measurements")
    review = models.ForeignKey(
        PlanReview, on_delete=models.PROTECT, null=True, blank=True, related_name="measurements"
    )
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    value = models.DecimalField(_("value"), max_digits=5, decimal_places=1)
    measured_on = models.DateField(_("measured on"))
    # Who gave the value or where it comes from: "the child, in the interview", "school register".
    source = models.CharField(_("source"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["measured_on", "id"]
        verbose_name = _("outcome measurement")
        verbose_name_plural = _("outcome measurements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(measure__in=[m.value for m in Measure]), name="plan_measure_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0)
                & (models.Q(measure="school_attendance", value__lte=100) | models.Q(value__lte=10)),
                name="plan_measure_value_in_scale",
            ),
        ]
        indexes = [models.Index(fields=["case", "measure", "measured_on"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.value} ({self.measured_on:%d.%m.%Y})"


class CheckInStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("to do")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class FollowUpCheckIn(models.Model):
    """A scheduled long-term follow-up check-in (проследяване) on the child, after the plan."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_up_checkins")
    due_on = models.DateField(_("due on"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_up_checkins",
        verbose_name=_("responsible professional"),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=CheckInStatus.choices, default=CheckInStatus.SCHEDULED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    child_status = models.TextField(_("how the child is"), blank=True)
    concern = models.TextField(_("any concern"), blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up check-in")
        verbose_name_plural = _("follow-up check-ins")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in CheckInStatus]),
                name="plan_checkin_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_on__isnull=False),
                name="plan_checkin_done_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["responsible", "status", "due_on"]),
            models.Index(fields=["case", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.due_on:%d.%m.%Y}"


class FamilySheet(models.Model):
    """What the case lead chose to give the family on its information sheet (информация за семейството).

    The sheet is read at home — sometimes by the very person a safety action is about — so nothing
    of the plan, the decisions or the team goes on it by itself: the lead ticks each item (after a
    preview), and only the ticked ones are printed. An item chosen once stays chosen while it is
    open; a new plan version's actions wait for a new choice.
    """

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="family_sheet")
    actions = models.ManyToManyField(
        Action, blank=True, related_name="+", verbose_name=_("plan actions on the sheet")
    )
    decisions = models.ManyToManyField(
        "meetings.Decision", blank=True, related_name="+", verbose_name=_("decisions on the sheet")
    )
    members = models.ManyToManyField(
        "cases.TeamMember", blank=True, related_name="+", verbose_name=_("team members named on the sheet")
    )
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(_("chosen on"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("family information sheet")
        verbose_name_plural = _("family information sheets")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.chosen_at:%d.%m.%Y}"
