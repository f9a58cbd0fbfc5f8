"""Structured discussion tools (инструменти за обсъждане) saved on a case, each one versioned.

A tool document (e.g. the network map of the child) is never overwritten: saving it again adds a
new version, so the team can see how its thinking about the child changed between meetings. The
fields of each kind of tool live in ``zaedno.tools.kinds``; a version stores them as clean JSON.
Each version has its own sensitivity: a reader below it sees that it exists, never its content.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zaedno.cases.models import Case, Sensitivity


class ToolKind(models.TextChoices):
    THINKING_TOGETHER = "thinking_together", _("Thinking Together")
    DISINTEGRATION_GRID = "disintegration_grid", _("Dis-Integration Grid")
    NETWORK_MAP = "network_map", _("Network map")
    TEAM_AROUND_WORKER = "team_around_worker", _("Team Around the Worker")
    SAFETY_MAP = "safety_map", _("Safety map")
    SAFE_FAMILY = "safe_family", _("Guidelines for a safe family environment")


class ToolDocument(models.Model):
    """One tool on a case (e.g. “the network map of Georgi”), whose content lives in its versions."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tool_documents")
    kind = models.CharField(_("tool"), max_length=24, choices=ToolKind.choices)
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    # The number of the latest version: a new version is accepted only on top of it
    # (compare-and-set), so two people saving from the same version cannot both win.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["kind", "-created_at", "-id"]
        verbose_name = _("discussion tool")
        verbose_name_plural = _("discussion tools")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in ToolKind]), name="tool_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["case", "kind"])]

    def __str__(self) -> str:
        return self.title


class ToolVersion(models.Model):
    """One saved state of a tool: its fields, the meeting it was made in, who saved it and when."""

    document = models.ForeignKey(ToolDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("content"), default=dict)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tool_versions",
        verbose_name=_("meeting"),
    )
    sensitivity = models.PositiveSmallIntegerField(
        _("sensitivity"), choices=Sensitivity.choices, default=Sensitivity.STANDARD
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("saved by")
    )
    created_at = models.DateTimeField(_("saved"))

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("tool version")
        verbose_name_plural = _("tool versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="tool_version_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="tool_version_number_positive"),
            models.CheckConstraint(
                condition=models.Q(sensitivity__in=[s.value for s in Sensitivity]),
                name="tool_version_sensitivity_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} — v{self.number}"
