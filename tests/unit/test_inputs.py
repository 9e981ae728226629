"""Input validation: what a form, a URL or the CLI may send, and what comes back."""

import math

import pytest

import dscalc


def error_of(inputs, calc_id="kv-cache"):
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run(calc_id, inputs)
    return caught.value


def test_defaults_fill_every_missing_input():
    assert dscalc.run("kv-cache") == dscalc.run("kv-cache", {})


def test_numbers_typed_as_text_are_accepted():
    assert (dscalc.run("kv-cache", {"context_length": "4,096"})
            == dscalc.run("kv-cache", {"context_length": 4096}))


def test_full_width_digits_from_a_japanese_keyboard_are_accepted():
    assert (dscalc.run("kv-cache", {"context_length": "４０９６"})
            == dscalc.run("kv-cache", {"context_length": 4096}))


def test_an_integral_float_is_an_integer():
    assert dscalc.run("kv-cache", {"batch_size": 2.0})["total_bytes"] == \
        dscalc.run("kv-cache", {"batch_size": 2})["total_bytes"]


@pytest.mark.parametrize("value", ["abc", "1.5", 1.5, True, [], {}, "", float("nan"),
                                   float("inf"), "nan", "-inf", "1e400"])
def test_junk_in_a_whole_number_field_names_that_field(value):
    error = error_of({"context_length": value})
    assert error.field == "context_length"
    assert error.message_ja and error.message_en
    assert error.message_ja != error.message_en


@pytest.mark.parametrize("value", [0, -1, 10_000_001])
def test_out_of_range_values_are_refused_with_the_bound(value):
    error = error_of({"context_length": value})
    assert error.field == "context_length"
    assert any(bound in error.message_en for bound in ("1", "10,000,000"))


def test_an_unknown_choice_lists_the_allowed_ones():
    error = error_of({"kv_dtype": "int3"})
    assert error.field == "kv_dtype"
    assert "bf16" in error.message_en and "bf16" in error.message_ja


def test_an_unknown_input_is_refused_rather_than_ignored():
    assert error_of({"context_lenght": 4096}).field == "context_lenght"


def test_inputs_must_be_an_object():
    assert error_of(["context_length", 4096]).field == "inputs"


def test_an_unknown_calculator_is_a_validation_error():
    assert error_of({}, calc_id="no-such-thing").field == "id"


@pytest.mark.parametrize("text, hint", [("{", "line"), ("[1, 2]", "object"), ("null x", "JSON")])
def test_a_broken_config_says_what_is_wrong(text, hint):
    error = error_of({"config": text})
    assert error.field == "config"
    assert hint.lower() in error.message_en.lower()


def test_results_are_plain_finite_json_values():
    import json
    result = dscalc.run("kv-cache")
    assert json.loads(json.dumps(result)) == result
    assert all(not isinstance(v, float) or math.isfinite(v) for v in result.values())


def test_every_calculator_declares_labels_in_both_languages():
    for calc in dscalc.calculators():
        assert calc.title.ja and calc.title.en
        for spec in list(calc.inputs) + list(calc.outputs):
            assert spec.label.ja and spec.label.en, (calc.id, spec.name)


# --------------------------------------------------------------------------- hostile shapes

import json as _json


@pytest.mark.parametrize("depth", [65, 1_000, 3_000])
def test_a_deeply_nested_config_is_refused_before_parsing(depth):
    text = "[" * depth + "]" * depth
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run("kv-cache", {"config": text})
    assert caught.value.field == "config" and "64" in caught.value.message_en
    nested: list = []
    for _ in range(depth):
        nested = [nested]
    with pytest.raises(dscalc.ValidationError):
        dscalc.run("kv-cache", {"config": {"layers": nested}})


def test_a_deep_request_to_the_page_adapter_gets_an_answer():
    from dscalc import web
    answer = _json.loads(web.respond('{"id": "kv-cache", "inputs": ' + "[" * 5000 + "]" * 5000 + "}"))
    assert answer["ok"] is False and answer["error"]["message"]


@pytest.mark.parametrize("value", [10**309, -(10**400), "1e999", "nan", "inf"])
def test_a_number_beyond_float_range_is_a_message_not_an_overflow(value):
    with pytest.raises(dscalc.ValidationError) as caught:
        dscalc.run("moe-routing", {"routed_scaling_factor": value})
    assert caught.value.field == "routed_scaling_factor"


@pytest.mark.parametrize("typed, expected", [
    ("175B", 175_000_000_000), ("1.75e11", 175_000_000_000), ("1750億", 175_000_000_000),
    ("175,000,000,000", 175_000_000_000), ("１７５B", 175_000_000_000), ("0.5T", 500_000_000_000),
])
def test_parameter_counts_may_be_typed_with_scale_words(typed, expected):
    assert dscalc.run("memory", {"model": "params", "params": typed})["weight_params"] == expected
