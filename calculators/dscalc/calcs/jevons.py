"""The Jevons question in one formula: when tokens get cheaper, does total compute go up or down?

Constant-elasticity demand: tokens demanded ``Q ∝ P^(−ε)`` with ``ε ≥ 0`` the price elasticity
(demand rises ε% for a 1% fall in price). An efficiency gain ``g`` cuts the compute, and so the
cost, per token to ``1/g``; a pass-through ``θ`` (0 < θ ≤ 3) lets the price fall by the factor
``g^θ`` (θ = 1: the whole saving reaches the price; θ > 1: the price falls faster than the cost,
as in a price war or a subsidised launch, and margins shrink). Then

- token demand multiplier ``= g^(θ ε)``;
- compute demand multiplier ``= g^(θ ε) / g = g^(θ ε − 1)`` (tokens times compute per token);
- break-even elasticity ``ε* = 1/θ`` (1 with full pass-through, below 1 when θ > 1): above it
  compute demand, and so
  accelerator demand, rises; below it, falls.

Rebound (energy economics' term): the share of the engineering saving ``1 − 1/g`` that extra
demand takes back, ``R = 1 − (1 − g^(θε−1)) / (1 − 1/g)``. ``R = 0``: no rebound; ``0 < R < 1``:
partial rebound; ``R = 1``: the saving vanishes; ``R > 1``: backfire (the Jevons paradox).

Left out: elasticity is rarely constant over a tenfold price change; quality changes move demand
too (a better model is a different good); prices are set by competition and subsidy, not only by
cost; and compute is not only inference (training demand follows other rules).
"""

from __future__ import annotations

import math

from ..charts import LineChart, Marker, Region, Series
from ..framework.schema import Calculator, ChartSlot, Field, Output
from ..framework.text import Text
from ..framework.units import latex_number

#: Elasticities plotted: 0 to 3 in steps of 0.1 (wider when the input is larger).
CHART_STEP = 0.1
BACKFIRE, BREAK_EVEN, PARTIAL, ZERO, NO_CHANGE = (
    "backfire", "break_even", "partial_rebound", "zero_rebound", "no_change")
#: How close to the break-even exponent counts as break-even.
TOLERANCE = 1e-9


#: Largest pass-through accepted: the price may fall up to three times as fast (in log terms) as
#: the cost per token.
MAX_PASS_THROUGH = 3.0

def token_demand_multiplier(gain: float, elasticity: float, pass_through: float = 1.0) -> float:
    """How many times more tokens are demanded: ``g^(θ ε)``."""
    return gain ** (pass_through * elasticity)


def compute_demand_multiplier(gain: float, elasticity: float, pass_through: float = 1.0) -> float:
    """How many times more compute (accelerator time) is demanded: ``g^(θ ε − 1)``."""
    return gain ** (pass_through * elasticity - 1)


def break_even_elasticity(pass_through: float = 1.0) -> float:
    """The elasticity at which compute demand is unchanged: ``1/θ``."""
    return 1 / pass_through


def rebound(gain: float, elasticity: float, pass_through: float = 1.0) -> float | None:
    """Share of the engineering saving taken back by extra demand (``None`` when ``g = 1``)."""
    potential = 1 - 1 / gain
    if abs(potential) < 1e-12:
        return None
    return 1 - (1 - compute_demand_multiplier(gain, elasticity, pass_through)) / potential


def regime(gain: float, elasticity: float, pass_through: float = 1.0) -> str:
    if abs(math.log(gain)) < 1e-12:
        return NO_CHANGE
    exponent = pass_through * elasticity
    if elasticity == 0:
        return ZERO
    if abs(exponent - 1) < TOLERANCE:
        return BREAK_EVEN
    return BACKFIRE if exponent > 1 else PARTIAL


def compute(values: dict) -> dict:
    gain, elasticity, theta = values["efficiency_gain"], values["elasticity"], values["pass_through"]
    compute_multiplier = compute_demand_multiplier(gain, elasticity, theta)
    return {
        "token_demand_multiplier": token_demand_multiplier(gain, elasticity, theta),
        "compute_demand_multiplier": compute_multiplier,
        "compute_per_token": 1 / gain,
        "price_multiplier": gain ** (-theta),
        "break_even_elasticity": break_even_elasticity(theta),
        "rebound": rebound(gain, elasticity, theta),
        "regime": regime(gain, elasticity, theta),
        "gpus_matter_more": compute_multiplier > 1 + TOLERANCE,
    }


