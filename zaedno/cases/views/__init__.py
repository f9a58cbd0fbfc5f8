"""Case pages. Views are thin: every case is read through ``access.case_for_user`` or ``queries``
(which start from the access layer and audit the read); every change goes through ``services``.
"""

from zaedno.cases.views.detail import case_detail, note_add
from zaedno.cases.views.lead import case_lead, deputy, lead_answer, lead_withdraw
from zaedno.cases.views.lists import case_export, case_list
from zaedno.cases.views.manage import (
    break_glass_review,
    case_edit,
    case_status,
    team_add,
    team_remove,
    team_search,
)
from zaedno.cases.views.opening import case_open, emergency

__all__ = [
    "break_glass_review",
    "case_detail",
    "case_edit",
    "case_export",
    "case_lead",
    "deputy",
    "lead_answer",
    "lead_withdraw",
    "case_list",
    "case_open",
    "case_status",
    "emergency",
    "note_add",
    "team_add",
    "team_remove",
    "team_search",
]
