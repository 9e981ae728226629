"""DeepSeek's V4-vs-V3.2 figures as recorded in data/facts, against the site's recomputation
(the long-context calculator): the KV-cache figures must round to the records under DeepSeek's
storage formats; the FLOP figures are matched by one convention each, as the attention page
says (tests/unit/test_long_context.py pins the arithmetic)."""

from pathlib import Path

import yaml

import dscalc

FACTS = Path(__file__).resolve().parents[2] / "data" / "facts"
M = 2**20


def fact(fact_id: str) -> float:
    for path in FACTS.glob("*.yaml"):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")):
            if record["id"] == fact_id:
                return record["value"] / 100
    raise KeyError(fact_id)


def fraction(model: str, output: str, **inputs) -> float:
    return dscalc.run("long-context", {"model": model, "context_length": M, **inputs})[output]


def test_the_kv_records_round_to_the_recomputation_in_deepseeks_storage():
    assert round(fraction("deepseek-v4-pro", "kv_fraction", storage="deepseek"), 2) == fact(
        "ds-v4-pro-kv-vs-v32")
    assert round(fraction("deepseek-v4-flash", "kv_fraction", storage="deepseek"), 2) == fact(
        "attn-v4-flash-kv-vs-v32")


def test_each_flop_record_is_matched_by_one_convention():
    assert round(fraction("deepseek-v4-pro", "flops_fraction"), 2) == fact("ds-v4-pro-flops-vs-v32")
    assert round(fraction("deepseek-v4-flash", "flops_fraction", flops="fp8_equivalent"),
                 2) == fact("attn-v4-flash-flops-vs-v32")
