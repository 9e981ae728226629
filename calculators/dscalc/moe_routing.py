"""Mixture-of-experts routing of one token, step by step, the way DeepSeek-V3 does it.

DeepSeek-V3 Technical Report (arXiv:2412.19437), Sec. 2.1.2, eqs. 12-16 and
"Auxiliary-Loss-Free Load Balancing", with the details of the official inference code
(deepseek-ai/DeepSeek-V3, ``inference/model.py``, class ``Gate``):

1. affinity of the token to each routed expert: ``s_i = sigmoid(u_t . e_i)``;
2. biased score used only for choosing: ``s_i + b_i`` (the per-expert bias that balances load
   without an auxiliary loss);
3. experts are split into ``n_group`` equal groups; a group's score is the sum of the two
   highest biased scores in it, and only the ``topk_group`` best groups are kept;
4. the ``top_k`` experts with the highest biased scores inside the kept groups are chosen;
5. gate weights come from the ORIGINAL scores ``s_i`` of the chosen experts (never the biased
   ones), normalised to sum to 1 and multiplied by ``routed_scaling_factor``.

Ties are broken towards the lower index (expert or group), so a result is always reproducible.
"""

from __future__ import annotations

import html
import math
import random
from dataclasses import dataclass

from . import data
from .errors import ValidationError
from .registry import register
from .schema import Calculator, Choice, Field, Output, Text

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
#: Affinities lie in (0, 1); a bias of +-10 already outweighs any of them.
BIAS_LIMIT = 10.0
MAX_LIST_CHARS = 20_000
#: Separators accepted in a typed list: ASCII and full-width commas, the ideographic comma,
#: semicolons and white space.
_SEPARATORS = (",", "，", "、", ";", "；", "\t", "\n", "\r", "\u3000")


@dataclass(frozen=True)
class Routing:
    """Every intermediate value of routing one token."""

    logits: tuple[float, ...]           # u_t . e_i
    biases: tuple[float, ...]           # b_i
    affinities: tuple[float, ...]       # s_i = sigmoid(u_t . e_i)
    biased_scores: tuple[float, ...]    # s_i + b_i
    group_scores: tuple[float, ...]     # sum of the two best biased scores in each group
    kept_groups: tuple[int, ...]        # best group first
    selected_experts: tuple[int, ...]   # best (highest biased score) first
    gate_weights: tuple[float, ...]     # aligned with selected_experts
    experts_per_group: int


