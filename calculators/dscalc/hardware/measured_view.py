"""What the calculators show of measured records: the latency–throughput front and the words
that explain a share of ceiling, in both languages.

The numbers come from ``dscalc.hardware.measured``; this module only draws and words them (a
``LineChart`` of ``dscalc.charts``: ceiling curves as lines, records as named points).
"""

from __future__ import annotations

from ..charts import LineChart, Point, Series
from .measured import Machine, fitting_machine, front
from ..framework.text import Text
from ..framework.units import significant

#: What binds at the batch the ceiling is taken at.
BOUND = {
    "latency": Text("レイテンシ目標（1 ユーザあたりの速度を保てる最大バッチで頭打ち）",
                    "the latency target (the largest batch that keeps the per-user speed)"),
    "memory": Text("メモリ帯域幅（メモリに収まる最大バッチでも、重みと KV キャッシュの読み出しが律速）",
                   "memory bandwidth (reading weights and KV cache binds, even at the largest "
                   "batch the memory holds)"),
    "compute": Text("演算性能", "compute"),
    "latency-unreachable": Text("レイテンシ目標（この速度はバッチ 1 でもルーフラインを超えます）",
                                "the latency target (this per-user speed is above the roofline "
                                "even at batch 1)"),
}
#: Why a measured figure can be above its ceiling.
REASON = {
    "speculative": Text("投機的デコーディング（MTP など）で 1 ステップに複数トークンを出している",
                        "speculative decoding (MTP or a draft model) emits several tokens per step"),
    "prefix-cache": Text("プレフィックスキャッシュでプリフィルの一部を省いている",
                         "prefix caching skips part of the prefill"),
    "fp4": Text("FP4 の重みを、公表値のない FP4 演算器で動かしている（上限は FP8 の性能で計算）",
                "FP4 weights run at an FP4 rate the chip table has no figure for (the ceiling "
                "uses the FP8 peak)"),
    "batch": Text("メモリに収まると仮定した数より大きなバッチで動いている",
                  "it runs a larger batch than the ceiling assumes the memory holds"),
    "lengths": Text("入出力の長さが公表されておらず、上限は仮定の長さで計算している",
                    "input and output lengths are not published; the ceiling assumes lengths"),
    "unexplained": Text("記録からは理由が分かりません（記録の確認が必要です）",
                        "the record gives no reason (the record needs checking)"),
}
NO_CEILING = {
    "chip": Text("チップ表にないチップ", "a chip not in the chip table"),
    "chip_count": Text("チップ数が不明", "no chip count"),
    "model": Text("data/models に config のないモデル", "a model with no config in data/models"),
    "chip_figures": Text("チップ表に必要な公表値がない", "the chip table lacks a figure the roofline needs"),
    "memory": Text("重みがメモリに収まらない", "the weights do not fit in memory"),
}