# --------------------------------------------------------------------------- presentation

def _n(value: float) -> str:
    return latex_number(value, 4)


def formula(values: dict, out: dict) -> list[str]:
    g, e, t = values["efficiency_gain"], values["elasticity"], values["pass_through"]
    lines = [
        rf"Q_{{\text{{tokens}}}} = g^{{\theta\varepsilon}} = {_n(g)}^{{{_n(t)} \times {_n(e)}}}"
        rf" = {_n(out['token_demand_multiplier'])}",
        rf"Q_{{\text{{compute}}}} = \frac{{g^{{\theta\varepsilon}}}}{{g}} = {_n(g)}^{{{_n(t)} \times {_n(e)} - 1}}"
        rf" = {_n(out['compute_demand_multiplier'])}",
        rf"\varepsilon^{{*}} = 1/\theta = {_n(out['break_even_elasticity'])}",
    ]
    if out["rebound"] is not None:
        lines.append(rf"R = 1 - \frac{{1 - Q_{{\text{{compute}}}}}}{{1 - 1/g}} = {_n(out['rebound'])}")
    return lines


_REGIME_NOTES = {
    BACKFIRE: Text("バックファイア（ジェボンズのパラドックス）: 需要の伸びが効率化を上回り、計算資源の総需要は増えます。",
                   "Backfire (the Jevons paradox): demand grows faster than efficiency, so total "
                   "compute demand rises."),
    BREAK_EVEN: Text("損益分岐: トークン需要の伸びと 1 トークンあたり計算量の減少がちょうど打ち消し合います。",
                     "Break-even: the growth in tokens exactly offsets the fall in compute per "
                     "token."),
    PARTIAL: Text("部分的なリバウンド: トークン需要は増えますが、計算資源の総需要は減ります。",
                  "Partial rebound: more tokens are demanded, but total compute demand falls."),
    ZERO: Text("リバウンドなし: 需要は価格に反応せず、計算資源の総需要は効率化の分だけ減ります。",
               "No rebound: demand does not respond to price, so compute demand falls by the "
               "full efficiency gain."),
    NO_CHANGE: Text("効率が変わらないので、需要も変わりません。", "No efficiency change, so no change in demand."),
}


def notes(values: dict, out: dict) -> list[Text]:
    found = [_REGIME_NOTES[out["regime"]]]
    if values["pass_through"] < 1:
        found.append(Text("効率化の一部しか価格に反映されないので、損益分岐の弾力性は 1 より大きくなります。",
                          "Only part of the saving reaches the price, so the break-even elasticity "
                          "is above 1."))
    elif values["pass_through"] > 1:
        found.append(Text("価格が費用より速く下がる（利益率が縮む）ので、損益分岐の弾力性は 1 より小さくなります。",
                          "The price falls faster than the cost (margins shrink), so the break-even "
                          "elasticity is below 1."))
    found.append(Text("弾力性を一定とする単純なモデルです。品質の向上や新しい用途による需要の変化、学習用の計算は含みません。",
                      "A constant-elasticity model: demand shifts from better quality or new uses, "
                      "and training compute, are not in it."))
    return found


def elasticity_chart(values: dict, out: dict) -> LineChart:
    gain, theta = values["efficiency_gain"], values["pass_through"]
    top = max(3.0, math.ceil((values["elasticity"] + 0.5) * 2) / 2, out["break_even_elasticity"] + 0.5)
    steps = int(round(top / CHART_STEP))
    grid = tuple(index * CHART_STEP for index in range(steps + 1))
    even = out["break_even_elasticity"]
    tokens = Series(Text("トークン需要の倍率", "token demand multiplier"),
                    tuple((e, token_demand_multiplier(gain, e, theta)) for e in grid))
    compute_series = Series(Text("計算資源（GPU）需要の倍率", "compute (GPU) demand multiplier"),
                            tuple((e, compute_demand_multiplier(gain, e, theta)) for e in grid),
                            emphasis=True)
    flat = Series(Text("変化なし（倍率 1）", "no change (multiplier 1)"), ((0.0, 1.0), (top, 1.0)))
    less, more = (Text("GPU の重要性は下がる", "GPUs matter less"), Text("GPU の重要性は上がる", "GPUs matter more"))
    return LineChart(
        title=Text(f"価格弾力性と需要の倍率（効率 {gain:g} 倍）",
                   f"Demand multipliers against price elasticity (efficiency gain {gain:g}×)"),
        x_label=Text("価格弾力性 ε", "price elasticity ε"),
        y_label=Text("倍率（対数）", "multiplier (log)"),
        series=(compute_series, tokens, flat), y_log=True,
        regions=(Region(0.0, min(even, top), less), Region(min(even, top), top, more)),
        markers=(Marker(even, Text("損益分岐", "break-even")),
                 Marker(values["elasticity"], f"ε = {values['elasticity']:g}")),
        x_format="number", y_format="ratio",
        description=Text("弾力性が損益分岐（θ = 1 なら 1）を超えると、計算資源の総需要は効率化の前より増えます"
                         "（バックファイア）。下回ると減ります（部分的なリバウンド）。",
                         "Above the break-even elasticity (1 when θ = 1) total compute demand ends "
                         "up higher than before the gain (backfire); below it, lower (partial "
                         "rebound)."))


