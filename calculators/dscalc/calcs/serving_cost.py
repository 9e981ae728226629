"""What a token costs to serve, and what it earns: cost per million tokens and a day's margin.

Cost side (all in US dollars):

- chip-hour cost ``p``: typed (a rental price), or for owned chips
  ``p = P / (Y × 8,760) + k × f × e`` (purchase price ``P`` written off over ``Y`` years, power
  ``k`` kW times facility overhead ``f`` at ``e`` USD/kWh);
- a replica of ``n`` chips costs ``n × p`` per hour;
- achieved throughput ``T = T_typed × η`` (``η``, the efficiency, scales a throughput bound, e.g.
  from a roofline, down to what is achieved; 1 when the typed value is already measured);
- cost per 1M tokens ``= n p × 10^6 / (3,600 × T × u)`` with ``u`` the utilisation (the share
  of paid hours at that throughput): inversely proportional to throughput. Input (prefill) and
  output (decode) tokens each have their own throughput, as in a prefill/decode-disaggregated
  service such as DeepSeek's, where each phase runs on its own nodes.

A day (DeepSeek's open-infra day-6 accounting):

- replicas needed ``R = I / (86,400 T_in u) + O / (86,400 T_out u)`` for ``I`` input and ``O``
  output tokens a day; the ``replicas`` input overrides it with a measured average;
- daily cost ``= R × n × 24 × p``;
- revenue ``= s × (H p_hit + (I - H) p_miss + O p_out) / 10^6`` with ``H`` cache-hit input
  tokens and ``s`` the share of tokens billed; prices typed or read from ``data/prices.json``
  for an API model on a date (optionally blended with the off-peak list);
- cost-profit margin ``= (revenue - cost) / cost`` (DeepSeek's "545%"); gross margin
  ``= (revenue - cost) / revenue``.

With DeepSeek's published figures (226.75 nodes of 8 H800 at US$2 per GPU-hour; 608B input
tokens of which 342B cache hits, 168B output; R1's list prices) this gives US$87,072 a day
exactly and US$562,100 revenue against the write-up's US$562,027: the token counts are published
rounded to the billion, which moves revenue by up to ±US$1,440.

From a measured record (``measured_record``, a benchmark result in ``data/measured/``): the
replica is the record's system — ``n`` = its chip count, ``T_out`` = its output tokens/s per
system as normalised by ``dscalc.hardware.measured`` (η = 1: the figure is achieved, not a bound) — so
``C_out = n p × 10^6 / (3,600 T_out u)`` traces from the benchmark cell to the dollar. The whole
system's cost is charged to output tokens (its prefill ran on the same chips). A chip-hour price
can come from ``data/chip_prices.json`` (``chip_hour_record``, with its date and source); it must
be for the record's chip.

Left out: hardware bought rather than rented is only as good as the owned-chip inputs; staff,
networking, storage (the KV cache on disk), CPUs, idle capacity kept for peaks, failed requests,
and the research and training the nodes do at night.
"""

from __future__ import annotations

import math

from .. import data
from ..hardware import measured, measured_view
from ..charts import BarChart, BarSeries, LineChart, Marker, Series
from ..framework.errors import ValidationError
from ..economics.prices import PRICE_FIELDS, blended, parse_day, price_on, series_names
from ..framework.schema import Calculator, ChartSlot, Choice, Field, Output
from ..framework.text import Text
from ..framework.units import latex_number

SECONDS_PER_HOUR = 3_600
SECONDS_PER_DAY = 86_400
HOURS_PER_YEAR = 8_760
TOKENS_PER_PRICE_UNIT = 1_000_000
TYPED = "typed"
NONE = "none"
RENT, OWN = "rent", "own"
#: Throughputs plotted in the cost chart, relative to the achieved output throughput.
CHART_FACTORS = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


def achieved_throughput(typed_tokens_per_s: float, efficiency: float) -> float:
    """Tokens/s actually delivered: a typed (or roofline) throughput times the efficiency.

    This is the hook for ``roofline``: pass its tokens/s bound as ``typed_tokens_per_s`` and the
    share of that bound a real system reaches as ``efficiency``.
    """
    return typed_tokens_per_s * efficiency


def owned_chip_hour_cost(purchase_usd: float, years: float, power_kw: float,
                         overhead: float, usd_per_kwh: float) -> float:
    """USD per chip-hour of an owned chip: straight-line write-off plus electricity."""
    return purchase_usd / (years * HOURS_PER_YEAR) + power_kw * overhead * usd_per_kwh


def cost_per_million_tokens(replica_hour_usd: float, tokens_per_s: float,
                            utilisation: float) -> float:
    """USD per 1M tokens for a replica costing ``replica_hour_usd`` an hour."""
    return replica_hour_usd * TOKENS_PER_PRICE_UNIT / (SECONDS_PER_HOUR * tokens_per_s * utilisation)


def replicas_needed(input_tokens: float, output_tokens: float, input_tokens_per_s: float,
                    output_tokens_per_s: float, utilisation: float) -> float:
    """Average replicas a day's tokens keep busy (prefill and decode replicas added)."""
    return (input_tokens / (SECONDS_PER_DAY * input_tokens_per_s * utilisation)
            + output_tokens / (SECONDS_PER_DAY * output_tokens_per_s * utilisation))


def revenue(hit_tokens: float, miss_tokens: float, output_tokens: float, prices: dict,
            billed_share: float) -> dict:
    """USD earned by each kind of token at ``prices`` (USD per 1M tokens)."""
    parts = {"hit": hit_tokens * prices["input_cache_hit"],
             "miss": miss_tokens * prices["input_cache_miss"],
             "output": output_tokens * prices["output"]}
    return {key: value * billed_share / TOKENS_PER_PRICE_UNIT for key, value in parts.items()}


