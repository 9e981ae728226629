"""The one exception a calculator raises for bad input."""

from __future__ import annotations


class ValidationError(ValueError):
    """An input was missing, malformed or out of range.

    ``field`` names the input (``"inputs"`` when the whole object is wrong, ``"id"`` for an
    unknown calculator); ``message_ja`` and ``message_en`` say what is wrong in each language.
    """

    def __init__(self, field: str, message_ja: str, message_en: str) -> None:
        super().__init__(message_en)
        self.field = field
        self.message_ja = message_ja
        self.message_en = message_en

    def message(self, lang: str = "en") -> str:
        return self.message_ja if lang == "ja" else self.message_en

    def to_dict(self, lang: str = "en") -> dict:
        return {"field": self.field, "message": self.message(lang)}