JEVONS = Calculator(
    id="jevons",
    title=Text("ジェボンズのパラドックス: 効率化で GPU 需要は増えるか", "The Jevons paradox: does efficiency raise GPU demand?"),
    summary=Text("1 トークンあたりのコストが下がったとき、価格弾力性しだいでトークン需要と計算資源の総需要が何倍になるかを計算します。",
                 "How many times more tokens and total compute are demanded when the cost per "
                 "token falls, for a given price elasticity."),
    inputs=(
        Field("efficiency_gain", "float", Text("効率の向上（1 トークンあたりコストが何分の 1 になるか）",
                                               "Efficiency gain (cost per token divided by)"),
              default=10.0, unit=Text("倍", "×"), minimum=1.0, maximum=1_000_000,
              help=Text("10 なら 1 トークンあたりのコストが 10 分の 1 になります。",
                        "10 means the cost per token falls to a tenth.")),
        Field("elasticity", "float", Text("価格弾力性 ε", "Price elasticity ε"), default=1.2, minimum=0.0, maximum=5.0,
              help=Text("価格が 1% 下がったときに需要が何 % 増えるか（正の値で入力）。",
                        "The % rise in demand for a 1% fall in price (entered as a positive number).")),
        Field("pass_through", "float", Text("価格への転嫁率 θ", "Pass-through to price θ"), default=1.0,
              minimum=0.01, maximum=MAX_PASS_THROUGH, advanced=True,
              help=Text("効率化のうち価格の低下に回る割合（指数）。1 なら全部が値下げになり、1 を超えると価格が費用より速く下がります（値下げ競争や補助）。",
                        "How much of the saving reaches the price (as an exponent); 1 passes all of it, "
                        "above 1 the price falls faster than the cost (a price war, a subsidy).")),
    ),
    outputs=(
        Output("token_demand_multiplier", Text("トークン需要の倍率", "Token demand multiplier"), "ratio"),
        Output("compute_demand_multiplier", Text("計算資源（GPU）需要の倍率", "Compute (GPU) demand multiplier"), "ratio"),
        Output("compute_per_token", Text("1 トークンあたりの計算量の倍率", "Compute per token multiplier"), "ratio"),
        Output("price_multiplier", Text("価格の倍率", "Price multiplier"), "ratio"),
        Output("break_even_elasticity", Text("損益分岐の弾力性", "Break-even elasticity"), "number"),
        Output("rebound", Text("リバウンド（取り戻された節約の割合）", "Rebound (share of the saving taken back)"), "percent"),
        Output("gpus_matter_more", Text("計算資源の総需要は増えるか", "Does total compute demand rise?"), "bool"),
        Output("regime", Text("区分", "Regime"), "data"),
    ),
    compute=compute,
    formula=formula,
    notes=notes,
    charts=(ChartSlot("elasticity", Text("弾力性と需要", "Elasticity and demand"), elasticity_chart),),
    symbols=(
        ("g", Text("効率の向上（1 トークンあたりコストの低下倍率）", "efficiency gain (factor by which cost per token falls)")),
        ("\\varepsilon", Text("価格弾力性", "price elasticity")),
        ("\\theta", Text("価格への転嫁率", "pass-through to price")),
        ("R", Text("リバウンド", "rebound")),
    ),
)
