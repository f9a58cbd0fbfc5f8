"""Saving tools: the first version, new versions on top of the latest, stale saves refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zaedno.audit.models import AuditEvent
from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity, TimelineEntry
from zaedno.core.errors import ConflictError
from zaedno.core.testing import ctx_for, open_case
from zaedno.tools import kinds, services
from zaedno.tools.models import ToolDocument, ToolVersion
from zaedno.tools.tests.conftest import make_meeting, make_tool
from zaedno.tools.tests.samples import SAMPLES

pytestmark = pytest.mark.django_db


def add_version(world, document, expected, data, *, user=None, **kw):
    user = user or world.ivanova
    return services.tool_version_add(
        ctx=ctx_for(user), access=access_for(user, world.case), document=document,
        expected_version=expected, data=data, **kw,
    )  # fmt: skip


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_each_tool_is_saved_and_versioned(world, kind):
    v1 = make_tool(world, kind)
    doc = v1.document
    assert (doc.version, v1.number, doc.case_id) == (1, 1, world.case.pk)
    assert doc.title == str(kinds.kind_for(kind).label)
    changed = {**v1.data}
    rows = kinds.kind_for(kind).rows
    if rows:
        changed[rows[0].name] = v1.data[rows[0].name][:1]
    else:
        key = next(k for k in kinds.kind_for(kind).form.base_fields if v1.data.get(k))
        changed[key] = v1.data[key] + " (променено)"
    v2 = add_version(world, doc, 1, changed)
    doc.refresh_from_db()
    assert (doc.version, v2.number) == (2, 2)
    # Version 1 is kept as it was.
    assert ToolVersion.objects.get(document=doc, number=1).data == v1.data
    assert v2.data != v1.data
    # A save on top of version 1 is now stale: refused, nothing written.
    with pytest.raises(ConflictError) as exc:
        add_version(world, doc, 1, SAMPLES[kind])
    assert exc.value.current_version == 2
    assert exc.value.changes
    assert ToolVersion.objects.filter(document=doc).count() == 2
    assert TimelineEntry.objects.filter(case=world.case, message__startswith="Tool").count() == 2
    assert AuditEvent.objects.filter(action="tool.create", object_id=str(doc.pk)).count() == 1
    assert AuditEvent.objects.filter(action="tool.version.create", object_id=str(doc.pk)).count() == 1


def test_data_is_stored_clean(world):
    v = make_tool(world, "network_map")
    assert v.data["people"][1] == {
        "name": "Баща", "group": "family", "closeness": "distant", "conflict": True, "note": "Не живее с тях",
    }  # fmt: skip
    v = make_tool(
        world, "safety_map", data={**SAMPLES["safety_map"], "ratings": [{"name": "А", "rating": "4"}]}
    )
    assert v.data["ratings"] == [{"name": "А", "role": "", "side": "", "rating": 4, "comment": ""}]


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("thinking_together", {"task": "", "case_statement": "x", "decision": "y"}, "task"),
        ("thinking_together", {"task": "a", "case_statement": "x", "decision": "y"}, "__all__"),
        ("disintegration_grid", {"rows": []}, "rows"),
        ("disintegration_grid", {"rows": [{"name": "", "problem": "нещо"}]}, "rows.0.name"),
        ("disintegration_grid", {"rows": [{"name": "А", "convergence": "maybe"}]}, "rows.0.convergence"),
        ("network_map", {"people": [{"name": "А", "group": "aliens"}]}, "people.0.group"),
        ("safety_map", {"harm": "x", "ratings": [{"name": "А", "rating": 11}]}, "ratings.0.rating"),
        ("safety_map", {"harm": "x", "colour": "blue"}, "colour"),
        ("safety_map", {"harm": "x", "ratings": "many"}, "ratings"),
        ("team_around_worker", {"keyworker": "А", "supporters": []}, "supporters"),
        ("safe_family", {}, "__all__"),
    ],
)
def test_invalid_data_is_refused_field_by_field(world, kind, data, field):
    with pytest.raises(ValidationError) as exc:
        make_tool(world, kind, data=data)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert not ToolDocument.objects.exists()


def test_meeting_must_be_of_the_same_case(world):
    other_case = open_case(world, world.child)
    meeting = make_meeting(world, other_case)
    with pytest.raises(ValidationError) as exc:
        make_tool(world, "thinking_together", meeting=meeting)
    assert "meeting" in exc.value.message_dict
    own = make_meeting(world)
    assert make_tool(world, "thinking_together", meeting=own).meeting == own


def test_nobody_saves_above_their_own_level(world):
    with pytest.raises(ValidationError) as exc:
        make_tool(world, "safety_map", user=world.petrov, sensitivity=Sensitivity.SENSITIVE)
    assert "sensitivity" in exc.value.message_dict


def test_a_member_below_the_latest_version_cannot_save_over_it(world):
    v1 = make_tool(world, "safety_map", sensitivity=Sensitivity.SENSITIVE)
    with pytest.raises(PermissionDenied):
        add_version(world, v1.document, 1, SAMPLES["safety_map"], user=world.petrov)


def test_a_stale_save_does_not_show_content_the_saver_may_not_read(world):
    v1 = make_tool(world, "safety_map", sensitivity=Sensitivity.STANDARD)
    add_version(world, v1.document, 1, SAMPLES["safety_map"], sensitivity=Sensitivity.STANDARD)
    with pytest.raises(ConflictError):
        add_version(world, v1.document, 1, SAMPLES["safety_map"], user=world.petrov)


def test_emergency_access_is_read_only(world):
    from zaedno.cases.access import CaseAccess, Via

    glass = CaseAccess(world.case, world.georgieva, Sensitivity.SENSITIVE, Via.BREAK_GLASS)
    with pytest.raises(PermissionDenied):
        services.tool_create(
            ctx=ctx_for(world.georgieva), access=glass, kind="safety_map", data=SAMPLES["safety_map"]
        )
