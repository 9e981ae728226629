"""What a workload costs through an API on a given date, across providers, in USD and JPY.

For ``N`` requests a day of ``i`` input and ``o`` output tokens, a cache-hit rate ``h`` and a
share ``s`` of the traffic sent off-peak, with list prices per 1M tokens ``p_hit``, ``p_miss``,
``p_out`` (the off-peak list blended in by ``s`` where one exists: DeepSeek's night window of 2025,
or from 2026-08-16 every hour outside its peak hours, at half the peak price):

    cost per day = N × (i h p_hit + i (1 − h) p_miss + o p_out) / 10^6

in the list's currency. Prices come from ``data/prices.json``: the record in effect on the date
(``dscalc.economics.prices``); a date or model without a sourced price is refused. A list without a
cache-hit price bills every input token at the ordinary price. Conversions use the exchange
rate recorded for the date (the month's average where there is one), or a rate typed in.

Savings shown: cache = the same day with no cache hits, minus the cost; off-peak = the same day
at daytime (peak) prices only, minus the cost. The comparison prices the same workload for every model
with a sourced USD price that day.

Left out: cache-write surcharges (Anthropic bills writing the cache above the input price),
batch discounts, long-context tiers other than those recorded, taxes, free tiers, reasoning tokens
beyond the output count typed (reasoning models bill their hidden reasoning as output), and
tokenizers: the same text is a different number of tokens for each model.
"""

from __future__ import annotations

from datetime import date

from ..charts import BarChart, BarSeries, LineChart, Marker, Series
from ..framework.errors import ValidationError
from ..economics.prices import (BASE_CONDITIONS, CURRENCIES, blended, fx_on, parse_day, price_on,
                                priced_series, records, series_names)
from ..framework.schema import Calculator, ChartSlot, Choice, Field, Output
from ..framework.text import Text
from ..framework.units import latex_number

TOKENS_PER_PRICE_UNIT = 1_000_000
DEFAULT_DATE = "2025-03-01"


def workload_cost(requests: float, input_tokens: float, output_tokens: float, hit_rate: float,
                  prices: dict) -> dict:
    """Cost of a day in the list's currency, split by kind of token (prices per 1M tokens)."""
    hit_price = prices["input_cache_hit"]
    if hit_price is None:
        hit_price = prices["input_cache_miss"]
    parts = {"hit": requests * input_tokens * hit_rate * hit_price,
             "miss": requests * input_tokens * (1 - hit_rate) * prices["input_cache_miss"],
             "output": requests * output_tokens * prices["output"]}
    return {key: value / TOKENS_PER_PRICE_UNIT for key, value in parts.items()}


def _prices(listed: dict, off_peak_share: float) -> dict:
    return {key: blended(listed, key, off_peak_share)
            for key in ("input_cache_hit", "input_cache_miss", "output")}


def _day_total(values: dict, prices: dict, hit_rate: float | None = None) -> float:
    return sum(workload_cost(values["requests_per_day"], values["input_tokens_per_request"],
                             values["output_tokens_per_request"],
                             values["cache_hit_rate"] if hit_rate is None else hit_rate,
                             prices).values())


def _rate(pair: str, day, typed: float | None) -> tuple[float, str, str]:
    if typed is not None:
        return typed, "typed", "typed"
    record = fx_on(pair, day)
    if record is None:
        raise ValidationError("usd_jpy" if pair.endswith("JPY") else "date",
                              f"{day} に使える {pair} の為替レートが記録されていません。",
                              f"No {pair} exchange rate is recorded for {day}.")
    return record["rate"], str(record["date"]), record["status"]


