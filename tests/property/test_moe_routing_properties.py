"""MoE routing, for any sizes, logits and biases: the invariants of DeepSeek-V3's gate."""

import json
import math

import pytest
from hypothesis import assume, given, settings, strategies as st

import dscalc
from dscalc.calcs import moe_routing


@st.composite
def routing_case(draw):
    groups = draw(st.integers(1, 8))
    size = draw(st.integers(2, 8))
    experts = groups * size
    keep = draw(st.integers(1, groups))
    top_k = draw(st.integers(1, keep * size))
    scale = draw(st.floats(0.01, 100, allow_nan=False))
    logits = draw(st.lists(st.floats(-moe_routing.LOGIT_LIMIT, moe_routing.LOGIT_LIMIT,
                                     allow_nan=False), min_size=experts, max_size=experts))
    biases = draw(st.one_of(
        st.just([0.0] * experts),
        st.lists(st.floats(-moe_routing.BIAS_LIMIT, moe_routing.BIAS_LIMIT, allow_nan=False),
                 min_size=experts, max_size=experts)))
    return logits, biases, groups, keep, top_k, scale


@settings(max_examples=400, deadline=None)
@given(routing_case())
def test_the_choice_is_top_k_unique_experts_from_kept_groups(case):
    logits, biases, groups, keep, top_k, scale = case
    routing = moe_routing.route(logits, biases, groups, keep, top_k, scale)
    size = routing.experts_per_group
    selected = routing.selected_experts
    assert len(selected) == top_k
    assert len(set(selected)) == top_k
    assert len(routing.kept_groups) == len(set(routing.kept_groups)) == keep
    assert all(expert // size in routing.kept_groups for expert in selected)
    # No dropped group scores higher than a kept one, no unchosen candidate higher than a chosen.
    dropped = [g for g in range(groups) if g not in routing.kept_groups]
    assert all(routing.group_scores[d] <= routing.group_scores[k]
               for d in dropped for k in routing.kept_groups)
    candidates = [i for i in range(len(logits)) if i // size in routing.kept_groups]
    worst_chosen = min(routing.biased_scores[i] for i in selected)
    assert all(routing.biased_scores[i] <= worst_chosen for i in candidates if i not in selected)


@settings(max_examples=400, deadline=None)
@given(routing_case())
def test_weights_are_positive_sum_to_the_scale_and_follow_the_unbiased_scores(case):
    logits, biases, groups, keep, top_k, scale = case
    routing = moe_routing.route(logits, biases, groups, keep, top_k, scale)
    weights = routing.gate_weights
    assert all(w > 0 and math.isfinite(w) for w in weights)
    assert math.fsum(weights) == pytest.approx(scale, rel=1e-9)
    # Each weight is its expert's sigmoid score times one common factor: the bias never enters.
    ratios = [w / routing.affinities[i] for w, i in zip(weights, routing.selected_experts)]
    assert max(ratios) == pytest.approx(min(ratios), rel=1e-9)


def _clear_cut(values, margin=1e-6):
    ordered = sorted(values)
    return all(b - a > margin for a, b in zip(ordered, ordered[1:]))


@st.composite
def spread_case(draw):
    """Like ``routing_case`` but with distinct logits, so scores rarely sit a rounding apart."""
    groups, size = draw(st.integers(1, 8)), draw(st.integers(2, 8))
    experts = groups * size
    keep = draw(st.integers(1, groups))
    top_k = draw(st.integers(1, keep * size))
    logits = [n / 100 for n in draw(st.lists(st.integers(-1000, 1000), min_size=experts,
                                             max_size=experts, unique=True))]
    biases = [n / 128 for n in draw(st.lists(st.integers(-128, 128), min_size=experts,
                                             max_size=experts))]
    return logits, biases, groups, keep, top_k, 2.5


@settings(max_examples=200, deadline=None)
@given(spread_case(), st.integers(-640, 640).map(lambda n: n / 128))
def test_one_constant_added_to_every_bias_changes_no_choice(case, shift):
    logits, biases, groups, keep, top_k, scale = case
    before = moe_routing.route(logits, biases, groups, keep, top_k, scale)
    # Rounding may reorder scores closer than a float's precision: keep to clear-cut cases.
    assume(_clear_cut(before.biased_scores) and _clear_cut(before.group_scores))
    after = moe_routing.route(logits, [b + shift for b in biases], groups, keep, top_k, scale)
    assert after.kept_groups == before.kept_groups
    assert after.selected_experts == before.selected_experts
    assert after.gate_weights == before.gate_weights


@settings(max_examples=100, deadline=None)
@given(preset=st.sampled_from(["toy", "deepseek-v3"]), seed=st.integers(0, 2**32 - 1))
def test_every_seed_of_each_preset_routes_cleanly(preset, seed):
    result = dscalc.run("moe-routing", {"preset": preset, "seed": seed})
    assert len(result["selected_experts"]) == result["top_k"]
    assert len(set(result["selected_experts"])) == result["top_k"]
    size = result["experts_per_group"]
    assert all(i // size in result["kept_groups"] for i in result["selected_experts"])
    assert abs(result["gate_weight_sum"] - result["routed_scaling_factor"]) < 1e-9


JUNK = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30)),
    lambda inner: st.lists(inner, max_size=20), max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["scores_logits", "biases"]),
       st.one_of(JUNK, st.lists(st.floats(), min_size=16, max_size=16),
                 st.lists(st.floats(-60, 60).map(str), min_size=16, max_size=16).map(", ".join)))
def test_any_list_input_routes_or_names_its_field(name, value):
    """Any list, through the declared ``numbers`` input: an answer or the field named."""
    try:
        outputs = dscalc.run("moe-routing", {name: value})
    except dscalc.ValidationError as error:
        assert error.field == name
        assert error.message_ja and error.message_en
    else:
        assert all(math.isfinite(w) and w > 0 for w in outputs["gate_weights"])
        assert json.loads(json.dumps(outputs)) == outputs