def share_note(row: dict) -> Text:
    """One sentence on one record: its share of ceiling and what explains the gap or excess."""
    name = row["id"]
    if row["no_ceiling"]:
        why = NO_CEILING[row["no_ceiling"]]
        return Text(f"{name}: 上限を計算できません（{why.ja}）。", f"{name}: no ceiling ({why.en}).")
    if row["share"] is None:
        return Text(f"{name}: tokens/s の数値がないため上限との比は出せません。",
                    f"{name}: not published in tokens/s, so no share of ceiling.")
    share = significant(row["share"] * 100, 3)
    if row["exceeds"]:
        reasons_ja = "、".join(REASON[key].ja for key in row["reasons"])
        reasons_en = "; ".join(REASON[key].en for key in row["reasons"])
        text = Text(f"{name}: 上限の {share}% で、上限を超えています。理由: {reasons_ja}。",
                    f"{name}: {share}% of its ceiling, above it. Why: {reasons_en}.")
    else:
        bound = BOUND[row["bound"]]
        text = Text(f"{name}: 上限の {share}%。上限を決めているのは{bound.ja}です。"
                    f"上限はシステム全体でバッチ {row['ceiling_batch']:,} のときの値です。",
                    f"{name}: {share}% of its ceiling, which is set by {bound.en}; the ceiling "
                    f"is taken at a batch of {row['ceiling_batch']:,} for the system.")
    if row["crosses_scale_up"]:
        text = text + Text("システムがスケールアップ領域を超えるため、ノード間の通信（インターコネクト）も差を広げます。",
                           " The system spans more than one scale-up domain, so the interconnect "
                           "between nodes adds to the gap.")
    if row["chips_modelled"] and row["chips_modelled"] != row["chip_count"]:
        text = text + Text(f"重みが {row['chip_count']} 基のメモリに収まらないため、上限は {row['chips_modelled']} 基で計算しています。",
                           f" The weights do not fit in {row['chip_count']} chips, so the ceiling "
                           f"is taken on {row['chips_modelled']}.")
    if not row["lengths_given"]:
        text = text + Text(f"入出力の長さは公表されていないため、{row['input_tokens']:,}／{row['output_tokens']:,} トークンと仮定しています。",
                           f" Lengths not published: {row['input_tokens']:,} in / "
                           f"{row['output_tokens']:,} out assumed.")
    return text


def _label(row: dict) -> Text:
    who = row["submitter"] or row["system"] or row["id"]
    if row["share"] is None:
        return Text(who, who)
    share = significant(row["share"] * 100, 2)
    return Text(f"{who} {share}%", f"{who} {share}%")


def curve_conditions(rows: list[dict], default_chips: int, default_input: int,
                     default_output: int, limit: int = 3) -> list[tuple[int, int, int]]:
    """``(chips, input, output)`` of the ceiling curves to draw: the commonest conditions of the
    records shown (at most ``limit``), or the defaults when there are none."""
    counts: dict[tuple[int, int, int], int] = {}
    for row in rows:
        if row["chip_count"]:
            key = (row["chip_count"], row["input_tokens"], row["output_tokens"])
            counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts, key=lambda key: (-counts[key], key))[:limit]
    return ranked or [(default_chips, default_input, default_output)]


def front_curves(model_id: str, chip: dict, weights: str, kv_cache: str,
                 conditions: list[tuple[int, int, int]]) -> list[dict]:
    """Ceiling curves (numbers only) for ``conditions``: chips, lengths, and the front."""
    curves = []
    for chips, input_tokens, output_tokens in conditions:
        machine: Machine | None = fitting_machine(model_id, chip, chips, weights, kv_cache,
                                                  input_tokens, output_tokens)
        if machine is None or not machine.weights_fit or machine.max_batch < 1:
            continue
        curves.append({"chips": machine.chips, "input_tokens": input_tokens,
                       "output_tokens": output_tokens, "max_batch": machine.max_batch,
                       "points": [list(pair) for pair in front(machine)]})
    return curves


def front_chart(model_name: str, chip_name: str, weights: str, curves: list[dict],
                rows: list[dict]) -> LineChart:
    """Tokens/s per chip against tokens/s per user: the ceilings as lines, the records as points
    (circles below their own ceiling, squares above it)."""
    series = tuple(
        Series(Text(f"上限: {curve['chips']} 基、{weights.upper()}、入力 {curve['input_tokens']:,}／"
                    f"出力 {curve['output_tokens']:,} トークン",
                    f"ceiling: {curve['chips']} chips, {weights.upper()}, "
                    f"{curve['input_tokens']:,} in / {curve['output_tokens']:,} out tokens"),
               tuple((x, y) for x, y in curve["points"]), emphasis=index == 0)
        for index, curve in enumerate(curves))
    points = tuple(Point(row["tokens_per_s_per_user"], row["tokens_per_s_per_chip"], _label(row),
                         1 if row["exceeds"] else 0)
                   for row in rows
                   if row["tokens_per_s_per_user"] and row["tokens_per_s_per_chip"])
    left_out = sum(1 for row in rows if row["tokens_per_s_per_chip"] and not row["tokens_per_s_per_user"])
    description = Text("線はルーフラインの上限（バッチを 1 から、メモリに収まる最大まで）、点は公表された測定値です"
                       "（○ は自分の条件での上限以下、□ は上限超え。% は自分の条件での上限に対する割合）。",
                       "Lines: roofline ceilings (batch from 1 to the largest the memory holds); "
                       "points: published measurements (circles below the ceiling at their own "
                       "conditions, squares above it; % is the share of that ceiling).")
    if left_out:
        description = description + Text(f" 1 ユーザあたりの速度が公表されていない {left_out} 件は描いていません。",
                                         f" {left_out} record(s) without a per-user speed are not drawn.")
    return LineChart(
        title=Text(f"レイテンシとスループットの関係: {model_name}、{chip_name}",
                   f"Latency–throughput front: {model_name} on {chip_name}"),
        x_label=Text("1 ユーザあたりのトークン/秒（対数）", "tokens/s per user (log)"),
        y_label=Text("1 チップあたりのトークン/秒（対数）", "tokens/s per chip (log)"),
        series=series, points=points, x_log=True, y_log=True,
        x_format="tokens_per_s", y_format="tokens_per_s", description=description)


