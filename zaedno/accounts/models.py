"""Professionals who use Zaedno and their memberships in organisations."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from zaedno.organisations.models import Organisation


class Profession(models.TextChoices):
    """The profession of a professional (професия)."""

    SOCIAL_WORKER = "social_worker", _("Social worker")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    PEDAGOGUE = "pedagogue", _("Pedagogue")
    TEACHER = "teacher", _("Teacher")
    RESOURCE_TEACHER = "resource_teacher", _("Resource teacher")
    PRINCIPAL = "principal", _("School principal")
    DOCTOR = "doctor", _("Doctor")
    NURSE = "nurse", _("Nurse")
    POLICE_INSPECTOR = "police_inspector", _("Police inspector")
    COORDINATOR = "coordinator", _("Child-protection coordinator")
    SPEECH_THERAPIST = "speech_therapist", _("Speech therapist")
    LAWYER = "lawyer", _("Lawyer")
    MANAGER = "manager", _("Manager")
    OTHER = "other", _("Other")
    IT = "it", _("IT administrator")


class User(AbstractUser):
    """A professional with a login; belongs to one or more organisations."""

    profession = models.CharField(
        _("profession"), max_length=30, choices=Profession.choices, default=Profession.OTHER
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    """Role of a user within an organisation."""

    PRACTITIONER = "practitioner", _("Practitioner")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(models.Model):
    """A user's membership of an organisation, with a role (practitioner, manager, administrator)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    is_active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateField(_("since"), auto_now_add=True)
    # On intake duty (дежурство) in a Child Protection Department: notified of new signals and
    # may assign them (see docs/signals.md).
    on_duty = models.BooleanField(_("on intake duty"), default=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_org")
        ]
        indexes = [models.Index(fields=["organisation", "role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class Absence(models.Model):
    """A professional away from work (отсъствие): leave, sick leave, training.

    While a case lead is away, the deputy lead of each of their cases receives the lead's
    deadline notices (docs/signals.md, "Case lead").
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["user", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.starts_on:%d.%m.%Y} – {self.ends_on:%d.%m.%Y}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 is stored, the raw token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)

    @staticmethod
    def generate() -> str:
        return "zt_" + secrets.token_urlsafe(32)
