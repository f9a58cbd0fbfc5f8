"""The suite-wide watch for an ЕГН in the audit catches one planted there (issue 13, item 4)."""

from __future__ import annotations

import pytest

from zaedno.audit.pii import egns_in
from zaedno.audit.services import AuditContext, audit_record

VALID_EGN = "1943114314"


def test_a_valid_egn_is_found_anywhere_in_the_details():
    assert egns_in({"query": f"дете {VALID_EGN}"}) == [VALID_EGN]
    assert egns_in({"a": [{"b": VALID_EGN}]}) == [VALID_EGN]


def test_what_is_not_an_egn_is_not_reported():
    assert egns_in({"query": "1943114315"}) == []  # wrong check digit
    assert egns_in({"digest": f"ab{VALID_EGN}cd", "n": f"1{VALID_EGN}"}) == []  # inside a hash, longer number
    assert egns_in({"query": "[ЕГН/ЛНЧ]", "query_hmac": ["0" * 64]}) == []


@pytest.mark.django_db
def test_the_watch_catches_an_egn_written_into_the_audit(audit_identifier_watch):
    with audit_identifier_watch.planted() as caught:
        audit_record(ctx=AuditContext.system(), action="test.plant", details={"query": VALID_EGN})
        audit_record(ctx=AuditContext.system(), action="test.clean", details={"query": "Иван"})
    assert [(f.action, f.egns) for f in caught] == [("test.plant", [VALID_EGN])]
    assert caught[0].test.endswith("test_the_watch_catches_an_egn_written_into_the_audit")
