"""Inputs a fuzz of every calculator found escaping (issue 20), each as its minimal reproducer.

Each must now give a ``ValidationError`` at the field, in Japanese and English, or a correct
answer — never ``ZeroDivisionError``, an infinite margin or a ``ValueError`` from ``str()``.
"""

import json

import pytest

import dscalc
from dscalc import web
from dscalc.charts import tick_text
from dscalc.framework.text import clip
from dscalc.framework.units import display, format_scientific, mantissa_exponent, scientific

SMALLEST_SUBNORMAL = 5e-324
#: More than CPython's 4,300-digit limit for ``str(int)``.
HUGE_INT = 10**5000


def error_of(calc_id, inputs):
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run(calc_id, inputs)
    return caught.value


def page_answer(calc_id, inputs, lang="en"):
    return json.loads(web.respond(json.dumps({"id": calc_id, "inputs": inputs, "lang": lang})))


# --------------------------------------------------------------------------- api-cost

def test_zero_requests_a_day_is_refused_at_the_field_not_divided_by():
    error = error_of("api-cost", {"requests_per_day": 0})
    assert error.field == "requests_per_day"
    assert "1 以上" in error.message_ja and "at least 1" in error.message_en


def test_one_request_a_day_costs_the_day_cost():
    out = dscalc.run("api-cost", {"requests_per_day": 1})
    assert out["cost_per_request_usd"] == out["cost_per_day_usd"]


# --------------------------------------------------------------------------- serving-cost

@pytest.mark.parametrize("field", ["chip_hour_price", "replicas", "price_input_cache_miss",
                                   "price_output", "billed_share"])
def test_a_subnormal_price_share_or_count_is_refused_at_that_field(field):
    answer = page_answer("serving-cost", {field: SMALLEST_SUBNORMAL}, "ja")
    assert answer["ok"] is False
    assert answer["error"]["field"] == field
    assert "0 に近すぎ" in answer["error"]["message"]
    assert error_of("serving-cost", {field: SMALLEST_SUBNORMAL}).message_en.startswith(
        "This value is too close to zero")


@pytest.mark.parametrize("field", ["chip_hour_price", "replicas", "price_input_cache_miss",
                                   "price_output", "billed_share"])
def test_zero_in_those_fields_leaves_the_margin_undefined_not_an_error(field):
    out = dscalc.run("serving-cost", {field: 0})
    margins = ("margin_input", "margin_output", "cost_profit_margin", "gross_margin")
    assert any(out[name] is None for name in margins)


def test_an_owned_chip_too_cheap_to_cost_anything_is_blamed_on_its_price():
    error = error_of("serving-cost", {"cost_basis": "own", "chip_purchase_price": 1e-305,
                                      "power_kw": 0, "electricity_price": 0})
    assert error.field == "chip_purchase_price"


# --------------------------------------------------------------------------- scientific display

@pytest.mark.parametrize("value, shown", [
    (SMALLEST_SUBNORMAL, "4.94×10⁻³²⁴"),
    (-1.5e-320, "-1.50×10⁻³²⁰"),
    (3.296e24, "3.30×10²⁴"),
    (9.9996e3, "1.00×10⁴"),      # rounding carries into the next power of ten
])
def test_scientific_notation_reaches_the_smallest_float(value, shown):
    assert scientific(value) == shown


def test_mantissa_and_exponent_are_read_without_dividing_by_a_power_of_ten():
    assert mantissa_exponent(SMALLEST_SUBNORMAL, 4) == ("4.941", -324)
    assert format_scientific(SMALLEST_SUBNORMAL) == "4.941×10⁻³²⁴"
    assert tick_text(SMALLEST_SUBNORMAL) == "4.9×10⁻³²⁴"


@pytest.mark.parametrize("calc_id, field", [("fp-format", "value"),
                                            ("training-cost", "attention_flops_per_token")])
def test_pages_showing_a_subnormal_input_answer(calc_id, field):
    for lang in ("ja", "en"):
        assert page_answer(calc_id, {field: SMALLEST_SUBNORMAL}, lang)["ok"] is True


# --------------------------------------------------------------------------- huge integers

def test_a_huge_integer_input_name_is_refused_by_its_size():
    error = error_of("kv-cache", {HUGE_INT: 1})
    assert "≈10^5000" in error.message_en and "≈10^5000" in error.message_ja


def test_a_huge_integer_calculator_id_is_refused():
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run(HUGE_INT, {})
    assert caught.value.field == "id"


def test_a_huge_integer_layer_type_is_refused_at_the_config():
    config = {"num_hidden_layers": 2, "num_attention_heads": 2, "hidden_size": 8,
              "layer_types": [HUGE_INT, HUGE_INT]}
    assert error_of("kv-cache", {"config": config}).field == "config"


def test_a_huge_integer_config_key_or_name_does_not_break_the_answer():
    config = {"model_type": "llama", "num_hidden_layers": 2, "num_attention_heads": 2,
              "hidden_size": 8, "intermediate_size": 8, "vocab_size": 10,
              "_name_or_path": HUGE_INT, HUGE_INT: 1}
    assert dscalc.run("model-size", {"config": config})["model_name"] == "≈10^5000"


def test_clip_quotes_untrusted_values_in_at_most_the_limit():
    assert clip("x" * 100) == "x" * 40
    assert clip(-HUGE_INT) == "-≈10^5000"
    assert clip(12345, 3) == "123"


# --------------------------------------------------------------------------- amounts (issue 20, copy-edit)

@pytest.mark.parametrize("value, shown", [
    (87_072, "8万7072 ドル"),            # DeepSeek's day: reads like the published 「8万7072 ドル」
    (5_576_000, "557万6000 ドル"),
    (64_551_000_000, "645億5100万ドル"),
    (2.19, "2.19 ドル"),
])
def test_japanese_amounts_are_written_as_the_business_press_writes_them(value, shown):
    assert display("usd", value, "ja") == shown


@pytest.mark.parametrize("value, shown_en, shown_ja", [
    (1_571_000_000_000, "1.57T", "1.57兆 (1.57T)"),   # V4-Pro's count: English as precise as Japanese
    (671_000_000_000, "671.0B", "6,710億 (671.0B)"),
    (36_600_000_000, "36.6B", "366億 (36.6B)"),
    (9_996_000_000, "10.0B", "100億 (10.0B)"),          # rounds up across 10 without a fourth digit
])
def test_parameter_counts_show_at_least_three_significant_digits_in_both_languages(value, shown_en, shown_ja):
    assert display("params", value, "en") == shown_en
    assert display("params", value, "ja") == shown_ja
