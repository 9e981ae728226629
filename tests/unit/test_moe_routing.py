"""MoE routing as in DeepSeek-V3: hand-worked examples, the bias rule, the group limit, presets."""

import json
import math
import re

import pytest

import dscalc
from dscalc import web
from dscalc.calcs import moe_routing
from dscalc.framework.schema import validate

CALC = dscalc.get("moe-routing")
LIST_INPUTS = ("scores_logits", "biases")


def route(**inputs):
    """Run the calculator with the given inputs, lists included.

    ``scores_logits`` and ``biases`` go through ``dscalc.run`` once the calculator declares them
    as inputs; until the schema has a text field kind they are handed to the same compute
    function after the declared inputs are validated.
    """
    declared = {spec.name for spec in CALC.inputs}
    lists = {name: inputs.pop(name) for name in LIST_INPUTS
             if name in inputs and name not in declared}
    if not lists:
        return dscalc.run("moe-routing", inputs)
    clean = validate(CALC, inputs)
    clean.update(lists)
    return CALC.compute(clean)


def error_of(**inputs):
    with pytest.raises(dscalc.ValidationError) as caught:
        route(**inputs)
    assert caught.value.message_ja and caught.value.message_en
    assert caught.value.message_ja != caught.value.message_en
    return caught.value


def s(u):
    return 1 / (1 + math.exp(-u))


# --------------------------------------------------------------------------- hand-worked

# 8 experts in 4 groups of 2; keep 2 groups, choose 2 experts, scale 2.5, no bias.
#   group 0: u = 4, -4     s = 0.982, 0.018   G0 = 1.000 (sigmoid(x) + sigmoid(-x) = 1)
#   group 1: u = 1, 1.2    s = 0.731, 0.769   G1 = 1.500
#   group 2: u = .5, .5    s = 0.622, 0.622   G2 = 1.245
#   group 3: u = -1, -2    s = 0.269, 0.119   G3 = 0.388
# Kept groups: G1 (1.500), G2 (1.245). Expert 0 has the best score of all (0.982) but its group
# is dropped. Best two in groups 1 and 2: expert 3 (0.769), expert 2 (0.731).
# g3 = 0.7685 / (0.7685 + 0.7311) * 2.5 = 1.281, g2 = 0.7311 / 1.4996 * 2.5 = 1.219.
SMALL = {"num_experts": 8, "num_groups": 4, "topk_groups": 2, "top_k": 2,
         "routed_scaling_factor": 2.5, "scores_logits": "4, -4, 1, 1.2, 0.5, 0.5, -1, -2"}


def test_hand_worked_group_limited_routing():
    result = route(**SMALL)
    assert result["group_scores"] == pytest.approx([1.0, s(1) + s(1.2), 2 * s(0.5), s(-1) + s(-2)])
    assert result["kept_groups"] == [1, 2]
    assert result["selected_experts"] == [3, 2]
    total = s(1.2) + s(1)
    assert result["gate_weights"] == pytest.approx([s(1.2) / total * 2.5, s(1) / total * 2.5])
    assert result["gate_weights"] == pytest.approx([1.281, 1.219], abs=1e-3)
    assert result["gate_weight_sum"] == pytest.approx(2.5)


def test_a_high_score_in_a_dropped_group_is_not_selected():
    result = route(**SMALL)
    best = max(range(8), key=lambda i: result["affinities"][i])
    assert best == 0 and 0 not in result["kept_groups"]
    assert best not in result["selected_experts"]


