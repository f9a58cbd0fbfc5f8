"""ЕГН/ЛНЧ validation: check digit, impossible and future dates, agreement with the record."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from stdnum.bg import pnf

from zaedno.children.identifiers import clean_egn, clean_lnch, egn_birth_date, egn_sex, make_egn
from zaedno.children.models import Child
from zaedno.children.services import child_register, child_update
from zaedno.core.testing import ctx_for

VALID_EGN = make_egn(dt.date(2012, 3, 15), "f", 42)  # a girl born 15.03.2012 (month + 40)


def codes(exc: ValidationError) -> set[str]:
    return {e.code for e in exc.error_list}


def test_valid_egn_and_what_it_encodes():
    assert clean_egn(VALID_EGN) == VALID_EGN
    assert VALID_EGN[2:4] == "43"
    assert egn_birth_date(VALID_EGN) == dt.date(2012, 3, 15)
    assert egn_sex(VALID_EGN) == "f"
    assert clean_egn(f" {VALID_EGN[:5]} {VALID_EGN[5:]} ") == VALID_EGN  # spaces are tolerated


def test_wrong_check_digit():
    wrong = VALID_EGN[:9] + str((int(VALID_EGN[9]) + 1) % 10)
    with pytest.raises(ValidationError) as exc:
        clean_egn(wrong)
    assert codes(exc.value) == {"egn_checksum"}


def test_impossible_date():
    from stdnum.bg.egn import calc_check_digit

    base = "124231123"  # 31 February 2012 (month 42 = February of a 2000s year)
    with pytest.raises(ValidationError) as exc:
        clean_egn(base + calc_check_digit(base))
    assert codes(exc.value) == {"egn_date"}


def test_future_date(settings):
    from stdnum.bg.egn import calc_check_digit

    future = dt.date.today() + dt.timedelta(days=400)
    base = f"{future.year % 100:02d}{future.month + 40:02d}{future.day:02d}123"
    with pytest.raises(ValidationError) as exc:
        clean_egn(base + calc_check_digit(base))
    assert codes(exc.value) == {"egn_future"}


@pytest.mark.parametrize(("value", "code"), [("12345", "egn_length"), ("12A4567890", "egn_format")])
def test_length_and_format(value, code):
    with pytest.raises(ValidationError) as exc:
        clean_egn(value)
    assert codes(exc.value) == {code}


def test_lnch():
    base = "711104292"
    valid = base + pnf.calc_check_digit(base)
    assert clean_lnch(valid) == valid
    with pytest.raises(ValidationError) as exc:
        clean_lnch(base + str((int(pnf.calc_check_digit(base)) + 1) % 10))
    assert codes(exc.value) == {"lnch_checksum"}


@pytest.mark.django_db
class TestRegistration:
    def register(self, w, **kw):
        data = dict(
            first_name="Ана", last_name="Маринова", birth_date=dt.date(2012, 3, 15), sex="f", egn=VALID_EGN
        )
        data.update(kw)
        return child_register(ctx=ctx_for(w.ivanova), **data)

    def test_egn_must_match_birth_date_and_sex(self, bare_world):
        with pytest.raises(ValidationError) as exc:
            self.register(bare_world, birth_date=dt.date(2012, 3, 16))
        assert "egn" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            self.register(bare_world, sex="m")
        assert "egn" in exc.value.message_dict
        assert not Child.objects.exists()

    def test_future_birth_date_refused(self, bare_world):
        with pytest.raises(ValidationError) as exc:
            self.register(bare_world, egn=None, birth_date=dt.date.today() + dt.timedelta(days=1))
        assert "birth_date" in exc.value.message_dict

    def test_child_without_identifier_and_duplicate_egn(self, bare_world):
        child = self.register(bare_world, egn=None)
        assert child.egn is None
        assert child.name_latin == "Ana Marinova"
        self.register(bare_world)
        with pytest.raises(ValidationError) as exc:
            self.register(bare_world, first_name="Друго")
        assert "egn" in exc.value.message_dict

    def test_update_revalidates_identity(self, bare_world):
        child = self.register(bare_world)
        with pytest.raises(ValidationError) as exc:
            child_update(ctx=ctx_for(bare_world.ivanova), child=child, expected_version=1, sex="m")
        assert "egn" in exc.value.message_dict
        child.refresh_from_db()
        assert child.sex == "f" and child.version == 1


@pytest.mark.django_db
def test_emergency_access_cannot_edit_the_child(world):
    from django.core.exceptions import PermissionDenied

    from zaedno.cases.services import break_glass_open

    break_glass_open(
        ctx=ctx_for(world.georgieva), case=world.case, reason="Детето е в участъка, търсим родителите."
    )
    with pytest.raises(PermissionDenied):
        child_update(
            ctx=ctx_for(world.georgieva), child=world.child, expected_version=1, address="друг адрес"
        )
    child_update(ctx=ctx_for(world.petrov), child=world.child, expected_version=1, address="ул. Оборище 3")