def sigmoid(x: float) -> float:
    """Logistic function, without overflow for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def top_indices(values, k: int, among=None) -> list[int]:
    """Indices of the ``k`` largest ``values`` (optionally only those in ``among``), largest
    first; equal values go to the lower index."""
    candidates = range(len(values)) if among is None else among
    return sorted(candidates, key=lambda i: (-values[i], i))[:k]


def route(logits, biases, num_groups: int, topk_groups: int, top_k: int,
          routed_scaling_factor: float) -> Routing:
    """Route one token. Sizes must already be consistent (see ``check_sizes``)."""
    num_experts = len(logits)
    size = num_experts // num_groups
    affinities = [sigmoid(u) for u in logits]
    biased = [s + b for s, b in zip(affinities, biases)]
    group_scores = []
    for g in range(num_groups):
        members = range(g * size, (g + 1) * size)
        group_scores.append(math.fsum(biased[i] for i in top_indices(biased, 2, members)))
    kept = top_indices(group_scores, topk_groups)
    candidates = [i for g in sorted(kept) for i in range(g * size, (g + 1) * size)]
    selected = top_indices(biased, top_k, candidates)
    # The weights use the unbiased affinities: the bias steers the choice, never the mixture.
    chosen = [affinities[i] for i in selected]
    total = math.fsum(chosen)
    weights = [s / total * routed_scaling_factor for s in chosen]
    return Routing(tuple(logits), tuple(biases), tuple(affinities), tuple(biased),
                   tuple(group_scores), tuple(kept), tuple(selected), tuple(weights), size)


def pseudo_random_logits(seed: int, count: int) -> list[float]:
    """Deterministic affinity logits for a seed (standard normal, three decimals)."""
    rng = random.Random(seed)
    return [round(rng.gauss(0.0, 1.0), 3) for _ in range(count)]


# --------------------------------------------------------------------------- validation

def _error(field: str, ja: str, en: str) -> ValidationError:
    return ValidationError(field, ja, en)


def parse_number_list(field: str, raw, limit: float) -> list[float] | None:
    """A list of finite numbers, typed as ``"0.1, -0.3, 2"`` or sent as a JSON array.

    ``None`` or an empty text means "not given". Each number must lie within ``±limit``.
    """
    if raw is None:
        return None
    if isinstance(raw, str):
        if len(raw) > MAX_LIST_CHARS:
            raise _error(field, "リストが長すぎます。", "That list is too long.")
        text = raw.strip().strip("[]")
        for separator in _SEPARATORS:
            text = text.replace(separator, " ")
        items = text.split()
        if not items:
            return None
    elif isinstance(raw, (list, tuple)):
        items = list(raw)
    else:
        raise _error(field, "カンマ区切りの数値のリストを入力してください。",
                     "Enter a comma-separated list of numbers.")
    if len(items) > MAX_EXPERTS:
        raise _error(field, f"数値は {MAX_EXPERTS} 個までです。",
                     f"Enter at most {MAX_EXPERTS} numbers.")
    values = []
    for position, item in enumerate(items, start=1):
        value = _list_number(field, position, item)
        if abs(value) > limit:
            raise _error(field, f"{position} 番目の値 {value:g} は ±{limit:g} の範囲外です。",
                         f"Item {position} ({value:g}) is outside ±{limit:g}.")
        values.append(value)
    return values


def _list_number(field: str, position: int, item) -> float:
    if isinstance(item, bool) or not isinstance(item, (int, float, str)):
        raise _error(field, f"{position} 番目の値が数値ではありません。",
                     f"Item {position} is not a number.")
    if isinstance(item, str):
        try:
            item = float(item.replace("−", "-"))
        except ValueError:
            shown = item[:20]
            raise _error(field, f"{position} 番目の「{shown}」は数値ではありません。",
                         f"Item {position} (“{shown}”) is not a number.") from None
    try:
        value = float(item)
    except OverflowError:  # an integer beyond float range, from a JSON array
        value = math.inf
    if not math.isfinite(value):
        raise _error(field, f"{position} 番目の値が有限の数値ではありません。",
                     f"Item {position} is not a finite number.")
    return value


def preset_sizes(preset: str) -> dict:
    """Sizes of a preset; DeepSeek-V3's are read from its config.json in ``data/``."""
    if preset == DEEPSEEK_V3:
        config = data.models()[DEEPSEEK_V3]["config"]
        return {name: config[key] for name, key in CONFIG_KEYS.items()}
    return dict(TOY_SIZES)


def resolve_sizes(inputs: dict) -> dict:
    """The preset's sizes with every size the reader typed put over them."""
    sizes = preset_sizes(inputs["preset"])
    for name in CONFIG_KEYS:
        if inputs.get(name) is not None:
            sizes[name] = inputs[name]
    return sizes


