"""Declarations: what a calculator takes, what it returns, and how untrusted input is cleaned.

A calculator is declared once (``Calculator``) with typed ``Field`` inputs and ``Output`` values.
``validate`` turns untrusted input (JSON from the CLI, strings from a web form or a URL) into
clean Python values or raises ``ValidationError`` naming the field, in Japanese and English.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Callable

from .errors import ValidationError
from .text import Text, clip
from .units import check_format

#: Largest pasted ``config.json`` accepted, in characters (real configs are a few kB).
MAX_CONFIG_CHARS = 200_000
#: Deepest nesting accepted in a pasted config (real configs nest three or four levels); deeper
#: JSON would overflow the parser's stack in CPython (about 1,000) and in Pyodide.
MAX_JSON_DEPTH = 64
#: Largest free-text input accepted, in characters.
MAX_TEXT_CHARS = 20_000
#: Number lists: most characters accepted before splitting (about 16 per number).
MAX_LIST_CHARS = 1_100_000

#: A choice error lists the choices up to this many; beyond, it names the value refused.
MAX_LISTED_CHOICES = 12

FIELD_KINDS = ("int", "float", "bool", "choice", "config", "text", "numbers")


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True)
class Field:
    """One input.

    ``kind``: ``int``, ``float``, ``bool`` (a checkbox), ``choice``, ``config`` (a Hugging Face
    ``config.json`` object, or its JSON text), ``text`` (free text the calculator parses) or
    ``numbers`` (a list of finite numbers, typed comma-separated or sent as a JSON array; at most
    ``max_items`` of them, each within ±``maximum`` when given). ``default=None`` with
    ``optional=True`` means "not given": the calculator then derives the value. ``magnitudes``
    lets a number be typed with a scale word: ``175B``, ``1.75e11``, ``1750億``, ``14.8T``.
    """

    name: str
    kind: str
    label: Text
    default: Any = None
    unit: Text | str = ""
    help: Text | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Choice, ...] = ()
    optional: bool = False
    advanced: bool = False
    magnitudes: bool = False
    max_items: int = 0
    #: An output whose value the form shows in this field while it is empty (the value the
    #: calculator used instead), e.g. a preset's number of layers.
    placeholder_output: str = ""

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"field {self.name!r}: unknown kind {self.kind!r}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"field {self.name!r}: a choice needs choices")
        if self.kind == "numbers" and self.max_items <= 0:
            raise ValueError(f"field {self.name!r}: a number list needs max_items")


@dataclass(frozen=True)
class Output:
    """One result: its name in ``dscalc.run``'s answer, its label and its display format (one of
    ``units.FORMATS``; ``data`` values are carried but not shown as one value)."""

    name: str
    label: Text
    format: str = "number"
    unit: Text | str = ""

    def __post_init__(self) -> None:
        check_format(self.format)

    @property
    def shown(self) -> bool:
        return self.format != "data"


@dataclass(frozen=True)
class ChartSlot:
    """A chart drawn from a calculator's numbers: ``draw(inputs, outputs)`` returns a chart
    from ``dscalc.charts`` (its words are ``Text``; the page's language is picked when drawn)."""

    name: str
    label: Text
    draw: Callable[[dict, dict], Any]


@dataclass(frozen=True)
class Calculator:
    """A declared calculator.

    ``compute(inputs)`` returns numbers only: plain JSON of numbers, identifier strings, booleans
    and lists/dicts of those, including the intermediate values its formula and charts use.
    Presentation is derived from those numbers, one language at a time: ``formula(inputs,
    outputs)`` gives LaTeX lines with the values bound, ``charts`` draw figures, ``notes(inputs,
    outputs)`` gives ``Text`` remarks.
    """

    id: str
    title: Text
    summary: Text
    inputs: tuple[Field, ...]
    outputs: tuple[Output, ...]
    compute: Callable[[dict], dict]
    formula: Callable[[dict, dict], list[str]] | None = None
    charts: tuple[ChartSlot, ...] = ()
    notes: Callable[[dict, dict], list[Text]] | None = None
    symbols: tuple[tuple[str, Text], ...] = ()

    def __post_init__(self) -> None:
        names = [item.name for item in self.inputs]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.id}: an input is declared twice")
        outputs = [item.name for item in self.outputs]
        if len(outputs) != len(set(outputs)):
            raise ValueError(f"{self.id}: an output is declared twice")

    @property
    def source_module(self) -> str:
        """Path of the module that holds the arithmetic, e.g. ``dscalc/calcs/kv_cache.py``."""
        return self.compute.__module__.replace(".", "/") + ".py"

    def field(self, name: str) -> Field:
        for item in self.inputs:
            if item.name == name:
                return item
        raise KeyError(name)


# --------------------------------------------------------------------------- validation

def _error(name: str, ja: str, en: str) -> ValidationError:
    return ValidationError(name, ja, en)


