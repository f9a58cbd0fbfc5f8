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


class CaseEvent(models.Model):
    """Something that happened on a case and may start a step's clock (see ``vocabulary.EVENTS``).

    Kept so that a protocol attached later (a social service starting) still knows when the
    earlier events happened.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="protocol_events")
    code = models.CharField(_("event"), max_length=40)
    at = models.DateTimeField(_("when"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.at:%d.%m.%Y %H:%M}"


class CaseArtefact(models.Model):
    """A record that completes protocol steps: a meeting held, an assessment, a plan agreed, …

    Meetings, assessments and plans (their own records) register one of these; until then a
    professional records it directly with a description of the evidence (e.g. "minutes of the
    meeting of 12.03, signed by the team, in the paper file").
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="artefacts")
    artefact = models.CharField(_("record"), max_length=40)
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    at = models.DateTimeField(_("done at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evidence = models.TextField(_("evidence"), blank=True)
    # The record behind it when there is one (e.g. object_type="meeting", object_id=12).
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case record")
        verbose_name_plural = _("case records")
        indexes = [models.Index(fields=["case", "artefact"])]

    def __str__(self) -> str:
        return f"{self.artefact}[{self.kind}]" if self.kind else self.artefact


class CaseProtocol(models.Model):
    """A case following one protocol, on the version current when it started (never moved)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="protocols")
    version = models.ForeignKey(ProtocolVersion, on_delete=models.PROTECT, related_name="cases")
    started_at = models.DateTimeField(_("started"))
    started_by_event = models.CharField(max_length=40)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("case protocol")
        verbose_name_plural = _("case protocols")
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="case_protocol_once")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.version}"


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("waiting to start")
    OPEN = "open", _("open")
    DONE = "done", _("done")
    NOT_APPLICABLE = "not_applicable", _("not applicable")
    ENDED = "ended", _("ended unfinished")


class Compliance(models.TextChoices):
    """Where a step stands against its deadline; derived from the step and the time."""

    WAITING = "waiting", _("waiting to start")
    ON_TRACK = "on_track", _("on track")
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")
    DONE_ON_TIME = "done_on_time", _("done on time")
    DONE_LATE = "done_late", _("done late")
    NOT_APPLICABLE = "not_applicable", _("not applicable")
    ENDED = "ended", _("ended")


class CaseStep(models.Model):
    """One step of a protocol on one case: its owner, its clock and how it was completed.

    ``remind_at``, ``due_at`` and ``escalate_at`` are computed when the clock starts, so the
    deadline scan is three indexed range queries; the ``*_sent_at`` columns make each reminder go
    out once, whoever runs the scan.
    """

    case_protocol = models.ForeignKey(CaseProtocol, on_delete=models.PROTECT, related_name="steps")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="steps")
    stage_code = models.CharField(max_length=60)
    step_code = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    occurrence = models.PositiveSmallIntegerField(default=1)
    owner_role = models.CharField(_("owner"), max_length=40)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="protocol_steps",
        verbose_name=_("responsible person"),
    )  # fmt: skip
    owner_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("responsible organisation"),
    )  # fmt: skip
    starts_on = models.CharField(max_length=80)
    completed_by = models.CharField(max_length=80)
    status = models.CharField(
        _("status"), max_length=16, choices=StepStatus.choices, default=StepStatus.WAITING
    )
    started_at = models.DateTimeField(_("clock started"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("done at"), null=True, blank=True)
    completed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    artefact = models.ForeignKey(
        CaseArtefact, on_delete=models.PROTECT, null=True, blank=True, related_name="steps"
    )
    not_applicable_reason = models.TextField(_("why not applicable"), blank=True)
    # Why the step was done before the step it waits for (the lead's or a manager's exception).
    # ``db_default``: the demo's seed writes steps with a column list of its own.
    exception_reason = models.TextField(_("reason for the exception"), blank=True, default="", db_default="")
    ended_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    due_notice_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["case_protocol_id", "position", "occurrence"]
        verbose_name = _("protocol step")
        verbose_name_plural = _("protocol steps")
        constraints = [
            models.UniqueConstraint(
                fields=["case_protocol", "step_code", "occurrence"], name="case_step_occurrence_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in StepStatus]), name="case_step_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="not_applicable") | ~models.Q(not_applicable_reason=""),
                name="case_step_na_needs_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(completed_at__isnull=False),
                name="case_step_done_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "status"]),
            models.Index(fields=["owner_user", "status", "due_at"]),
            # The deadline scan: steps by each threshold, only while that phase is still to do (a
            # step leaves the index when it is handled, so a scan reads what is pending, not every
            # overdue step already escalated). The condition has no status: SQLite only uses a
            # partial index when the query repeats its literals, and the scan's status is a parameter.
            models.Index(
                fields=["status", "remind_at", "id"],
                condition=models.Q(reminder_sent_at__isnull=True),
                name="case_step_remind",
            ),
            models.Index(
                fields=["status", "due_at", "id"],
                condition=models.Q(due_notice_sent_at__isnull=True),
                name="case_step_due",
            ),
            models.Index(
                fields=["status", "escalate_at", "id"],
                condition=models.Q(escalated_at__isnull=True),
                name="case_step_escalate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.step_code}#{self.occurrence}"

    def get_compliance_display(self) -> str:
        """The label of the state computed by the page (``self.state``), or of the state now."""
        state = getattr(self, "state", None) or self.compliance(timezone.now())
        return Compliance(state).label

    def compliance(self, now) -> str:
        return step_compliance(
            status=self.status, due_at=self.due_at, remind_at=self.remind_at,
            completed_at=self.completed_at, ended_at=self.ended_at, now=now,
        )  # fmt: skip


def step_compliance(*, status, due_at, remind_at, completed_at, ended_at, now) -> str:
    """The compliance state of a step at ``now`` (the SQL twin is ``compliance.compliance_case``)."""
    if status == StepStatus.NOT_APPLICABLE:
        return Compliance.NOT_APPLICABLE
    if status == StepStatus.DONE:
        return (
            Compliance.DONE_LATE if due_at is not None and completed_at > due_at else Compliance.DONE_ON_TIME
        )
    if status == StepStatus.ENDED:
        return Compliance.OVERDUE if due_at is not None and ended_at > due_at else Compliance.ENDED
    if status == StepStatus.WAITING or due_at is None:
        return Compliance.WAITING
    if now > due_at:
        return Compliance.OVERDUE
    if remind_at is not None and now >= remind_at:
        return Compliance.DUE_SOON
    return Compliance.ON_TRACK
