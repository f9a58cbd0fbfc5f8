"""Personal identifiers where they must not be: finding a valid ЕГН in what the audit stores.

The audit is append-only (nothing in it can ever be erased), so an ЕГН typed into a search is
stored only as a keyed hash (``children.services.search_term_for_audit``). This finds any that
slipped through: the test suite runs it over every event it writes (``audit.testing``).
"""

from __future__ import annotations

import json
import re

from stdnum.bg import egn as stdnum_egn

# Ten digits standing alone: not part of a longer number or of a hex digest (an HMAC or hash).
TEN_DIGITS = re.compile(r"(?<![0-9A-Za-z])\d{10}(?![0-9A-Za-z])")


def egns_in(value) -> list[str]:
    """Every valid ЕГН (check digit and date) in ``value``: a string, or anything JSON holds."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return [m for m in TEN_DIGITS.findall(text) if stdnum_egn.is_valid(m)]
