"""The table of display formats: how a number with a unit is written for a reader.

Every ``Output`` names one of ``FORMATS``; a calculator that names an unknown one fails when it is
declared (``check_format``), never silently at run time. The same functions format the prerendered
HTML and the live browser results, so a page can never show one value two ways.

Conventions (units live in the format's name):

- ``bytes``: SI prefixes (kB = 10^3 B) with three significant digits, then the binary size
  (KiB = 2^10 B) in parentheses; below 1,000 B the exact count.
- ``bytes_exact``: the exact count with thousands separators (for tables checked against papers).
- ``params``: parameter counts; Japanese uses 万・億・兆 with three significant digits, then the
  English short scale in parentheses (``6,710億 (671.0B)``).
- ``flops`` (FLOP, a count), ``flop_per_s`` (FLOP/s), ``tokens``, ``tokens_per_s``, ``duration``
  (a value in seconds, written in the largest unit that keeps it at least 1).
- ``usd``, ``cny``, ``jpy``: amounts of money; ``percent``: a fraction (0.17 is 17%); ``ratio``.
- ``count`` (integer), ``number`` (four significant digits), ``text``, ``url``, ``date``,
  ``bool``; ``data`` is carried in results but never shown as one value (tables, lists).
"""

from __future__ import annotations

import math
from datetime import date
from typing import Callable

from .text import Text

_SI = ((10**15, "P"), (10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "k"))
_BINARY = ((2**50, "Pi"), (2**40, "Ti"), (2**30, "Gi"), (2**20, "Mi"), (2**10, "Ki"))
_SHORT_SCALE = ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K"))
_JAPANESE_SCALE = ((10**12, "兆"), (10**8, "億"), (10**4, "万"))


