"""Likely duplicates: Cyrillic/Latin spellings and typos found, weak vs strong, unrelated children
not matched, and nothing about a case told to a professional outside it."""

from __future__ import annotations

import datetime as dt

import pytest

from zaedno.audit.models import AuditEvent
from zaedno.cases.models import CaseStatus
from zaedno.children.duplicates import (
    EXACT,
    ONE_DIGIT,
    SIMILAR,
    SPELLING,
    STRONG,
    SWAPPED,
    WEAK,
    DuplicateQuery,
    date_variants,
    find_duplicates,
    name_match,
)
from zaedno.children.identifiers import make_egn
from zaedno.children.models import DuplicateCheck
from zaedno.children.services import child_register, clean_duplicate_query, duplicate_check
from zaedno.core.testing import ctx_for, open_case

pytestmark = pytest.mark.django_db

BIRTH = dt.date(2012, 3, 15)  # Георги Иванов Стефанов of build_world()


def q(first="Георги", last="Стефанов", birth=BIRTH, **kw):
    return DuplicateQuery(first_name=first, last_name=last, birth_date=birth, **kw)


def found(world, query):
    return {m.child_id: m for m in find_duplicates(query)}


@pytest.mark.parametrize(
    "typed, how",
    [
        ("Стефанов", EXACT),
        ("стефанов", EXACT),
        ("Stefanov", SPELLING),
        ("STEFANOV", SPELLING),
        ("Стефанв", SIMILAR),  # a letter missing
        ("Стефамов", SIMILAR),  # a letter wrong
        ("Стеафнов", SIMILAR),  # two letters swapped
        ("Stefanow", SPELLING),
        ("Stefanof", SIMILAR),
        ("Петров", None),
    ],
)
def test_name_match(typed, how):
    assert name_match(typed, "Стефанов") == how


def test_name_match_latin_conventions():
    assert name_match("Mariya", "Мария") == SPELLING
    assert name_match("Maria", "Мария") == SPELLING
    assert name_match("Jordan", "Йордан") == SPELLING
    assert name_match("Hristo", "Христо") == SPELLING
    assert name_match("Ivo", "Иван") is None  # short names need to be close
    assert name_match("Ana", "Яна") is None


def test_date_variants():
    variants = date_variants(dt.date(2012, 3, 5), today=dt.date(2026, 1, 1))
    assert variants[dt.date(2012, 5, 3)] == SWAPPED
    assert variants[dt.date(2012, 3, 6)] == ONE_DIGIT
    assert variants[dt.date(2013, 3, 5)] == ONE_DIGIT
    assert variants[dt.date(2012, 8, 5)] == ONE_DIGIT
    assert dt.date(2012, 3, 5) not in variants
    assert all(d <= dt.date(2026, 1, 1) for d in variants)
    assert len(variants) < 60


@pytest.mark.parametrize(
    "query, strength, fields",
    [
        (q(), STRONG, {"first_name": EXACT, "last_name": EXACT, "birth_date": EXACT}),
        (q("Georgi", "Stefanov"), STRONG, {"first_name": SPELLING, "last_name": SPELLING}),
        (q("Georgi", "Stefanov", middle_name="Ivanov"), STRONG, {"middle_name": SPELLING}),
        (q("Гоерги", "Стефанов"), STRONG, {"first_name": SIMILAR}),
        (q("Георги", "Стефнаов"), STRONG, {"last_name": SIMILAR}),
        (q("Georgy", "Stefanoff"), STRONG, {"last_name": SIMILAR}),
        (q(birth=dt.date(2012, 3, 16)), WEAK, {"birth_date": ONE_DIGIT}),
        (q("Georgi", "Stefanov", birth=dt.date(2012, 3, 25)), WEAK, {"birth_date": ONE_DIGIT}),
        (q(birth=dt.date(2012, 3, 15).replace(month=3)), STRONG, {}),
    ],
)
def test_found_across_alphabets_and_typos(world, query, strength, fields):
    match = found(world, query)[world.child.pk]
    assert match.strength == strength
    assert fields.items() <= match.fields.items()


def test_day_month_swap_is_a_weak_match(world):
    child = child_register(
        ctx=ctx_for(world.ivanova),
        first_name="Мария",
        last_name="Петкова",
        birth_date=dt.date(2014, 5, 7),
        sex="f",
    )
    match = found(world, q("Mariya", "Petkova", birth=dt.date(2014, 7, 5)))[child.pk]
    assert match.strength == WEAK and match.fields["birth_date"] == SWAPPED


def test_egn_exact_is_strong_even_with_another_name(world):
    match = found(world, DuplicateQuery(egn=world.child.egn))[world.child.pk]
    assert match.strength == STRONG and match.fields == {"egn": EXACT}
    match = found(world, q("Гошо", "Стефанов", egn=world.child.egn))[world.child.pk]
    assert match.fields["egn"] == EXACT and match.fields["last_name"] == EXACT