def chip_price_records() -> dict[str, dict]:
    """Chip-hour price records by id, from ``data/chip_prices.json``."""
    return {record["id"]: record for record in data.load("chip_prices.json")["prices"]}


def _measured(values: dict) -> dict | None:
    """The measured record chosen, normalised; ``ValidationError`` at the field that makes it
    unusable (no tokens/s figure, no chip count, slower per user than the floor asked for)."""
    minimum = values["min_tokens_per_s_per_user"]
    if values["measured_record"] == NONE:
        if minimum is not None:
            raise ValidationError("min_tokens_per_s_per_user",
                                  "1 ユーザあたりの速度の下限は、測定結果の記録を選んだときだけ使います。",
                                  "The per-user speed floor applies only when a measured record "
                                  "is chosen.")
        return None
    record = measured.by_id(values["measured_record"])
    figures = measured.normalise(record)
    if figures["tokens_per_s_per_system"] is None or not figures["chip_count"]:
        raise ValidationError("measured_record",
                              "この記録にはシステム全体のトークン/秒とチップ数がそろっていないため、コストを計算できません。",
                              "This record lacks a system tokens/s figure or a chip count, so "
                              "no cost can be computed from it.")
    user = figures["tokens_per_s_per_user"]
    if minimum is not None and (user is None or user < minimum):
        shown = "公表なし" if user is None else f"{user:,.1f}"
        raise ValidationError("min_tokens_per_s_per_user",
                              f"この記録の 1 ユーザあたりの速度（{shown} トークン/秒）は下限の {minimum:,g} に届きません。",
                              f"This record's speed per user ({'not published' if user is None else f'{user:,.1f}'}"
                              f" tokens/s) is below the floor of {minimum:,g}.")
    return dict(figures, record=record)


def _chip_hour(values: dict, record: dict | None) -> tuple[float, dict | None]:
    """USD per chip-hour, and the price record it came from (``None`` when typed)."""
    if values["chip_hour_record"] != TYPED:
        price = chip_price_records()[values["chip_hour_record"]]
        if values["cost_basis"] != price["basis"]:
            raise ValidationError("chip_hour_record",
                                  "選んだ価格の記録はレンタル価格です。チップの調達を「レンタル」にしてください。",
                                  "The price record chosen is a rental price: set the chips to "
                                  "rented.")
        if record is not None and record.get("chip") != price["chip"]:
            chip = data.chips().get(record.get("chip") or "", {}).get("name", record.get("chip"))
            raise ValidationError("chip_hour_record",
                                  f"価格の記録のチップ（{data.chips()[price['chip']]['name']}）が測定結果のチップ（{chip}）と違います。",
                                  f"The price record's chip ({data.chips()[price['chip']]['name']}) "
                                  f"is not the measured record's chip ({chip}).")
        return float(price["usd_per_chip_hour"]), price
    return _typed_chip_hour(values), None


def _cost_front(chosen: dict | None, chip_hour: float, utilisation: float) -> dict:
    """The chosen record's model and chip: every record of that pair and the roofline floor, in
    US dollars per 1M output tokens at this chip-hour price (empty without a record)."""
    if chosen is None:
        return {"points": [], "curves": [], "model": "", "chip": ""}
    record = chosen["record"]
    model, chip_id = measured.architecture(str(record.get("model", ""))), record.get("chip") or ""
    rows = [measured.compare(item) for item in measured.matching(model, chip_id)]
    chip = data.chips().get(chip_id)
    own = measured.compare(record)
    curves = [] if chip is None else measured_view.front_curves(
        model, chip, own["weights"], own["kv_cache"],
        [(own["chip_count"], own["input_tokens"], own["output_tokens"])] if own["chip_count"] else [])
    return dict(measured_view.cost_front(rows, curves, chip_hour, utilisation),
                model=data.models().get(model, {}).get("name", model),
                chip=chip["name"] if chip else chip_id, weights=own["weights"])


def _typed_chip_hour(values: dict) -> float:
    if values["cost_basis"] == RENT:
        return values["chip_hour_price"]
    if values["chip_purchase_price"] is None:
        raise ValidationError("chip_purchase_price", "自社保有の場合はチップ 1 基の購入価格を入力してください。",
                              "For owned chips, enter the purchase price of one chip.")
    return owned_chip_hour_cost(values["chip_purchase_price"], values["amortisation_years"],
                                values["power_kw"], values["facility_overhead"],
                                values["electricity_price"])


def _prices(values: dict) -> tuple[dict, dict]:
    """USD per 1M tokens for each kind of token, and where they came from."""
    if values["prices_from"] == TYPED:
        return ({"input_cache_hit": values["price_input_cache_hit"],
                 "input_cache_miss": values["price_input_cache_miss"],
                 "output": values["price_output"]},
                {"record": "", "status": "typed", "off_peak_record": ""})
    day = parse_day(values["prices_date"], "prices_date")
    listed = price_on(values["prices_from"], "USD", day, "prices_date")
    prices = {key: blended(listed, key, values["off_peak_share"]) for key in PRICE_FIELDS}
    if prices["input_cache_hit"] is None:  # no cache discount listed: hits pay the full price
        prices["input_cache_hit"] = prices["input_cache_miss"]
    if None in prices.values():
        raise ValidationError("prices_from", "この料金表には入力または出力の価格が記録されていません。",
                              "This price list lacks an input or output price.")
    return prices, {"record": listed["base"]["id"], "status": listed["base"]["status"],
                    "off_peak_record": listed["off_peak"]["id"] if listed["off_peak"] else ""}