# --------------------------------------------------------------------------- tables for the pages

SCENARIO = {"offline": Text("オフライン", "offline"), "server": Text("サーバ", "server"),
            "interactive": Text("インタラクティブ", "interactive"),
            "concurrency": Text("同時接続数を固定", "fixed concurrency")}
DIVISION = {"closed": Text("Closed", "Closed"), "open": Text("Open", "Open"), "none": Text("—", "—")}


def _why(row: dict) -> Text:
    if row["no_ceiling"]:
        return NO_CEILING[row["no_ceiling"]]
    if row["share"] is None:
        return Text("tokens/s の公表値なし", "not in tokens/s")
    if row["exceeds"]:
        return Text("上限超え: ", "above: ") + Text("、".join(REASON[key].ja for key in row["reasons"]),
                                                  "; ".join(REASON[key].en for key in row["reasons"]))
    bound = {"latency": Text("レイテンシ目標", "latency target"), "memory": Text("メモリ帯域幅", "memory bandwidth"),
             "compute": Text("演算性能", "compute"),
             "latency-unreachable": Text("レイテンシ目標", "latency target")}[row["bound"]]
    if row["crosses_scale_up"]:
        bound = bound + Text("、インターコネクト", ", interconnect")
    return bound


def table_rows(rows: list[dict], lang: str) -> list[dict]:
    """Display cells of each compared record, in ``lang`` (numbers formatted like the
    calculators'), and the record's id for its citation."""
    from ..framework.units import display

    shown = []
    slash = "／" if lang == "ja" else " / "
    for row in rows:
        assumed = "" if row["lengths_given"] else "*"
        shown.append({
            "id": row["id"],
            "system": f"{row['submitter']}: {row['system']}" if row["submitter"] else row["system"],
            "model": row["model"],
            "chips": f"{row['chip_name']} × {row['chip_count'] or '?'}",
            "scenario": (SCENARIO.get(row["scenario"], Text(row["scenario"], row["scenario"])).get(lang)
                         + slash + DIVISION.get(row["division"], Text(str(row["division"]), str(row["division"]))).get(lang)),
            "precision": row["weights"].upper(),
            "lengths": f"{row['input_tokens']:,}{slash}{row['output_tokens']:,}{assumed}",
            "per_chip": display("tokens_per_s", row["tokens_per_s_per_chip"], lang),
            "per_user": display("tokens_per_s", row["tokens_per_s_per_user"], lang),
            "ceiling": display("tokens_per_s", row["ceiling_per_chip"], lang),
            "share": display("percent", row["share"], lang),
            "why": _why(row).get(lang),
        })
    return shown


