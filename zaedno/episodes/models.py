"""The child's service and school history (история на услугите и училищата): periods of the child
in a social service, a school or kindergarten, or a placement, and the moves between them.

The history belongs to the child (one record per child across agencies), not to a case: every
case of the child shows the same episodes. A move is counted because moving a child from service
to service or school to school traumatises them again and cuts them off from the people around
them; for a difficult case a move needs a recorded team decision or a written emergency reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zaedno.cases.models import Case
from zaedno.children.models import Child
from zaedno.organisations.models import Organisation
from zaedno.resources.models import Service


class EpisodeKind(models.TextChoices):
    SOCIAL_SERVICE = "social_service", _("social service")
    SCHOOL = "school", _("school")
    KINDERGARTEN = "kindergarten", _("kindergarten")
    PLACEMENT = "placement", _("placement (foster care, ЦНСТ, relatives)")
    HEALTH_RESIDENTIAL = "health_residential", _("health or residential care")
    OTHER = "other", _("other")


class Family(models.TextChoices):
    """Episodes of one family replace each other: leaving one and starting another is a move."""

    SERVICES = "services", _("services")
    SCHOOLS = "schools", _("schools and kindergartens")
    PLACEMENTS = "placements", _("placements")


# A school follows a kindergarten; a residential health or care home is where the child lives, so
# it is a placement; anything else the child attends counts with the services.
FAMILY_OF: dict[str, str] = {
    EpisodeKind.SOCIAL_SERVICE: Family.SERVICES,
    EpisodeKind.OTHER: Family.SERVICES,
    EpisodeKind.SCHOOL: Family.SCHOOLS,
    EpisodeKind.KINDERGARTEN: Family.SCHOOLS,
    EpisodeKind.PLACEMENT: Family.PLACEMENTS,
    EpisodeKind.HEALTH_RESIDENTIAL: Family.PLACEMENTS,
}


def kinds_of_family(family: str) -> list[str]:
    return [k for k, f in FAMILY_OF.items() if f == family]


class PlacementType(models.TextChoices):
    FOSTER_CARE = "foster_care", _("foster care")
    CNST = "cnst", _("family-type placement centre (ЦНСТ)")
    RELATIVES = "relatives", _("with relatives or close friends")
    OTHER = "other", _("other placement")


class EndReason(models.TextChoices):
    COMPLETED = "completed", _("completed")
    MOVED_HOME = "moved_home", _("moved home")
    MOVED_SERVICE = "moved_service", _("moved to another service or school")
    EXPELLED = "expelled", _("expelled or refused")
    FAMILY_DECISION = "family_decision", _("family decision")
    PLACEMENT_CHANGE = "placement_change", _("placement change")
    OTHER = "other", _("other")


class DecidedBy(models.TextChoices):
    """Who decided that the episode ends (or, for a move, the move)."""

    PROFESSIONAL = "professional", _("a professional")
    ORGANISATION = "organisation", _("an organisation")
    COURT = "court", _("the court")
    PARENTS = "parents", _("the parents")
    OTHER = "other", _("someone else")


class Episode(models.Model):
    """A period of the child in a service, a school or a placement (епизод)."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="episodes", verbose_name=_("child")
    )
    # The case through which it was recorded (who may correct it); the history is the child's.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=20, choices=EpisodeKind.choices)
    family = models.CharField(max_length=12, choices=Family.choices, editable=False)
    placement_type = models.CharField(
        _("type of placement"), max_length=12, choices=PlacementType.choices, blank=True
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("service on the map"),
    )  # fmt: skip
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("organisation"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=200, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    end_reason = models.CharField(_("reason ended"), max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.TextField(_("about the end"), blank=True)
    decided_by = models.CharField(_("who decided"), max_length=12, choices=DecidedBy.choices, blank=True)
    decided_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("professional who decided"),
    )  # fmt: skip
    decided_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("organisation that decided"),
    )  # fmt: skip
    decided_by_name = models.CharField(_("who decided (name)"), max_length=150, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in EpisodeKind]), name="episode_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(service__isnull=False) | models.Q(organisation__isnull=False) | ~models.Q(name=""),
                name="episode_where_named",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="episode_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True, end_reason="")
                | (models.Q(ended_on__isnull=False) & ~models.Q(end_reason="")),
                name="episode_end_has_reason",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["child", "family", "started_on"])]

    def __str__(self) -> str:
        end = f"{self.ended_on:%d.%m.%Y}" if self.ended_on else ""
        return f"{self.place} ({self.started_on:%d.%m.%Y}–{end})"

    @property
    def place(self) -> str:
        """Where the child was: the service on the map, the organisation, or the name given."""
        if self.name:
            return self.name
        if self.service_id:
            return self.service.name
        if self.organisation_id:
            return self.organisation.short_name or self.organisation.name
        return ""

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    @property
    def decider(self) -> str:
        if self.decided_by == DecidedBy.PROFESSIONAL and self.decided_by_user_id:
            return str(self.decided_by_user)
        if self.decided_by == DecidedBy.ORGANISATION and self.decided_by_organisation_id:
            return str(self.decided_by_organisation)
        label = self.get_decided_by_display() if self.decided_by else ""
        return (
            f"{label}: {self.decided_by_name}"
            if self.decided_by_name and label
            else (label or self.decided_by_name)
        )


