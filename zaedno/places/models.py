"""Places from the Unified Classifier of Administrative-Territorial Units (ЕКАТТЕ)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Oblast(models.Model):
    """An oblast (област), e.g. VTR — Велико Търново."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    ekatte = models.CharField(_("EKATTE of the centre"), max_length=5)
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(_("NUTS region"), max_length=4)

    class Meta:
        ordering = ["name"]
        verbose_name = _("oblast")
        verbose_name_plural = _("oblasts")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipality (община), e.g. VTR04 — Велико Търново."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    oblast = models.ForeignKey(Oblast, on_delete=models.PROTECT, related_name="municipalities")
    ekatte = models.CharField(_("EKATTE of the centre"), max_length=5)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Settlement(models.Model):
    """A city or village (населено място) identified by its EKATTE code."""

    ekatte = models.CharField(_("EKATTE"), max_length=5, primary_key=True)
    kind = models.CharField(_("kind"), max_length=8)  # "гр.", "с.", "ман."
    name = models.CharField(_("name"), max_length=100, db_index=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="settlements")

    class Meta:
        ordering = ["name"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"
