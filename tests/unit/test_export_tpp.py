"""TPP, performance density and ECCN 3A090 (``export-tpp``).

Checked against the rule (88 FR 73458: 3A090.a.1 TPP ≥ 4,800; a.2 TPP ≥ 1,600 and density ≥ 5.92;
b.1 2,400 ≤ TPP < 4,800 and 1.6 ≤ density < 5.92; b.2 TPP ≥ 1,600 and 3.2 ≤ density < 5.92; BIS's
own example "600 tera integer operations ... at 8 bits or 300 tera FLOPS ... at 16 bits"), and
against the vendors' dense rates in the chip table: A100 312 dense BF16 TFLOPS × 16 = 4,992,
H100 1,979 dense FP8 TFLOPS × 8 = 15,832.
"""

import pytest
from hypothesis import given, settings, strategies as st

import dscalc
from dscalc import web
from dscalc.hardware.export_rules import classify_2022, classify_2023


def tpp(**inputs):
    return dscalc.run("export-tpp", inputs)


def test_a100_is_4992_and_3a090a():
    result = tpp(preset="a100-sxm-80gb")
    assert (result["tops"], result["bit_length"], result["tpp"]) == (312, 16, 4992)
    assert result["precision"] == "BF16"
    assert result["eccn"] == "3A090.a" and result["clause"] == "3A090.a.1"
    assert result["controlled"] is True
    # With its 826 mm² die the density is 6.04 - above 5.92 as well.
    assert result["performance_density"] == pytest.approx(4992 / 826)


def test_h100_is_15832_and_3a090a():
    result = tpp(preset="h100-sxm")
    assert (result["tops"], result["bit_length"], result["tpp"]) == (1979, 8, 15832)
    assert result["eccn"] == "3A090.a" and result["clause"] == "3A090.a.1"


def test_the_h800_escaped_2022_and_was_caught_in_2023():
    """Same compute as the H100; NVLink 400 GB/s, under the 2022 rule's 600 GB/s test."""
    result = tpp(preset="h800-sxm")
    assert result["tpp"] == 15832
    assert result["classification_2022"] == "not controlled" and result["controlled_2022"] is False
    assert result["eccn"] == "3A090.a"
    h100 = tpp(preset="h100-sxm")
    assert h100["classification_2022"] == "3A090.a"


def test_the_h20_is_below_a1_and_b1_and_needs_a_die_area():
    result = tpp(preset="h20")
    assert result["tpp"] == 2368
    assert result["classification"] == "undetermined"
    assert result["area_for_a2_mm2"] == pytest.approx(2368 / 5.92)   # 400 mm²
    assert result["area_for_b2_mm2"] == pytest.approx(2368 / 3.2)    # 740 mm²
    assert result["area_for_b1_mm2"] is None                          # TPP < 2,400
    # A GH100-class die (814 mm²) would leave it outside 3A090.
    assert tpp(preset="h20", die_area_mm2=814)["classification"] == "not controlled"
    assert tpp(preset="h20", die_area_mm2=700)["clause"] == "3A090.b.2"
    assert tpp(preset="h20", die_area_mm2=400)["clause"] == "3A090.a.2"


def test_a_chip_below_every_threshold_is_not_controlled():
    result = tpp(preset="custom", tops=100, bit_length=8, die_area_mm2=300)
    assert result["tpp"] == 800 and result["performance_density"] == pytest.approx(800 / 300)
    assert result["classification"] == "not controlled" and result["eccn"] is None
    assert result["controlled"] is False and result["clause"] is None


def test_bis_example_sits_exactly_on_the_a1_line():
    assert tpp(preset="custom", tops=600, bit_length=8)["clause"] == "3A090.a.1"
    assert tpp(preset="custom", tops=300, bit_length=16)["clause"] == "3A090.a.1"
    # Just under the line, a large die keeps it out of .a but in .b (density 4.8).
    assert tpp(preset="custom", tops=299.99, bit_length=16, die_area_mm2=1000)["clause"] == "3A090.b.1"
    assert tpp(preset="custom", tops=299.99, bit_length=16, die_area_mm2=3001)["eccn"] is None