def summary(rows: list[dict], records: list[dict], chips: dict) -> dict:
    """Counts by source, vendor and chip, and the largest and smallest share with their
    explanations (``Text``)."""
    by_source: dict[str, int] = {}
    by_vendor: dict[str, int] = {}
    by_chip: dict[str, int] = {}
    for record in records:
        source = (record.get("source") or {}).get("publisher") or "?"
        title = (record.get("source") or {}).get("title") or (record.get("source") or {}).get("id", "?")
        by_source[f"{source}: {title}"] = by_source.get(f"{source}: {title}", 0) + 1
        chip = chips.get(record.get("chip") or "")
        vendor = chip.get("vendor", "?") if chip else "?"
        by_vendor[vendor] = by_vendor.get(vendor, 0) + 1
        name = chip["name"] if chip else str(record.get("chip"))
        by_chip[name] = by_chip.get(name, 0) + 1
    from .measured import extremes

    best, worst = extremes(rows)
    return {"count": len(records), "with_share": sum(1 for row in rows if row["share"] is not None),
            "by_source": by_source, "by_vendor": by_vendor, "by_chip": by_chip,
            "best": best, "worst": worst,
            "best_note": share_note(best) if best else None,
            "worst_note": share_note(worst) if worst else None,
            "above": [row for row in rows if row["exceeds"]]}


# --------------------------------------------------------------------------- the cost front

def cost_per_million(chip_hour_usd: float, tokens_per_s_per_chip: float, utilisation: float) -> float:
    """USD per 1M output tokens for one chip producing ``tokens_per_s_per_chip``."""
    return chip_hour_usd * 1e6 / (3_600 * tokens_per_s_per_chip * utilisation)


def cost_front(rows: list[dict], curves: list[dict], chip_hour_usd: float,
               utilisation: float) -> dict:
    """The latency-throughput front in dollars (numbers only): each record's cost per 1M output
    tokens against its tokens/s per user, and each ceiling curve as the lowest cost the roofline
    allows at each per-user speed."""
    points = [{"id": row["id"], "label": row["submitter"] or row["id"],
               "per_user": row["tokens_per_s_per_user"],
               "cost": cost_per_million(chip_hour_usd, row["tokens_per_s_per_chip"], utilisation)}
              for row in rows if row["tokens_per_s_per_user"] and row["tokens_per_s_per_chip"]]
    lines = [{"chips": curve["chips"], "input_tokens": curve["input_tokens"],
              "output_tokens": curve["output_tokens"],
              "points": [[user, cost_per_million(chip_hour_usd, chip, utilisation)]
                         for user, chip in curve["points"]]}
             for curve in curves]
    return {"points": points, "curves": lines}


def cost_front_chart(title_name: str, weights: str, front_data: dict) -> LineChart:
    """Cost per 1M output tokens against tokens/s per user: the floor the roofline allows
    (lines) and the measured records (points)."""
    series = tuple(
        Series(Text(f"上限から出した下限: {curve['chips']} 基、{weights.upper()}",
                    f"floor from the ceiling: {curve['chips']} chips, {weights.upper()}"),
               tuple((x, y) for x, y in curve["points"]), emphasis=index == 0)
        for index, curve in enumerate(front_data["curves"]))
    points = tuple(Point(point["per_user"], point["cost"], Text(point["label"], point["label"]), 0)
                   for point in front_data["points"])
    return LineChart(
        title=Text(f"1 ユーザあたりの速さと出力 100万トークンのコスト: {title_name}",
                   f"Speed per user and cost per 1M output tokens: {title_name}"),
        x_label=Text("1 ユーザあたりのトークン/秒（対数）", "tokens/s per user (log)"),
        y_label=Text("USD / 100万トークン（対数）", "USD per 1M tokens (log)"),
        series=series, points=points, x_log=True, y_log=True,
        x_format="tokens_per_s", y_format="usd",
        description=Text("点は同じモデルとチップの公表された測定値を、選んだ単価でドルに換算したものです。"
                         "線はルーフラインの上限から出したコストの下限です。",
                         "Points: published measurements of the same model and chip, priced at "
                         "the chosen chip-hour price. Lines: the lowest cost the roofline "
                         "ceiling allows."))
