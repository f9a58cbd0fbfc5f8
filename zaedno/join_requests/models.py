"""Requests to join the team around a child (искане за включване в екипа)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zaedno.cases.models import Case, Sensitivity
from zaedno.children.models import Child
from zaedno.organisations.models import Organisation


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("awaiting an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class JoinRequest(models.Model):
    """A professional who found an existing record of a child asks its case lead to be taken
    into the team; until accepted they learn nothing about the case (not even its number).

    One request per open case of the child: each case lead answers for their own case.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="join_requests")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="join_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="join_requests"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    # The requester's own description of the child (what they typed), shown back to them instead
    # of the stored record, which they may not see.
    child_label = models.CharField(_("the child, as you know them"), max_length=200, blank=True)
    message = models.TextField(_("why you ask to join"))
    status = models.CharField(
        _("status"), max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    created_at = models.DateTimeField(_("sent"))
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    sharing_level = models.PositiveSmallIntegerField(
        _("sharing level"), choices=Sensitivity.choices, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request to join a case team")
        verbose_name_plural = _("requests to join a case team")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in JoinRequestStatus]),
                name="join_request_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="join_request_decline_has_reason",
            ),
            models.CheckConstraint(condition=~models.Q(message=""), name="join_request_message_required"),
            models.UniqueConstraint(
                fields=["case", "requester"],
                condition=models.Q(status="pending"),
                name="join_request_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["case", "status"]), models.Index(fields=["requester", "status"])]

    def __str__(self) -> str:
        return f"{self.requester} → {self.case_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == JoinRequestStatus.PENDING
