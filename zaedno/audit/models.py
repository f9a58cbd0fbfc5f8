"""The audit trail: an append-only, hash-chained record of every read and write of case data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    READ = "read", _("read")
    WRITE = "write", _("write")
    ACCESS = "access", _("access decision")
    DENIED = "denied", _("access refused")
    SYSTEM = "system", _("system")


class Channel(models.TextChoices):
    WEB = "web", _("web")
    API = "api", _("API")
    CLI = "cli", _("command line")
    TASK = "task", _("background task")
    SYSTEM = "system", _("system")


class AuditEvent(models.Model):
    """One audited action (одит): who did what to which case, when, from where and why.

    ``seq`` is contiguous from 1 and ``hash`` commits to the event's content and to the hash of
    the previous event, so a modified, deleted or inserted row breaks the chain. References to
    users and cases are plain ids (no foreign keys), so nothing elsewhere can ever cascade into
    this table.
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=10, choices=AuditKind.choices)
    action = models.CharField(max_length=60)
    case_id = models.BigIntegerField(null=True, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["case_id", "kind", "at"], name="audit_case_kind_at")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_username or '-'}"

    @property
    def action_label(self) -> str:
        """What the person did, in words (``audit.labels``), for pages people read."""
        from zaedno.audit.labels import action_label

        return action_label(self.action)

    @property
    def denial_label(self) -> str:
        """Why an access was refused, in words (``audit.labels``)."""
        from zaedno.audit.labels import denial_label

        return denial_label(self.reason)


class AuditHead(models.Model):
    """The chain's head (one row): the last sequence number and hash, locked to append."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
