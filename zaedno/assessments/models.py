"""The shared multisector assessment (обща мултисекторна оценка) of a case.

An assessment has versions over time: one draft at a time is filled in by the sectors of the team,
then completed by the case lead (or a manager of the lead organisation); completing a new version
supersedes the previous one. Each sector contributes, per domain of the framework
(``zaedno.assessments.domains``), strengths, concerns and needs and a level of need. The team's
shared understanding of the problem behind the behaviour (the formulation) is agreed at a meeting.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zaedno.assessments.domains import Domain
from zaedno.cases.models import Case, Sensitivity
from zaedno.organisations.models import Organisation, Sector


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("in progress")
    COMPLETED = "completed", _("completed")
    SUPERSEDED = "superseded", _("superseded")


class NeedLevel(models.TextChoices):
    """How much help the child or the family needs in a domain (ниво на потребност)."""

    NONE = "none", _("no additional need")
    SOME = "some", _("some need")
    SIGNIFICANT = "significant", _("significant need")


NEED_ORDER = {NeedLevel.NONE: 0, NeedLevel.SOME: 1, NeedLevel.SIGNIFICANT: 2}

# Health and police contributions speak of health and criminal matters (special categories under
# the GDPR): they are sensitive unless the contributor says otherwise.
SECTOR_DEFAULT_SENSITIVITY: dict[str, int] = {
    Sector.HEALTH: Sensitivity.SENSITIVE,
    Sector.POLICE: Sensitivity.SENSITIVE,
}


def default_sensitivity(sector: str) -> int:
    return SECTOR_DEFAULT_SENSITIVITY.get(sector, Sensitivity.STANDARD)


# The formulation is case work: the standard sharing level.
FORMULATION_SENSITIVITY = Sensitivity.STANDARD


class Assessment(models.Model):
    """One version of the shared multisector assessment of a case."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("case")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    started_at = models.DateTimeField(_("started"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    # The formulation (споделено разбиране на проблема): the problem behind the behaviour.
    hypothesis = models.TextField(_("our hypothesis: what lies behind the difficulties"), blank=True)
    maintaining = models.TextField(_("what keeps the problem going"), blank=True)
    communicating = models.TextField(_("what the child's behaviour may be communicating"), blank=True)
    protective = models.TextField(_("protective factors"), blank=True)
    formulation_meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("agreed at the meeting"),
    )  # fmt: skip
    formulation_agreed_at = models.DateTimeField(_("formulation agreed"), null=True, blank=True)
    formulation_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("shared assessment")
        verbose_name_plural = _("shared assessments")
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="assessment_number_unique"),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="draft"), name="assessment_one_draft"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="completed"), name="assessment_one_current"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in AssessmentStatus]),
                name="assessment_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(completed_at__isnull=False),
                name="assessment_completed_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(formulation_agreed_at__isnull=True)
                | models.Q(formulation_meeting__isnull=False),
                name="assessment_formulation_agreed_at_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} — {self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    @property
    def formulation_agreed(self) -> bool:
        return self.formulation_agreed_at is not None

    @property
    def has_formulation(self) -> bool:
        return any((self.hypothesis, self.maintaining, self.communicating, self.protective))


class Contribution(models.Model):
    """What one sector of the team contributes to an assessment (принос на сектора)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="contributions")
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sensitivity = models.PositiveSmallIntegerField(_("sensitivity"), choices=Sensitivity.choices)
    sources = models.TextField(_("what this contribution is based on"), blank=True)
    created_at = models.DateTimeField(editable=False)
    updated_at = models.DateTimeField(_("last saved"), editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["sector", "id"]
        verbose_name = _("sector's contribution")
        verbose_name_plural = _("sectors' contributions")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "sector"], name="contribution_one_per_sector"),
            models.CheckConstraint(
                condition=models.Q(sensitivity__gte=1, sensitivity__lte=3),
                name="contribution_sensitivity_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} — {self.get_sector_display()}"


class DomainEntry(models.Model):
    """One sector's view of one domain: strengths, concerns, needs and the level of need."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="entries")
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    strengths = models.TextField(_("strengths"), blank=True)
    concerns = models.TextField(_("concerns"), blank=True)
    needs = models.TextField(_("needs"), blank=True)
    level = models.CharField(
        _("level of need"), max_length=12, choices=NeedLevel.choices, default=NeedLevel.NONE
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("domain entry")
        verbose_name_plural = _("domain entries")
        constraints = [
            models.UniqueConstraint(fields=["contribution", "domain"], name="domain_entry_once"),
            models.CheckConstraint(
                condition=models.Q(level__in=[v.value for v in NeedLevel]), name="domain_entry_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.get_level_display()}"
