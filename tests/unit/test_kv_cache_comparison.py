"""KV cache of the same model with MHA, GQA or MLA, and the chart that compares them."""

import re

import pytest

import dscalc
import dscalc.web
from dscalc.charts import SVG_NS


def kv(**inputs):
    return dscalc.run("kv-cache", inputs)


def chart(lang="en", **inputs):
    """The chart figure the page shows (caption, SVG and data table), in ``lang``."""
    answer = dscalc.web.evaluate("kv-cache", inputs, lang)
    assert answer["ok"], answer
    return answer["charts"]["chart"]


def svg(lang="en", **inputs):
    figure = chart(lang, **inputs)
    return figure[figure.index("<svg"):figure.index("</svg>") + len("</svg>")]


def test_deepseek_v3_with_the_default_mla_variant_is_its_actual_cache():
    result = kv(model="deepseek-v3")
    assert result["bytes_per_token_mla"] == result["bytes_per_token"] == 70_272


def test_llama_405b_mha_variant_caches_every_head():
    assert kv(model="llama-3.1-405b")["bytes_per_token_mha"] == 126 * 2 * 128 * 128 * 2


def test_llama_405b_gqa_variant_with_its_own_8_groups_is_its_actual_cache():
    result = kv(model="llama-3.1-405b", gqa_groups=8)
    assert result["bytes_per_token_gqa"] == result["bytes_per_token"] == 516_096


def test_deepseek_v3_mha_variant_uses_the_per_head_dimension_128():
    # DeepSeek-V2 report (arXiv:2405.04434) Table 1: MHA caches 2 n_h d_h l elements.
    assert kv(model="deepseek-v3")["bytes_per_token_mha"] == 61 * 2 * 128 * 128 * 2


def test_variants_follow_the_comparison_inputs_and_the_data_type():
    result = kv(model="qwen2.5-72b", kv_dtype="fp8", gqa_groups=4, mla_latent_dim=256,
                mla_rope_dim=32)
    assert result["bytes_per_token_gqa"] == 80 * 2 * 4 * 128 * 1
    assert result["bytes_per_token_mla"] == 80 * (256 + 32) * 1
    assert result["bytes_per_token_mha"] == 80 * 2 * 64 * 128 * 1


def test_gqa_groups_are_capped_at_the_number_of_heads():
    config = {"num_hidden_layers": 2, "num_attention_heads": 4, "head_dim": 16}
    result = kv(config=config, gqa_groups=8)
    assert result["bytes_per_token_gqa"] == result["bytes_per_token_mha"] == 2 * 2 * 4 * 16 * 2


def test_without_a_per_head_dimension_mha_and_gqa_are_unknown_not_guessed():
    result = kv(model="custom", num_hidden_layers=61, num_attention_heads=128, kv_lora_rank=512,
                qk_rope_head_dim=64)
    assert result["bytes_per_token_mha"] is None and result["bytes_per_token_gqa"] is None
    assert result["bytes_per_token_mla"] == 70_272
    drawing = svg(model="custom", num_hidden_layers=61, num_attention_heads=128,
                  kv_lora_rank=512, qk_rope_head_dim=64)
    assert drawing.count("<polyline") == 2  # the model and the MLA variant


def test_the_chart_has_one_line_per_series_and_no_outside_urls():
    chart = svg(model="llama-3.1-405b")
    assert chart.startswith("<svg") and chart.endswith("</svg>")
    assert chart.count("<polyline") == 4  # this model, MHA, GQA, MLA
    assert "<path" not in chart
    assert "http" not in chart.replace(f'xmlns="{SVG_NS}"', "")
    assert 'role="img"' in chart and "aria-label=" in chart and "<title>" in chart
    assert "<script" not in chart and "@import" not in chart and "url(" not in chart


def test_the_chart_marks_the_chosen_context_length():
    assert "T = 65,536" in svg(model="deepseek-v3", context_length=65_536)


def test_the_chart_is_valid_xml():
    from xml.etree import ElementTree
    root = ElementTree.fromstring(svg(model="deepseek-v3"))
    assert root.tag == f"{{{SVG_NS}}}svg"


def test_the_chart_escapes_text_from_a_pasted_config():
    from dscalc.charts import LineChart, Series, figure
    drawn = figure(LineChart(title="<script>", x_label="&", y_label="'",
                             series=(Series('<b>"x"&</b>', ((1, 1), (10, 10))),), x_log=True,
                             y_log=True, x_ticks=((1, "1"), (10, "10"))), "en")
    assert "<script>" not in drawn and "<b>" not in drawn
    assert "&lt;script&gt;" in drawn and "&amp;" in drawn


def test_the_chart_depends_on_the_batch_size():
    assert svg(batch_size=1) != svg(batch_size=64)


def test_the_formula_shows_the_three_variants_without_cjk():
    from dscalc import web
    for lang in ("ja", "en"):
        lines = web.evaluate("kv-cache", {"model": "deepseek-v3"}, lang)["formula"]
        assert any("MHA" in line and "3{,}997{,}696" in line for line in lines)
        assert any("GQA" in line for line in lines)
        assert any("MLA" in line and "70{,}272" in line for line in lines)
        assert not any(re.search(r"[\u3040-\u30ff\u3400-\u9fff]", line) for line in lines)


@pytest.mark.parametrize("name, value", [("gqa_groups", 0), ("mla_latent_dim", 0),
                                         ("mla_rope_dim", -1)])
def test_comparison_inputs_are_validated(name, value):
    with pytest.raises(dscalc.ValidationError) as caught:
        kv(**{name: value})
    assert caught.value.field == name


def test_the_chart_is_drawn_in_each_page_language():
    assert "コンテキスト長" in chart("ja", model="deepseek-v3")
    english = chart("en", model="deepseek-v3")
    assert "context length" in english
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", english), "no Japanese in the English chart"


def test_run_returns_numbers_only_and_the_chart_is_drawn_from_them():
    result = kv(model="deepseek-v3")
    assert "chart" not in result
    assert "<" not in repr(result)
    # The data table under the chart carries the numbers the line is drawn from: GB at 1M tokens.
    at_one_million = 70_272 * 2**20 / 1e9
    assert f"<td>{at_one_million:.4g}</td>" in chart("en", model="deepseek-v3")
