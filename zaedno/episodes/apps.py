from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpisodesConfig(AppConfig):
    name = "zaedno.episodes"
    label = "episodes"
    verbose_name = _("Service and school history")

    def ready(self):
        from zaedno.cases.models import TIMELINE_PARAM_CHOICES
        from zaedno.episodes.models import EndReason, EpisodeKind

        # Timeline entries keep these as codes; each reader sees the label in their language.
        TIMELINE_PARAM_CHOICES.update(episode_kind=EpisodeKind, end_reason=EndReason)
