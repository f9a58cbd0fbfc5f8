"""Loading definitions: idempotent, never changing a loaded version, new versions beside old ones."""

from __future__ import annotations

import pytest

from zaedno.audit.models import AuditEvent
from zaedno.audit.services import AuditContext
from zaedno.protocols.models import ProtocolDefinition, ProtocolVersion
from zaedno.protocols.queries import protocol_current, shipped_files
from zaedno.protocols.services import ProtocolLoadError, protocol_load, protocol_sync
from zaedno.protocols.tests.samples import VALID, replace

CTX = AuditContext(user_agent="pytest")


@pytest.mark.django_db
def test_load_stores_the_version_and_audits_it():
    result = protocol_load(ctx=CTX, text=VALID, source_name="sample.yaml")
    assert result.created
    v = result.version
    assert (v.definition.code, v.version, v.source, v.source_name) == ("sample", 1, VALID, "sample.yaml")
    assert v.body["stages"][0]["steps"][0]["deadline"] == {"hours": 24}
    assert len(v.sha256) == 64
    assert v.definition.title_en == "Sample"
    event = AuditEvent.objects.get(action="protocol.load")
    assert event.details["code"] == "sample" and event.details["version"] == 1


@pytest.mark.django_db
def test_loading_again_is_idempotent():
    first = protocol_load(ctx=CTX, text=VALID).version
    again = protocol_load(ctx=CTX, text=VALID)
    assert not again.created and again.version.pk == first.pk
    # The same definition reformatted (comments, spacing) is the same version too.
    again = protocol_load(ctx=CTX, text="# comment\n" + VALID)
    assert not again.created
    assert ProtocolVersion.objects.count() == 1
    assert AuditEvent.objects.filter(action="protocol.load").count() == 1


@pytest.mark.django_db
def test_changed_content_under_the_same_version_is_refused():
    protocol_load(ctx=CTX, text=VALID)
    changed = replace("deadline: {hours: 24}", "deadline: {hours: 48}")
    with pytest.raises(ProtocolLoadError) as exc:
        protocol_load(ctx=CTX, text=changed, source_name="sample.yaml")
    (message,) = exc.value.errors
    assert message.startswith("sample.yaml: version: sample v1 is already loaded with different content")
    assert message.endswith("raise `version` to 2 to load this one")
    assert ProtocolVersion.objects.get().body["stages"][0]["steps"][0]["deadline"] == {"hours": 24}


@pytest.mark.django_db
def test_a_new_version_loads_beside_the_old_one():
    old = protocol_load(ctx=CTX, text=VALID).version
    text = replace("version: 1\n", "version: 2\n", replace("deadline: {hours: 24}", "deadline: {hours: 48}"))
    text = text.replace("en: Sample}", "en: 'Sample, adapted'}")
    new = protocol_load(ctx=CTX, text=text).version
    assert [v.version for v in ProtocolVersion.objects.filter(definition__code="sample")] == [1, 2]
    assert protocol_current("sample").pk == new.pk
    old.refresh_from_db()
    assert old.body["stages"][0]["steps"][0]["deadline"] == {"hours": 24}
    assert ProtocolDefinition.objects.get().title_en == "Sample, adapted"
    assert protocol_current("nothing") is None


@pytest.mark.django_db
def test_an_invalid_definition_is_not_stored():
    with pytest.raises(ProtocolLoadError) as exc:
        protocol_load(ctx=CTX, text=replace("owner: ozd", "owner: nobody"), source_name="bad.yaml")
    assert exc.value.errors[0].startswith("bad.yaml:13: stages[0].steps[0].owner: 'nobody' is not one of")
    assert not ProtocolDefinition.objects.exists()


@pytest.mark.django_db
def test_sync_loads_the_shipped_files_once():
    result = protocol_sync(ctx=CTX)
    assert result.errors == []
    assert sorted(v.definition.code for v in result.loaded) == [p.stem for p in shipped_files()]
    assert all(v.shipped for v in result.loaded)
    again = protocol_sync(ctx=CTX)
    assert (again.loaded, again.errors, len(again.unchanged)) == ([], [], 3)
    assert protocol_current("coordination_mechanism").body["applies_when"] == {
        "signal_category": ["violence"]
    }


@pytest.mark.django_db
def test_sync_reports_a_broken_file_and_loads_the_others(tmp_path):
    good, bad = tmp_path / "a.yaml", tmp_path / "b.yaml"
    good.write_text(VALID, encoding="utf-8")
    bad.write_text(replace("deadline: {days: 20}", "deadline: {dayz: 20}"), encoding="utf-8")
    result = protocol_sync(ctx=CTX, files=[good, bad])
    assert [v.definition.code for v in result.loaded] == ["sample"]
    assert result.errors == [
        "b.yaml:30: stages[1].steps[0].deadline.dayz: 'dayz' is not one of hours, days, working_days"
    ]
