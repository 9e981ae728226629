"""Bilingual text: the one way the package holds words for readers.

Everything a reader sees — labels, help, error messages, chart titles, notes — is a ``Text`` with
a Japanese and an English version. Presentation code picks one language with ``Text.get(lang)``;
numbers never live inside a ``Text`` until ``format`` puts them there for display.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LANGUAGES = ("ja", "en")


def language(lang: object) -> str:
    """``"ja"`` for Japanese, ``"en"`` for anything else (the site's two languages)."""
    return "ja" if lang == "ja" else "en"


@dataclass(frozen=True)
class Text:
    """A string in both site languages."""

    ja: str
    en: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en

    def format(self, **values) -> "Text":
        """Both versions with ``str.format`` applied (``Text("{n:,} 個", "{n:,} items").format(n=3)``)."""
        return Text(self.ja.format(**values), self.en.format(**values))

    def __add__(self, other: "Text | str") -> "Text":
        if isinstance(other, Text):
            return Text(self.ja + other.ja, self.en + other.en)
        return Text(self.ja + other, self.en + other)


def same(text: str) -> Text:
    """Text that reads the same in both languages (a model name, a formula symbol)."""
    return Text(text, text)


def localize(text: "Text | str | None", lang: str) -> str:
    """A ``Text`` in ``lang``; a plain string is the same in both languages."""
    if text is None:
        return ""
    if isinstance(text, Text):
        return text.get(lang)
    return str(text)


#: Longest integer, in bits, quoted digit by digit: ``str()`` of an integer of more than 4,300
#: decimal digits raises ``ValueError`` (CPython's int_max_str_digits), so longer ones are
#: quoted by their size.
_QUOTED_INT_BITS = 4_000


def clip(value: object, limit: int = 40) -> str:
    """Untrusted input quoted in a message: ``str(value)`` cut to ``limit`` characters.

    An integer too long to print (``10**5000`` as a key, an id or a layer type) is quoted as
    ``≈10^5000`` instead of raising from ``str()``.
    """
    if isinstance(value, int) and value.bit_length() > _QUOTED_INT_BITS:
        sign = "-" if value < 0 else ""
        return f"{sign}≈10^{math.floor(math.log10(abs(value)))}"[:limit]
    return str(value)[:limit]
