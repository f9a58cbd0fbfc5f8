"""The API's JSON parser: a body that is not JSON, or JSON nested too deeply, is a 400."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_DEPTH = 32


def _depth(data, limit: int) -> int:
    """How deeply ``data`` nests (a scalar is 0), walked without recursion; stops past ``limit``."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a depth limit: a thousand nested brackets made ``json`` recurse
    until Python gave up (a 500); no input of Zaedno nests more than a few levels."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(
                stream.read().decode(encoding), parse_constant=json.strict_constant if self.strict else None
            )
        except RecursionError:
            data = None
            too_deep = True
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(_("The body is not valid JSON: %(error)s") % {"error": exc}) from exc
        else:
            too_deep = _depth(data, MAX_DEPTH) > MAX_DEPTH
        if too_deep:
            raise ParseError(
                _("The JSON is nested too deeply: at most %(depth)d levels.") % {"depth": MAX_DEPTH}
            )
        return data