class Move(models.Model):
    """A move of the child (смяна): one episode ended and another of the same family started."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="moves", verbose_name=_("child"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    from_episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="move_out")
    to_episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="move_in")
    family = models.CharField(max_length=12, choices=Family.choices)
    moved_on = models.DateField(_("moved on"))
    decision = models.ForeignKey(
        "meetings.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("team decision"),
    )  # fmt: skip
    emergency_reason = models.TextField(_("emergency reason"), blank=True)
    # Why the move goes ahead although an agreed goal of the plan says otherwise (e.g. "stays in
    # his school"): asked for whenever such a goal is found.
    plan_reason = models.TextField(_("why, against the plan"), blank=True)
    # Whether it was recorded in one form ("move to…") or found from the dates of two episodes.
    explicit = models.BooleanField(default=False)
    was_difficult = models.BooleanField(_("difficult case at the time"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-moved_on", "-id"]
        verbose_name = _("move")
        verbose_name_plural = _("moves")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_episode=models.F("to_episode")), name="move_between_two_episodes"
            ),
        ]
        indexes = [models.Index(fields=["child", "moved_on"])]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.from_episode_id} → {self.to_episode_id} ({self.moved_on:%d.%m.%Y})"


class PlannedMoveStatus(models.TextChoices):
    # A context of their own: in Bulgarian the words agree with "смяна" (feminine).
    PROPOSED = "proposed", pgettext_lazy("planned move", "proposed, not yet happened")
    CARRIED_OUT = "carried_out", pgettext_lazy("planned move", "carried out")
    WITHDRAWN = "withdrawn", pgettext_lazy("planned move", "withdrawn")


class PlannedMove(models.Model):
    """A move proposed before it happens (предложение за смяна), e.g. "the school proposes to move
    him on 05.12": it goes to the team, which decides about it; the history records the move only
    when it is confirmed on or after the date."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="planned_moves")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    from_episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="planned_moves", verbose_name=_("the child leaves")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EpisodeKind.choices)
    family = models.CharField(max_length=12, choices=Family.choices, editable=False)
    placement_type = models.CharField(
        _("type of placement"), max_length=12, choices=PlacementType.choices, blank=True
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("service on the map"),
    )  # fmt: skip
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("organisation"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=200, blank=True)
    planned_on = models.DateField(_("planned for"))
    proposed_by = models.CharField(_("proposed by"), max_length=200)
    note = models.TextField(_("about the proposal"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PlannedMoveStatus.choices, default=PlannedMoveStatus.PROPOSED
    )
    decision = models.ForeignKey(
        "meetings.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("team decision on the move"),
    )  # fmt: skip
    move = models.OneToOneField(
        Move, on_delete=models.PROTECT, null=True, blank=True, related_name="planned", verbose_name=_("move")
    )
    withdraw_reason = models.TextField(_("why it was withdrawn"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["planned_on", "id"]
        verbose_name = _("planned move")
        verbose_name_plural = _("planned moves")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False) | models.Q(organisation__isnull=False) | ~models.Q(name=""),
                name="planned_move_where_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="carried_out") | models.Q(move__isnull=False),
                name="planned_move_carried_out_has_move",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | ~models.Q(withdraw_reason=""),
                name="planned_move_withdrawn_has_reason",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["child", "status"])]

    def __str__(self) -> str:
        return f"{self.from_episode_id} → {self.place} ({self.planned_on:%d.%m.%Y})"

    @property
    def place(self) -> str:
        """Where the child would go: the name given, the service on the map, or the organisation."""
        if self.name:
            return self.name
        if self.service_id:
            return self.service.name
        if self.organisation_id:
            return self.organisation.short_name or self.organisation.name
        return ""

    @property
    def is_open(self) -> bool:
        return self.status == PlannedMoveStatus.PROPOSED
