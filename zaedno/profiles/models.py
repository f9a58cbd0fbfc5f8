"""The difficult-case profile (профил на труден случай): criteria met, the flag, its history.

The criteria are data (``criteria.yaml``, see ``zaedno.profiles.criteria``); the profile of each
case is computed from them and stored, so lists can filter on the flag and its history shows
when and why a case became, or stopped being, a difficult case. Indicators are facts the team
records about the case that no other record holds (a refusal of help, a conflict with the law).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zaedno.cases.models import Case, Sensitivity


class IndicatorKind(models.TextChoices):
    """What the team may record as an indicator (индикатор); a fixed vocabulary the criteria use."""

    REFUSAL_OF_HELP = "refusal_of_help", _("refusal of help")
    CONFLICT_WITH_LAW = "conflict_with_law", _("conflict with the law")
    VIOLENCE_SUSPECTED = "violence_suspected", _("violence suspected")
    RUNNING_AWAY = "running_away", _("running away from home or a service")
    SUBSTANCE_USE = "substance_use", _("use of alcohol or drugs")
    SCHOOL_ABSENCE = "school_absence", _("long absence from school")


# The note of an indicator about violence, crime or health is sensitive (the kind itself is not:
# the team needs to know why the case is flagged).
INDICATOR_SENSITIVITY: dict[str, int] = {
    IndicatorKind.CONFLICT_WITH_LAW: Sensitivity.SENSITIVE,
    IndicatorKind.VIOLENCE_SUSPECTED: Sensitivity.SENSITIVE,
    IndicatorKind.SUBSTANCE_USE: Sensitivity.SENSITIVE,
}


def indicator_sensitivity(kind: str) -> int:
    return INDICATOR_SENSITIVITY.get(kind, Sensitivity.STANDARD)


class Indicator(models.Model):
    """An indicator recorded by the team about a case, until it is withdrawn."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="profile_indicators")
    kind = models.CharField(_("indicator"), max_length=24, choices=IndicatorKind.choices)
    note = models.TextField(_("note"))
    sensitivity = models.PositiveSmallIntegerField(choices=Sensitivity.choices)
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdraw_note = models.TextField(_("why it was withdrawn"), blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="indicator_active_once",
            ),
            models.CheckConstraint(condition=~models.Q(note=""), name="indicator_note_required"),
        ]
        indexes = [models.Index(fields=["case", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.case} — {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Trigger(models.TextChoices):
    """What made the profile be computed again."""

    CASE_OPENED = "case_opened", _("case opened")
    TEAM_CHANGED = "team_changed", _("team changed")
    ASSESSMENT_COMPLETED = "assessment_completed", _("assessment completed")
    INDICATOR_RECORDED = "indicator_recorded", _("indicator recorded")
    INDICATOR_WITHDRAWN = "indicator_withdrawn", _("indicator withdrawn")
    CRITERIA_REFRESH = "criteria_refresh", _("criteria revised (refresh of all cases)")
    EPISODE_MOVE = "episode_move", _("move between services or schools")
    MOVE_WINDOW = "move_window", _("a move left the 12-month window")


class CaseProfile(models.Model):
    """The current profile of a case: which criteria it meets and whether it is a difficult case."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="difficult_profile")
    criteria_met = models.JSONField(default=list)  # criterion codes, in the file's order
    # Why each criterion is met or not: {code: {"met": bool, "facts": [...], "value": n}}.
    details = models.JSONField(default=dict)
    flagged = models.BooleanField(_("difficult case"), default=False)
    flagged_since = models.DateTimeField(null=True, blank=True)
    criteria_version = models.CharField(max_length=40)
    threshold = models.PositiveSmallIntegerField()
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("difficult-case profile")
        verbose_name_plural = _("difficult-case profiles")
        indexes = [models.Index(fields=["flagged"])]

    def __str__(self) -> str:
        return f"{self.case}: {'!' if self.flagged else '-'} {','.join(self.criteria_met)}"


class ProfileChange(models.Model):
    """A change in a case's profile: when, which criteria, the flag, and what triggered it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="profile_changes")
    at = models.DateTimeField(_("when"))
    criteria_met = models.JSONField(default=list)
    added = models.JSONField(default=list)
    removed = models.JSONField(default=list)
    flagged = models.BooleanField()
    flag_changed = models.BooleanField(default=False)
    trigger = models.CharField(_("what triggered it"), max_length=24, choices=Trigger.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    criteria_version = models.CharField(max_length=40)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("profile change")
        verbose_name_plural = _("profile changes")
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case} {self.at:%d.%m.%Y %H:%M} {'!' if self.flagged else '-'}"
