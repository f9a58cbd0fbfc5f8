"""Bulgarian personal identifiers: ЕГН (citizens) and ЛНЧ (foreigners), via python-stdnum.

Beyond the check digit, an ЕГН encodes the birth date and sex (ninth digit even: male, odd:
female); a child's record must agree with both, and a birth date in the future is refused.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.bg import egn as stdnum_egn
from stdnum.bg import pnf as stdnum_pnf
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


def clean_egn(value: str) -> str:
    """Return the compact ЕГН or raise ValidationError saying in plain words what is wrong."""
    try:
        number = stdnum_egn.compact(value)
        stdnum_egn.validate(number)
    except InvalidLength as exc:
        raise ValidationError(_("An ЕГН has exactly 10 digits."), code="egn_length") from exc
    except InvalidFormat as exc:
        raise ValidationError(_("An ЕГН contains only digits."), code="egn_format") from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("This ЕГН is not valid: its check digit does not match. Check it for a typo."),
            code="egn_checksum",
        ) from exc
    except InvalidComponent as exc:
        raise ValidationError(_("This ЕГН encodes a date that does not exist."), code="egn_date") from exc
    if egn_birth_date(number) > timezone.localdate():
        raise ValidationError(_("This ЕГН encodes a birth date in the future."), code="egn_future")
    return number


def egn_birth_date(number: str) -> dt.date:
    return stdnum_egn.get_birth_date(number)


def egn_sex(number: str) -> str:
    """``"m"`` or ``"f"`` from the ninth digit of an ЕГН."""
    return "m" if int(number[8]) % 2 == 0 else "f"


def clean_lnch(value: str) -> str:
    """Return the compact ЛНЧ (личен номер на чужденец) or raise ValidationError."""
    try:
        number = stdnum_pnf.compact(value)
        stdnum_pnf.validate(number)
    except InvalidLength as exc:
        raise ValidationError(_("An ЛНЧ has exactly 10 digits."), code="lnch_length") from exc
    except InvalidFormat as exc:
        raise ValidationError(_("An ЛНЧ contains only digits."), code="lnch_format") from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("This ЛНЧ is not valid: its check digit does not match. Check it for a typo."),
            code="lnch_checksum",
        ) from exc
    return number


def make_egn(birth_date: dt.date, sex: str, serial: int) -> str:
    """Build a valid ЕГН (for synthetic data only): date, region/serial digits, check digit."""
    year = birth_date.year
    month = birth_date.month + (40 if year >= 2000 else 20 if year < 1900 else 0)
    serial = serial % 500 * 2 + (0 if sex == "m" else 1)  # ninth digit parity = sex
    base = f"{year % 100:02d}{month:02d}{birth_date.day:02d}{serial:03d}"
    return base + stdnum_egn.calc_check_digit(base)


def mask_identifier(value: str | None) -> str:
    """ЕГН/ЛНЧ with all but the last four digits hidden (``******1234``).

    The first six digits of an ЕГН are the birth date; the last four alone do not identify a
    child, but let a professional check they have the right one.
    """
    if not value:
        return ""
    return "*" * max(len(value) - 4, 0) + value[-4:]
