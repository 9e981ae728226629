"""API list prices and exchange rates from ``data/prices.json``: which price applied on a date.

Prices are per 1M tokens in the record's currency (USD or CNY): ``input_cache_hit``,
``input_cache_miss`` and ``output`` (``None`` where no source gave one). A record belongs to a
``series`` (one API model, or one price tier of it) and a ``condition``: ``standard`` or
``promotional`` prices apply all day (or by day, outside an off-peak window), ``peak`` prices in
DeepSeek's peak hours (from 2026-08-16); ``off-peak`` prices apply outside them: DeepSeek's night
window of 2025 (UTC 16:30-00:30, 50% off V3 and 75% off R1) or, from 16:00 UTC on 2026-08-16, every
hour outside the peak hours ``peak_hours_utc`` (UTC 01:00-04:00 and 06:00-10:00) at half the peak
price, with weekends and Chinese public holidays off-peak all day once ``peak_days`` is
``weekdays``. A caller blends the two lists by the share of traffic sent off-peak.

The rule for a date ``D`` (UTC calendar day; a change at 16:00 UTC counts from that day):

- a record applies when ``effective_from <= D`` and (``effective_to`` is empty or
  ``D < effective_to``); of several, the one that started last wins (an open-ended record ends
  when the next one starts);
- a record whose start is not known (``effective_from`` empty) is never used for a date;
  if it carries ``effective_from_not_before`` and ends after ``D``, dates from that bound on
  are refused, because the price changed on a day no source gives;
- no record, no price: the caller refuses the date (``ValidationError``).

Exchange rates are currency units per US dollar. For a date the rate with the shortest period
that contains it is used (a day, then a month's average, then a year's), else the latest one
before it; the caller states which.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from .. import data
from ..framework.errors import ValidationError

BASE_CONDITIONS = ("standard", "promotional", "peak")
OFF_PEAK = "off-peak"
PRICE_FIELDS = ("input_cache_hit", "input_cache_miss", "output")
CURRENCIES = ("USD", "CNY")
#: Earliest and latest dates accepted (the calculators refuse dates without a price anyway).
FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2030, 12, 31)


@lru_cache(maxsize=1)
def _file() -> dict:
    return data.load("prices.json")


def records() -> list[dict]:
    """Every price record, as stored."""
    return _file()["prices"]


def fx_records() -> list[dict]:
    return _file()["fx"]


@lru_cache(maxsize=1)
def series_names() -> dict[str, tuple[str, str]]:
    """``{series: (provider, model)}`` in file order; the model name of the latest record."""
    names: dict[str, tuple[str, str]] = {}
    for record in records():
        names[record["series"]] = (record["provider"], record["model"])
    return names


def parse_day(text: str, field: str = "date") -> date:
    """An ISO date ``YYYY-MM-DD`` within the accepted range, or ``ValidationError``."""
    try:
        day = date.fromisoformat(str(text).strip()[:10])
    except ValueError:
        raise ValidationError(field, "日付は YYYY-MM-DD の形で入力してください。",
                              "Enter the date as YYYY-MM-DD.") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(field, f"{FIRST_DAY} から {LAST_DAY} までの日付を入力してください。",
                              f"Enter a date from {FIRST_DAY} to {LAST_DAY}.")
    return day


def _day(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _applies(record: dict, day: date) -> bool:
    start, end = _day(record.get("effective_from")), _day(record.get("effective_to"))
    return start is not None and start <= day and (end is None or day < end)


def _start(record: dict) -> date | None:
    return _day(record.get("effective_from") or record.get("effective_from_not_before"))


def _pick(series: str, currency: str, conditions: tuple[str, ...], day: date) -> dict | None:
    group = [record for record in records()
             if record["series"] == series and record["currency"] == currency
             and record["condition"] in conditions]
    # An open-ended record ends where a later record of its group starts, even one that has ended
    # since (a retired API name must not fall back to an older open-ended price).
    matches = [record for record in group if _applies(record, day) and not (
        record.get("effective_to") is None
        and any(_start(later) is not None and _day(record["effective_from"]) < _start(later) <= day
                for later in group))]
    if not matches:
        return None
    return max(matches, key=lambda record: record["effective_from"])


def _unknown_change(series: str, currency: str, day: date) -> dict | None:
    """A record of the series whose start is only bounded and which covers ``day``."""
    for record in records():
        if record["series"] != series or record["currency"] != currency or record.get("effective_from"):
            continue
        bound, end = _day(record.get("effective_from_not_before")), _day(record.get("effective_to"))
        if bound is not None and bound <= day and (end is None or day < end):
            return record
    return None


def _retired(series: str, day: date) -> dict | None:
    """The record that says the series' API name was retired on or before ``day``, if any."""
    for record in records():
        retired = record.get("name_retired_utc")
        if record["series"] == series and retired and date.fromisoformat(retired[:10]) <= day:
            return record
    return None


