"""Domain errors raised by services and shown to users in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext, gettext_lazy


class DomainError(ValidationError):
    """A rule of the domain refused the change; the message says what to do instead."""


@dataclass
class FieldChange:
    field: str
    label: str
    yours: object
    theirs: object


# "<record> was changed by someone else" is one sentence per kind of record, not a label glued to
# an English sentence: in Bulgarian the verb agrees with the noun ("Случаят е променен",
# "Срещата е променена", "Решението е променено"), so only a whole sentence can be translated.
CONFLICT_MESSAGES = {
    "case": gettext_lazy("The case was changed by someone else (now version %(version)s)."),
    "child": gettext_lazy("The child's record was changed by someone else (now version %(version)s)."),
    "plan": gettext_lazy("The plan was changed by someone else (now version %(version)s)."),
    "action": gettext_lazy("The plan action was changed by someone else (now version %(version)s)."),
    "check-in": gettext_lazy("The follow-up check-in was changed by someone else (now version %(version)s)."),
    "meeting": gettext_lazy("The meeting was changed by someone else (now version %(version)s)."),
    "minutes": gettext_lazy("The minutes were changed by someone else (now version %(version)s)."),
    "decision": gettext_lazy("The decision was changed by someone else (now version %(version)s)."),
    "contribution": gettext_lazy("The contribution was changed by someone else (now version %(version)s)."),
    "assessment": gettext_lazy("The assessment was changed by someone else (now version %(version)s)."),
    "entry": gettext_lazy("The entry was changed by someone else (now version %(version)s)."),
    "step": gettext_lazy("The step was changed by someone else (now version %(version)s)."),
    "tool": gettext_lazy("The tool “%(title)s” was changed by someone else (now version %(version)s)."),
    "family-sheet": gettext_lazy(
        "The family information sheet was changed by someone else (now version %(version)s)."
    ),
}
ANY_RECORD = gettext_lazy("This record was changed by someone else (now version %(version)s).")


@dataclass
class ConflictError(Exception):
    """Someone else saved the record after you opened it: your save was refused, nothing lost.

    ``record`` names the kind of record (a key of ``CONFLICT_MESSAGES``); ``changes`` lists the
    fields whose current value differs from what you submitted, so the user can see what the
    other person changed and decide. ``model_label`` is accepted from older callers and not used
    in the message (a label alone cannot make a Bulgarian sentence).
    """

    record: str = ""
    current_version: int = 0
    changes: list[FieldChange] = field(default_factory=list)
    title: str = ""
    model_label: str = ""

    @property
    def changed(self) -> str:
        """ "The case was changed by someone else (now version 2).", in the active language."""
        message = CONFLICT_MESSAGES.get(self.record, ANY_RECORD)
        return str(message) % {"version": self.current_version, "title": self.title}

    def __str__(self) -> str:
        not_saved = gettext("Your changes were not saved.")
        return f"{self.changed} {not_saved}"


def require(condition: bool, message: str) -> None:
    """Refuse an action the user may not take on a record they can see (403, said in plain words).

    Not for reading: a case the user may not see answers 404 through the access layer."""
    if not condition:
        raise PermissionDenied(message)
