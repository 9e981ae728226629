"""The chip table (data/chips.json) and the rule history (data/export_rules.yaml): schema, units,
consistency between fields, provenance of every figure, and agreement with the calculators."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from dscalc.hardware import export_rules
from dscalc.hardware.export_rules import chip_tpp

DATA = Path(__file__).resolve().parents[2] / "data"
TABLE = json.loads((DATA / "chips.json").read_text(encoding="utf-8"))
CHIPS = TABLE["chips"]
BY_ID = {chip["id"]: chip for chip in CHIPS}
RULES = {rule["id"]: rule for rule in
         yaml.safe_load((DATA / "export_rules.yaml").read_text(encoding="utf-8"))}
STATUSES = {"verified", "unverified", "disputed"}

#: Keys that describe a record rather than state a figure (they need no provenance of their own).
DESCRIPTIVE = {"id", "name", "short_name", "vendor", "kind", "memory_label", "source_url",
               "source_title", "accessed", "quote", "status", "nature", "note", "not_found", "absent",
               "status_counts", "field_provenance", "differences_vs_h100", "dispute"}
#: The keys dscalc reads; every record has them (a value may be null: see ABSENT_REASONS).
READ_BY_DSCALC = ("id", "name", "memory_bytes", "memory_bandwidth_bytes_per_s",
                  "bf16_dense_flops", "fp8_dense_flops")
RATE_FIELDS = ("fp4_dense_flops", "fp8_dense_flops", "int8_dense_ops", "fp16_dense_flops",
               "bf16_dense_flops", "tf32_dense_flops", "fp32_flops", "fp64_flops",
               "fp64_matrix_flops")
#: Chips whose vendor gives dense FP8 as exactly twice dense BF16 (checked to 0.1%: vendors
#: round, e.g. MI300X 2,614.9 vs 2 × 1,307.4).
#: Why a figure is null, when it is not simply "not found in a source read" (``not_found``).
ABSENT_REASONS = {"unsupported", "unpublished"}
#: The figures the chip table on the chips page shows (hooks/data_tables.py CHIP_COLUMNS).
TABLE_FIELDS = ("memory_bytes", "memory_bandwidth_bytes_per_s", "bf16_dense_flops", "fp8_dense_flops",
                "fp4_dense_flops", "tdp_watts")
FP8_TWICE_BF16 = {"h100-sxm", "h800-sxm", "h20", "h200-sxm", "b200", "gb200", "b300", "gb300",
                  "mi300x", "mi325x", "tpu-7x"}


def chip_ids():
    return [chip["id"] for chip in CHIPS]


def check_provenance(record: dict, where: str) -> None:
    assert str(record.get("source_url", "")).startswith("https://"), f"{where}: source_url"
    accessed = date.fromisoformat(str(record.get("accessed")))
    assert date(2023, 1, 1) <= accessed <= date.today(), f"{where}: accessed"
    assert record.get("status") in STATUSES, f"{where}: status"
    assert str(record.get("quote", "")).strip(), f"{where}: quote"


# --------------------------------------------------------------------------- schema

def test_the_chart_directive_finds_the_chips_first():
    """hooks/data_charts.py reads the first list of records in a JSON object."""
    assert next(iter(TABLE)) == "chips"


def test_ids_are_unique_and_the_issue_chips_are_present():
    ids = chip_ids()
    assert len(ids) == len(set(ids))
    assert {"h100-sxm", "h800-sxm", "h20", "h200-sxm", "b200", "b300", "mi300x", "mi325x",
            "mi355x", "tpu-v5e", "tpu-v5p", "tpu-v6e", "tpu-7x", "trainium2", "ascend-910b",
            "ascend-910c", "a100-sxm-80gb"} <= set(ids)


@pytest.mark.parametrize("chip", CHIPS, ids=chip_ids())
def test_every_record_has_the_keys_dscalc_reads_and_a_kind(chip):
    for key in READ_BY_DSCALC:
        assert key in chip, key
    assert chip["kind"] in ("gpu", "tpu", "asic")
    assert chip["short_name"] and len(chip["short_name"]) <= 12
    check_provenance(chip, chip["id"])


# --------------------------------------------------------------------------- units

@pytest.mark.parametrize("chip", CHIPS, ids=chip_ids())
def test_units_are_si_base_units(chip):
    """Bytes, bytes per second and FLOP per second: a TFLOPS or GB figure stored unscaled would
    be a million times too small."""
    assert 10**10 <= chip["memory_bytes"] <= 10**12
    bandwidth = chip["memory_bandwidth_bytes_per_s"]
    assert bandwidth is None or 10**11 <= bandwidth <= 10**14
    for field in RATE_FIELDS:
        value = chip.get(field)
        assert value is None or 10**11 <= value <= 10**17, field
    if chip.get("tdp_watts") is not None:
        assert 50 <= chip["tdp_watts"] <= 3000
    if chip.get("die_area_mm2") is not None:
        assert 50 <= chip["die_area_mm2"] <= 3000
    scale_up = chip.get("scale_up") or {}
    if scale_up.get("bytes_per_s") is not None:
        assert 10**10 <= scale_up["bytes_per_s"] <= 10**14
    launched = chip.get("launched")
    if launched:
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", launched["date"])


def test_memory_in_gib_is_recorded_as_gib():
    """Vendors that sell GiB (AWS, Google) are stored as powers of two, the others as 10^9."""
    assert BY_ID["trainium2"]["memory_bytes"] == 96 * 2**30
    assert BY_ID["tpu-v6e"]["memory_bytes"] == 32 * 2**30  # GiB in Google's table, though its v6e page writes GB
    assert BY_ID["tpu-7x"]["memory_bytes"] == 192 * 2**30
    assert BY_ID["h100-sxm"]["memory_bytes"] == 80 * 10**9
    assert BY_ID["h100-sxm"]["memory_visible_bytes"] < 80 * 2**30


# --------------------------------------------------------------------------- consistency

@pytest.mark.parametrize("chip_id", sorted(FP8_TWICE_BF16))
def test_dense_fp8_is_twice_dense_bf16_where_the_vendor_says_so(chip_id):
    chip = BY_ID[chip_id]
    assert chip["fp8_dense_flops"] == pytest.approx(2 * chip["bf16_dense_flops"], rel=1e-3)


def test_the_chips_where_fp8_is_not_twice_bf16_are_the_known_ones():
    """A new record with FP8 ≠ 2 × BF16 must be looked at (and added to the list above if the
    vendor says it is twice)."""
    other = {chip["id"] for chip in CHIPS
             if chip["fp8_dense_flops"] and chip["bf16_dense_flops"]
             and abs(chip["fp8_dense_flops"] / chip["bf16_dense_flops"] - 2) > 2e-3}
    assert other == {"mi355x", "tpu-v5p", "tpu-v6e", "trainium2", "trainium3"}


SPARSE_MARK = re.compile(r"([\d][\d,]*(?:\.\d+)?)\s*(TFLOPS|TOPS|PFLOPS|teraFLOPS|petaFLOPS)\*")


def _quoted_sparse_figures(quote: str) -> list[float]:
    """Figures a vendor table marks with '*' (NVIDIA: with sparsity), in operations per second."""
    scale = {"TFLOPS": 1e12, "TOPS": 1e12, "teraFLOPS": 1e12, "PFLOPS": 1e15, "petaFLOPS": 1e15}
    return [float(number.replace(",", "")) * scale[unit]
            for number, unit in SPARSE_MARK.findall(quote)]


@pytest.mark.parametrize("chip", CHIPS, ids=chip_ids())
def test_sparsity_figures_are_never_stored_as_dense(chip):
    for field in RATE_FIELDS:
        value = chip.get(field)
        provenance = (chip.get("field_provenance") or {}).get(field) or {}
        quotes = [provenance.get("quote", "")] + [(provenance.get("also") or {}).get("quote", "")]
        for quote in quotes:
            for sparse in _quoted_sparse_figures(quote):
                assert value != pytest.approx(sparse, rel=1e-6), (field, quote)


@pytest.mark.parametrize("chip_id, field, sparse_headline", [
    ("h100-sxm", "fp8_dense_flops", 3958e12), ("h100-sxm", "bf16_dense_flops", 1979e12),
    ("h200-sxm", "fp8_dense_flops", 3958e12), ("b200", "fp4_dense_flops", 18e15),
    ("b200", "fp8_dense_flops", 9e15), ("a100-sxm-80gb", "bf16_dense_flops", 624e12),
])
def test_nvidia_headline_sparse_figures_are_halved(chip_id, field, sparse_headline):
    assert BY_ID[chip_id][field] == pytest.approx(sparse_headline / 2, rel=1e-3)


def test_h800_differs_from_h100_in_the_interconnect_not_in_compute():
    h100, h800 = BY_ID["h100-sxm"], BY_ID["h800-sxm"]
    assert h800["scale_up"]["bytes_per_s"] == 400e9 < 600e9 < h100["scale_up"]["bytes_per_s"]
    assert h800["bf16_dense_flops"] == pytest.approx(h100["bf16_dense_flops"], rel=1e-3)
    assert h800["memory_bandwidth_bytes_per_s"] == h100["memory_bandwidth_bytes_per_s"]


def test_h20_differs_from_h100_in_compute_not_in_memory_or_nvlink():
    h100, h20 = BY_ID["h100-sxm"], BY_ID["h20"]
    assert h20["bf16_dense_flops"] < 0.2 * h100["bf16_dense_flops"]
    assert h20["memory_bandwidth_bytes_per_s"] >= h100["memory_bandwidth_bytes_per_s"]
    assert h20["scale_up"]["bytes_per_s"] == h100["scale_up"]["bytes_per_s"]


@pytest.mark.parametrize("chip_id", ["h800-sxm", "h20"])
def test_the_differences_vs_h100_match_the_table(chip_id):
    chip, h100 = BY_ID[chip_id], BY_ID["h100-sxm"]

    def look_up(record: dict, path: str):
        value = record
        for part in path.split("."):
            value = (value or {}).get(part)
        return value

    for row in chip["differences_vs_h100"]:
        if row["field"] == "fp64":
            continue  # a statement ("reduced FP64"), no figure
        assert look_up(h100, row["field"]) == row["h100"], row["field"]
        assert look_up(chip, row["field"]) == row["this"], row["field"]
        same = row["this"] == pytest.approx(row["h100"], rel=1e-3)
        assert same == row["same"], row["field"]


# --------------------------------------------------------------------------- provenance

@pytest.mark.parametrize("chip", CHIPS, ids=chip_ids())
def test_every_non_null_figure_has_its_own_provenance(chip):
    provenance = chip.get("field_provenance") or {}
    for key, value in chip.items():
        if key in DESCRIPTIVE or value is None:
            continue
        assert key in provenance, f"{chip['id']}.{key} has no field_provenance"
    for key, record in provenance.items():
        check_provenance(record, f"{chip['id']}.field_provenance.{key}")
        if record["status"] == "disputed":
            assert record.get("dispute") or chip.get("dispute"), key


@pytest.mark.parametrize("chip", CHIPS, ids=chip_ids())
def test_status_counts_count_the_field_provenance(chip):
    statuses = [record["status"] for record in chip["field_provenance"].values()]
    assert chip["status_counts"] == {status: statuses.count(status)
                                     for status in ("verified", "unverified", "disputed")}


@pytest.mark.parametrize("chip", CHIPS, ids=chip_ids())
def test_fields_said_not_found_are_null(chip):
    for key in chip.get("not_found", []):
        value = chip.get(key) if "." not in key else None
        assert value is None, key


@pytest.mark.parametrize("chip", CHIPS, ids=chip_ids())
def test_every_empty_cell_of_the_chip_table_says_which_of_three_cases_it_is(chip):
    """Not supported by the chip, not published by the vendor, or not found in a source read."""
    absent = chip.get("absent") or {}
    for key in TABLE_FIELDS:
        if chip.get(key) is None:
            assert (key in absent) != (key in chip.get("not_found", [])), (chip["id"], key)


@pytest.mark.parametrize("chip", CHIPS, ids=chip_ids())
def test_a_figure_said_absent_is_null_and_the_reason_has_a_source(chip):
    for key, record in (chip.get("absent") or {}).items():
        assert chip.get(key) is None, key
        assert record["reason"] in ABSENT_REASONS, key
        check_provenance(record, f"{chip['id']}.absent.{key}")
        assert record["status"] == "verified", "unsupported or unpublished is said only from the vendor's own page"


def test_the_absent_cases_the_sources_settle():
    assert BY_ID["a100-sxm-80gb"]["absent"]["fp8_dense_flops"]["reason"] == "unsupported"  # FP8 came with Hopper
    for chip_id in ("a100-sxm-80gb", "h100-sxm", "h800-sxm", "h20", "h200-sxm", "trainium2"):
        assert BY_ID[chip_id]["absent"]["fp4_dense_flops"]["reason"] == "unsupported", chip_id
    for chip_id in ("trainium2", "trainium3"):
        assert BY_ID[chip_id]["absent"]["tdp_watts"]["reason"] == "unpublished", chip_id


@pytest.mark.parametrize("chip", CHIPS, ids=chip_ids())
def test_the_memory_label_gives_the_stored_bytes_in_the_vendors_unit(chip):
    """The chip table prints memory in the label's unit (GB or GiB), so label and bytes must agree."""
    match = re.match(r"~?(\d+(?:\.\d+)?) (GiB|GB)\b", chip["memory_label"])
    assert match, chip["memory_label"]
    size, unit = float(match.group(1)), match.group(2)
    assert chip["memory_bytes"] == size * (2**30 if unit == "GiB" else 10**9), chip["id"]


