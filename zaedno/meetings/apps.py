from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "zaedno.meetings"
    label = "meetings"
    verbose_name = _("Meetings and decisions")

    def ready(self) -> None:
        from zaedno.cases.models import TIMELINE_PARAM_CHOICES
        from zaedno.meetings.models import DecisionStatus, MeetingKind

        TIMELINE_PARAM_CHOICES.update(meeting_kind=MeetingKind, decision_status=DecisionStatus)