def test_unrelated_children_not_matched(world):
    ctx = ctx_for(world.ivanova)
    twin = child_register(
        ctx=ctx, first_name="Иван", middle_name="Иванов", last_name="Стефанов", birth_date=BIRTH, sex="m"
    )
    other = child_register(ctx=ctx, first_name="Георги", last_name="Петров", birth_date=BIRTH, sex="m")
    later = child_register(
        ctx=ctx, first_name="Георги", last_name="Стефанов", birth_date=dt.date(2015, 9, 1), sex="m"
    )
    matches = found(world, q())
    assert world.child.pk in matches
    assert twin.pk not in matches  # the twin: same surname and birth date, another first name
    assert other.pk not in matches
    assert later.pk not in matches  # same name, unrelated birth date
    # The same name and birth date but another ЕГН is another child.
    other_egn = make_egn(BIRTH, "m", 311)
    assert world.child.pk not in found(world, q(egn=other_egn))
    assert found(world, q("Петър", "Иванов")) == {}


def test_merged_away_records_are_not_offered(world):
    from zaedno.children.models import Child

    dup = child_register(
        ctx=ctx_for(world.koleva), first_name="Georgi", last_name="Stefanov", birth_date=BIRTH, sex="m"
    )
    Child.objects.filter(pk=dup.pk).update(merged_into=world.child)
    assert dup.pk not in found(world, q())


def test_query_needs_an_identifier_or_name_and_date():
    with pytest.raises(Exception, match="ЕГН"):
        clean_duplicate_query(first_name="Георги")
    with pytest.raises(Exception, match="10"):
        clean_duplicate_query(egn="123")


# --- what an outsider is told ---------------------------------------------------------------

SECRETS = ["ТАЙНО", "насилие", "violence", "ул. ", "Петров", "Иванова", "Класен"]


def _outsider_check(world, who):
    return duplicate_check(ctx=ctx_for(getattr(world, who)), query=q("Georgi", "Stefanov"))


@pytest.mark.parametrize("who", ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"])
def test_outsider_learns_only_that_a_record_exists_and_whom_to_ask(world, who):
    hints = _outsider_check(world, who)
    assert len(hints) == 1
    hint = hints[0]
    assert hint.child_id == world.child.pk and hint.strength == STRONG
    assert hint.has_open_case and hint.can_request_join
    assert not hint.visible and hint.name == "" and hint.url == "" and hint.cases == []
    assert [c.name for c in hint.contacts] == [world.ozd.name]
    dumped = repr(hint)
    for secret in [world.case.number, *SECRETS, world.child.egn, "Георги", "Иванов"]:
        assert secret not in dumped
    # The fields that matched, never their stored values.
    assert set(hint.fields) == {"first_name", "last_name", "birth_date"}


def test_second_open_case_shows_its_lead_organisation_once_and_no_count(world):
    open_case(world, world.child, lead=world.stoyanov, org=world.cop)
    open_case(world, world.child)
    hint = _outsider_check(world, "koleva")[0]
    assert [c.name for c in hint.contacts] == [world.ozd.name, world.cop.name]
    assert "3" not in repr(hint.contacts)


def test_without_an_open_case_the_registering_organisation_is_whom_to_ask(world):
    world.case.status = CaseStatus.CLOSED
    world.case.closed_at = world.case.opened_at
    world.case.save(update_fields=["status", "closed_at"])
    hint = _outsider_check(world, "koleva")[0]
    assert not hint.has_open_case and not hint.can_request_join
    assert [c.name for c in hint.contacts] == [world.ozd.name]


def test_team_member_gets_the_normal_links(world):
    hint = duplicate_check(ctx=ctx_for(world.petrov), query=q())[0]
    assert hint.visible and hint.name == "Георги Иванов Стефанов"
    assert hint.url.endswith(f"/children/{world.child.pk}/")
    assert [c["number"] for c in hint.cases] == [world.case.number]
    assert not hint.can_request_join


def test_each_check_is_audited_with_what_was_typed_hashed(world):
    duplicate_check(ctx=ctx_for(world.koleva), query=q("Georgi", "Stefanov", egn=world.child.egn))
    event = AuditEvent.objects.filter(action="child.duplicate_check").latest("seq")
    assert event.actor_id == world.koleva.pk
    assert event.details["matches"] == 1 and event.details["child_ids"] == [world.child.pk]
    assert set(event.details["typed"]) == {"first_name", "last_name", "birth_date", "egn"}
    assert len(event.details["digest"]) == 64
    stored = str(event.details) + str(list(DuplicateCheck.objects.values()))
    assert world.child.egn not in stored and "Georgi" not in stored and "Stefanov" not in stored
    assert DuplicateCheck.objects.get(user=world.koleva).matches == [world.child.pk]