# --------------------------------------------------------------------------- the rule history

def test_the_rule_history_has_provenance_and_dates_in_order():
    rules = list(RULES.values())
    for rule in rules:
        check_provenance(rule, rule["id"])
        for item in rule.get("thresholds_provenance", []) + rule.get("affected_provenance", []):
            check_provenance(item, rule["id"])
    dates = [str(rule["date"]) for rule in rules]
    assert dates == sorted(dates)
    assert {"bis-2022-10-advanced-computing-rule", "bis-2023-10-ai-chip-rule",
            "bis-2024-12-hbm-rule", "bis-2025-01-ai-diffusion-rule",
            "bis-2025-05-ai-diffusion-rescission", "usg-2025-04-h20-licence",
            "usg-2025-07-h20-resumption", "bis-2026-01-h200-case-by-case"} <= set(RULES)


def test_the_calculator_thresholds_are_the_recorded_ones():
    """dscalc reads JSON only, so its constants are checked against the YAML here."""
    old = RULES["bis-2022-10-advanced-computing-rule"]["thresholds"]
    assert export_rules.TPP_2022 == old["tpp"]
    assert export_rules.INTERCONNECT_2022_BYTES_PER_S == old["interconnect_bidirectional_bytes_per_s"]
    new = RULES["bis-2023-10-ai-chip-rule"]["thresholds"]
    assert (export_rules.TPP_A1, export_rules.TPP_A2, export_rules.DENSITY_A2) == (
        new["tpp_a"], new["tpp_a_with_density"], new["density_a"])
    assert (export_rules.TPP_B1_LOW, export_rules.DENSITY_B1_LOW) == (new["tpp_b1_low"],
                                                                      new["density_b1_low"])
    assert (export_rules.TPP_B2, export_rules.DENSITY_B2_LOW) == (new["tpp_b2"],
                                                                  new["density_b2_low"])
    assert new["tpp_b1_high"] == new["tpp_a"] and new["density_b1_high"] == new["density_a"]
    band = RULES["bis-2026-01-h200-case-by-case"]["thresholds"]
    assert export_rules.TPP_2026_MAX == band["tpp_max"]
    assert export_rules.DRAM_BANDWIDTH_2026_MAX_BYTES_PER_S == band["dram_bandwidth_max_bytes_per_s"]


