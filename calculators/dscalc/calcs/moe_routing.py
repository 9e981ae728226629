"""MoE routing of one token, step by step, the DeepSeek-V3 way (the algorithm is in
``dscalc.model.routing``). The reader picks a toy expert set or DeepSeek-V3's sizes (read from its
config.json in ``data/``), a seed or their own logits and load-balancing biases, and sees every
intermediate number: affinities, biased scores, group scores, kept groups, chosen experts and
their gate weights.
"""

from __future__ import annotations

import math

from .. import data
from ..charts import BarChart, BarGroup, BarSeries
from ..framework.errors import ValidationError
from ..model.routing import Routing, pseudo_random_logits, route
from ..framework.schema import Calculator, Choice, ChartSlot, Field, Output
from ..framework.text import Text

TOY = "toy"
DEEPSEEK_V3 = "deepseek-v3"

#: The small expert set a reader can follow by eye.
TOY_SIZES = {"num_experts": 16, "num_groups": 4, "topk_groups": 2, "top_k": 4,
             "routed_scaling_factor": 2.5}

#: Where each size lives in a Hugging Face config.json.
CONFIG_KEYS = {"num_experts": "n_routed_experts", "num_groups": "n_group",
               "topk_groups": "topk_group", "top_k": "num_experts_per_tok",
               "routed_scaling_factor": "routed_scaling_factor"}

MAX_EXPERTS = 512
#: |u . e_i| beyond this adds nothing a reader can see (sigmoid(50) is 1 in float64) and keeps
#: every affinity strictly positive, so the normalisation never divides by zero.
LOGIT_LIMIT = 50.0
#: Affinities lie in (0, 1); a bias of ±10 already outweighs any of them.
BIAS_LIMIT = 10.0


def _error(field: str, ja: str, en: str) -> ValidationError:
    return ValidationError(field, ja, en)


def preset_sizes(preset: str) -> dict:
    """Sizes of a preset; DeepSeek-V3's are read from its config.json in ``data/``."""
    if preset == DEEPSEEK_V3:
        config = data.models()[DEEPSEEK_V3]["config"]
        return {name: config[key] for name, key in CONFIG_KEYS.items()}
    return dict(TOY_SIZES)


def resolve_sizes(values: dict) -> dict:
    """The preset's sizes with every size the reader typed put over them."""
    sizes = preset_sizes(values["preset"])
    for name in CONFIG_KEYS:
        if values.get(name) is not None:
            sizes[name] = values[name]
    return sizes


def _blame(typed: dict, first: str, second: str) -> str:
    """The field a conflict is shown under: the one the reader typed (``second`` when both or
    neither were typed), so the message sits next to the value that caused it."""
    if typed.get(first) is not None and typed.get(second) is None:
        return first
    return second