@pytest.mark.parametrize("tops, bits, area, clause", [
    (200, 8, 200, "3A090.a.2"),      # TPP 1,600, density 8
    (200, 8, 271, "3A090.b.2"),      # density 5.90: below a.2, TPP below b.1's 2,400
    (300, 8, 1500, "3A090.b.1"),     # TPP 2,400, density 1.6: both lower edges of b.1
    (400, 8, 1000, "3A090.b.1"),     # TPP 3,200, density 3.2
    (400, 8, 2001, None),            # density 1.599
    (250, 8, 600, "3A090.b.2"),      # TPP 2,000, density 3.33
    (250, 8, 700, None),             # density 2.86
    (199.9, 8, 100, None),           # TPP 1,599.2: below every line whatever the density
])
def test_each_clause_at_its_edges(tops, bits, area, clause):
    assert tpp(preset="custom", tops=tops, bit_length=bits, die_area_mm2=area)["clause"] == clause


def test_a_consumer_part_below_4800_is_outside_3a090_by_note_2():
    result = tpp(preset="custom", tops=400, bit_length=8, die_area_mm2=300, datacenter=False)
    assert result["classification"] == "not controlled" and result["clause"] == "3A090 Note 2"
    above = tpp(preset="custom", tops=700, bit_length=8, datacenter=False)
    assert above["clause"] == "3A090.a.1"


def test_the_january_2026_band_holds_the_h200_but_not_the_b200():
    assert tpp(preset="h200-sxm")["in_2026_case_by_case_band"] is True
    assert tpp(preset="b200")["in_2026_case_by_case_band"] is False


@pytest.mark.parametrize("preset", ["a100-sxm-80gb", "h100-sxm", "h800-sxm", "h20", "h200-sxm",
                                    "b200", "mi300x", "ascend-910b", "ascend-910c"])
def test_the_issue_presets_exist_and_are_computed_from_the_table(preset):
    result = tpp(preset=preset)
    assert result["tpp"] == pytest.approx(result["tops"] * result["bit_length"])
    assert result["chip_name"]


def test_typed_values_override_the_preset_and_say_so():
    answer = web.evaluate("export-tpp", {"preset": "h100-sxm", "die_area_mm2": 1000}, "en")
    assert answer["outputs"]["performance_density"] == pytest.approx(15.832)
    assert any("replaced" in note for note in answer["notes"])


def test_the_answer_names_the_clause_in_both_languages():
    assert "3A090.a.1" in " ".join(web.evaluate("export-tpp", {"preset": "a100-sxm-80gb"}, "ja")["notes"])
    notes = " ".join(web.evaluate("export-tpp", {"preset": "h20"}, "en")["notes"])
    assert "400 mm²" in notes and "740 mm²" in notes


@pytest.mark.parametrize("inputs, field", [
    ({"preset": "custom"}, "tops"),
    ({"preset": "custom", "tops": 100}, "bit_length"),
    ({"tops": 0}, "tops"),
    ({"bit_length": 1.5}, "bit_length"),
    ({"die_area_mm2": "big"}, "die_area_mm2"),
    ({"preset": "gaudi3"}, "preset"),
    ({"datacenter": "perhaps"}, "datacenter"),
])
def test_junk_is_refused_with_a_message_in_both_languages(inputs, field):
    with pytest.raises(dscalc.ValidationError) as error:
        tpp(**inputs)
    assert error.value.field == field
    assert error.value.message_ja and error.value.message_en


@settings(max_examples=300, deadline=None)
@given(total=st.floats(0, 1e6), density=st.one_of(st.none(), st.floats(0, 1e3)))
def test_classification_properties(total, density):
    result = classify_2023(total, density)
    if total >= 4800:
        assert result.eccn == "3A090.a"
    if total < 1600:
        assert result.eccn == "not controlled"
    if density is not None and 1600 <= total and density >= 5.92:
        assert result.eccn == "3A090.a"
    if result.eccn == "3A090.b":
        assert 1.6 <= density < 5.92 and total < 4800
    if density is None and 1600 <= total < 4800:
        assert result.eccn == "undetermined"
    # More TPP or more density never lowers the class.
    order = {"not controlled": 0, "3A090.b": 1, "3A090.a": 2}
    if density is not None and result.eccn in order:
        higher = classify_2023(total * 1.5, density * 1.5)
        assert order[higher.eccn] >= order[result.eccn]


def test_the_2022_rule_needed_both_tests():
    assert classify_2022(4800, 600e9).eccn == "3A090.a"
    assert classify_2022(4800, 599e9).eccn == "not controlled"
    assert classify_2022(4799, 900e9).eccn == "not controlled"
    assert classify_2022(5000, None).eccn == "undetermined"