def _margin(price: float, cost: float) -> float | None:
    return None if price <= 0 else (price - cost) / price


def _smallest_input(values: dict, names: tuple[str, ...]) -> str:
    """The input among ``names`` closest to zero without being zero (the one that made a
    denominator vanish)."""
    given = [(abs(values[name]), name) for name in names
             if isinstance(values.get(name), (int, float)) and values[name]]
    return min(given)[1] if given else names[0]


def _finite(ratio: float | None, values: dict, names: tuple[str, ...]) -> float | None:
    """``ratio`` (a margin, a fraction), or ``ValidationError`` at the input that made it
    overflow: a price, share or count so close to zero (``5e-324``) that dividing by it leaves
    the float range."""
    if ratio is None or math.isfinite(ratio):
        return ratio
    name = _smallest_input(values, names)
    raise ValidationError(name, "値が 0 に近すぎて利益率を計算できません。0 にするか、もっと大きな値を入力してください。",
                          "This value is too close to zero for the margin to be computed: enter 0 "
                          "or a larger value.")


def _cost_inputs(values: dict) -> tuple[str, ...]:
    """The inputs a day's cost is a product of (what can make it vanish)."""
    chip = (("chip_hour_price",) if values["cost_basis"] == RENT else
            ("chip_purchase_price", "power_kw", "electricity_price"))
    return chip + (("replicas",) if values["replicas"] is not None else
                   ("input_tokens_per_day", "output_tokens_per_day"))


def _revenue_inputs(values: dict) -> tuple[str, ...]:
    """The inputs a day's revenue is a product of."""
    prices = (("price_input_cache_hit", "price_input_cache_miss", "price_output")
              if values["prices_from"] == TYPED else ())
    return ("billed_share",) + prices + ("input_tokens_per_day", "cache_hit_tokens_per_day",
                                        "output_tokens_per_day")


def _per_chip_ratio(values: dict, chosen: dict | None) -> float | None:
    """The chosen record's tokens/s per chip divided by the baseline record's; ``None`` with no
    baseline. A baseline without a measured record, or without a tokens/s figure, is refused."""
    if values["baseline_record"] == NONE:
        return None
    if chosen is None:
        raise ValidationError("baseline_record",
                              "比べる記録は、上で測定結果の記録を選んだときだけ使います。",
                              "A record to compare with applies only when a measured record is chosen above.")
    baseline = measured.normalise(measured.by_id(values["baseline_record"]))["tokens_per_s_per_chip"]
    if not baseline:
        raise ValidationError("baseline_record",
                              "この記録には 1 チップあたりのトークン/秒がないため、比べられません。",
                              "This record has no tokens/s per chip to compare with.")
    return chosen["tokens_per_s_per_chip"] / baseline


def compute(values: dict) -> dict:
    hit, total_input = values["cache_hit_tokens_per_day"], values["input_tokens_per_day"]
    if hit > total_input:
        raise ValidationError("cache_hit_tokens_per_day",
                              "キャッシュヒットの入力トークン数が入力トークンの総数を超えています。",
                              "Cache-hit input tokens exceed the total input tokens.")
    chosen = _measured(values)
    chip_hour, price = _chip_hour(values, chosen["record"] if chosen else None)
    chips = chosen["chip_count"] if chosen else values["chips_per_replica"]
    output_typed = chosen["tokens_per_s_per_system"] if chosen else values["output_tokens_per_s"]
    output_efficiency = 1.0 if chosen else values["efficiency"]
    replica_hour = chip_hour * chips
    input_tps = achieved_throughput(values["input_tokens_per_s"], values["efficiency"])
    output_tps = achieved_throughput(output_typed, output_efficiency)
    utilisation = values["utilisation"]
    cost_in = cost_per_million_tokens(replica_hour, input_tps, utilisation)
    cost_out = cost_per_million_tokens(replica_hour, output_tps, utilisation)
    output_tokens = values["output_tokens_per_day"]
    implied = replicas_needed(total_input, output_tokens, input_tps, output_tps, utilisation)
    replicas = implied if values["replicas"] is None else values["replicas"]
    chip_hours = replicas * chips * 24
    daily_cost = chip_hours * chip_hour
    prices, origin = _prices(values)
    earned = revenue(hit, total_input - hit, output_tokens, prices, values["billed_share"])
    daily_revenue = sum(earned.values())
    return {
        "cost_basis": values["cost_basis"],
        "chip_hour_cost": chip_hour,
        "replica_hour_cost": replica_hour,
        "achieved_input_tokens_per_s": input_tps,
        "achieved_output_tokens_per_s": output_tps,
        "cost_per_million_input": cost_in,
        "cost_per_million_output": cost_out,
        "price_input_cache_hit": prices["input_cache_hit"],
        "price_input_cache_miss": prices["input_cache_miss"],
        "price_output": prices["output"],
        "price_record": origin["record"],
        "price_status": origin["status"],
        "off_peak_record": origin["off_peak_record"],
        "margin_input": _finite(_margin(prices["input_cache_miss"], cost_in), values,
                                ("price_input_cache_miss",)),
        "margin_output": _finite(_margin(prices["output"], cost_out), values, ("price_output",)),
        "replicas_implied": implied,
        "replicas_used": replicas,
        "replicas_from": "implied" if values["replicas"] is None else "typed",
        "chips_in_service": replicas * chips,
        "chips_per_replica_used": chips,
        "output_tokens_per_s_used": output_typed,
        "output_efficiency_used": output_efficiency,
        "measured_id": chosen["record"]["id"] if chosen else "",
        "measured_system": chosen["record"].get("system", "") if chosen else "",
        "measured_chip": chosen["record"].get("chip", "") if chosen else "",
        "measured_tokens_per_s_per_chip": chosen["tokens_per_s_per_chip"] if chosen else None,
        "measured_tokens_per_s_per_user": chosen["tokens_per_s_per_user"] if chosen else None,
        "measured_ratio_to_baseline": _per_chip_ratio(values, chosen),
        "measured_source_url": chosen["record"].get("source_url", "") if chosen else "",
        "chip_hour_record": price["id"] if price else "",
        "chip_hour_source_url": price["source_url"] if price else "",
        "chip_hour_date": price["date"] if price else "",
        "chip_hour_status": price["status"] if price else "typed",
        "measured_front": _cost_front(chosen, chip_hour, values["utilisation"]),
        "chip_hours_per_day": chip_hours,
        "daily_cost": daily_cost,
        "cache_hit_share": hit / total_input if total_input else 0.0,
        "revenue_cache_hit": earned["hit"],
        "revenue_cache_miss": earned["miss"],
        "revenue_output": earned["output"],
        "daily_revenue": daily_revenue,
        "cost_profit_margin": _finite((daily_revenue - daily_cost) / daily_cost if daily_cost > 0 else None,
                                      values, _cost_inputs(values)),
        "gross_margin": _finite((daily_revenue - daily_cost) / daily_revenue if daily_revenue > 0 else None,
                                values, _revenue_inputs(values)),
    }


