"""The map of local resources (карта на ресурсите): every service and community resource a team
can turn to, kept current by the organisation that runs it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zaedno.organisations.models import Organisation, Sector
from zaedno.places.models import Settlement


class ServiceType(models.TextChoices):
    """What a resource is. Social services use the Social Services Act's kinds with the names
    practitioners use for them (ЦОП, ЦСРИ, ЦНСТ…)."""

    # Social services (Закон за социалните услуги)
    COP = "cop", _("Community Support Centre (ЦОП)")
    CSRI = "csri", _("Centre for Social Rehabilitation and Integration (ЦСРИ)")
    CNST = "cnst", _("Family-type placement centre (ЦНСТ)")
    CRISIS_CENTRE = "crisis_centre", _("Crisis centre")
    DAY_CENTRE = "day_centre", _("Day centre")
    FOSTER_CARE = "foster_care", _("Foster care")
    FAMILY_SUPPORT = "family_support", _("Family support and parenting programme")
    MOTHER_BABY = "mother_baby", _("Mother and baby unit")
    # Health
    GP = "gp", _("GP or paediatrician")
    HOSPITAL = "hospital", _("Hospital")
    MENTAL_HEALTH = "mental_health", _("Child mental health service")
    EARLY_INTERVENTION = "early_intervention", _("Early childhood intervention")
    # Education
    SCHOOL = "school", _("School")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    RESOURCE_CENTRE = "resource_centre", _("Centre for inclusive education support")
    PERSONAL_DEVELOPMENT = "personal_development", _("Centre for personal development (ЦПЛР)")
    # Police and justice
    DPS = "dps", _("Child Pedagogical Room (ДПС)")
    MKBPPMN = "mkbppmn", _("Local commission for juvenile delinquency (МКБППМН)")
    PROBATION = "probation", _("Probation service")
    LEGAL_AID = "legal_aid", _("Legal aid")
    # The community's own resources
    CLUB = "club", _("Sports or hobby club")
    MENTOR = "mentor", _("Mentoring programme")
    CHURCH = "church", _("Church or religious community")
    YOUTH_CENTRE = "youth_centre", _("Youth centre")
    CHITALISHTE = "chitalishte", _("Community cultural centre (читалище)")
    OTHER = "other", _("Other")


class Service(models.Model):
    """A service or community resource on the map (услуга или ресурс в общността)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    type = models.CharField(_("type"), max_length=24, choices=ServiceType.choices)
    description = models.TextField(_("what it offers"), blank=True)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    age_min = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    free_places = models.PositiveIntegerField(_("free places now"), null=True, blank=True)
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="services", verbose_name=_("settlement")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    eligibility = models.TextField(_("who can use it and how"), blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    cost = models.CharField(_("cost"), max_length=200, blank=True)
    is_free = models.BooleanField(_("free of charge"), default=True)
    # Kept current by its organisation: an entry not confirmed for a while is flagged to it.
    last_confirmed_on = models.DateField(_("last confirmed"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stale_notified_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    search_key = models.CharField(max_length=250, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sector__in=[s.value for s in Sector]), name="service_sector_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True) | models.Q(age_max__isnull=True)
                | models.Q(age_min__lte=models.F("age_max")),
                name="service_ages_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(free_places__isnull=True) | models.Q(capacity__isnull=True)
                | models.Q(free_places__lte=models.F("capacity")),
                name="service_free_within_capacity",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="service_coordinates_valid",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["sector", "type"]),
            models.Index(fields=["organisation", "is_active"]),
            models.Index(fields=["last_confirmed_on"]),
        ]

    def __str__(self) -> str:
        return self.name