def test_bis_own_example_matches_the_tpp_arithmetic():
    """'4800 can be met with 600 tera integer operations ... at 8 bits or 300 tera FLOPS ... at
    16 bits' (the rule's example, recorded in rule_text)."""
    example = RULES["bis-2023-10-ai-chip-rule"]["rule_text"]["bis_example"]
    assert "600 tera integer operations" in example and "300 tera FLOPS" in example
    assert export_rules.tpp(600, 8) == export_rules.tpp(300, 16) == export_rules.TPP_A1


@pytest.mark.parametrize("example", RULES["bis-2023-10-ai-chip-rule"]["tpp_examples"],
                         ids=lambda example: example["chip"])
def test_the_recorded_tpp_examples_are_the_table_arithmetic(example):
    chip = BY_ID[example["chip"]]
    precision, tops, bits, total = chip_tpp(chip)
    assert total == pytest.approx(example["tpp"], abs=1)
    assert example["dense_rate_tera"] * example["bit_length"] == pytest.approx(example["tpp"], abs=1)
    if example.get("applicable_die_area_mm2"):
        assert example["performance_density"] == pytest.approx(
            total / example["applicable_die_area_mm2"], abs=0.01)
    if example.get("meets_3A090a") is not None:
        assert example["meets_3A090a"] == (total >= export_rules.TPP_A1 or (
            total >= export_rules.TPP_A2 and example.get("performance_density", 0)
            >= export_rules.DENSITY_A2))


def test_the_policy_timeline_names_only_recorded_rules_or_dated_events():
    timeline = yaml.safe_load((DATA / "timeline" / "policy.yaml").read_text(encoding="utf-8"))
    assert all(event["category"] == "policy" for event in timeline)
    for event in timeline:
        check_provenance(event, event["id"])


def test_chip_facts_on_the_pages_still_match_the_table():
    """data/facts/chips.yaml copies figures from chips.json for the prose; they must agree."""
    facts = yaml.safe_load((DATA / "facts" / "chips.yaml").read_text(encoding="utf-8"))
    derived = [fact for fact in facts if (fact.get("derived_from") or {}).get("file") == "chips.json"]
    assert len(derived) >= 30
    for fact in derived:
        source = fact["derived_from"]
        value = BY_ID[source["chip"]]
        for part in source["field"].split("."):
            value = value[part]
        assert fact["value"] == value, fact["id"]
        field = source["field"].split(".")[0]
        assert fact["status"] == BY_ID[source["chip"]]["field_provenance"][field]["status"], fact["id"]
