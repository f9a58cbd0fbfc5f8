"""Domain errors raised by services and shown to users in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError


class DomainError(ValidationError):
    """A rule of the domain refused the change; the message says what to do instead."""


@dataclass
class FieldChange:
    field: str
    label: str
    yours: object
    theirs: object


@dataclass
class ConflictError(Exception):
    """Someone else saved the record after you opened it: your save was refused, nothing lost.

    ``changes`` lists the fields whose current value differs from what you submitted, so the
    user can see what the other person changed and decide.
    """

    model_label: str
    current_version: int
    changes: list[FieldChange] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.model_label} was changed by someone else (now version {self.current_version}); "
            "your changes were not saved"
        )


def require(condition: bool, message: str) -> None:
    """Refuse an action the user may not take on a record they can see (403, said in plain words).

    Not for reading: a case the user may not see answers 404 through the access layer."""
    if not condition:
        raise PermissionDenied(message)
