"""Presets: one rule for every config-driven calculator — a pasted config wins."""

import pytest

import dscalc
from dscalc.framework import inputs as presets

# Every calculator that takes a pasted config.json, found from the declarations.
CONFIG_DRIVEN = [calc.id for calc in dscalc.calculators()
                 if any(spec.kind == "config" for spec in calc.inputs)]


def test_the_config_driven_calculators_are_found():
    assert {"kv-cache", "model-size", "memory"} <= set(CONFIG_DRIVEN)
TINY = {"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 8,
        "num_attention_heads": 2, "intermediate_size": 12, "vocab_size": 10}


def test_a_pasted_config_wins_over_the_preset():
    assert presets.resolve_config("deepseek-v3", TINY) == (TINY, "config.json")


def test_a_preset_gives_its_record_config_and_source():
    record = dscalc.data.models()["qwen2.5-72b"]
    assert presets.resolve_config("qwen2.5-72b", None) == (record["config"], record["source_url"])


def test_custom_without_a_config_is_an_empty_config():
    assert presets.resolve_config(presets.CUSTOM, None) == ({}, "")


@pytest.mark.parametrize("calc_id", CONFIG_DRIVEN)
def test_every_config_driven_calculator_offers_the_same_presets(calc_id):
    values = [choice.value for choice in dscalc.get(calc_id).field("model").choices]
    records = [model_id for model_id, record in dscalc.data.models().items() if "config" in record]
    assert values[:len(records)] == records
    assert values[-1] == presets.CUSTOM


@pytest.mark.parametrize("calc_id", CONFIG_DRIVEN)
def test_every_config_driven_calculator_lets_a_pasted_config_win(calc_id):
    pasted = dscalc.run(calc_id, {"model": "deepseek-v3", "config": TINY})
    direct = dscalc.run(calc_id, {"model": "custom", "config": TINY})
    assert pasted == direct


@pytest.mark.parametrize("calc_id", CONFIG_DRIVEN)
@pytest.mark.parametrize("model", sorted(dscalc.data.models()))
def test_every_preset_runs_in_every_config_driven_calculator(calc_id, model):
    result = dscalc.run(calc_id, {"model": model})
    assert result["model_name"] == dscalc.data.models()[model]["name"]
