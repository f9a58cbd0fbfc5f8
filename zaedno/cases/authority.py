"""Who holds the case lead's authority — to name them to a member who cannot do something.

A team member who may not start the plan or change the team is not shown a missing button: the
page says who can ("Only the case lead or a manager of the lead organisation can … — Мария
Иванова, Надежда Николова"), so they know whom to ask. Naming them reveals nothing new: the
lead is on every case page, and the managers supervise the case.
"""

from __future__ import annotations

from zaedno.accounts.models import Membership, Role
from zaedno.cases.models import Case


def lead_authority(case: Case) -> list:
    """The case lead and the active managers of the lead organisation (users, lead first)."""
    people = [case.lead] if case.lead.is_active else []
    managers = (
        Membership.objects.filter(
            organisation_id=case.lead_organisation_id, role=Role.MANAGER, is_active=True, user__is_active=True
        )
        .exclude(user_id=case.lead_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    seen = {p.pk for p in people}
    for m in managers:
        if m.user_id not in seen:
            seen.add(m.user_id)
            people.append(m.user)
    return people


def names(people) -> str:
    return ", ".join(p.get_full_name() or p.username for p in people)


def lead_authority_names(case: Case) -> str:
    """ "Мария Иванова, Надежда Николова": the people of ``lead_authority``, for a sentence."""
    return names(lead_authority(case))