# Same experts, with a bias of +0.6 on expert 0 only:
#   s0 + b0 = 0.982 + 0.6 = 1.582, so G0 = 1.582 + 0.018 = 1.600 > G1 = 1.500 > G2 = 1.245.
# Kept groups: G0, G1. Best biased scores there: expert 0 (1.582), expert 3 (0.769).
# The weights still use the unbiased s: g0 = 0.982 / (0.982 + 0.769) * 2.5 = 1.402,
# g3 = 0.769 / 1.751 * 2.5 = 1.098; with the biased score g0 would be 1.582 / 2.351 * 2.5 = 1.682.
def test_the_bias_changes_the_selection_but_not_the_source_of_the_weights():
    plain = route(**SMALL)
    biased = route(**SMALL, biases="0.6, 0, 0, 0, 0, 0, 0, 0")
    assert biased["kept_groups"] == [0, 1]
    assert biased["selected_experts"] == [0, 3]
    assert biased["selected_experts"] != plain["selected_experts"]
    assert biased["affinities"] == plain["affinities"]
    assert biased["biased_scores"][0] == pytest.approx(s(4) + 0.6)
    total = s(4) + s(1.2)
    assert biased["gate_weights"] == pytest.approx([s(4) / total * 2.5, s(1.2) / total * 2.5])
    assert biased["gate_weights"] == pytest.approx([1.402, 1.098], abs=1e-3)
    assert biased["gate_weight_sum"] == pytest.approx(2.5)


# 8 experts in 2 groups of 4; keep 1 group, choose 2.
#   group 0: u = 3, -3, -3, -3    top two s = 0.953 + 0.047 = 1.000   (max alone: 0.953)
#   group 1: u = 1, 0.8, -3, -3   top two s = 0.731 + 0.690 = 1.421   (max alone: 0.731)
# DeepSeek-V3 sums the top two, so group 1 is kept although group 0 holds the best expert;
# the experts chosen are 4 (0.731) and 5 (0.690).
def test_a_group_is_scored_by_the_sum_of_its_top_two_not_by_its_best():
    result = route(num_experts=8, num_groups=2, topk_groups=1, top_k=2,
                   scores_logits="3, -3, -3, -3, 1, 0.8, -3, -3")
    assert result["group_scores"] == pytest.approx([s(3) + s(-3), s(1) + s(0.8)])
    assert result["kept_groups"] == [1]
    assert result["selected_experts"] == [4, 5]


# One group of 4, choose 2: no group limit at all, plain top-k of the sigmoid scores.
#   u = 0, 2, -1, 1 -> s = 0.5, 0.881, 0.269, 0.731: experts 1 and 3, weights s / (s1 + s3).
def test_one_group_is_plain_top_k():
    result = route(num_experts=4, num_groups=1, topk_groups=1, top_k=2,
                   routed_scaling_factor=1, scores_logits="0, 2, -1, 1")
    assert result["kept_groups"] == [0]
    assert result["selected_experts"] == [1, 3]
    assert result["gate_weights"] == pytest.approx([s(2) / (s(2) + s(1)), s(1) / (s(2) + s(1))])


def test_ties_go_to_the_lower_index():
    result = route(scores_logits=",".join(["0.25"] * 16))
    assert result["kept_groups"] == [0, 1]
    assert result["selected_experts"] == [0, 1, 2, 3]
    assert result["gate_weights"] == pytest.approx([2.5 / 4] * 4)


def test_a_constant_added_to_every_bias_changes_nothing_but_the_biased_scores():
    base = route(seed=7)
    shifted = route(seed=7, biases=",".join(["0.3"] * 16))
    for name in ("kept_groups", "selected_experts", "gate_weights"):
        assert shifted[name] == pytest.approx(base[name])


def test_weights_sum_to_the_scaling_factor():
    for scale in (0.5, 1.0, 2.5, 16.0):
        result = route(seed=3, routed_scaling_factor=scale)
        assert result["gate_weight_sum"] == pytest.approx(scale, rel=1e-12)
        assert math.fsum(result["gate_weights"]) == pytest.approx(scale, rel=1e-12)


def test_default_logits_come_from_the_seed_deterministically():
    assert route(seed=5) == route(seed=5)
    assert route(seed=5)["logits"] != route(seed=6)["logits"]
    assert route()["logits"] == moe_routing.pseudo_random_logits(0, 16)


def test_toy_defaults():
    result = route()
    assert (result["num_experts"], result["num_groups"], result["topk_groups"],
            result["top_k"], result["routed_scaling_factor"]) == (16, 4, 2, 4, 2.5)
    assert result["experts_per_group"] == 4
    assert result["biases"] == [0.0] * 16
    assert result["affinities"] == result["biased_scores"]
    assert len(result["selected_experts"]) == 4