# --------------------------------------------------------------------------- presentation

def _n(value: float) -> str:
    return latex_number(value, 4)


def formula(values: dict, out: dict) -> list[str]:
    lines = []
    if out["cost_basis"] == OWN:
        lines.append(
            rf"p = \frac{{P}}{{Y \times 8{{,}}760}} + k\,f\,e = \frac{{{_n(values['chip_purchase_price'])}}}"
            rf"{{{_n(values['amortisation_years'])} \times 8{{,}}760}} + {_n(values['power_kw'])} \times "
            rf"{_n(values['facility_overhead'])} \times {_n(values['electricity_price'])} = "
            rf"{_n(out['chip_hour_cost'])}\ \text{{USD/h}}")
    lines += [
        rf"C_{{\text{{in}}}} = \frac{{n\,p \times 10^6}}{{3600\,T_{{\text{{in}}}}\,\eta\,u}} = "
        rf"\frac{{{out['chips_per_replica_used']} \times {_n(out['chip_hour_cost'])} \times 10^6}}"
        rf"{{3600 \times {_n(values['input_tokens_per_s'])} \times {_n(values['efficiency'])} \times "
        rf"{_n(values['utilisation'])}}} = {_n(out['cost_per_million_input'])}\ \text{{USD}}",
        rf"C_{{\text{{out}}}} = \frac{{n\,p \times 10^6}}{{3600\,T_{{\text{{out}}}}\,\eta\,u}} = "
        rf"\frac{{{out['chips_per_replica_used']} \times {_n(out['chip_hour_cost'])} \times 10^6}}"
        rf"{{3600 \times {_n(out['output_tokens_per_s_used'])} \times {_n(out['output_efficiency_used'])} \times "
        rf"{_n(values['utilisation'])}}} = {_n(out['cost_per_million_output'])}\ \text{{USD}}",
        rf"R = \frac{{I}}{{86400\,T_{{\text{{in}}}}\,\eta\,u}} + \frac{{O}}{{86400\,T_{{\text{{out}}}}\,\eta\,u}}"
        rf" = {_n(out['replicas_implied'])}",
        rf"\text{{cost}} = R\,n \times 24\,p = {_n(out['replicas_used'])} \times {out['chips_per_replica_used']}"
        rf" \times 24 \times {_n(out['chip_hour_cost'])} = {_n(out['daily_cost'])}\ \text{{USD}}",
        rf"\text{{revenue}} = s\,\frac{{H\,p_{{\text{{hit}}}} + (I - H)\,p_{{\text{{miss}}}} + O\,p_{{\text{{out}}}}}}{{10^6}}"
        rf" = {_n(values['billed_share'])} \times \frac{{{_n(values['cache_hit_tokens_per_day'])} \times "
        rf"{_n(out['price_input_cache_hit'])} + {_n(values['input_tokens_per_day'] - values['cache_hit_tokens_per_day'])}"
        rf" \times {_n(out['price_input_cache_miss'])} + {_n(values['output_tokens_per_day'])} \times "
        rf"{_n(out['price_output'])}}}{{10^6}} = {_n(out['daily_revenue'])}\ \text{{USD}}",
    ]
    if out["cost_profit_margin"] is not None:
        lines.append(rf"\text{{cost-profit margin}} = \frac{{\text{{revenue}} - \text{{cost}}}}{{\text{{cost}}}}"
                     rf" = \frac{{{_n(out['daily_revenue'])} - {_n(out['daily_cost'])}}}{{{_n(out['daily_cost'])}}}"
                     rf" = {_n(out['cost_profit_margin'])}")
    return lines