_SCALE_WORDS = {
    "k": 10**3, "K": 10**3, "M": 10**6, "B": 10**9, "G": 10**9, "T": 10**12,
    "万": 10**4, "億": 10**8, "兆": 10**12,
}


def _split_magnitude(text: str) -> tuple[str, int]:
    """``"175B"`` -> ``("175", 10**9)``; ``"1750億"`` -> ``("1750", 10**8)``."""
    text = text.strip()
    if text and text[-1] in _SCALE_WORDS:
        return text[:-1].strip(), _SCALE_WORDS[text[-1]]
    return text, 1


def _normalise_number_text(text: str) -> str:
    return (text.strip().replace(",", "").replace("_", "").replace("，", "").replace("−", "-")
            .replace("＋", "+").replace("．", ".").translate(_FULL_WIDTH_DIGITS))


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _as_number(spec: Field, raw: Any) -> float | int:
    """Accept numbers and numeric strings (as typed in a form or a URL)."""
    if isinstance(raw, bool):
        raise _error(spec.name, "数値を入力してください（真偽値は使えません）。",
                     "Enter a number (true/false is not a number).")
    if isinstance(raw, (int, float)):
        value = raw
    elif isinstance(raw, str):
        if len(raw) > 100:
            raise _error(spec.name, "数値が長すぎます。", "That number is too long.")
        text = _normalise_number_text(raw)
        if not text:
            raise _error(spec.name, "値を入力してください。", "Enter a value.")
        multiplier = 1
        if spec.magnitudes:
            text, multiplier = _split_magnitude(text)
        value = _parse_number_text(spec, raw, text, multiplier)
    else:
        raise _error(spec.name, "数値を入力してください。", "Enter a number.")
    try:
        as_float = float(value)
    except OverflowError:
        as_float = math.inf
    if not math.isfinite(as_float):
        raise _error(spec.name, "有限の数値を入力してください。", "Enter a finite number.")
    if spec.kind == "int":
        if isinstance(value, float):
            if not value.is_integer():
                raise _error(spec.name, "整数を入力してください。", "Enter a whole number.")
            value = int(value)
        return value
    return as_float


def _parse_number_text(spec: Field, raw: str, text: str, multiplier: int) -> float | int:
    try:
        if spec.kind == "int" and multiplier == 1:
            try:
                return int(text)
            except ValueError:
                return float(text)
        number = float(text)
    except ValueError:
        raise _error(spec.name, f"「{raw[:40]}」は数値ではありません。",
                     f"“{raw[:40]}” is not a number.") from None
    if multiplier == 1:
        return number
    scaled = number * multiplier
    # "1.75B" is exactly 1,750,000,000: round away float noise from the scaling.
    return round(scaled) if math.isfinite(scaled) and abs(scaled - round(scaled)) < 1e-6 * abs(scaled) + 1e-9 else scaled


def _check_bounds(spec: Field, value: float | int) -> None:
    if spec.minimum is not None and value < spec.minimum:
        raise _error(spec.name, f"{_fmt_bound(spec.minimum)} 以上の値を入力してください。",
                     f"Enter a value of at least {_fmt_bound(spec.minimum)}.")
    if spec.maximum is not None and value > spec.maximum:
        raise _error(spec.name, f"{_fmt_bound(spec.maximum)} 以下の値を入力してください。",
                     f"Enter a value of at most {_fmt_bound(spec.maximum)}.")


def _fmt_bound(bound: float) -> str:
    return f"{int(bound):,}" if float(bound).is_integer() else f"{bound:g}"


def json_depth(text: str) -> int:
    """Deepest bracket nesting in JSON text, counted without parsing (strings skipped)."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return text.count("[") + text.count("{")  # an upper bound, counted at C speed
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def value_depth(value: Any) -> int:
    """Deepest nesting of an already parsed JSON value, without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth) for child in children)
    return deepest


def _too_deep(name: str) -> ValidationError:
    return _error(name, f"JSON の入れ子が深すぎます（{MAX_JSON_DEPTH} 段まで）。",
                  f"The JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels).")


def parse_config(name: str, raw: Any) -> dict | None:
    """A config is a JSON object, given as a dict or as its text."""
    if raw is None:
        return None
    if isinstance(raw, str):
        if not raw.strip():
            return None
        if len(raw) > MAX_CONFIG_CHARS:
            raise _error(name, "config.json が大きすぎます。", "That config.json is too large.")
        if json_depth(raw) > MAX_JSON_DEPTH:
            raise _too_deep(name)
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            line = getattr(exc, "lineno", "?")
            column = getattr(exc, "colno", "?")
            raise _error(name, f"JSON として読めません（{line} 行 {column} 列付近）。",
                         f"This is not valid JSON (near line {line}, column {column}).") from None
    elif value_depth(raw) > MAX_JSON_DEPTH:
        raise _too_deep(name)
    if not isinstance(raw, dict):
        raise _error(name, "config.json は JSON オブジェクト（{…}）である必要があります。",
                     "A config.json must be a JSON object ({…}).")
    return raw


