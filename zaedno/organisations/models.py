"""Sectors and organisations around the child: the professionals' home institutions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zaedno.places.models import Municipality, Oblast


class Sector(models.TextChoices):
    """The sectors of multisector work (сектори)."""

    SOCIAL = "social", _("Social services")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    POLICE = "police", _("Police and justice")
    MUNICIPALITY = "municipality", _("Municipality")
    NGO = "ngo", _("Non-governmental organisation")
    COMMUNITY = "community", _("Community")


class OrganisationKind(models.TextChoices):
    """Kinds of organisation, each in one sector (see ``KIND_SECTOR``)."""

    OZD = "ozd", _("Child Protection Department (ОЗД/ДСП)")
    DAZD = "dazd", _("State Agency for Child Protection (ДАЗД)")
    SOCIAL_SERVICE = "social_service", _("Social service provider")
    COP = "cop", _("Community Support Centre (ЦОП)")
    CSRI = "csri", _("Centre for Social Rehabilitation and Integration (ЦСРИ)")
    CRISIS_CENTRE = "crisis_centre", _("Crisis centre")
    SCHOOL = "school", _("School")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    HOSPITAL = "hospital", _("Hospital")
    GP = "gp", _("General practitioner / paediatrician")
    DPS = "dps", _("Child Pedagogical Room (ДПС) at ОДМВР")
    POLICE = "police", _("Police")
    MKBPPMN = "mkbppmn", _("Local Commission for Combating Juvenile Delinquency (МКБППМН)")
    MUNICIPALITY = "municipality", _("Municipality")
    NGO = "ngo", _("Non-governmental organisation")
    COMMUNITY = "community", _("Community resource")


KIND_SECTOR: dict[str, str] = {
    OrganisationKind.OZD: Sector.SOCIAL,
    OrganisationKind.DAZD: Sector.SOCIAL,
    OrganisationKind.SOCIAL_SERVICE: Sector.SOCIAL,
    OrganisationKind.COP: Sector.SOCIAL,
    OrganisationKind.CSRI: Sector.SOCIAL,
    OrganisationKind.CRISIS_CENTRE: Sector.SOCIAL,
    OrganisationKind.SCHOOL: Sector.EDUCATION,
    OrganisationKind.KINDERGARTEN: Sector.EDUCATION,
    OrganisationKind.HOSPITAL: Sector.HEALTH,
    OrganisationKind.GP: Sector.HEALTH,
    OrganisationKind.DPS: Sector.POLICE,
    OrganisationKind.POLICE: Sector.POLICE,
    OrganisationKind.MKBPPMN: Sector.MUNICIPALITY,
    OrganisationKind.MUNICIPALITY: Sector.MUNICIPALITY,
    OrganisationKind.NGO: Sector.NGO,
    OrganisationKind.COMMUNITY: Sector.COMMUNITY,
}


class Organisation(models.Model):
    """An institution whose professionals take part in case work (e.g. ОЗД Велико Търново)."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, db_index=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("municipality")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "municipality"], name="organisation_unique_name_in_municipality"
            ),
            models.CheckConstraint(
                condition=models.Q(sector__in=[s.value for s in Sector]), name="organisation_sector_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class Institution(models.TextChoices):
    """The institutions a signal about a child is routed to (see ``Coverage``)."""

    OZD = "ozd", _("Child Protection Department (ОЗД)")
    POLICE = "police", _("Police")
    DAZD = "dazd", _("State Agency for Child Protection (ДАЗД)")


# The kinds of organisation that can act as each institution, in the order tried when no
# coverage row names one (see ``organisations.queries.covering``).
INSTITUTION_KINDS: dict[str, tuple[str, ...]] = {
    Institution.OZD: (OrganisationKind.OZD,),
    Institution.POLICE: (OrganisationKind.DPS, OrganisationKind.POLICE),
    Institution.DAZD: (OrganisationKind.DAZD,),
}


class Coverage(models.Model):
    """Which organisation receives signals as one institution for a place (обслужвана територия).

    A Social Assistance Directorate's ОЗД may cover several small municipalities; the ДПС of an
    ОДМВР covers its oblast; ДАЗД the whole country. A row names a municipality, an oblast, or
    neither (the whole country); the most specific row wins.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="coverage", verbose_name=_("organisation")
    )
    institution = models.CharField(_("as"), max_length=10, choices=Institution.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("municipality"),
    )  # fmt: skip
    oblast = models.ForeignKey(
        Oblast, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("oblast")
    )

    class Meta:
        verbose_name = _("coverage")
        verbose_name_plural = _("coverage")
        ordering = ["institution", "municipality_id", "oblast_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(institution__in=[i.value for i in Institution]), name="coverage_institution_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=True) | models.Q(oblast__isnull=True),
                name="coverage_one_scope",
            ),
            # One department receives the signals of a municipality: the queue must be one.
            models.UniqueConstraint(
                fields=["municipality"], condition=models.Q(institution="ozd", municipality__isnull=False),
                name="coverage_one_ozd_per_municipality",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["institution", "municipality"]),
            models.Index(fields=["institution", "oblast"]),
        ]

    def __str__(self) -> str:
        where = self.municipality or self.oblast or _("the whole country")
        return f"{self.organisation} — {self.get_institution_display()} — {where}"