def check_sizes(sizes: dict) -> None:
    experts, groups = sizes["num_experts"], sizes["num_groups"]
    keep, top_k = sizes["topk_groups"], sizes["top_k"]
    if experts % groups:
        raise _error("num_groups",
                     f"グループ数 {groups} はエキスパート数 {experts} を割り切る必要があります。",
                     f"The number of groups ({groups}) must divide the number of experts "
                     f"({experts}).")
    if experts // groups < 2:
        raise _error("num_groups",
                     "各グループに 2 個以上のエキスパートが必要です（グループのスコアは上位 2 個の和）。",
                     "Each group needs at least 2 experts (a group's score is the sum of its "
                     "top 2).")
    if keep > groups:
        raise _error("topk_groups",
                     f"残すグループ数 {keep} はグループ数 {groups} 以下にしてください。",
                     f"Groups kept ({keep}) cannot exceed the number of groups ({groups}).")
    candidates = keep * (experts // groups)
    if top_k > candidates:
        raise _error("top_k",
                     f"選ぶエキスパート数 {top_k} は、残したグループ内のエキスパート数 "
                     f"{candidates} 以下にしてください。",
                     f"Experts chosen ({top_k}) cannot exceed the experts in the kept groups "
                     f"({candidates}).")


def trace(inputs: dict) -> Routing:
    """Validate the cleaned inputs as a whole and route."""
    sizes = resolve_sizes(inputs)
    check_sizes(sizes)
    experts = sizes["num_experts"]
    logits = parse_number_list("scores_logits", inputs.get("scores_logits"), LOGIT_LIMIT)
    if logits is None:
        logits = pseudo_random_logits(inputs["seed"], experts)
    biases = parse_number_list("biases", inputs.get("biases"), BIAS_LIMIT)
    if biases is None:
        biases = [0.0] * experts
    for name, values in (("scores_logits", logits), ("biases", biases)):
        if len(values) != experts:
            raise _error(name, f"値はエキスパート数と同じ {experts} 個必要です（{len(values)} 個あります）。",
                         f"Enter exactly {experts} values, one per expert (got {len(values)}).")
    return route(logits, biases, sizes["num_groups"], sizes["topk_groups"], sizes["top_k"],
                 float(sizes["routed_scaling_factor"]))


# --------------------------------------------------------------------------- outputs

def _short(value: float) -> str:
    return f"{value:.3f}"


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


def _compute(inputs: dict) -> dict:
    routing = trace(inputs)
    sizes = resolve_sizes(inputs)
    source = (data.models()[DEEPSEEK_V3]["source_url"] if inputs["preset"] == DEEPSEEK_V3
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
        "gate_weights_text": ", ".join(_short(w) for w in routing.gate_weights),
        "gate_weight_sum": math.fsum(routing.gate_weights),
        "chart": {lang: chart_svg(routing, lang) for lang in ("ja", "en")},
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


# --------------------------------------------------------------------------- formula

def _tex_set(items, limit: int = 8) -> str:
    shown = [str(item) for item in items[:limit]]
    if len(items) > limit:
        shown.append(r"\ldots")
    return r"\{" + ", ".join(shown) + r"\}"


def _tex_num(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() or abs(value) >= 1000 else f"{value:.4g}"


def _formula(inputs: dict, outputs: dict, lang: str) -> list[str]:
    routing = trace(inputs)
    first = routing.selected_experts[0]
    total = math.fsum(routing.affinities[i] for i in routing.selected_experts)
    scale = _tex_num(outputs["routed_scaling_factor"])
    groups = routing.group_scores
    shown_groups = ", ".join(_short(score) for score in groups[:8])
    if len(groups) > 8:
        shown_groups += r", \ldots"
    return [
        (rf"s_{{i}} = \sigma(u_t^{{\top}} e_i) = \frac{{1}}{{1 + e^{{-u_t^{{\top}} e_i}}}},\quad "
         rf"s_{{{first}}} = \sigma({_short(routing.logits[first])}) = "
         rf"{_short(routing.affinities[first])}"),
        (rf"G_g = \sum \operatorname{{Top}}_2\{{\, s_i + b_i \mid i \in g \,\}},\quad "
         rf"(G_0, \ldots, G_{{{len(groups) - 1}}}) = ({shown_groups})"),
        (rf"\mathcal{{G}} = \operatorname{{Topk}}\big(\{{G_g\}}, {len(routing.kept_groups)}\big)"
         rf" = {_tex_set(routing.kept_groups)}"),
        (rf"\mathcal{{S}} = \operatorname{{Topk}}\big(\{{\, s_i + b_i \mid i \in g,\ g \in "
         rf"\mathcal{{G}} \,\}}, K_r\big) = {_tex_set(routing.selected_experts)},\quad "
         rf"K_r = {len(routing.selected_experts)}"),
        (rf"g_i = \frac{{s_i}}{{\sum_{{j \in \mathcal{{S}}}} s_j}} \cdot \rho,\quad "
         rf"g_{{{first}}} = \frac{{{_short(routing.affinities[first])}}}{{{_short(total)}}}"
         rf" \times {scale} = {_short(routing.gate_weights[0])}"),
        rf"\sum_{{i \in \mathcal{{S}}}} g_i = \rho = {scale}",
    ]


# --------------------------------------------------------------------------- chart

#: Colour-blind-safe colours (Okabe & Ito, as in ``charts.py``), readable on the light and the
#: dark page; meaning never rests on colour alone (kept groups carry a check mark, chosen experts
#: a numbered dot). The only URL in the SVG is its namespace.
SVG_NS = "http://www.w3.org/2000/svg"
_SELECTED = "#0072B2"
_OTHER = "#90a4ae"
_KEPT_BACKGROUND = "#009E73"
_BIAS_MARK = "#D55E00"


def _attr(value) -> str:
    return html.escape(str(value), quote=True)


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def chart_svg(routing: Routing, lang: str = "en") -> str:
    """Experts as bars of height s_i, grouped by group; kept groups shaded, chosen experts
    dark with their rank above. Stdlib only, every text escaped, nothing loaded from outside."""
    experts = len(routing.logits)
    groups = len(routing.group_scores)
    size = routing.experts_per_group
    kept = set(routing.kept_groups)
    rank = {expert: position + 1 for position, expert in enumerate(routing.selected_experts)}
    width, height = 720, 260
    left, right, top, bottom = 34, 8, 46, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    gap = max(1.0, size / 8)  # empty bar slots between two groups
    slot = plot_w / (experts + gap * (groups - 1))
    bar_w = max(slot * 0.78, 0.6)
    base = top + plot_h
    numbered = experts <= 64

    def x_of(i: int) -> float:
        return left + (i + (i // size) * gap) * slot

    summary_en = (f"Routing of one token over {experts} experts in {groups} groups: kept groups "
                  f"{', '.join(map(str, routing.kept_groups))}; chosen experts "
                  f"{', '.join(map(str, routing.selected_experts))}.")
    summary_ja = (f"1 トークンのルーティング（エキスパート {experts} 個、{groups} グループ）: "
                  f"残したグループ {', '.join(map(str, routing.kept_groups))}、選ばれたエキスパート "
                  f"{', '.join(map(str, routing.selected_experts))}。")
    label = summary_ja if lang == "ja" else summary_en
    parts = [f'<svg xmlns="{SVG_NS}" class="dscalc-moe-chart" viewBox="0 0 {width} {height}" width="100%" '
             f'role="img" aria-label="{_attr(label)}" font-family="system-ui, sans-serif" '
             f'font-size="11">',
             f"<title>{_attr(label)}</title>"]
    legend = [(_SELECTED, "1.0", "選ばれたエキスパート" if lang == "ja" else "chosen expert"),
              (_KEPT_BACKGROUND, "0.18", "残したグループ ✓" if lang == "ja" else "kept group ✓")]
    x = left
    for colour, opacity, text in legend:
        parts.append(f'<rect x="{x}" y="8" width="10" height="10" fill="{colour}" '
                     f'fill-opacity="{opacity}" stroke="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="17" fill="currentColor">{_attr(text)}</text>')
        x += 250
    if any(routing.biases):
        parts.append(f'<line x1="{x}" y1="13" x2="{x + 12}" y2="13" stroke="{_BIAS_MARK}" '
                     f'stroke-width="2"/>')
        parts.append(f'<text x="{x + 16}" y="17" fill="currentColor">'
                     f'{_attr("s_i + b_i")}</text>')
    # Groups: shaded when kept, labelled below.
    for g in range(groups):
        x0 = x_of(g * size) - slot * 0.4
        x1 = x_of((g + 1) * size - 1) + bar_w + slot * 0.4
        if g in kept:
            parts.append(f'<rect x="{x0:.2f}" y="{top - 16}" width="{x1 - x0:.2f}" '
                         f'height="{plot_h + 16}" fill="{_KEPT_BACKGROUND}" fill-opacity="0.18"/>')
        mark = " ✓" if g in kept else ""
        parts.append(f'<text x="{(x0 + x1) / 2:.2f}" y="{height - 8}" text-anchor="middle" '
                     f'fill="currentColor">{_attr(f"G{g}{mark}")}</text>')
    # Axis: affinity 0 .. 1.
    parts.append(f'<line x1="{left - 4}" y1="{base}" x2="{width - right}" y2="{base}" '
                 f'stroke="currentColor" stroke-opacity="0.5"/>')
    for tick in (0.0, 0.5, 1.0):
        y = base - tick * plot_h
        parts.append(f'<text x="{left - 6}" y="{y + 4:.2f}" text-anchor="end" '
                     f'fill="currentColor">{_n(tick)}</text>')
    parts.append(f'<text x="4" y="{top - 22}" fill="currentColor">{_attr("s_i")}</text>')
    # Bars.
    for i, s in enumerate(routing.affinities):
        group = i // size
        x0 = x_of(i)
        h = max(s * plot_h, 0.5)
        if i in rank:
            colour, opacity = _SELECTED, "1"
        elif group in kept:
            colour, opacity = _OTHER, "0.9"
        else:
            colour, opacity = _OTHER, "0.45"
        title = (f"{'エキスパート' if lang == 'ja' else 'expert'} {i} (G{group}): s={s:.3f}, b={routing.biases[i]:g}, "
                 f"s+b={routing.biased_scores[i]:.3f}")
        parts.append(f'<rect x="{x0:.2f}" y="{base - h:.2f}" width="{bar_w:.2f}" '
                     f'height="{h:.2f}" fill="{colour}" fill-opacity="{opacity}">'
                     f"<title>{_attr(title)}</title></rect>")
        if routing.biases[i]:
            y = base - min(max(routing.biased_scores[i], 0.0), 1.1) * plot_h
            parts.append(f'<line x1="{x0:.2f}" y1="{y:.2f}" x2="{x0 + bar_w:.2f}" y2="{y:.2f}" '
                         f'stroke="{_BIAS_MARK}" stroke-width="2"/>')
        if i in rank:
            cx = x0 + bar_w / 2
            radius = min(max(bar_w / 2, 2.0), 7.0)
            parts.append(f'<circle cx="{cx:.2f}" cy="{base - h - radius - 2:.2f}" '
                         f'r="{radius:.2f}" fill="{_SELECTED}"/>')
            if numbered:
                parts.append(f'<text x="{cx:.2f}" y="{base - h - radius - 2 + 3.5:.2f}" '
                             f'text-anchor="middle" font-size="9" fill="#ffffff">'
                             f"{rank[i]}</text>")
        if numbered:
            parts.append(f'<text x="{x0 + bar_w / 2:.2f}" y="{base + 13}" text-anchor="middle" '
                         f'font-size="9" fill="currentColor">{i}</text>')
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------- declaration

_PRESET_HELP = Text("空欄の値はプリセットのものを使います。DeepSeek-V3 の値は公式 config.json から読みます。",
                    "Empty sizes take the preset's value; DeepSeek-V3's come from its official "
                    "config.json.")


def _size(name: str, ja: str, en: str, maximum: int) -> Field:
    return Field(name, "int", Text(ja, en), optional=True, minimum=1, maximum=maximum,
                 help=_PRESET_HELP)


MOE_ROUTING = register(Calculator(
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
        _size("num_experts", "ルーティング対象のエキスパート数 N_r", "Routed experts N_r", MAX_EXPERTS),
        _size("num_groups", "グループ数", "Expert groups", MAX_EXPERTS),
        _size("topk_groups", "残すグループ数", "Groups kept", MAX_EXPERTS),
        _size("top_k", "選ぶエキスパート数 K_r", "Experts chosen K_r", MAX_EXPERTS),
        Field("routed_scaling_factor", "float", Text("重みのスケール ρ", "Weight scale ρ"),
              optional=True, minimum=0.01, maximum=100, help=_PRESET_HELP),
        Field("seed", "int", Text("乱数シード（親和度ロジット）", "Random seed (affinity logits)"),
              default=0, minimum=0, maximum=2**32 - 1,
              help=Text("u·e_i を標準正規分布から決定的に作ります。",
                        "Draws u·e_i deterministically from a standard normal.")),
        Field("scores_logits", "text", Text("親和度ロジット u·e_i（任意）", "Affinity logits u·e_i (optional)"),
              optional=True, advanced=True,
              help=Text("エキスパート数と同じ個数の数値をカンマ区切りで。空欄なら乱数シードから作ります。",
                        "One number per expert, comma-separated. Empty: drawn from the seed.")),
        Field("biases", "text", Text("バイアス b_i（任意）", "Biases b_i (optional)"),
              optional=True, advanced=True,
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
        Output("chart", Text("エキスパートとグループ", "Experts and groups"), "svg"),
        Output("logits", Text("親和度ロジット u·e_i", "Affinity logits u·e_i"), "json"),
        Output("biases", Text("バイアス b_i", "Biases b_i"), "json"),
        Output("affinities", Text("親和度 s_i", "Affinities s_i"), "json"),
        Output("biased_scores", Text("選択用スコア s_i + b_i", "Scores for choosing s_i + b_i"),
               "json"),
        Output("group_scores", Text("グループのスコア", "Group scores"), "json"),
        Output("kept_groups", Text("残したグループ", "Kept groups"), "json"),
        Output("selected_experts", Text("選ばれたエキスパート", "Chosen experts"), "json"),
        Output("gate_weights", Text("ゲート重み", "Gate weights"), "json"),
        Output("steps_table", Text("エキスパートごとの計算表", "Per-expert table"), "json"),
        Output("config_source", Text("config の出典", "Config source"), "url"),
    ),
    compute=_compute,
    formula=_formula,
    source_module="dscalc/moe_routing.py",
    extra={"symbols": (
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
    )},
))