#: Separators accepted in a typed number list: ASCII and full-width commas, the ideographic
#: comma, semicolons and white space.
_LIST_SEPARATORS = (",", "，", "、", ";", "；", "\t", "\n", "\r", "\u3000")


def parse_numbers(spec: Field, raw: Any) -> list[float] | None:
    """A list of finite numbers, typed as ``"0.1, -0.3, 2"`` or sent as a JSON array.

    ``None``, an empty text or ``[]`` means "not given".
    """
    if raw is None:
        return None
    if isinstance(raw, str):
        if len(raw) > MAX_LIST_CHARS:
            raise _error(spec.name, "リストが長すぎます。", "That list is too long.")
        text = raw.strip().strip("[]")
        for separator in _LIST_SEPARATORS:
            text = text.replace(separator, " ")
        items = text.split()
    elif isinstance(raw, (list, tuple)):
        items = list(raw)
    else:
        raise _error(spec.name, "カンマ区切りの数値のリストを入力してください。",
                     "Enter a comma-separated list of numbers.")
    if not items:
        return None
    if len(items) > spec.max_items:
        raise _error(spec.name, f"数値は {spec.max_items:,} 個までです（{len(items):,} 個あります）。",
                     f"Enter at most {spec.max_items:,} numbers (got {len(items):,}).")
    return [_list_number(spec, position, item) for position, item in enumerate(items, start=1)]


def _list_number(spec: Field, position: int, item: Any) -> float:
    if isinstance(item, bool) or not isinstance(item, (int, float, str)):
        raise _error(spec.name, f"{position} 番目の値が数値ではありません。",
                     f"Item {position} is not a number.")
    if isinstance(item, str):
        try:
            item = float(_normalise_number_text(item))
        except ValueError:
            shown = item[:20]
            raise _error(spec.name, f"{position} 番目の「{shown}」は数値ではありません。",
                         f"Item {position} (“{shown}”) is not a number.") from None
    try:
        value = float(item)
    except OverflowError:  # an integer beyond float range, from a JSON array
        value = math.inf
    if not math.isfinite(value):
        raise _error(spec.name, f"{position} 番目の値が有限の数値ではありません。",
                     f"Item {position} is not a finite number.")
    if spec.maximum is not None and abs(value) > spec.maximum:
        raise _error(spec.name, f"{position} 番目の値 {value:g} は ±{spec.maximum:g} の範囲外です。",
                     f"Item {position} ({value:g}) is outside ±{spec.maximum:g}.")
    return value


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
            shown = clip(name)
            raise _error(shown, f"「{shown}」という入力はありません。",
                         f"There is no input called “{shown}”.")
    clean: dict = {}
    for spec in calc.inputs:
        raw = inputs.get(spec.name)
        if isinstance(raw, str) and not raw.strip():
            # An emptied form field: fine where the value is optional, an error where it is not
            # (silently putting the default back would show numbers for another scenario).
            if not (spec.optional or spec.kind in ("config", "numbers")):
                raise _error(spec.name, "値を入力してください。", "Enter a value.")
            raw = None
        if raw is None:
            if spec.default is None and not spec.optional and spec.kind not in ("config", "numbers"):
                raise _error(spec.name, "値を入力してください。", "Enter a value.")
            clean[spec.name] = spec.default
            continue
        clean[spec.name] = _clean_value(spec, raw)
    return clean


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _clean_value(spec: Field, raw: Any) -> Any:
    if spec.kind in ("int", "float"):
        value = _as_number(spec, raw)
        _check_bounds(spec, value)
        return value
    if spec.kind == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise _error(spec.name, "true か false を指定してください。", "Give true or false.")
    if spec.kind == "choice":
        allowed = [choice.value for choice in spec.choices]
        if not isinstance(raw, str) or raw not in allowed:
            if len(allowed) > MAX_LISTED_CHOICES:  # a long list (record ids) is the form's to show
                quoted = clip(raw) if isinstance(raw, str) else type(raw).__name__
                raise _error(spec.name, f"「{quoted}」は選択肢にありません。一覧（{len(allowed)} 件）から選んでください。",
                             f"{quoted!r} is not one of the {len(allowed)} choices; pick one "
                             "from the list.")
            listed = ", ".join(allowed)
            raise _error(spec.name, f"次のいずれかを選んでください: {listed}",
                         f"Choose one of: {listed}")
        return raw
    if spec.kind == "config":
        return parse_config(spec.name, raw)
    if spec.kind == "numbers":
        return parse_numbers(spec, raw)
    if spec.kind == "text":
        if not isinstance(raw, str):
            raise _error(spec.name, "文字列を入力してください。", "Enter text.")
        if len(raw) > MAX_TEXT_CHARS:
            raise _error(spec.name, "入力が長すぎます。", "That text is too long.")
        return raw.strip()
    raise AssertionError(f"unknown field kind {spec.kind!r}")