def compute(values: dict) -> dict:
    day = parse_day(values["date"])
    currency = values["currency"]
    listed = price_on(values["model"], currency, day)
    prices = _prices(listed, values["off_peak_share"])
    if prices["input_cache_miss"] is None or prices["output"] is None:
        raise ValidationError("model", "この料金表には入力または出力の価格が記録されていません。",
                              "This price list lacks an input or output price.")
    parts = workload_cost(values["requests_per_day"], values["input_tokens_per_request"],
                          values["output_tokens_per_request"], values["cache_hit_rate"], prices)
    day_cost = sum(parts.values())
    no_cache = _day_total(values, prices, hit_rate=0.0)
    daytime = _day_total(values, _prices(listed, 0.0))
    usd_jpy, jpy_date, jpy_status = _rate("USD/JPY", day, values["usd_jpy"])
    usd_cny, cny_date, cny_status = _rate("USD/CNY", day, None)
    to_usd = 1.0 if currency == "USD" else 1.0 / usd_cny
    day_usd = day_cost * to_usd
    base = listed["base"]
    off_peak = listed["off_peak"]
    provider, model = series_names()[values["model"]]
    comparison = []
    for series in priced_series("USD", day):
        other = price_on(series, "USD", day)
        other_prices = _prices(other, values["off_peak_share"])
        if other_prices["input_cache_miss"] is None or other_prices["output"] is None:
            continue
        other_provider, other_model = series_names()[series]
        comparison.append({"series": series, "provider": other_provider, "model": other_model,
                           "record": other["base"]["id"], "status": other["base"]["status"],
                           "cost_per_day_usd": _day_total(values, other_prices)})
    days = values["days"]
    return {
        "provider": provider,
        "model_name": model,
        "currency": currency,
        "price_record": base["id"],
        "price_status": base["status"],
        "price_source_url": base["source_url"],
        "off_peak_record": off_peak["id"] if off_peak else "",
        "has_cache_price": base.get("input_cache_hit") is not None,
        "price_input_cache_hit": base.get("input_cache_hit"),
        "price_input_cache_miss": base["input_cache_miss"],
        "price_output": base["output"],
        **{f"list_price_{key}_{code.lower()}": (base.get(key) if code == currency else None)
           for key in ("input_cache_hit", "input_cache_miss", "output") for code in CURRENCIES},
        "off_peak_price_output": off_peak.get("output") if off_peak else None,
        "cost_input_cache_hit": parts["hit"],
        "cost_input_cache_miss": parts["miss"],
        "cost_output": parts["output"],
        "cost_per_day": day_cost,
        "cost_per_day_usd": day_usd,
        "cost_per_day_jpy": day_usd * usd_jpy,
        "cost_per_day_cny": day_usd * usd_cny,
        "cost_per_period_usd": day_usd * days,
        "cost_per_period_jpy": day_usd * usd_jpy * days,
        "cost_per_request_usd": day_usd / values["requests_per_day"],
        "saving_cache_usd": (no_cache - day_cost) * to_usd,
        "saving_off_peak_usd": (daytime - day_cost) * to_usd,
        "usd_jpy": usd_jpy,
        "usd_jpy_date": jpy_date,
        "usd_jpy_status": jpy_status,
        "usd_cny": usd_cny,
        "usd_cny_date": cny_date,
        "usd_cny_status": cny_status,
        "comparison": comparison,
    }


# --------------------------------------------------------------------------- presentation

_STATUS_JA = {"verified": "一次資料で確認済み", "unverified": "一次資料未確認",
              "disputed": "出典どうしで食い違いあり"}
_PEAK_DAYS = {
    "daily": Text("毎日", "every day"),
    "weekdays": Text("月〜金曜。週末と中国の祝日は終日オフピーク", "Monday to Friday; weekends and Chinese public "
                     "holidays are off-peak all day"),
    "daily-then-weekdays": Text("発表時は毎日。その後、月〜金曜に限られ、週末と中国の祝日は終日オフピークになりました（切り替えの日付は未確認）",
                                "every day as announced; later Monday to Friday only, with weekends and Chinese "
                                "public holidays off-peak all day (the date of that change is unconfirmed)"),
}


def _record(record_id: str) -> dict:
    return next(record for record in records() if record["id"] == record_id)


def off_peak_window(record: dict) -> Text:
    """Where a DeepSeek off-peak list applies: the 2025 night window or outside the 2026 peak hours."""
    hours = record.get("peak_hours_utc")
    if not hours:
        start, end = record["window_utc"].split("-")
        return Text(f"夜間（UTC {start}〜{end}）", f"the night window (UTC {start}–{end})")
    spans_ja = "と".join(span.replace("-", "〜") for span in hours)
    spans_en = " and ".join(span.replace("-", "–") for span in hours)
    days = _PEAK_DAYS[record["peak_days"]]
    return Text(f"ピーク時間帯（UTC {spans_ja}、{days.ja}）以外の時間帯",
                f"hours outside the peak hours (UTC {spans_en}; {days.en})")


def _n(value) -> str:
    return "-" if value is None else latex_number(value, 4)


