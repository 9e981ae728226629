"""The one exception a calculator raises for bad input."""

from __future__ import annotations

from .text import Text


class ValidationError(ValueError):
    """An input was missing, malformed or out of range.

    ``field`` names the input (``"inputs"`` when the whole object is wrong, ``"id"`` for an
    unknown calculator); the message says what is wrong, in Japanese and English.
    """

    def __init__(self, field: str, message_ja: str, message_en: str) -> None:
        super().__init__(message_en)
        self.field = field
        self.text = Text(message_ja, message_en)

    @property
    def message_ja(self) -> str:
        return self.text.ja

    @property
    def message_en(self) -> str:
        return self.text.en

    def message(self, lang: str = "en") -> str:
        return self.text.get(lang)

    def to_dict(self, lang: str = "en") -> dict:
        return {"field": self.field, "message": self.message(lang)}