def notes(values: dict, out: dict) -> list[Text]:
    found = []
    if out["replicas_from"] == "typed":
        found.append(Text("1 日のコストは入力したレプリカ数（平均）で計算しています。スループットから逆算したレプリカ数は "
                          "{r:,.2f} です。",
                          "The daily cost uses the replica count entered (an average); the "
                          "throughputs imply {r:,.2f}.").format(r=out["replicas_implied"]))
    if values["efficiency"] < 1:
        found.append(Text("入力したスループットに効率 η を掛けた値を実効スループットとしています"
                          "（ルーフラインの上限から始める場合の使い方です）。",
                          "The typed throughputs are scaled by the efficiency η (use this when "
                          "starting from a roofline bound)."))
    if out["price_status"] == "unverified":
        found.append(Text("料金は一次資料を開けていない記録（未確認）から読んでいます。",
                          "The prices come from a record not yet checked against its primary source "
                          "(unverified)."))
    elif out["price_status"] == "disputed":
        found.append(Text("この料金には食い違う出典があります（data/prices.json の記録 {r} を参照）。",
                          "Sources disagree on these prices (see record {r} in data/prices.json).").format(
            r=out["price_record"]))
    if out["off_peak_record"] and values["off_peak_share"] > 0:
        found.append(Text("料金は通常（2026 年 8 月 16 日からはピーク時間帯）の料金とオフピーク料金を、オフピークの割合 {s:.0%} で混ぜた値です。",
                          "Prices blend the daytime (from 2026-08-16 the peak-hour) and off-peak lists "
                          "with {s:.0%} of tokens off-peak.").format(s=values["off_peak_share"]))
    if out["measured_id"]:
        # Decode-only records (DeepSeek's day 6) leave out the prefill nodes: say so, never imply
        # the figure is the whole service's cost.
        why = (Text("この記録はデコード専用のノードで測ったもので、プリフィル用のノードの費用は含みません。",
                    "This record was measured on decode-only nodes: the prefill nodes' cost is not in it.")
               if measured.decode_only(measured.by_id(out["measured_id"]))
               else Text("プリフィルも同じチップで動いたためです。", "The prefill ran on the same chips."))
        found.append(Text("出力のコストは測定結果 {id} から計算しています: {sys}、{n} 基で出力 {t:,.0f} トークン/秒（システム全体）。"
                          "チップの費用はすべて出力トークンに割り当てています。" + why.ja +
                          "入力のコストは下の欄のプリフィル処理量のままです。",
                          "The output cost comes from the measured record {id}: {sys}, {n} chips, "
                          "{t:,.0f} output tokens/s for the system. All of the chips' cost is "
                          "charged to output tokens. " + why.en + " The "
                          "input cost still uses the prefill throughput typed.").format(
            id=out["measured_id"], sys=out["measured_system"] or out["measured_chip"],
            n=out["chips_per_replica_used"], t=out["output_tokens_per_s_used"]))
    if out["chip_hour_record"]:
        checked = out["chip_hour_status"] == "verified"
        found.append(Text(f"チップ時間の単価は記録 {out['chip_hour_record']}（{out['chip_hour_date']}）の値です"
                          f"{'' if checked else '（一次資料は未確認）'}。",
                          f"The chip-hour price is the record {out['chip_hour_record']} "
                          f"({out['chip_hour_date']}{'' if checked else '; not checked against its primary source'})."))
    if out["cost_basis"] == OWN and not values["electricity_price"]:
        found.append(Text("電気代を入力していないので、保有コストは購入価格の償却だけです。",
                          "No electricity price given: the owned cost is the write-off only."))
    found.append(Text("含まないもの: 人件費、ネットワーク、ストレージ（ディスク上の KV キャッシュ）、CPU、ピークに備えた"
                      "待機容量、研究・学習への転用。",
                      "Left out: staff, networking, storage (the on-disk KV cache), CPUs, capacity "
                      "held for peaks, and use of the nodes for research and training."))
    return found


def measured_chart(values: dict, out: dict) -> LineChart:
    """Cost per 1M output tokens against speed per user: measured records and the roofline floor."""
    front = out["measured_front"]
    name = f"{front['model']}, {front['chip']}" if front["model"] else "—"
    return measured_view.cost_front_chart(name, front.get("weights", ""), front)


def cost_chart(values: dict, out: dict) -> LineChart:
    """Cost per 1M output tokens against decode throughput: a straight line of slope −1 on
    log-log axes (cost ∝ 1/throughput)."""
    base = out["achieved_output_tokens_per_s"]
    points = tuple((base * factor, cost_per_million_tokens(out["replica_hour_cost"], base * factor,
                                                           values["utilisation"]))
                   for factor in CHART_FACTORS)
    price = out["price_output"]
    series = [Series(Text("出力 100万トークンあたりのコスト", "cost per 1M output tokens"), points,
                     emphasis=True)]
    if price > 0:
        series.append(Series(Text("出力の料金", "output price"),
                             tuple((x, price) for x, _ in points)))
    return LineChart(
        title=Text("スループットと出力 100万トークンあたりのコスト", "Cost per 1M output tokens vs throughput"),
        x_label=Text("レプリカあたりのデコード処理量（トークン/秒、対数）", "decode throughput per replica (tokens/s, log)"),
        y_label=Text("USD / 100万トークン（対数）", "USD per 1M tokens (log)"),
        series=tuple(series), x_log=True, y_log=True,
        markers=(Marker(base, Text("現在の値", "current")),),
        x_format="tokens_per_s", y_format="usd",
        description=Text("スループットが 2 倍になるとコストは半分になります。",
                         "Doubling throughput halves the cost per token."))


