"""Meeting and decision pages. Views are thin: every case is read through
``access.case_for_user`` and ``queries`` (which audit the read and answer 404 to outsiders);
every change goes through ``services``.
"""

from zaedno.meetings.views.decisions import decision_detail, decision_due_change, decision_edit, decision_list
from zaedno.meetings.views.documents import meeting_ics, minutes_pdf, minutes_print
from zaedno.meetings.views.meetings import (
    addendum_add,
    decision_add,
    decision_review,
    meeting_attendance,
    meeting_cancel,
    meeting_confirm,
    meeting_confirm_oral,
    meeting_detail,
    meeting_hold,
    meeting_invite,
    meeting_list,
    meeting_minutes,
    meeting_reschedule,
    meeting_schedule,
)

__all__ = [
    "addendum_add",
    "decision_add",
    "decision_detail",
    "decision_due_change",
    "decision_edit",
    "decision_list",
    "decision_review",
    "meeting_attendance",
    "meeting_cancel",
    "meeting_confirm",
    "meeting_confirm_oral",
    "meeting_detail",
    "meeting_hold",
    "meeting_ics",
    "meeting_invite",
    "meeting_list",
    "meeting_minutes",
    "meeting_reschedule",
    "meeting_schedule",
    "minutes_pdf",
    "minutes_print",
]
