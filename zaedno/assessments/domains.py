"""The assessment framework's domains (рамка за оценка), shared by assessments, plans and profiles.

The three sides of the triangle used in Bulgarian child-protection assessment (after the UK
Framework for the Assessment of Children in Need, as taught to ОЗД social workers): the child's
developmental needs, the parents' capacity to respond to them, and family and environmental
factors. Codes are stable (stored in data); labels are translated.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    CHILD = "child", _("the child's developmental needs")
    PARENTING = "parenting", _("parenting capacity")
    FAMILY = "family", _("family and environmental factors")


class Domain(models.TextChoices):
    # The child's developmental needs (потребности от развитие на детето)
    HEALTH = "health", _("health")
    EDUCATION = "education", _("education and learning")
    EMOTIONAL = "emotional", _("emotional and behavioural development")
    IDENTITY = "identity", _("identity")
    RELATIONSHIPS = "relationships", _("family and social relationships")
    PRESENTATION = "presentation", _("social presentation")
    SELF_CARE = "self_care", _("self-care skills")
    # Parenting capacity (родителски капацитет)
    BASIC_CARE = "basic_care", _("basic care")
    SAFETY = "safety", _("ensuring safety")
    WARMTH = "warmth", _("emotional warmth")
    STIMULATION = "stimulation", _("stimulation")
    BOUNDARIES = "boundaries", _("guidance and boundaries")
    STABILITY = "stability", _("stability")
    # Family and environmental factors (семейни и средови фактори)
    FAMILY_HISTORY = "family_history", _("family history and functioning")
    WIDER_FAMILY = "wider_family", _("wider family")
    HOUSING = "housing", _("housing")
    EMPLOYMENT = "employment", _("employment")
    INCOME = "income", _("income")
    INTEGRATION = "integration", _("family's social integration")
    COMMUNITY = "community", _("community resources")


DOMAINS_BY_SIDE: dict[str, tuple[str, ...]] = {
    Side.CHILD: ("health", "education", "emotional", "identity", "relationships", "presentation", "self_care"),
    Side.PARENTING: ("basic_care", "safety", "warmth", "stimulation", "boundaries", "stability"),
    Side.FAMILY: (
        "family_history", "wider_family", "housing", "employment", "income", "integration", "community",
    ),
}  # fmt: skip
SIDE_OF: dict[str, str] = {d: side for side, ds in DOMAINS_BY_SIDE.items() for d in ds}
# A plan's long-term goals are for the child's whole development.
DEVELOPMENT_DOMAINS: tuple[str, ...] = DOMAINS_BY_SIDE[Side.CHILD]