def test_the_steps_table_agrees_with_the_lists():
    result = route(**SMALL, biases="0.6, 0, 0, 0, 0, 0, 0, 0")
    rows = result["steps_table"]
    assert [row["expert"] for row in rows] == list(range(8))
    assert [row["group"] for row in rows] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert [row["expert"] for row in sorted((r for r in rows if r["selected"]),
                                            key=lambda r: r["rank"])] == result["selected_experts"]
    assert [row["affinity"] for row in rows] == result["affinities"]
    assert sum(row["gate_weight"] for row in rows) == pytest.approx(2.5)
    assert {row["group"] for row in rows if row["group_kept"]} == set(result["kept_groups"])


def test_the_text_outputs_list_the_choice_in_order():
    result = route(**SMALL)
    assert result["kept_groups_text"] == "1, 2"
    assert result["selected_experts_text"] == "3, 2"
    assert result["gate_weights_text"] == "1.281, 1.219"


# --------------------------------------------------------------------------- DeepSeek-V3 preset

def test_the_v3_preset_reads_its_sizes_from_data():
    config = dscalc.data.models()["deepseek-v3"]["config"]
    assert (config["n_routed_experts"], config["n_group"], config["topk_group"],
            config["num_experts_per_tok"], config["routed_scaling_factor"]) == (256, 8, 4, 8, 2.5)
    assert config["scoring_func"] == "sigmoid" and config["topk_method"] == "noaux_tc"
    result = route(preset="deepseek-v3")
    assert (result["num_experts"], result["num_groups"], result["topk_groups"],
            result["top_k"], result["routed_scaling_factor"]) == (256, 8, 4, 8, 2.5)
    assert result["experts_per_group"] == 32
    assert len(result["logits"]) == 256 and len(result["kept_groups"]) == 4
    assert len(result["selected_experts"]) == 8
    assert result["gate_weight_sum"] == pytest.approx(2.5)
    assert "DeepSeek-V3" in result["config_source"]


def test_a_typed_size_overrides_the_preset():
    result = route(preset="deepseek-v3", top_k=16)
    assert result["num_experts"] == 256 and result["top_k"] == 16


# --------------------------------------------------------------------------- validation

def test_groups_must_divide_the_experts():
    error = error_of(num_experts=16, num_groups=3)
    assert error.field == "num_groups"
    assert "3" in error.message_en and "16" in error.message_en


def test_a_group_needs_two_experts_for_its_top_two_score():
    assert error_of(num_groups=16).field == "num_groups"


def test_groups_kept_cannot_exceed_groups():
    assert error_of(topk_groups=5).field == "topk_groups"


def test_top_k_cannot_exceed_the_experts_of_the_kept_groups():
    error = error_of(top_k=9)  # toy: 2 kept groups x 4 experts = 8 candidates
    assert error.field == "top_k"
    assert "8" in error.message_en and "8" in error.message_ja
    assert route(top_k=8)["top_k"] == 8


@pytest.mark.parametrize("name, value", [
    ("num_experts", 0), ("num_experts", 513), ("top_k", 0), ("seed", -1),
    ("routed_scaling_factor", 0), ("routed_scaling_factor", "nan"), ("preset", "deepseek-v4"),
    ("num_groups", "abc"), ("top_k", 1.5),
])
def test_bad_scalars_name_their_field(name, value):
    assert error_of(**{name: value}).field == name


@pytest.mark.parametrize("name, value, hint", [
    ("scores_logits", "1, 2, 3", "16"),
    ("scores_logits", ",".join(["0"] * 15) + ", abc", "abc"),
    ("scores_logits", ",".join(["0"] * 15) + ", nan", "finite"),
    ("scores_logits", ",".join(["0"] * 15) + ", 1e400", "finite"),
    ("scores_logits", ",".join(["0"] * 15) + ", 51", "50"),
    ("scores_logits", [0] * 15 + [True], "number"),
    ("scores_logits", [0] * 15 + [10**400], "finite"),
    ("scores_logits", [0] * 15 + [None], "number"),
    ("scores_logits", {"a": 1}, "list"),
    ("biases", ",".join(["0"] * 17), "16"),
    ("biases", ",".join(["0"] * 15) + ", 11", "10"),
    ("biases", ",".join(["1"] * 600), "512"),
])
def test_bad_lists_name_their_field(name, value, hint):
    error = error_of(**{name: value})
    assert error.field == name
    assert hint in error.message_en


