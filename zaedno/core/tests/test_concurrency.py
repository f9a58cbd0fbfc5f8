"""A stale save is refused with what changed; nothing is silently overwritten."""

import pytest

from zaedno.audit.models import AuditEvent
from zaedno.cases.access import access_for
from zaedno.cases.models import Case, CaseStatus
from zaedno.cases.services import case_change_status, case_update
from zaedno.children.models import Child
from zaedno.children.services import child_update
from zaedno.core.errors import ConflictError
from zaedno.core.testing import ctx_for

pytestmark = pytest.mark.django_db


def test_stale_child_edit_is_refused_with_the_changes(world):
    mine = Child.objects.get(pk=world.child.pk)
    theirs = Child.objects.get(pk=world.child.pk)
    child_update(
        ctx=ctx_for(world.ivanova), child=theirs, expected_version=theirs.version, address="ул. Раковски 5"
    )
    with pytest.raises(ConflictError) as exc:
        child_update(
            ctx=ctx_for(world.petrov), child=mine, expected_version=mine.version, address="ул. Васил Левски 1"
        )
    assert exc.value.current_version == 2
    [change] = exc.value.changes
    assert (change.field, change.yours, change.theirs) == ("address", "ул. Васил Левски 1", "ул. Раковски 5")
    assert Child.objects.get(pk=world.child.pk).address == "ул. Раковски 5"
    assert AuditEvent.objects.filter(action="child.update").count() == 1


def test_stale_case_edit_and_status_change_refused(world):
    lead = access_for(world.ivanova, world.case)
    manager = access_for(world.nikolova, world.case)
    case_update(ctx=ctx_for(world.ivanova), access=lead, expected_version=1, summary="Ново обобщение")
    with pytest.raises(ConflictError):
        case_update(ctx=ctx_for(world.nikolova), access=manager, expected_version=1, summary="Друго")
    with pytest.raises(ConflictError):
        case_change_status(
            ctx=ctx_for(world.nikolova),
            access=manager,
            status=CaseStatus.CLOSED,
            reason="Целите постигнати",
            expected_version=1,
        )
    case = Case.objects.get(pk=world.case.pk)
    assert (case.summary, case.status, case.version) == ("Ново обобщение", CaseStatus.OPEN, 2)
