"""The shape every calculator shares: found by the registry, numbers only from ``run``,
presentation derived for one language at a time.

These tests run over every registered calculator, so a new calculator is held to them without
any list being edited.
"""

import json
import math
import pkgutil
import re

import pytest

import dscalc
import dscalc.calcs
from dscalc import web
from dscalc.framework.schema import Calculator, Output
from dscalc.framework.text import Text

CALCULATORS = dscalc.calculators()
IDS = [calc.id for calc in CALCULATORS]
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


def walk(value):
    """Every value inside a JSON structure, containers included."""
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def test_every_module_in_the_calcs_package_is_discovered():
    modules = {info.name for info in pkgutil.iter_modules(dscalc.calcs.__path__)}
    found = {calc.compute.__module__.rsplit(".", 1)[1] for calc in CALCULATORS}
    assert modules == found, "every module under dscalc/calcs defines at least one calculator"
    assert len(IDS) == len(set(IDS))


@pytest.mark.parametrize("calc_id", IDS)
def test_run_returns_language_free_numbers_without_markup(calc_id):
    result = dscalc.run(calc_id)
    assert json.loads(json.dumps(result)) == result, "plain JSON"
    for value in walk(result):
        assert not (isinstance(value, dict) and set(value) == {"ja", "en"}), "no language pairs"
        if isinstance(value, str):
            assert "<" not in value and ">" not in value, f"no markup: {value[:60]}"
            assert not CJK.search(value), f"no Japanese words in numbers: {value[:60]}"
        if isinstance(value, float):
            assert math.isfinite(value)


@pytest.mark.parametrize("calc_id", IDS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_page_answer_is_in_one_language(calc_id, lang):
    answer = web.evaluate(calc_id, {}, lang)
    assert answer["ok"], answer
    calc = dscalc.get(calc_id)
    shown = [spec.name for spec in calc.outputs if spec.shown]
    assert set(answer["display"]) == set(shown) == set(answer["raw"])
    assert set(answer["charts"]) == {slot.name for slot in calc.charts}
    text = " ".join(list(answer["display"].values()) + list(answer["charts"].values())
                    + answer["notes"])
    if lang == "en":
        assert not CJK.search(text), "no Japanese on an English page"
    for line in answer["formula"]:
        assert not CJK.search(line), "LaTeX carries no CJK (KaTeX cannot typeset it well)"


@pytest.mark.parametrize("calc_id", IDS)
def test_every_input_and_output_has_labels_in_both_languages(calc_id):
    calc = dscalc.get(calc_id)
    for spec in list(calc.inputs) + list(calc.outputs):
        assert spec.label.ja and spec.label.en, spec.name
        assert not CJK.search(spec.label.en), spec.name
        if spec.label.ja == spec.label.en:  # only a name or symbol may read the same in both
            assert len(spec.label.ja.split()) <= 2, spec.name
    assert calc.title.ja != calc.title.en and calc.summary.ja != calc.summary.en


def test_an_unknown_display_format_fails_when_declared():
    with pytest.raises(ValueError, match="unknown display format"):
        Output("x", Text("x", "x"), "megabytes")


def test_a_calculator_that_declares_an_input_twice_fails_when_declared():
    calc = CALCULATORS[0]
    with pytest.raises(ValueError, match="declared twice"):
        Calculator(calc.id, calc.title, calc.summary, calc.inputs + calc.inputs[:1],
                   calc.outputs, calc.compute)


@pytest.mark.parametrize("calc_id", IDS)
def test_the_source_module_exists(calc_id):
    from pathlib import Path
    path = Path(dscalc.__file__).parent.parent / dscalc.get(calc_id).source_module
    assert path.is_file()


def test_cli_list_is_the_catalogue():
    assert [item["id"] for item in web.catalogue("en")] == IDS