@pytest.mark.parametrize("text", ["[0.1, -2, 3e-1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]",
                                  "0.1 −2 0.3 4 0 0 0 0 0 0 0 0 0 0 0 0",
                                  "0.1，-2、0.3; 4\n0 0 0 0 0 0 0 0 0 0 0 0"])
def test_lists_may_be_typed_with_any_common_separator(text):
    assert route(scores_logits=text)["logits"][:4] == [0.1, -2.0, 0.3, 4.0]


def test_an_empty_list_means_the_default():
    assert route(scores_logits="  ", biases="") == route()


def test_extreme_logits_keep_every_weight_positive_and_finite():
    result = route(scores_logits=",".join(["-50"] * 16))
    assert all(w > 0 and math.isfinite(w) for w in result["gate_weights"])
    assert result["gate_weight_sum"] == pytest.approx(2.5)


# --------------------------------------------------------------------------- page output

def test_the_page_answer_has_latex_without_cjk_and_a_safe_svg():
    for lang in ("ja", "en"):
        answer = web.evaluate("moe-routing", {}, lang)
        assert answer["ok"]
        assert answer["formula"]
        for line in answer["formula"]:
            assert not re.search(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]", line), line
        assert any(r"\rho = 2.5" in line for line in answer["formula"])
    svg = chart_svg()
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg and "aria-label=" in svg and "<title>" in svg
    outside = svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http" not in outside and "href" not in outside and "url(" not in outside
    assert "<script" not in svg and "<foreignObject" not in svg


def test_the_formula_binds_the_current_values():
    sizes = {name: value for name, value in SMALL.items() if name not in LIST_INPUTS}
    clean = dict(validate(CALC, sizes), scores_logits=SMALL["scores_logits"])
    lines = CALC.formula(clean, route(**SMALL))
    text = " ".join(lines)
    assert r"\{1, 2\}" in text and r"\{3, 2\}" in text
    assert "1.281" in text


def chart_svg(lang="en", **inputs):
    figure = web.evaluate("moe-routing", inputs, lang)["charts"]["chart"]
    return figure[figure.index("<svg"):figure.index("</svg>") + len("</svg>")]


def test_the_chart_marks_kept_groups_and_chosen_experts():
    svg = chart_svg(**SMALL)
    assert svg.count("✓") == 2  # the two kept groups
    assert "G1 ✓" in svg and "G2 ✓" in svg and "G0 ✓" not in svg
    ranks = re.findall(r'font-weight="bold">(\d+)</text>', svg)
    assert sorted(ranks) == ["1", "2"]  # the chosen experts, numbered by rank
    assert svg.count('class="fill band"') == 2 + 1  # kept groups shaded, plus the legend


def test_results_are_plain_json():
    for preset in ("toy", "deepseek-v3"):
        result = route(preset=preset)
        assert json.loads(json.dumps(result)) == result


@pytest.mark.parametrize("typed, field", [
    ({"num_experts": 15}, "num_experts"),          # 15 experts do not split into the toy's 4 groups
    ({"num_groups": 3}, "num_groups"),             # 16 experts do not split into 3 groups
    ({"num_experts": 15, "num_groups": 4}, "num_groups"),
    ({"topk_groups": 5}, "topk_groups"),
    ({"num_groups": 1, "topk_groups": 2}, "topk_groups"),
    ({"top_k": 9}, "top_k"),
])
def test_a_conflict_is_shown_under_the_value_the_reader_typed(typed, field):
    with pytest.raises(dscalc.ValidationError) as caught:
        route(**typed)
    assert caught.value.field == field
