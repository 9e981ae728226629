"""Issue-4 pages in the browser: a pasted config, and the seed's GPT-3 claim in one click."""

import json
import sys
from pathlib import Path

import dscalc
import dscalc.web
from helpers import BOOT_TIMEOUT_MS, change_and_wait, form, output_value, wait_ready

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "hooks"))
import typeset  # noqa: E402  (the build's own renderer, to compare a recomputed formula with)


def test_pasting_a_config_into_model_size_gives_the_totals(page, base_url):
    config = dscalc.data.models()["mixtral-8x7b"]["config"]
    expected = dscalc.run("model-size", {"config": config})
    page.goto(base_url + "en/model-size/")
    change_and_wait(page, "config", json.dumps(config, indent=2), calc_id="model-size")
    assert form(page, "model-size").locator('[name="model"]').input_value() == "custom"
    assert output_value(page, "total_params", "model-size") == expected["total_params"]
    assert output_value(page, "active_params", "model-size") == expected["active_params"]


def test_a_broken_config_is_refused_next_to_the_field(page, base_url):
    page.goto(base_url + "model-size/")  # the Japanese page
    change_and_wait(page, "config", '{"model_type": "gpt2", "n_layer": 12}', calc_id="model-size")
    message = form(page, "model-size").locator('[data-error-for="config"]').inner_text()
    assert message and "config.json" in message


def test_the_gpt3_fp32_claim_is_one_click_away(page, base_url):
    page.goto(base_url + "en/model-size/")
    page.locator('a[href*="memory.model=gpt-3"]').first.click()
    page.wait_for_function(
        "() => { const f = document.querySelector('form.dscalc[data-calc=\"memory\"]');"
        " return f && f.dataset.state === 'ready' && f.querySelector('[name=weight_dtype]').value === 'fp32'; }",
        timeout=BOOT_TIMEOUT_MS)
    expected = dscalc.run("memory", {"model": "gpt-3", "weight_dtype": "fp32", "chip": "h200-sxm"})
    assert output_value(page, "weight_bytes", "memory") == expected["weight_bytes"]
    assert 690e9 < expected["weight_bytes"] < 710e9, "about 700 GB, as the seed article says"


def test_the_routing_toy_recomputes_with_typed_biases(page, base_url):
    page.goto(base_url + "en/moe/")
    before = dscalc.run("moe-routing")
    biases = ",".join(["0"] * 15 + ["9"])  # a large bias pulls expert 15 into the selection
    form(page, "moe-routing").locator("details.dscalc-advanced > summary").click()  # as a reader would
    change_and_wait(page, "biases", biases, calc_id="moe-routing")
    after = dscalc.run("moe-routing", {"biases": biases})
    assert after["selected_experts"] != before["selected_experts"]
    shown = form(page, "moe-routing").locator('output[name="selected_experts_text"]').inner_text()
    assert shown == dscalc.web.evaluate("moe-routing", {"biases": biases}, "en")["display"]["selected_experts_text"]
    wait_ready(page, "moe-routing")


def test_a_recomputed_formula_is_typeset_as_the_build_typesets_it(page, base_url):
    """The routing toy's formulas hold \\mathcal letters; after a recompute the browser typesets
    them through the same mathml_core.js as tools/katex_render.mjs: 𝒮 stays 𝒮 (in MathML Core a
    mathvariant would be drawn as an italic S)."""
    page.goto(base_url + "en/moe/")
    biases = ",".join(["0"] * 15 + ["9"])
    form(page, "moe-routing").locator("details.dscalc-advanced > summary").click()
    change_and_wait(page, "biases", biases, calc_id="moe-routing")
    lines = form(page, "moe-routing").locator(".dscalc-formula-lines")
    page.wait_for_function(
        "() => { const l = document.querySelector('form.dscalc[data-calc=\"moe-routing\"] .dscalc-formula-lines');"
        " return !l.querySelector('.arithmatex:not([data-typeset])'); }", timeout=BOOT_TIMEOUT_MS)
    chosen = lines.locator(".arithmatex").nth(3)
    tex = chosen.get_attribute("data-tex")
    assert tex.startswith(r"\mathcal{S}") and "15" in tex
    built = typeset.KATEX.render(tex, True)
    shown = chosen.evaluate("e => e.innerHTML")
    assert "𝒮" in shown and "𝒢" in shown
    # Compared as the browser parses both (it writes <mspace/> as <mspace></mspace>, and so on).
    assert chosen.evaluate("(e, built) => { const t = document.createElement('div'); t.innerHTML = built;"
                           " return t.innerHTML === e.innerHTML; }", built)
    assert lines.locator("[mathvariant]:not([mathvariant=normal])").count() == 0