def formula(values: dict, out: dict) -> list[str]:
    unit = out["currency"]
    hit = out["price_input_cache_hit"] if out["has_cache_price"] else out["price_input_cache_miss"]
    lines = [
        rf"C = N\,\frac{{i\,h\,p_{{\text{{hit}}}} + i\,(1-h)\,p_{{\text{{miss}}}} + o\,p_{{\text{{out}}}}}}{{10^6}}"
        rf" = {_n(values['requests_per_day'])} \times \frac{{{_n(values['input_tokens_per_request'])} \times "
        rf"{_n(values['cache_hit_rate'])} \times {_n(hit)} + {_n(values['input_tokens_per_request'])} \times "
        rf"{_n(1 - values['cache_hit_rate'])} \times {_n(out['price_input_cache_miss'])} + "
        rf"{_n(values['output_tokens_per_request'])} \times {_n(out['price_output'])}}}{{10^6}}"
        + ("" if not out["off_peak_record"] else r"\ (\text{before off-peak blending})")
        + rf"\quad\Rightarrow\quad C = {_n(out['cost_per_day'])}\ \text{{{unit}/day}}",
    ]
    if unit == "CNY":
        lines.append(rf"C_{{\text{{USD}}}} = C / r_{{\text{{CNY}}}} = {_n(out['cost_per_day'])} / "
                     rf"{_n(out['usd_cny'])} = {_n(out['cost_per_day_usd'])}")
    lines.append(rf"C_{{\text{{JPY}}}} = C_{{\text{{USD}}}}\,r_{{\text{{JPY}}}} = {_n(out['cost_per_day_usd'])}"
                 rf" \times {_n(out['usd_jpy'])} = {_n(out['cost_per_day_jpy'])}")
    return lines


def notes(values: dict, out: dict) -> list[Text]:
    found = [Text("料金は data/prices.json の記録 {record} です（{status}）。",
                  "Prices: record {record} in data/prices.json ({status_en}).").format(
        record=out["price_record"], status=_STATUS_JA.get(out["price_status"], out["price_status"]),
        status_en=out["price_status"])]
    for alternative in _record(out["price_record"]).get("dispute") or ():
        found.append(Text("この料金には食い違う出典があります: {ja}", "Another source disagrees: {en}").format(
            ja=alternative["display"]["ja"], en=alternative["display"]["en"]))
    if out["usd_jpy_date"] == "typed":
        found.append(Text("円換算は入力した為替レート（1 ドル = {r:g} 円）です。",
                          "JPY at the rate entered (US$1 = ¥{r:g}).").format(r=out["usd_jpy"]))
    else:
        found.append(Text("円換算は米連邦準備制度の {d} のレート（1 ドル = {r:g} 円、FRED 経由、未確認の写し）です。",
                          "JPY at the Federal Reserve rate for {d} (US$1 = ¥{r:g}, via FRED; a copy, "
                          "unverified).").format(d=out["usd_jpy_date"], r=out["usd_jpy"]))
    if out["currency"] == "CNY":
        found.append(Text("人民元からドルへの換算は {d} のレート（1 ドル = {r:g} 元）です。",
                          "CNY converted to USD at the rate for {d} (US$1 = CN¥{r:g}).").format(
            d=out["usd_cny_date"], r=out["usd_cny"]))
    if not out["has_cache_price"]:
        found.append(Text("この料金表にはキャッシュヒット料金がないため、入力はすべて通常料金で計算しています。",
                          "This list has no cache-hit price: all input is billed at the ordinary "
                          "price."))
    if out["off_peak_record"]:
        window = off_peak_window(_record(out["off_peak_record"]))
        found.append(Text("{w}の割合 {s:.0%} を、オフピーク料金で計算しています。",
                          "{s:.0%} of the traffic is billed at the off-peak list ({w_en}).").format(
            w=window.ja, w_en=window.en, s=values["off_peak_share"]))
    elif values["off_peak_share"] > 0:
        found.append(Text("この日のこのモデルにはオフピーク料金がないので、オフピークの割合は効きません。",
                          "This model had no off-peak list on that date: the off-peak share has no "
                          "effect."))
    found.append(Text("含まないもの: キャッシュ書き込みの追加料金、バッチ割引、税、無料枠、トークナイザの違い"
                      "（同じ文章でもモデルごとにトークン数が違います）。",
                      "Left out: cache-write surcharges, batch discounts, taxes, free tiers and "
                      "tokenizer differences (the same text is a different number of tokens per "
                      "model)."))
    return found