def day_chart(values: dict, out: dict) -> BarChart:
    """A day's cost against revenue, revenue split by kind of token."""
    return BarChart(
        title=Text("1 日のコストと売上", "A day's cost and revenue"),
        value_label=Text("USD / 日", "USD per day"),
        categories=(Text("コスト", "cost"), Text("売上", "revenue")),
        series=(BarSeries(Text("チップ時間", "chip-hours"), (out["daily_cost"], None)),
                BarSeries(Text("入力（キャッシュヒット）", "input (cache hit)"), (None, out["revenue_cache_hit"])),
                BarSeries(Text("入力（キャッシュミス）", "input (cache miss)"), (None, out["revenue_cache_miss"])),
                BarSeries(Text("出力", "output"), (None, out["revenue_output"]))),
        stacked=True, value_format="usd",
        description=Text("売上は課金対象の割合と料金表に比例します。",
                         "Revenue scales with the billed share and the price list."))


# --------------------------------------------------------------------------- declaration

def _fraction(name: str, label: Text, default: float, help_text: Text, *, minimum: float = 0.0,
              advanced: bool = False) -> Field:
    return Field(name, "float", label, default=default, minimum=minimum, maximum=1.0,
                 help=help_text, advanced=advanced)


def _usd(name: str, label: Text, default: float | None, unit: Text, *, maximum: float = 1e6,
         optional: bool = False, advanced: bool = False, help_text: Text | None = None) -> Field:
    return Field(name, "float", label, default=default, unit=unit, minimum=0.0, maximum=maximum,
                 optional=optional, advanced=advanced, help=help_text)


def _tokens(name: str, label: Text, default: float) -> Field:
    return Field(name, "float", label, default=default, unit=Text("トークン/日", "tokens/day"),
                 minimum=0.0, maximum=1e16, magnitudes=True)


PER_MILLION = Text("USD/100万トークン", "USD per 1M tokens")