def price_on(series: str, currency: str, day: date, field: str = "date") -> dict:
    """The list that applied on ``day``: ``{"base": record, "off_peak": record or None}``.

    Raises ``ValidationError`` (naming ``field``) when no sourced price covers the day.
    """
    provider, model = series_names().get(series, ("", series))
    unknown = _unknown_change(series, currency, day)
    if unknown is not None:
        raise ValidationError(
            field,
            f"{model} の料金は {unknown['effective_from_not_before']} から {unknown['effective_to']} "
            f"の間のどこかで変わりましたが、その日付は出典で確認できていません。別の日付を選んでください。",
            f"{model}'s price changed on a day between {unknown['effective_from_not_before']} and "
            f"{unknown['effective_to']} that no source gives; choose another date.")
    base = _pick(series, currency, BASE_CONDITIONS, day)
    retired = _retired(series, day)
    if base is None and retired is not None:
        raise ValidationError(
            field,
            f"API 名 {retired['api_model']} は {retired['name_retired_utc'][:10]} に廃止されたため、"
            f"{day} の料金はありません。後継の API 名を選んでください。",
            f"The API name {retired['api_model']} was retired on {retired['name_retired_utc'][:10]}: "
            f"it has no price on {day}. Choose its successor.")
    if base is None:
        raise ValidationError(
            field,
            f"{day} に {provider} {model} の {currency} 建て料金を示す出典付きの記録がありません。",
            f"No sourced {currency} price of {provider} {model} is recorded for {day}.")
    return {"base": base, "off_peak": _pick(series, currency, (OFF_PEAK,), day)}


def priced_series(currency: str, day: date) -> list[str]:
    """Every series with a sourced price in ``currency`` on ``day`` (file order)."""
    found = []
    for series in series_names():
        try:
            price_on(series, currency, day)
        except ValidationError:
            continue
        found.append(series)
    return found


def blended(price: dict, key: str, off_peak_share: float) -> float | None:
    """A price per 1M tokens with ``off_peak_share`` of the traffic in the off-peak window."""
    base = price["base"].get(key)
    if base is None:
        return None
    night = price["off_peak"].get(key) if price["off_peak"] else None
    if night is None:
        return base
    return (1 - off_peak_share) * base + off_peak_share * night


# --------------------------------------------------------------------------- exchange rates

def _period(text: str) -> tuple[date, date]:
    """The first and last day a rate's ``date`` covers: a day, a month or a year."""
    parts = [int(part) for part in text.split("-")]
    if len(parts) == 3:
        day = date(*parts)
        return day, day
    if len(parts) == 2:
        first = date(parts[0], parts[1], 1)
        after = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first, date.fromordinal(after.toordinal() - 1)
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def fx_on(pair: str, day: date) -> dict | None:
    """The rate record for ``pair`` (``"USD/JPY"``) to use on ``day``, or ``None``."""
    covering, before = [], []
    for record in fx_records():
        if record["pair"] != pair:
            continue
        first, last = _period(str(record["date"]))
        if first <= day <= last:
            covering.append(((last - first).days, record))
        elif last < day:
            before.append((last, record))
    if covering:
        return min(covering, key=lambda item: item[0])[1]
    if before:
        return max(before, key=lambda item: item[0])[1]
    return None
