"""Declarations: what a calculator takes, what it returns, and how to validate its inputs.

A calculator is declared once (``Calculator``) with typed ``Field`` inputs and ``Output`` values.
``validate`` turns untrusted input (JSON from the CLI, strings from a web form or a URL) into clean
Python values or raises ``ValidationError`` naming the field, in Japanese and English.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import ValidationError

#: Largest pasted ``config.json`` accepted, in characters (real configs are a few kB).
MAX_CONFIG_CHARS = 200_000
#: Largest free-text input accepted, in characters.
MAX_TEXT_CHARS = 20_000


@dataclass(frozen=True)
class Text:
    """A string in both site languages."""

    ja: str
    en: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True)
class Field:
    """One input.

    ``kind`` is ``"int"``, ``"float"``, ``"choice"``, ``"config"`` (a Hugging Face
    ``config.json`` object, or its JSON text) or ``"text"`` (free text, or a JSON list, that the
    calculator parses itself, e.g. a comma-separated list of numbers). ``default=None`` with ``optional=True`` means
    "not given"; the calculator then derives the value (for example from the config).
    """

    name: str
    kind: str
    label: Text
    default: Any = None
    unit: "str | Text" = ""  # a Text where the unit is a word that needs translating
    help: Text | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Choice, ...] = ()
    optional: bool = False
    advanced: bool = False


@dataclass(frozen=True)
class Output:
    """One result. ``format`` picks how it is displayed: ``bytes``, ``count``, ``params``,
    ``flops``, ``ratio``, ``percent``, ``text``, ``number`` or ``json`` (raw structure, not shown
    as a single value)."""

    name: str
    label: Text
    format: str = "number"
    unit: str = ""


@dataclass(frozen=True)
class Calculator:
    id: str
    title: Text
    summary: Text
    inputs: tuple[Field, ...]
    outputs: tuple[Output, ...]
    compute: Callable[[dict], dict]
    #: ``formula(inputs, outputs, lang)`` -> LaTeX with the symbols bound to the values.
    formula: Callable[[dict, dict, str], str] | None = None
    #: Module that holds the arithmetic, shown to readers as "the Python source".
    source_module: str = ""
    extra: dict = field(default_factory=dict)

    def field(self, name: str) -> Field:
        for item in self.inputs:
            if item.name == name:
                return item
        raise KeyError(name)


def _error(name: str, ja: str, en: str) -> ValidationError:
    return ValidationError(name, ja, en)


def _as_number(spec: Field, raw: Any) -> float | int:
    """Accept numbers and numeric strings (as typed in a form or a URL)."""
    if isinstance(raw, bool):
        raise _error(spec.name, "数値を入力してください（真偽値は使えません）。",
                     "Enter a number (true/false is not a number).")
    if isinstance(raw, (int, float)):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("_", "").replace("，", "")
        if not text:
            raise _error(spec.name, "値を入力してください。", "Enter a value.")
        try:
            value = int(text) if spec.kind == "int" else float(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise _error(spec.name, f"「{raw[:40]}」は数値ではありません。",
                             f"“{raw[:40]}” is not a number.") from None
    else:
        raise _error(spec.name, "数値を入力してください。", "Enter a number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise _error(spec.name, "有限の数値を入力してください。", "Enter a finite number.")
    if spec.kind == "int":
        if isinstance(value, float):
            if not value.is_integer():
                raise _error(spec.name, "整数を入力してください。", "Enter a whole number.")
            value = int(value)
    else:
        value = float(value)
    return value


def _check_bounds(spec: Field, value: float | int) -> None:
    if spec.minimum is not None and value < spec.minimum:
        raise _error(spec.name, f"{_fmt_bound(spec.minimum)} 以上の値を入力してください。",
                     f"Enter a value of at least {_fmt_bound(spec.minimum)}.")
    if spec.maximum is not None and value > spec.maximum:
        raise _error(spec.name, f"{_fmt_bound(spec.maximum)} 以下の値を入力してください。",
                     f"Enter a value of at most {_fmt_bound(spec.maximum)}.")


def _fmt_bound(bound: float) -> str:
    return f"{int(bound):,}" if float(bound).is_integer() else f"{bound:g}"


def parse_config(name: str, raw: Any) -> dict | None:
    """A config is a JSON object, given as a dict or as its text."""
    if raw is None:
        return None
    if isinstance(raw, str):
        if not raw.strip():
            return None
        if len(raw) > MAX_CONFIG_CHARS:
            raise _error(name, "config.json が大きすぎます。", "That config.json is too large.")
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            line = getattr(exc, "lineno", "?")
            column = getattr(exc, "colno", "?")
            raise _error(name, f"JSON として読めません（{line} 行 {column} 列付近）。",
                         f"This is not valid JSON (near line {line}, column {column}).") from None
    if not isinstance(raw, dict):
        raise _error(name, "config.json は JSON オブジェクト（{…}）である必要があります。",
                     "A config.json must be a JSON object ({…}).")
    return raw


def validate(calc: Calculator, inputs: Any) -> dict:
    """Return every declared input, cleaned, with defaults filled in."""
    if inputs is None:
        inputs = {}
    if not isinstance(inputs, dict):
        raise _error("inputs", "入力は名前と値の組（JSON オブジェクト）で渡してください。",
                     "Inputs must be a JSON object of names and values.")
    known = {spec.name for spec in calc.inputs}
    for name in inputs:
        if name not in known:
            shown = str(name)[:40]
            raise _error(str(name)[:40], f"「{shown}」という入力はありません。",
                         f"There is no input called “{shown}”.")
    clean: dict = {}
    for spec in calc.inputs:
        raw = inputs.get(spec.name)
        if isinstance(raw, str) and not raw.strip():
            # An emptied form field: fine where the value is optional, an error where it is not
            # (silently putting the default back would show numbers for another scenario).
            if not (spec.optional or spec.kind == "config"):
                raise _error(spec.name, "値を入力してください。", "Enter a value.")
            raw = None
        if raw is None:
            if spec.default is None and not spec.optional:
                raise _error(spec.name, "値を入力してください。", "Enter a value.")
            clean[spec.name] = spec.default
            continue
        clean[spec.name] = _clean_value(spec, raw)
    return clean


def _clean_value(spec: Field, raw: Any) -> Any:
    if spec.kind in ("int", "float"):
        value = _as_number(spec, raw)
        _check_bounds(spec, value)
        return value
    if spec.kind == "choice":
        allowed = [choice.value for choice in spec.choices]
        if not isinstance(raw, str) or raw not in allowed:
            listed = ", ".join(allowed)
            raise _error(spec.name, f"次のいずれかを選んでください: {listed}",
                         f"Choose one of: {listed}")
        return raw
    if spec.kind == "config":
        return parse_config(spec.name, raw)
    if spec.kind == "text":
        if isinstance(raw, list):
            return raw  # a JSON array from the CLI: the calculator checks each item
        if not isinstance(raw, str):
            raise _error(spec.name, "文字列またはリストを入力してください。", "Enter text or a list.")
        if len(raw) > MAX_TEXT_CHARS:
            raise _error(spec.name, "入力が長すぎます。", "That text is too long.")
        return raw.strip()
    raise AssertionError(f"unknown field kind {spec.kind!r}")