def check_sizes(sizes: dict, typed: dict | None = None) -> None:
    typed = typed or {}
    experts, groups = sizes["num_experts"], sizes["num_groups"]
    keep, top_k = sizes["topk_groups"], sizes["top_k"]
    if experts % groups:
        raise _error(_blame(typed, "num_experts", "num_groups"),
                     f"グループ数 {groups} はエキスパート数 {experts} を割り切る必要があります。",
                     f"The number of groups ({groups}) must divide the number of experts "
                     f"({experts}).")
    if experts // groups < 2:
        raise _error(_blame(typed, "num_experts", "num_groups"),
                     "各グループに 2 個以上のエキスパートが必要です（グループのスコアは上位 2 個の和）。",
                     "Each group needs at least 2 experts (a group's score is the sum of its "
                     "top 2).")
    if keep > groups:
        raise _error(_blame(typed, "num_groups", "topk_groups"),
                     f"残すグループ数 {keep} はグループ数 {groups} 以下にしてください。",
                     f"Groups kept ({keep}) cannot exceed the number of groups ({groups}).")
    candidates = keep * (experts // groups)
    if top_k > candidates:
        raise _error(_blame(typed, "topk_groups", "top_k"),
                     f"選ぶエキスパート数 {top_k} は、残したグループ内のエキスパート数 "
                     f"{candidates} 以下にしてください。",
                     f"Experts chosen ({top_k}) cannot exceed the experts in the kept groups "
                     f"({candidates}).")


def trace(values: dict, sizes: dict) -> Routing:
    """Check the cleaned inputs as a whole and route."""
    check_sizes(sizes, values)
    experts = sizes["num_experts"]
    logits = values.get("scores_logits")
    if logits is None:
        logits = pseudo_random_logits(values["seed"], experts)
    biases = values.get("biases")
    if biases is None:
        biases = [0.0] * experts
    for name, items in (("scores_logits", logits), ("biases", biases)):
        if len(items) != experts:
            raise _error(name, f"値はエキスパート数と同じ {experts} 個必要です（{len(items)} 個あります）。",
                         f"Enter exactly {experts} values, one per expert (got {len(items)}).")
    return route(logits, biases, sizes["num_groups"], sizes["topk_groups"], sizes["top_k"],
                 float(sizes["routed_scaling_factor"]))


def steps_table(routing: Routing) -> list[dict]:
    """One row per expert: every number the routing looked at, and what became of it."""
    kept = set(routing.kept_groups)
    rank = {expert: position for position, expert in enumerate(routing.selected_experts)}
    rows = []
    for i, (u, b, s, biased) in enumerate(zip(routing.logits, routing.biases,
                                               routing.affinities, routing.biased_scores)):
        group = i // routing.experts_per_group
        rows.append({
            "expert": i, "group": group, "logit": u, "affinity": s, "bias": b,
            "biased_score": biased, "group_kept": group in kept,
            "selected": i in rank, "rank": rank[i] + 1 if i in rank else None,
            "gate_weight": routing.gate_weights[rank[i]] if i in rank else 0.0,
        })
    return rows


def compute(values: dict) -> dict:
    sizes = resolve_sizes(values)
    routing = trace(values, sizes)
    source = (data.models()[DEEPSEEK_V3]["source_url"] if values["preset"] == DEEPSEEK_V3
              else "")
    return {
        "num_experts": len(routing.logits),
        "num_groups": len(routing.group_scores),
        "experts_per_group": routing.experts_per_group,
        "topk_groups": len(routing.kept_groups),
        "top_k": len(routing.selected_experts),
        "routed_scaling_factor": float(sizes["routed_scaling_factor"]),
        "kept_groups_text": ", ".join(str(g) for g in routing.kept_groups),
        "selected_experts_text": ", ".join(str(i) for i in routing.selected_experts),
        "gate_weights_text": ", ".join(f"{w:.3f}" for w in routing.gate_weights),
        "gate_weight_sum": math.fsum(routing.gate_weights),
        "logits": list(routing.logits),
        "biases": list(routing.biases),
        "affinities": list(routing.affinities),
        "biased_scores": list(routing.biased_scores),
        "group_scores": list(routing.group_scores),
        "kept_groups": list(routing.kept_groups),
        "selected_experts": list(routing.selected_experts),
        "gate_weights": list(routing.gate_weights),
        "steps_table": steps_table(routing),
        "config_source": source,
    }


# --------------------------------------------------------------------------- presentation

def _tex_set(items, limit: int = 8) -> str:
    shown = [str(item) for item in items[:limit]]
    if len(items) > limit:
        shown.append(r"\ldots")
    return r"\{" + ", ".join(shown) + r"\}"


def _tex_num(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() or abs(value) >= 1000 else f"{value:.4g}"


def _short(value: float) -> str:
    return f"{value:.3f}"


def formula(values: dict, out: dict) -> list[str]:
    selected = out["selected_experts"]
    first = selected[0]
    affinities = out["affinities"]
    total = math.fsum(affinities[i] for i in selected)
    scale = _tex_num(out["routed_scaling_factor"])
    groups = out["group_scores"]
    shown_groups = ", ".join(_short(score) for score in groups[:8])
    if len(groups) > 8:
        shown_groups += r", \ldots"
    return [
        (rf"s_{{i}} = \sigma(u_t^{{\top}} e_i) = \frac{{1}}{{1 + e^{{-u_t^{{\top}} e_i}}}},\quad "
         rf"s_{{{first}}} = \sigma({_short(out['logits'][first])}) = {_short(affinities[first])}"),
        (rf"G_g = \sum \operatorname{{Top}}_2\{{\, s_i + b_i \mid i \in g \,\}},\quad "
         rf"(G_0, \ldots, G_{{{len(groups) - 1}}}) = ({shown_groups})"),
        (rf"\mathcal{{G}} = \operatorname{{Topk}}\big(\{{G_g\}}, {len(out['kept_groups'])}\big)"
         rf" = {_tex_set(out['kept_groups'])}"),
        (rf"\mathcal{{S}} = \operatorname{{Topk}}\big(\{{\, s_i + b_i \mid i \in g,\ g \in "
         rf"\mathcal{{G}} \,\}}, K_r\big) = {_tex_set(selected)},\quad K_r = {len(selected)}"),
        (rf"g_i = \frac{{s_i}}{{\sum_{{j \in \mathcal{{S}}}} s_j}} \cdot \rho,\quad "
         rf"g_{{{first}}} = \frac{{{_short(affinities[first])}}}{{{_short(total)}}}"
         rf" \times {scale} = {_short(out['gate_weights'][0])}"),
        rf"\sum_{{i \in \mathcal{{S}}}} g_i = \rho = {scale}",
    ]


def routing_chart(values: dict, out: dict) -> BarChart:
    """Experts as bars of height s_i, grouped; kept groups shaded, chosen experts in full
    colour with their rank above, biased scores as ticks when a bias is set."""
    experts = out["num_experts"]
    size = out["experts_per_group"]
    kept = set(out["kept_groups"])
    rank = {expert: position + 1 for position, expert in enumerate(out["selected_experts"])}
    kept_text = ", ".join(map(str, out["kept_groups"]))
    chosen_text = ", ".join(map(str, out["selected_experts"]))
    return BarChart(
        title=Text(f"1 トークンのルーティング（エキスパート {experts} 個、{out['num_groups']} グループ）",
                   f"Routing one token ({experts} experts in {out['num_groups']} groups)"),
        value_label=Text("親和度 s_i", "affinity s_i"),
        categories=tuple(str(i) for i in range(experts)),
        series=(BarSeries(Text("親和度 s_i（濃い棒: 選ばれたエキスパート）",
                               "affinity s_i (full colour: chosen experts)"),
                          tuple(out["affinities"])),),
        horizontal=False,
        value_format="number",
        value_max=1.0,
        highlight=tuple(out["selected_experts"]),
        annotations=tuple(str(rank[i]) if i in rank else "" for i in range(experts)),
        overlay=tuple(out["biased_scores"]) if any(out["biases"]) else (),
        overlay_label=Text("選択用スコア s_i + b_i", "score for choosing s_i + b_i"),
        groups=tuple(BarGroup(f"G{g}{' ✓' if g in kept else ''}", g * size, (g + 1) * size - 1,
                              highlighted=g in kept) for g in range(out["num_groups"])),
        description=Text(f"残したグループ {kept_text}。選ばれたエキスパート {chosen_text}。",
                         f"Kept groups {kept_text}; chosen experts {chosen_text}."))


# --------------------------------------------------------------------------- declaration

_PRESET_HELP = Text("空欄の値はプリセットのものを使います。DeepSeek-V3 の値は公式 config.json から読みます。",
                    "Empty sizes take the preset's value; DeepSeek-V3's come from its official "
                    "config.json.")


def _size(name: str, ja: str, en: str) -> Field:
    return Field(name, "int", Text(ja, en), optional=True, minimum=1, maximum=MAX_EXPERTS,
                 help=_PRESET_HELP, placeholder_output=name)


MOE_ROUTING = Calculator(
    id="moe-routing",
    title=Text("MoE ルーティング（DeepSeek-V3 方式）", "MoE routing (the DeepSeek-V3 way)"),
    summary=Text("1 トークンをどのエキスパートに送るかを、シグモイド親和度・バイアス・グループ制限・"
                 "上位 k 個選択・重みの正規化の順に一歩ずつ計算します。",
                 "Routes one token step by step: sigmoid affinities, load-balancing bias, "
                 "group-limited selection, top-k experts, normalised gate weights."),
    inputs=(
        Field("preset", "choice", Text("プリセット", "Preset"), default=TOY,
              choices=(Choice(TOY, Text("おもちゃ（16 エキスパート）", "Toy (16 experts)")),
                       Choice(DEEPSEEK_V3, Text("DeepSeek-V3（256 エキスパート）",
                                                "DeepSeek-V3 (256 experts)")))),
        _size("num_experts", "ルーティング対象のエキスパート数 N_r", "Routed experts N_r"),
        _size("num_groups", "グループ数", "Expert groups"),
        _size("topk_groups", "残すグループ数", "Groups kept"),
        _size("top_k", "選ぶエキスパート数 K_r", "Experts chosen K_r"),
        Field("routed_scaling_factor", "float", Text("重みのスケール ρ", "Weight scale ρ"),
              optional=True, minimum=0.01, maximum=100, help=_PRESET_HELP,
              placeholder_output="routed_scaling_factor"),
        Field("seed", "int", Text("乱数シード（親和度ロジット）", "Random seed (affinity logits)"),
              default=0, minimum=0, maximum=2**32 - 1,
              help=Text("u·e_i を標準正規分布から決定的に作ります。",
                        "Draws u·e_i deterministically from a standard normal.")),
        Field("scores_logits", "numbers", Text("親和度ロジット u·e_i（任意）",
                                               "Affinity logits u·e_i (optional)"),
              optional=True, advanced=True, maximum=LOGIT_LIMIT, max_items=MAX_EXPERTS,
              help=Text("エキスパート数と同じ個数の数値をカンマ区切りで。空欄なら乱数シードから作ります。",
                        "One number per expert, comma-separated. Empty: drawn from the seed.")),
        Field("biases", "numbers", Text("バイアス b_i（任意）", "Biases b_i (optional)"),
              optional=True, advanced=True, maximum=BIAS_LIMIT, max_items=MAX_EXPERTS,
              help=Text("選択にだけ使う負荷分散バイアス。エキスパート数と同じ個数。空欄ならすべて 0。",
                        "Load-balancing bias, used for selection only. One per expert; empty: all 0.")),
    ),
    outputs=(
        Output("num_experts", Text("エキスパート数", "Routed experts"), "count"),
        Output("num_groups", Text("グループ数", "Groups"), "count"),
        Output("experts_per_group", Text("グループあたりのエキスパート数", "Experts per group"),
               "count"),
        Output("topk_groups", Text("残すグループ数", "Groups kept"), "count"),
        Output("top_k", Text("選ぶエキスパート数", "Experts chosen"), "count"),
        Output("routed_scaling_factor", Text("重みのスケール ρ", "Weight scale ρ"), "number"),
        Output("kept_groups_text", Text("残したグループ（スコア順）", "Kept groups (best first)"),
               "text"),
        Output("selected_experts_text", Text("選ばれたエキスパート（スコア順）",
                                             "Chosen experts (best first)"), "text"),
        Output("gate_weights_text", Text("ゲート重み（同じ順）", "Gate weights (same order)"),
               "text"),
        Output("gate_weight_sum", Text("ゲート重みの合計（= ρ）", "Sum of gate weights (= ρ)"),
               "number"),
        Output("logits", Text("親和度ロジット u·e_i", "Affinity logits u·e_i"), "data"),
        Output("biases", Text("バイアス b_i", "Biases b_i"), "data"),
        Output("affinities", Text("親和度 s_i", "Affinities s_i"), "data"),
        Output("biased_scores", Text("選択用スコア s_i + b_i", "Scores for choosing s_i + b_i"),
               "data"),
        Output("group_scores", Text("グループのスコア", "Group scores"), "data"),
        Output("kept_groups", Text("残したグループ", "Kept groups"), "data"),
        Output("selected_experts", Text("選ばれたエキスパート", "Chosen experts"), "data"),
        Output("gate_weights", Text("ゲート重み", "Gate weights"), "data"),
        Output("steps_table", Text("エキスパートごとの計算表", "Per-expert table"), "data"),
        Output("config_source", Text("config の出典", "Config source"), "url"),
    ),
    compute=compute,
    formula=formula,
    charts=(ChartSlot("chart", Text("エキスパートとグループ", "Experts and groups"), routing_chart),),
    symbols=(
        (r"u_t", Text("トークン t の FFN 入力（隠れ状態）", "the token's FFN input (hidden state)")),
        (r"e_i", Text("エキスパート i の重心ベクトル", "centroid vector of expert i")),
        (r"\sigma", Text("シグモイド関数", "sigmoid function")),
        (r"s_i", Text("トークンとエキスパート i の親和度", "affinity of the token to expert i")),
        (r"b_i", Text("負荷分散用のバイアス（選択にだけ使う）",
                      "load-balancing bias (used only for choosing)")),
        (r"G_g", Text("グループ g のスコア（上位 2 個の s_i + b_i の和）",
                      "score of group g (sum of its top 2 s_i + b_i)")),
        (r"\mathcal{G}", Text("残したグループの集合", "set of kept groups")),
        (r"\mathcal{S}", Text("選ばれたエキスパートの集合", "set of chosen experts")),
        (r"K_r", Text("選ぶエキスパート数", "number of experts chosen")),
        (r"g_i", Text("エキスパート i のゲート重み", "gate weight of expert i")),
        (r"\rho", Text("ゲート重みのスケール（routed_scaling_factor）",
                       "gate weight scale (routed_scaling_factor)")),
    ),
)
