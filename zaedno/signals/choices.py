"""The words of a signal (сигнал), kept apart from the models so that apps below ``signals``
(cases, protocols) can name them without importing the signal records."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalCategory(models.TextChoices):
    """What a signal is about."""

    VIOLENCE = "violence", _("violence")
    NEGLECT = "neglect", _("neglect")
    DISABILITY = "disability", _("disability")
    ANTISOCIAL = "antisocial", _("antisocial behaviour")
    DROPOUT = "dropout", _("school dropout")
    PARENTAL_CONFLICT = "parental_conflict", _("parental conflict")
    MINOR_PREGNANCY = "minor_pregnancy", _("minor pregnancy")
    OTHER = "other", _("other")


class Urgency(models.TextChoices):
    """How soon the department must act on a signal (спешност)."""

    ROUTINE = "routine", _("routine")
    URGENT = "urgent", _("urgent")
    CRISIS = "crisis", _("crisis intervention needed")


class SignalKind(models.TextChoices):
    REPORT = "report", _("signal about a child at risk")
    # The municipal child commission (Комисия за детето) asks the ОЗД to convene an
    # intersectoral team for a child.
    COMMISSION_REQUEST = "commission_request", _("request of the child commission for an intersectoral team")


class ReporterKind(models.TextChoices):
    """Who reported: the reporter's identity is protected in every case (ЗЗД, чл. 7)."""

    PROFESSIONAL = "professional", _("a professional")
    CITIZEN = "citizen", _("a citizen")
    HELPLINE = "helpline", _("the national helpline 116 111")
    ANONYMOUS = "anonymous", _("anonymous")


class LearnedHow(models.TextChoices):
    """How the reporter learned of it."""

    CHILD_TOLD = "child_told", _("the child told")
    OBSERVED = "observed", _("seen or heard by the reporter")
    PARENT_TOLD = "parent_told", _("a parent or relative told")
    OTHER_PERSON = "other_person", _("another person told")
    OTHER = "other", _("other")


class SignalStatus(models.TextChoices):
    """Where a signal stands; the reporter sees the same words."""

    UNROUTED = "unrouted", _("not delivered: no department found")
    RECEIVED = "received", _("received")
    CHECKING = "checking", _("being checked")
    DECIDED = "decided", _("decided")


class Decision(models.TextChoices):
    OPEN_CASE = "open_case", _("case opened")
    ATTACH = "attach", _("attached to the child's open case")
    NO_CASE = "no_case", _("no case needed")


# Categories and urgencies as condition values for protocol definitions (``applies_when``).
URGENCY_VALUES = list(Urgency.values)