SERVING_COST = Calculator(
    id="serving-cost",
    title=Text("推論サービングのコストと利益率", "Serving cost and margin"),
    summary=Text("チップ時間の単価とスループットから 100万トークンあたりのコストを出し、1 日のトークン数と料金から"
                 "コスト・売上・利益率を計算します。",
                 "Cost per 1M tokens from the chip-hour price and throughput, then a day's cost, "
                 "revenue and margin from token volumes and prices."),
    inputs=(
        Field("cost_basis", "choice", Text("チップの調達", "Chips are"), default=RENT,
              choices=(Choice(RENT, Text("レンタル（時間単価）", "rented (price per hour)")),
                       Choice(OWN, Text("自社保有（購入価格を償却）", "owned (purchase written off)")))),
        _usd("chip_hour_price", Text("チップ 1 基 1 時間の単価", "Price per chip-hour"), 2.0,
             Text("USD/時間", "USD/h"), maximum=10_000),
        Field("chip_hour_record", "choice", Text("チップ時間の単価の出典", "Chip-hour price from"), default=TYPED,
              choices=(Choice(TYPED, Text("上の欄に入力", "typed above")),)
              + tuple(Choice(record["id"], Text(f"{record['provider']}: {record['usd_per_chip_hour']:g} USD/時間（{record['chip']}、{record['date']}）",
                                                f"{record['provider']}: US${record['usd_per_chip_hour']:g}/h ({record['chip']}, {record['date']})"))
                      for record in chip_price_records().values()),
              help=Text("data/chip_prices.json の記録（日付と出典つき）。測定結果の記録と同じチップのものを選びます。",
                        "A record of data/chip_prices.json (dated and sourced); it must be for the "
                        "measured record's chip.")),
        _usd("chip_purchase_price", Text("チップ 1 基の購入価格（保有時）", "Purchase price per chip (owned)"),
             None, Text("USD", "USD"), maximum=1e7, optional=True, advanced=True),
        Field("amortisation_years", "float", Text("償却年数（保有時）", "Write-off period (owned)"), default=4.0,
              unit=Text("年", "years"), minimum=0.25, maximum=30, advanced=True),
        Field("power_kw", "float", Text("チップ 1 基の電力（保有時）", "Power per chip (owned)"), default=0.0,
              unit="kW", minimum=0.0, maximum=100, advanced=True),
        Field("facility_overhead", "float", Text("設備のオーバーヘッド係数（PUE）", "Facility overhead (PUE)"),
              default=1.0, minimum=1.0, maximum=5.0, advanced=True),
        _usd("electricity_price", Text("電気料金（保有時）", "Electricity price (owned)"), 0.0,
             Text("USD/kWh", "USD/kWh"), maximum=10, advanced=True),
        Field("chips_per_replica", "int", Text("レプリカ（ノード）あたりのチップ数", "Chips per replica (node)"),
              default=8, unit=Text("基", "chips"), minimum=1, maximum=1_000_000),
        Field("measured_record", "choice", Text("測定結果の記録（任意）", "Measured record (optional)"), default=NONE,
              choices=(Choice(NONE, Text("使わない（下の処理量を使う）", "none (use the throughput below)")),)
              + tuple(Choice(record["id"], Text(f"{record['id']}", f"{record['id']}"))
                      for record in measured.records() if record.get("id")),
              help=Text("data/measured にある公表ベンチマークの記録です。選ぶと、その記録のチップ数とシステム全体の処理量で"
                        "出力のコストを計算します（効率は 1）。",
                        "A published benchmark in data/measured/: the output cost then uses its "
                        "chip count and its output tokens/s per system (efficiency 1).")),
        Field("baseline_record", "choice", Text("比べる測定結果の記録（任意）", "Measured record to compare with (optional)"),
              default=NONE, advanced=True,
              choices=(Choice(NONE, Text("比べない", "none")),)
              + tuple(Choice(record["id"], Text(f"{record['id']}", f"{record['id']}"))
                      for record in measured.records() if record.get("id")),
              help=Text("選ぶと、上の記録の 1 チップあたりの処理量がこの記録の何倍かを出します"
                        "（同じ提出者の別の回を比べるときなどに使います）。",
                        "When chosen, the record above's throughput per chip is given as a multiple of "
                        "this record's (for example the same submitter in another round).")),
        Field("min_tokens_per_s_per_user", "float", Text("1 ユーザあたりの速度の下限（任意）",
                                                         "Floor on tokens/s per user (optional)"),
              optional=True, unit=Text("トークン/秒", "tokens/s"), minimum=0.0, maximum=1e6,
              help=Text("測定結果の記録がこの速度に届かなければ、そう知らせます。",
                        "The measured record is refused when its per-user speed is below this.")),
        Field("input_tokens_per_s", "float", Text("レプリカあたりのプリフィル処理量", "Prefill throughput per replica"),
              default=73_700.0, unit=Text("入力トークン/秒", "input tokens/s"), minimum=1e-3, maximum=1e10,
              magnitudes=True),
        Field("output_tokens_per_s", "float", Text("レプリカあたりのデコード処理量", "Decode throughput per replica"),
              default=14_800.0, unit=Text("出力トークン/秒", "output tokens/s"), minimum=1e-3, maximum=1e10,
              magnitudes=True),
        _fraction("efficiency", Text("効率 η（上限に対する実効の割合）", "Efficiency η (share of the bound achieved)"),
                  1.0, Text("測定したスループットなら 1。ルーフラインなどの理論上限を入れたときは、実際に出る割合を入れます。",
                            "1 for a measured throughput; below 1 when the throughput typed is a "
                            "theoretical bound such as a roofline's."), minimum=1e-3),
        _fraction("utilisation", Text("稼働率（上記の処理量で動く時間の割合）", "Utilisation (share of paid hours at that throughput)"),
                  1.0, Text("支払った時間のうち、上記の処理量で動いている割合。", "Share of the hours paid for in which "
                            "the replica runs at that throughput."), minimum=1e-3),
        _tokens("input_tokens_per_day", Text("1 日の入力トークン数", "Input tokens per day"), 608e9),
        _tokens("cache_hit_tokens_per_day", Text("うちキャッシュヒット", "of which cache hits"), 342e9),
        _tokens("output_tokens_per_day", Text("1 日の出力トークン数", "Output tokens per day"), 168e9),
        Field("replicas", "float", Text("稼働レプリカ数（1 日平均、任意）", "Replicas in service (daily average, optional)"),
              optional=True, unit=Text("レプリカ", "replicas"), minimum=0.0, maximum=1e7,
              help=Text("空欄ならスループットとトークン数から逆算します。", "Empty: derived from the throughputs and "
                        "token volumes."), placeholder_output="replicas_implied"),
        Field("prices_from", "choice", Text("料金", "Prices"), default=TYPED,
              choices=(Choice(TYPED, Text("下の欄に入力", "typed below")),)
              + tuple(Choice(series, Text(f"{provider} {model}（data/prices.json）", f"{provider} {model} (data/prices.json)"))
                      for series, (provider, model) in series_names().items())),
        Field("prices_date", "text", Text("料金の日付（料金表を使うとき）", "Price date (when using a price list)"),
              default="2025-02-27", help=Text("YYYY-MM-DD（UTC）。この日に有効だった料金を使います。",
                                              "YYYY-MM-DD (UTC): the list in effect that day is used.")),
        _fraction("off_peak_share", Text("オフピーク料金の割合", "Share billed at off-peak prices"), 0.0,
                  Text("料金表にオフピーク料金があるときだけ効きます。", "Used only when the list has off-peak prices."),
                  advanced=True),
        _usd("price_input_cache_hit", Text("入力（キャッシュヒット）の料金", "Price, input (cache hit)"), 0.14, PER_MILLION,
             maximum=10_000),
        _usd("price_input_cache_miss", Text("入力（キャッシュミス）の料金", "Price, input (cache miss)"), 0.55, PER_MILLION,
             maximum=10_000),
        _usd("price_output", Text("出力の料金", "Price, output"), 2.19, PER_MILLION, maximum=10_000),
        _fraction("billed_share", Text("課金されるトークンの割合", "Share of tokens billed"), 1.0,
                  Text("無料のアプリやウェブの利用は売上になりません。", "Free app and web use earns nothing.")),
    ),
    outputs=(
        Output("chip_hour_cost", Text("チップ 1 基 1 時間のコスト", "Cost per chip-hour"), "usd"),
        Output("replica_hour_cost", Text("レプリカ 1 時間のコスト", "Cost per replica-hour"), "usd"),
        Output("achieved_input_tokens_per_s", Text("実効プリフィル処理量（レプリカあたり）",
                                                   "Achieved prefill throughput (per replica)"), "tokens_per_s"),
        Output("achieved_output_tokens_per_s", Text("実効デコード処理量（レプリカあたり）",
                                                    "Achieved decode throughput (per replica)"), "tokens_per_s"),
        Output("cost_per_million_input", Text("入力 100万トークンあたりのコスト", "Cost per 1M input tokens"), "usd"),
        Output("cost_per_million_output", Text("出力 100万トークンあたりのコスト", "Cost per 1M output tokens"), "usd"),
        Output("price_input_cache_hit", Text("料金: 入力（キャッシュヒット）", "Price: input (cache hit)"), "usd"),
        Output("price_input_cache_miss", Text("料金: 入力（キャッシュミス）", "Price: input (cache miss)"), "usd"),
        Output("price_output", Text("料金: 出力", "Price: output"), "usd"),
        Output("margin_input", Text("入力の粗利率（キャッシュミス料金に対して）", "Gross margin on input (vs cache-miss price)"),
               "percent"),
        Output("margin_output", Text("出力の粗利率", "Gross margin on output"), "percent"),
        Output("replicas_implied", Text("必要なレプリカ数（処理量から逆算）", "Replicas needed (from throughput)"), "number"),
        Output("replicas_used", Text("コスト計算に使ったレプリカ数", "Replicas costed"), "number"),
        Output("chips_in_service", Text("稼働チップ数（平均）", "Chips in service (average)"), "number"),
        Output("chip_hours_per_day", Text("1 日のチップ時間", "Chip-hours per day"), "number"),
        Output("daily_cost", Text("1 日のコスト", "Cost per day"), "usd"),
        Output("cache_hit_share", Text("入力のキャッシュヒット率", "Cache-hit share of input"), "percent"),
        Output("revenue_cache_hit", Text("売上: 入力（キャッシュヒット）", "Revenue: input (cache hit)"), "usd"),
        Output("revenue_cache_miss", Text("売上: 入力（キャッシュミス）", "Revenue: input (cache miss)"), "usd"),
        Output("revenue_output", Text("売上: 出力", "Revenue: output"), "usd"),
        Output("daily_revenue", Text("1 日の売上", "Revenue per day"), "usd"),
        Output("cost_profit_margin", Text("コスト利益率（(売上−コスト)/コスト）",
                                          "Cost-profit margin ((revenue − cost) / cost)"), "percent"),
        Output("gross_margin", Text("粗利率（(売上−コスト)/売上）", "Gross margin ((revenue − cost) / revenue)"),
               "percent"),
        Output("price_record", Text("料金の記録", "Price record"), "text"),
        Output("measured_id", Text("測定結果の記録", "Measured record"), "text"),
        Output("measured_tokens_per_s_per_chip", Text("測定値: 1 チップあたりの出力トークン/秒",
                                                      "Measured: output tokens/s per chip"), "tokens_per_s"),
        Output("measured_tokens_per_s_per_user", Text("測定値: 1 ユーザあたりのトークン/秒",
                                                      "Measured: tokens/s per user"), "tokens_per_s"),
        Output("measured_ratio_to_baseline", Text("1 チップあたりの処理量（比べる記録に対する倍率）",
                                                  "Throughput per chip (multiple of the record compared with)"),
               "ratio"),
        Output("measured_source_url", Text("測定結果の出典", "Measurement source"), "url"),
        Output("chip_hour_record", Text("チップ時間の単価の記録", "Chip-hour price record"), "text"),
        Output("chip_hour_date", Text("単価の日付", "Price date"), "text"),
        Output("chip_hour_source_url", Text("単価の出典", "Chip-hour price source"), "url"),
        Output("chips_per_replica_used", Text("使ったレプリカあたりのチップ数", "chips per replica used"), "data"),
        Output("output_tokens_per_s_used", Text("使ったデコード処理量", "decode throughput used"), "data"),
        Output("output_efficiency_used", Text("使った効率", "efficiency used"), "data"),
        Output("measured_system", Text("測定したシステム", "measured system"), "data"),
        Output("measured_front", Text("同じモデルとチップの測定結果のコスト", "costs of the same model and chip's records"),
               "data"),
        Output("measured_chip", Text("測定したチップ", "measured chip"), "data"),
        Output("chip_hour_status", Text("単価の確認状況", "chip-hour price status"), "data"),
        Output("cost_basis", Text("チップの調達", "Chips are"), "data"),
        Output("price_status", Text("料金の確認状況", "Price status"), "data"),
        Output("off_peak_record", Text("オフピーク料金の記録", "Off-peak price record"), "data"),
        Output("replicas_from", Text("レプリカ数の出どころ", "Where the replica count came from"), "data"),
    ),
    compute=compute,
    formula=formula,
    notes=notes,
    charts=(ChartSlot("day", Text("1 日のコストと売上", "A day's cost and revenue"), day_chart),
            ChartSlot("throughput", Text("スループットとコスト", "Throughput and cost"), cost_chart),
            ChartSlot("measured", Text("測定結果のコストと上限から出した下限", "Measured costs and the roofline floor"),
                      measured_chart)),
    symbols=(
        ("p", Text("チップ 1 基 1 時間のコスト（USD）", "cost per chip-hour (USD)")),
        ("n", Text("レプリカあたりのチップ数", "chips per replica")),
        ("T_{\\text{in}}, T_{\\text{out}}", Text("レプリカあたりのプリフィル／デコード処理量（トークン/秒）",
                                                 "prefill / decode throughput per replica (tokens/s)")),
        ("\\eta", Text("効率（上限に対する実効の割合）", "efficiency (share of the bound achieved)")),
        ("u", Text("稼働率", "utilisation")),
        ("I, H, O", Text("1 日の入力・うちキャッシュヒット・出力トークン数", "input, cache-hit input and output tokens per day")),
        ("R", Text("稼働レプリカ数（1 日平均）", "replicas in service (daily average)")),
        ("s", Text("課金されるトークンの割合", "share of tokens billed")),
        ("P, Y, k, f, e", Text("購入価格、償却年数、電力 kW、設備係数、電気料金（保有時）",
                               "purchase price, write-off years, power kW, facility overhead, electricity "
                               "price (owned)")),
    ),
)
