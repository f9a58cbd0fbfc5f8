"""Bulgarian → Latin transliteration and the search key used for names.

The official "streamlined system" of the Bulgarian Transliteration Act (Закон за
транслитерацията, 2009) is a fixed table set by statute, used in passports; it is what people
type when they write a Bulgarian name in Latin letters. Library transliterators use scholarly
variants (``ъ`` → ``ă``), so the statutory table is kept here (see docs/decisions.md).
"""

from __future__ import annotations

import re
import unicodedata

_TABLE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht",
    "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
    # Letters of other Cyrillic alphabets that appear in names of foreign children.
    "ё": "yo", "ы": "y", "э": "e", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}  # fmt: skip


def to_latin(text: str) -> str:
    """Transliterate per the Act; ``-ия`` at the end of a word is ``-ia`` (България → Bulgaria)."""
    out: list[str] = []
    for word in re.split(r"(\W+)", text):
        lower = word.lower()
        tail = ""
        if len(lower) > 2 and lower.endswith("ия"):
            lower, tail = lower[:-2], "ia"
        latin = "".join(_TABLE.get(ch, ch) for ch in lower) + tail
        if word[:1].isupper() and latin:
            latin = latin[0].upper() + latin[1:]
        out.append(latin)
    return "".join(out)


_FOLDS = [
    (re.compile(r"iya|ia"), "ya"),
    (re.compile(r"iu"), "yu"),
    (re.compile(r"tz|c(?!h)"), "ts"),
    (re.compile(r"w"), "v"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"j"), "i"),
    (re.compile(r"q"), "k"),
    (re.compile(r"y"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
]


def search_key(text: str) -> str:
    """A lower-case Latin key in which common spelling variants coincide.

    "Мария", "Maria", "Mariya" and "Marija" all give the key ``maria``, and "Йордан" and
    "Jordan" both give ``iordan``, so a search typed in either alphabet, in either common
    convention, finds the same child.
    """
    latin = to_latin(text or "").lower()
    latin = unicodedata.normalize("NFKD", latin)
    latin = "".join(ch for ch in latin if not unicodedata.combining(ch))
    latin = re.sub(r"[^a-z0-9 ]+", " ", latin)
    for pattern, repl in _FOLDS:
        latin = pattern.sub(repl, latin)
    return re.sub(r"\s+", " ", latin).strip()
