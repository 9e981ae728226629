"""Every calculator, fed anything: it answers or raises ValidationError, never anything else."""

import json
import math

from hypothesis import given, settings, strategies as st

import dscalc
from dscalc import web

JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12)
CALC_IDS = st.sampled_from([calc.id for calc in dscalc.calculators()])


def field_values(calc):
    """Junk for the declared fields: right names, wrong or borderline values."""
    return st.fixed_dictionaries({}, optional={spec.name: st.one_of(
        JSON_VALUES, st.integers(-10, 10**12).map(str),
        st.sampled_from([choice.value for choice in spec.choices] or ["x"]))
        for spec in calc.inputs})


@st.composite
def junk_request(draw):
    calc = dscalc.get(draw(CALC_IDS))
    inputs = draw(st.one_of(field_values(calc), JSON_VALUES))
    return calc.id, inputs


def check_outputs(outputs):
    assert json.loads(json.dumps(outputs)) == outputs
    for value in outputs.values():
        assert not (isinstance(value, float) and not math.isfinite(value))


@settings(max_examples=300, deadline=None)
@given(junk_request())
def test_run_answers_or_raises_validation_error(request):
    calc_id, inputs = request
    try:
        outputs = dscalc.run(calc_id, inputs)
    except dscalc.ValidationError as error:
        assert error.field is not None
        assert error.message_ja and error.message_en
    else:
        check_outputs(outputs)


@settings(max_examples=200, deadline=None)
@given(junk_request(), st.sampled_from(["ja", "en", "xx", None]))
def test_the_page_adapter_always_returns_an_answer(request, lang):
    calc_id, inputs = request
    answer = json.loads(web.respond(json.dumps({"id": calc_id, "inputs": inputs, "lang": lang})))
    assert answer["ok"] in (True, False)
    if not answer["ok"]:
        assert answer["error"]["message"] not in ("", web.INTERNAL_ERROR.en, web.INTERNAL_ERROR.ja)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_pasted_as_a_config_gives_an_answer_or_a_config_error(text):
    try:
        dscalc.run("kv-cache", {"config": text})
    except dscalc.ValidationError as error:
        assert error.field in ("config", "num_hidden_layers")


@settings(max_examples=200, deadline=None)
@given(layers=st.integers(1, 200), heads=st.integers(1, 128), groups=st.integers(1, 16),
       head_dim=st.integers(1, 512), context=st.integers(1, 10**6), batch=st.integers(1, 64))
def test_gqa_cache_matches_the_closed_form(layers, heads, groups, head_dim, context, batch):
    kv_heads = max(1, heads // groups) if heads % max(1, heads // groups) == 0 else heads
    config = {"num_hidden_layers": layers, "num_attention_heads": heads,
              "num_key_value_heads": kv_heads, "head_dim": head_dim}
    result = dscalc.run("kv-cache", {"config": config, "context_length": context,
                                     "batch_size": batch})
    assert result["bytes_per_token"] == layers * 2 * kv_heads * head_dim * 2
    assert result["total_bytes"] == result["bytes_per_token"] * context * batch
