"""The columns of an import file of services: each field of the resource map's entry
(``zaedno.resources.services.SERVICE_FIELDS``) with its header in Bulgarian and in English.

A header is matched loosely (case, spaces, underscores, a trailing ``*`` or ``:`` do not matter),
and the resource map's own field labels in either language are accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import translation

from zaedno.resources.services import SERVICE_FIELDS


@dataclass(frozen=True)
class Column:
    """A column of the template: the form field it fills and its headers."""

    field: str
    bg: str
    en: str
    example: str
    aliases: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return SERVICE_FIELDS[self.field].required

    def header(self, language: str) -> str:
        return self.bg if language == "bg" else self.en


COLUMNS: tuple[Column, ...] = (
    Column("name", "Име", "name", "Център за обществена подкрепа „Надежда“", ("наименование", "название")),
    Column("type", "Вид", "type", "ЦОП", ("тип", "вид на услугата")),
    Column("sector", "Сектор", "sector", "social"),
    Column(
        "description",
        "Какво предлага",
        "description",
        "Консултации на деца и родители, работа с приемни семейства",
    ),
    Column("target_group", "Целева група", "target_group", "Деца в риск и техните семейства"),
    Column("age_min", "От възраст", "age_min", "0"),
    Column("age_max", "До възраст", "age_max", "18"),
    Column("capacity", "Капацитет", "capacity", "40"),
    Column("free_places", "Свободни места", "free_places", "5"),
    Column(
        "settlement",
        "Населено място (ЕКАТТЕ)",
        "settlement_ekatte",
        "10447",
        ("екатте", "населено място", "ekatte", "settlement"),
    ),  # fmt: skip
    Column("address", "Адрес", "address", "ул. „Никола Габровски“ 12"),
    Column("latitude", "Географска ширина", "latitude", "43.0812", ("ширина", "lat")),
    Column("longitude", "Географска дължина", "longitude", "25.6290", ("дължина", "lon", "lng")),
    Column("contact_person", "Лице за контакт", "contact_person", "Иванка Петрова"),
    Column("phone", "Телефон", "phone", "062 600 000"),
    Column("email", "Имейл", "email", "cop@example.org", ("e-mail", "ел. поща", "електронна поща", "email")),
    Column("website", "Уебсайт", "website", "https://example.org", ("сайт", "интернет страница")),
    Column("hours", "Работно време", "hours", "пон.–пет. 9:00–17:00"),
    Column(
        "eligibility",
        "Кой може да ползва и как",
        "eligibility",
        "С направление от ОЗД или по желание на родителя",
    ),
    Column("languages", "Езици", "languages", "български, ромски"),
    Column("cost", "Цена", "cost", ""),
    Column("is_free", "Безплатна", "is_free", "да"),
    Column("is_active", "Активна", "is_active", "да"),
)
BY_FIELD = {c.field: c for c in COLUMNS}


def normalise(header: str) -> str:
    """A header reduced to what matters: ``"Населено място (ЕКАТТЕ) *"`` → ``"населено място (екатте)"``."""
    text = header.replace("\ufeff", "").strip().casefold()
    text = re.sub(r"[\s_\-]+", " ", text)
    return text.rstrip("*: ").strip()


def _lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.field, column.bg, column.en, *column.aliases):
            lookup[normalise(name)] = column.field
    for language in ("en", "bg"):
        with translation.override(language):
            for field, spec in SERVICE_FIELDS.items():
                lookup.setdefault(normalise(str(spec.label)), field)
    return lookup


def match(header: str) -> str | None:
    """The field a header names, or None."""
    return _lookup().get(normalise(header))


def header_language(header: list[str]) -> str:
    """``bg`` when the header is written in Cyrillic, else ``en``."""
    return "bg" if any(re.search("[а-яА-Я]", title) for title in header) else "en"


def letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 27 → AB)."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out