def comparison_chart(values: dict, out: dict) -> BarChart:
    rows = sorted(out["comparison"], key=lambda row: row["cost_per_day_usd"])
    chosen = [index for index, row in enumerate(rows) if row["series"] == values["model"]]
    marks = {"unverified": " *", "disputed": " †"}
    categories = tuple(f"{row['provider']} {row['model']}" + marks.get(row["status"], "") for row in rows)
    return BarChart(
        title=Text(f"同じ利用量の 1 日の料金（{values['date']} の定価）",
                   f"The same workload's cost per day at list prices on {values['date']}"),
        value_label=Text("USD / 日（対数）", "USD per day (log)"),
        categories=categories,
        series=(BarSeries(Text("1 日の料金", "cost per day"), tuple(row["cost_per_day_usd"] for row in rows)),),
        value_format="usd", value_log=True, highlight=tuple(chosen),
        description=Text("* は一次資料を開けていない料金（未確認）、† は出典どうしで食い違う料金です。"
                         "料金表の記録がある日とモデルだけを比べています。ピーク時間帯とオフピークで料金が違う日は、"
                         "入力したオフピークの割合で混ぜた料金です。",
                         "* marks prices not yet checked against their primary source, † prices "
                         "that sources disagree on. Only models with a recorded price on that date are "
                         "compared. Where peak and off-peak prices differ, they are blended by the "
                         "off-peak share entered."))


def price_history(currency: str = "USD", until: date | None = None) -> dict[str, list[tuple[int, float]]]:
    """Output list price per 1M tokens over time, per series: ``(day number, price)`` steps.

    Each dated record contributes its start and its last day in force (the day before its end,
    the next record's start, or ``until`` when still open); records without a known start are
    left out, as they are when pricing a date.
    """
    by_series: dict[str, list[dict]] = {}
    for record in records():
        if (record["currency"] == currency and record["condition"] in BASE_CONDITIONS
                and record.get("effective_from")):
            by_series.setdefault(record["series"], []).append(record)
    history = {}
    for series, items in by_series.items():
        items.sort(key=lambda record: record["effective_from"])
        points: list[tuple[int, float]] = []
        for index, record in enumerate(items):
            start = date.fromisoformat(record["effective_from"]).toordinal()
            ends = [date.fromisoformat(record["effective_to"]).toordinal()] if record.get("effective_to") else []
            if index + 1 < len(items):
                ends.append(date.fromisoformat(items[index + 1]["effective_from"]).toordinal())
            last = min(ends) - 1 if ends else (until.toordinal() if until else start)
            points.append((start, record["output"]))
            if last > start:
                points.append((last, record["output"]))
        history[series] = points
    return history


def _month_ticks(first: int, last: int) -> tuple[tuple[float, str], ...]:
    start, end = date.fromordinal(first), date.fromordinal(last)
    months = (end.year - start.year) * 12 + end.month - start.month
    step = 3 if months <= 30 else 6
    ticks, year, month = [], start.year, start.month
    while True:  # up to the first tick on or after the last day, so every point is inside
        ticks.append((float(date(year, month, 1).toordinal()), f"{year}-{month:02d}"))
        if date(year, month, 1) >= end:
            return tuple(ticks)
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def history_chart(values: dict, out: dict) -> LineChart:
    chosen = parse_day(values["date"])
    history = price_history("USD", until=chosen)
    api_names = {}
    for record in records():
        api_names.setdefault(record["series"], (record["provider"], record["api_model"]))
    series = []
    for name, points in history.items():
        provider, api_model = api_names[name]
        series.append(Series(f"{provider} {api_model}", tuple((float(x), y) for x, y in points),
                             emphasis=name == values["model"], step=True))
    days = [x for item in series for x, _ in item.points]
    return LineChart(
        title=Text("出力 100万トークンの定価の推移（USD、data/prices.json）",
                   "List price per 1M output tokens over time (USD, data/prices.json)"),
        x_label=Text("料金が有効だった日（UTC）", "date in force (UTC)"),
        y_label=Text("USD / 100万出力トークン（対数）", "USD per 1M output tokens (log)"),
        series=tuple(series), y_log=True, x_format="day", y_format="usd",
        x_ticks=_month_ticks(int(min(days)), int(max(days))),
        markers=(Marker(float(chosen.toordinal()), values["date"]),),
        description=Text("開始日が確認できた料金だけを描いています。終了日の記録がない料金は、選んだ日付まで"
                         "続いたものとして描いています（その先は分かりません）。",
                         "Only prices with a confirmed start date are drawn. A price with no "
                         "recorded end is drawn up to the chosen date, as if still in force."))