def significant(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits, thousands separated, no exponent."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    text = f"{value:,.{decimals}f}"
    # 9.995 with two decimals rounds up to a new magnitude: keep the digit count honest.
    if decimals and len(text.replace(",", "").replace("-", "").replace(".", "").lstrip("0")) > digits:
        text = f"{value:,.{decimals - 1}f}"
    return text


def group(value: int) -> str:
    """``70272`` -> ``"70,272"``."""
    return f"{int(value):,}"


def latex_int(value: int) -> str:
    """An integer for KaTeX with thousands separators that add no space: ``70{,}272``."""
    return f"{int(value):,}".replace(",", "{,}")


def latex_number(value: float, digits: int = 4) -> str:
    """A float for KaTeX: integers exactly, others with ``digits`` significant digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return latex_int(int(value))
    return significant(value, digits).replace(",", "{,}")


def _scaled(value: float, scale, suffix: str = "", digits: int = 3, space: str = " ") -> str | None:
    for size, prefix in scale:
        if abs(value) >= size:
            return f"{significant(value / size, digits)}{space}{prefix}{suffix}"
    return None


def format_bytes(value: float, lang: str = "en") -> str:
    if abs(value) < 1000:
        return f"{value:,.0f} B"
    decimal = _scaled(value, _SI, "B")
    binary = _scaled(value, _BINARY, "B")
    return f"{decimal} ({binary})"


def format_bytes_exact(value: float, lang: str = "en") -> str:
    return f"{value:,.0f} B"


def english_magnitude(value: float) -> str:
    """``671.0B``, ``36.6B``, ``1.57T``: one decimal in the short scale, two below 10 so that the
    English figure has at least the three significant digits the Japanese one shows (1.57兆)."""
    for size, suffix in _SHORT_SCALE:
        if abs(value) >= size:
            scaled = value / size
            return f"{scaled:,.{2 if round(abs(scaled), 2) < 10 else 1}f}{suffix}"
    return f"{value:,.0f}"


def japanese_magnitude(value: float) -> str | None:
    """``6,710億``, ``366億``, ``1.06億``, ``2.3兆``: three significant digits in 万・億・兆."""
    for size, name in _JAPANESE_SCALE:
        if abs(value) >= size:
            return f"{significant(value / size, 3)}{name}"
    return None


def format_params(value: float, lang: str) -> str:
    english = english_magnitude(value)
    if lang != "ja":
        return english
    japanese = japanese_magnitude(value)
    return f"{japanese} ({english})" if japanese else english


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def mantissa_exponent(value: float, digits: int = 3) -> tuple[str, int]:
    """``3.296e24`` -> ``("3.30", 24)``: the mantissa rounded to ``digits`` significant digits
    (as text, ``1 <= |m| < 10``) and the power of ten, for any finite nonzero float.

    Read from Python's own decimal rendering rather than by dividing by ``10**exponent``, which
    underflows to 0 for subnormal values such as ``5e-324`` (``10**-324 == 0.0``).
    """
    mantissa, exponent = f"{value:.{max(digits, 1) - 1}e}".split("e")
    return mantissa, int(exponent)


def scientific(value: float, digits: int = 3) -> str:
    """``3.30×10²⁴``: for magnitudes no SI prefix reads well."""
    mantissa, exponent = mantissa_exponent(value, digits)
    return f"{mantissa}×10{str(exponent).translate(_SUPERSCRIPT)}"


def _si_with_exa(value: float, suffix: str) -> str:
    if abs(value) >= 10**21:
        return f"{scientific(value)} {suffix}"
    scale = ((10**18, "E"),) + _SI
    return _scaled(value, scale, suffix) or f"{significant(value, 3)} {suffix}"


def format_flop_count(value: float, lang: str = "en") -> str:
    return _si_with_exa(value, "FLOP")


def format_flop_per_s(value: float, lang: str = "en") -> str:
    return _si_with_exa(value, "FLOP/s")


_TOKENS = Text("トークン", "tokens")


def format_tokens(value: float, lang: str) -> str:
    if lang == "ja":
        if abs(value) >= 10**16:
            return f"{scientific(value)}トークン"
        return f"{japanese_magnitude(value) or group(round(value))}トークン"
    if abs(value) >= 10**15:
        return f"{scientific(value)} tokens"
    return f"{english_magnitude(value) if abs(value) >= 1000 else group(round(value))} tokens"


def format_tokens_per_s(value: float, lang: str) -> str:
    number = significant(value, 3) if abs(value) < 1000 else group(round(value))
    return f"{number} トークン/秒" if lang == "ja" else f"{number} tokens/s"


_DURATIONS = (
    (86_400, Text("日", " days")), (3_600, Text("時間", " h")), (60, Text("分", " min")),
    (1, Text("秒", " s")), (1e-3, Text("ミリ秒", " ms")), (1e-6, Text("マイクロ秒", " µs")),
)


def format_duration(seconds: float, lang: str) -> str:
    for size, unit in _DURATIONS:
        if abs(seconds) >= size:
            return f"{significant(seconds / size, 3)}{unit.get(lang)}"
    return f"0{_DURATIONS[3][1].get(lang)}"


#: Significant digits kept when an amount is written the Japanese press's way (「8万7072ドル」).
JAPANESE_MONEY_DIGITS = 5


def japanese_amount(value: float, digits: int = JAPANESE_MONEY_DIGITS) -> str | None:
    """An amount of 1万 or more as Japanese business writing gives it, rounded to ``digits``
    significant digits and split at 兆・億・万: ``87072`` -> ``8万7072``, ``5.576e6`` ->
    ``557万6000``, ``6.4551e10`` -> ``645億5100万``; ``None`` below 1万."""
    if not math.isfinite(value) or abs(value) < 10**4:
        return None
    magnitude = math.floor(math.log10(abs(value)))
    rounded = int(round(abs(value), digits - 1 - magnitude))
    parts = []
    for size, name in ((10**12, "兆"), (10**8, "億"), (10**4, "万")):
        if rounded >= size:
            parts.append(f"{rounded // size:,}{name}" if name == "兆" else f"{rounded // size}{name}")
            rounded %= size
    if rounded:
        parts.append(str(rounded))
    return ("-" if value < 0 else "") + "".join(parts)


def _money(symbol_en: str, unit_ja: str) -> Callable[[float, str], str]:
    """Money with four significant digits in English (``US$5.576M``), and in Japanese as the
    business press writes it, to five (``557万6000ドル``, ``8万7072ドル``); small prices exactly
    as far as four digits go (``US$2.19``, ``0.5元``)."""
    def formatter(value: float, lang: str) -> str:
        if lang == "ja":
            amount = japanese_amount(value)
            amount = amount if amount is not None else _plain_money(value)
            # A digit and the unit word are spaced like any digit and Japanese (「2.19 ドル」); a
            # magnitude word is not (「645億ドル」).
            return f"{amount} {unit_ja}" if amount[-1].isdigit() else f"{amount}{unit_ja}"
        for size, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M")):
            if abs(value) >= size:
                return f"{symbol_en}{_trim_zeros(significant(value / size, 4))}{suffix}"
        return f"{symbol_en}{_plain_money(value)}"
    return formatter


def _trim_zeros(number: str) -> str:
    """``1.000`` -> ``1``; ``29.40`` -> ``29.4`` (money reads without trailing zeros)."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def _plain_money(value: float) -> str:
    """Up to four significant digits without trailing zeros: 2.19, 0.5, 1,234."""
    if abs(value) >= 1000:
        return group(round(value))
    text = significant(value, 4)
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_scientific(value: float, lang: str = "en") -> str:
    """Any magnitude in mantissa × power of ten: ``3.40×10³⁸``, ``5.88×10⁻³⁹`` (exact values are
    in the results; this is for reading)."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    if 1e-3 <= abs(value) < 1e6:
        return significant(value, 4)
    return scientific(value, 4)


def format_percent(fraction: float, lang: str = "en") -> str:
    return f"{significant(fraction * 100, 3)}%"


def format_percent_value(value: float, lang: str = "en") -> str:
    """A value already in percent, as a source published it: ``-16.97`` -> ``-16.97%``."""
    return f"{_trim_zeros(f'{value:,.2f}')}%"


def format_ratio(value: float, lang: str = "en") -> str:
    return f"{significant(value, 3)}×"


def format_count(value: float, lang: str = "en") -> str:
    return group(value)


def format_number(value: float, lang: str = "en") -> str:
    if isinstance(value, int):
        return group(value)
    return significant(value, 4)


_YES_NO = {"ja": ("はい", "いいえ"), "en": ("yes", "no")}


def format_bool(value: bool, lang: str) -> str:
    return _YES_NO["ja" if lang == "ja" else "en"][0 if value else 1]


def format_text(value, lang: str = "en") -> str:
    return str(value)


def format_day(value: float, lang: str = "en") -> str:
    """A day number (``date.toordinal()``) as an ISO date: time axes of charts."""
    return date.fromordinal(int(value)).isoformat()


def format_month(value: float, lang: str = "en") -> str:
    """A day number as ``YYYY-MM``, for data dated to the month only."""
    return date.fromordinal(int(value)).isoformat()[:7]


FORMATS: dict[str, Callable] = {
    "bytes": format_bytes,
    "bytes_exact": format_bytes_exact,
    "params": format_params,
    "flops": format_flop_count,
    "flop_per_s": format_flop_per_s,
    "tokens": format_tokens,
    "tokens_per_s": format_tokens_per_s,
    "duration": format_duration,
    "usd": _money("US$", "ドル"),
    "cny": _money("CN¥", "元"),
    "jpy": _money("¥", "円"),
    "percent": format_percent,
    "scientific": format_scientific,
    "percent_value": format_percent_value,
    "ratio": format_ratio,
    "count": format_count,
    "number": format_number,
    "bool": format_bool,
    "text": format_text,
    "url": format_text,
    "date": format_text,
    "day": format_day,
    "month": format_month,
    "data": None,  # carried in results, shown by charts and tables, never as one value
}

#: Formats whose value is a number (the others are words, links or structures).
NUMERIC = frozenset(FORMATS) - {"bool", "text", "url", "date", "day", "month", "data"}


def check_format(name: str) -> None:
    """Called when an output is declared: an unknown format is a programming error."""
    if name not in FORMATS:
        raise ValueError(f"unknown display format {name!r}; known: {', '.join(sorted(FORMATS))}")


def display(format_name: str, value, lang: str, unit: Text | str = "") -> str:
    """Display text for one value; ``None`` shows as a dash."""
    if value is None:
        return "—"
    formatter = FORMATS[format_name]
    if formatter is None:
        return ""
    if format_name in NUMERIC and isinstance(value, bool):
        return format_bool(value, lang)
    text = formatter(value, lang)
    suffix = unit.get(lang) if isinstance(unit, Text) else unit
    return f"{text} {suffix}" if suffix else text
