"""Protocol definitions (протоколи) as versioned data: each loaded version is kept unchanged."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProtocolDefinition(models.Model):
    """A protocol of the unified algorithm, e.g. the Coordination Mechanism (Координационен механизъм)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_bg = models.CharField(_("title (Bulgarian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)

    class Meta:
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProtocolVersion(models.Model):
    """One version of a protocol exactly as loaded; cases stay bound to the version they started on."""

    definition = models.ForeignKey(ProtocolDefinition, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    body = models.JSONField(_("definition"))
    source = models.TextField(_("source text"))
    source_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the source"), max_length=64)
    shipped = models.BooleanField(_("shipped with Zaedno"), default=False)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("protocol version")
        verbose_name_plural = _("protocol versions")
        ordering = ["definition__code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "version"], name="protocol_version_unique"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="protocol_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.code} v{self.version}"

    @property
    def stage_count(self) -> int:
        return len(self.body["stages"])

    @property
    def step_count(self) -> int:
        return sum(len(stage["steps"]) for stage in self.body["stages"])