# --------------------------------------------------------------------------- declaration

def _count(name: str, label: Text, default: int, unit: Text, maximum: int, minimum: int = 0) -> Field:
    return Field(name, "int", label, default=default, unit=unit, minimum=minimum, maximum=maximum,
                 magnitudes=True)


API_COST = Calculator(
    id="api-cost",
    title=Text("API 利用料金の比較", "API cost of a workload"),
    summary=Text("1 日のリクエスト数とトークン数から、指定した日の定価で API 料金を計算し、ドルと円で各社を比べます。",
                 "The API bill of a workload at the list prices of a chosen date, in USD and JPY, "
                 "across providers."),
    inputs=(
        Field("model", "choice", Text("モデル（API）", "Model (API)"), default="deepseek-chat",
              choices=tuple(Choice(series, Text(f"{provider} {model}", f"{provider} {model}"))
                            for series, (provider, model) in series_names().items())),
        Field("date", "text", Text("日付", "Date"), default=DEFAULT_DATE,
              help=Text("YYYY-MM-DD（UTC）。この日に有効だった定価を使います。出典付きの料金がない日は計算しません。",
                        "YYYY-MM-DD (UTC): the list price in effect that day. Dates without a "
                        "sourced price are refused.")),
        Field("currency", "choice", Text("料金表の通貨", "Price list currency"), default="USD",
              choices=tuple(Choice(code, Text(code, code)) for code in CURRENCIES),
              help=Text("DeepSeek は人民元建ての料金表も公表しています。", "DeepSeek also publishes a yuan (CNY) list.")),
        # At least one request: the cost per request divides by this count.
        _count("requests_per_day", Text("1 日のリクエスト数", "Requests per day"), 10_000,
               Text("件/日", "requests/day"), 10**10, minimum=1),
        _count("input_tokens_per_request", Text("リクエストあたりの入力トークン数", "Input tokens per request"), 2_000,
               Text("トークン", "tokens"), 10**8),
        _count("output_tokens_per_request", Text("リクエストあたりの出力トークン数", "Output tokens per request"), 500,
               Text("トークン", "tokens"), 10**8),
        Field("cache_hit_rate", "float", Text("入力のキャッシュヒット率", "Cache-hit share of input"), default=0.5,
              minimum=0.0, maximum=1.0),
        Field("off_peak_share", "float", Text("オフピークに送る割合", "Share sent off-peak"), default=0.0,
              minimum=0.0, maximum=1.0,
              help=Text("DeepSeek のオフピーク料金が当てはまる割合です。2025-02-26〜2025-09-05 は夜間"
                        "（UTC 16:30〜00:30）の割引です。2026-08-16 からは、ピーク時間帯"
                        "（UTC 01:00〜04:00 と 06:00〜10:00）以外が半額です。",
                        "Share of traffic billed at DeepSeek's off-peak prices: the night discount "
                        "of 2025-02-26 to 2025-09-05 (UTC 16:30–00:30), and from 2026-08-16 every hour "
                        "outside the peak hours (UTC 01:00–04:00 and 06:00–10:00) at half price.")),
        Field("days", "int", Text("期間", "Period"), default=30, unit=Text("日", "days"), minimum=1, maximum=3_660),
        Field("usd_jpy", "float", Text("為替レート（任意）", "Exchange rate (optional)"), optional=True,
              unit=Text("円/ドル", "JPY per USD"), minimum=1.0, maximum=10_000.0, advanced=True,
              help=Text("空欄なら、その月の平均レート（米連邦準備制度）を使います。",
                        "Empty: the Federal Reserve's average for that month.")),
    ),
    outputs=(
        Output("provider", Text("提供元", "Provider"), "text"),
        Output("model_name", Text("モデル", "Model"), "text"),
        Output("cost_per_day_usd", Text("1 日の料金（USD）", "Cost per day (USD)"), "usd"),
        Output("cost_per_day_jpy", Text("1 日の料金（円）", "Cost per day (JPY)"), "jpy"),
        Output("cost_per_day_cny", Text("1 日の料金（人民元）", "Cost per day (CNY)"), "cny"),
        Output("cost_per_period_usd", Text("期間の料金（USD）", "Cost over the period (USD)"), "usd"),
        Output("cost_per_period_jpy", Text("期間の料金（円）", "Cost over the period (JPY)"), "jpy"),
        Output("cost_per_request_usd", Text("1 リクエストあたり（USD）", "Per request (USD)"), "usd"),
        Output("saving_cache_usd", Text("キャッシュによる節約（USD/日）", "Saved by caching (USD/day)"), "usd"),
        Output("saving_off_peak_usd", Text("オフピーク料金による節約（USD/日）", "Saved off-peak (USD/day)"), "usd"),
        Output("currency", Text("料金表の通貨", "Price list currency"), "text"),
        *(Output(f"list_price_{key}_{code.lower()}",
                 Text(f"定価（{code}）: {ja}/100万トークン", f"List price ({code}): {en} per 1M tokens"),
                 code.lower())
          for key, ja, en in (("input_cache_hit", "入力（キャッシュヒット）", "input (cache hit)"),
                              ("input_cache_miss", "入力（キャッシュミス）", "input (cache miss)"),
                              ("output", "出力", "output"))
          for code in CURRENCIES),
        Output("price_input_cache_hit", Text("定価: 入力（キャッシュヒット）", "List price: input (cache hit)"), "data"),
        Output("price_input_cache_miss", Text("定価: 入力（キャッシュミス）", "List price: input (cache miss)"), "data"),
        Output("price_output", Text("定価: 出力", "List price: output"), "data"),
        Output("off_peak_price_output", Text("オフピークの定価: 出力", "Off-peak list price: output"), "data"),
        Output("usd_jpy", Text("為替レート（円/ドル）", "Exchange rate (JPY per USD)"), "number"),
        Output("usd_jpy_date", Text("為替レートの時点", "Exchange rate period"), "text"),
        Output("usd_cny", Text("為替レート（元/ドル）", "Exchange rate (CNY per USD)"), "number"),
        Output("price_record", Text("料金の記録", "Price record"), "text"),
        Output("price_status", Text("料金の確認状況", "Price status"), "data"),
        Output("price_source_url", Text("料金の出典", "Price source"), "url"),
        Output("off_peak_record", Text("オフピーク料金の記録", "Off-peak price record"), "data"),
        Output("has_cache_price", Text("キャッシュヒット料金があるか", "Has a cache-hit price"), "data"),
        Output("cost_input_cache_hit", Text("内訳: 入力（キャッシュヒット）", "Part: input (cache hit)"), "data"),
        Output("cost_input_cache_miss", Text("内訳: 入力（キャッシュミス）", "Part: input (cache miss)"), "data"),
        Output("cost_output", Text("内訳: 出力", "Part: output"), "data"),
        Output("cost_per_day", Text("1 日の料金（料金表の通貨）", "Cost per day (list currency)"), "data"),
        Output("usd_jpy_status", Text("円レートの確認状況", "JPY rate status"), "data"),
        Output("usd_cny_date", Text("人民元レートの時点", "CNY rate period"), "data"),
        Output("usd_cny_status", Text("人民元レートの確認状況", "CNY rate status"), "data"),
        Output("comparison", Text("各社の比較", "Comparison across providers"), "data"),
    ),
    compute=compute,
    formula=formula,
    notes=notes,
    charts=(ChartSlot("comparison", Text("各社の比較", "Across providers"), comparison_chart),
            ChartSlot("history", Text("定価の推移", "List prices over time"), history_chart)),
    symbols=(
        ("N", Text("1 日のリクエスト数", "requests per day")),
        ("i, o", Text("リクエストあたりの入力・出力トークン数", "input and output tokens per request")),
        ("h", Text("入力のキャッシュヒット率", "cache-hit share of input")),
        ("p_{\\text{hit}}, p_{\\text{miss}}, p_{\\text{out}}", Text("100万トークンあたりの定価", "list prices per 1M tokens")),
        ("r", Text("為替レート（1 ドルあたりの通貨単位）", "exchange rate (currency units per US dollar)")),
    ),
)
