"""Pages built from data/: charts carry only numbers from data/, and the fact-check page lists
every claim in data/claims.yaml."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = re.compile(r"^```chart[ \t]*\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
#: What a chart block may say: where the data is, which fields go where, and words. No numbers.
ALLOWED = {"kind", "data", "where", "category", "series", "value", "x", "y", "label", "when",
           "title", "description", "x_label", "y_label", "value_label", "value_format",
           "x_format", "y_format", "x_log", "y_log", "value_log", "step", "stacked",
           "horizontal", "categories"}
WORDS = {"title", "description", "x_label", "y_label", "value_label"}


def chart_blocks():
    for path in sorted((ROOT / "docs").glob("*/*.md")):
        for match in CHART.finditer(path.read_text(encoding="utf-8")):
            yield f"{path.parent.name}/{path.name}", yaml.safe_load(match.group("body"))


def numbers_in(value):
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from numbers_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from numbers_in(item)


BLOCKS = list(chart_blocks())


def test_there_are_charts_from_data():
    assert len(BLOCKS) >= 20


@pytest.mark.parametrize("where, block", BLOCKS, ids=[where for where, _ in BLOCKS])
def test_a_chart_block_says_where_the_numbers_are_and_types_none(where, block):
    assert set(block) <= ALLOWED, f"{where}: unknown keys {set(block) - ALLOWED}"
    assert (ROOT / "data" / block["data"]).exists(), where
    for key, value in block.items():
        if key in WORDS:
            assert isinstance(value, (str, dict)), (where, key)
            if isinstance(value, dict):
                assert set(value) == {"ja", "en"}, (where, key)
        elif key not in ("where", "categories"):
            # Field names, kinds and flags: never a figure typed into the page.
            assert not list(numbers_in(value)), (where, key, value)


def test_the_fact_check_page_lists_every_claim_in_both_languages(site_dir):
    claims = yaml.safe_load((ROOT / "data" / "claims.yaml").read_text(encoding="utf-8"))
    for prefix in ("", "en/"):
        page = (site_dir / prefix / "fact-check" / "index.html").read_text(encoding="utf-8")
        missing = [claim["id"] for claim in claims if f'id="claim-{claim["id"]}"' not in page]
        assert missing == [], (prefix, missing)


@pytest.mark.parametrize("prefix, verdict_word", [("", "確認できない"), ("en/", "unverifiable")])
def test_a_claim_read_only_in_copies_shows_its_verdict_and_apart_from_it_what_the_copies_say(
        site_dir, prefix, verdict_word):
    claims = yaml.safe_load((ROOT / "data" / "claims.yaml").read_text(encoding="utf-8"))
    page = (site_dir / prefix / "fact-check" / "index.html").read_text(encoding="utf-8")
    read_in_copies = [claim["id"] for claim in claims if claim.get("copies_verdict")]
    assert read_in_copies
    for claim in claims:
        block = page.split(f'id="claim-{claim["id"]}"', 1)[1].split("</div>", 1)[0]
        if claim.get("copies_verdict"):
            assert verdict_word in block.split("</span>", 1)[0], claim["id"]
            assert f"dscalc-claim-copies--{claim['copies_verdict']}" in block, claim["id"]
        else:
            assert "dscalc-claim-copies" not in block, claim["id"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_sourced_record_is_listed_once_on_its_files_sources_page(site_dir, lang):
    """The sources page links one page per record file; together they list every record with a
    source exactly once, and the counts on the sources page are those pages' row counts."""
    import sys
    sys.path.insert(0, str(ROOT / "hooks"))
    import sources_table

    root = site_dir if lang == "ja" else site_dir / "en"
    index = (root / "sources" / "index.html").read_text(encoding="utf-8")
    groups = sources_table.record_groups()
    assert sum(len(records) for records in groups.values()) > 1000
    for key, records in groups.items():
        slug = sources_table.page_uri(key)[: -len(".md")]
        assert f'href="{slug.split("/", 1)[1]}/"' in index, key
        page = (root / slug / "index.html").read_text(encoding="utf-8")
        rows = re.findall(r'<span id="src-([^"]+)">', page)
        assert len(rows) == len(records), key
        assert re.search(rf">{len(records)}</td>", index), key


@pytest.mark.parametrize("prefix, unsupported, unpublished, not_found", [
    ("", "非対応", "非公表", "記載なし"), ("en/", "not supported", "not published", "not found")])
def test_the_chip_table_tells_empty_cells_apart_shows_disputes_and_keeps_the_vendors_memory_unit(
        site_dir, prefix, unsupported, unpublished, not_found):
    page = (site_dir / prefix / "chips" / "index.html").read_text(encoding="utf-8")
    rows = {re.sub(r"<[^>]+>", "", row.split("</td>")[0]).strip(): row
            for row in page.split("<tr>") if "<td>" in row}

    def cells(name):
        row = re.sub(r"<sup.*?</sup>", "", rows[name])
        return [re.sub(r"<[^>]+>", "", cell).strip() for cell in row.split("</td>")[:-1]]

    # columns: model, vendor, memory, bandwidth, BF16, FP8, FP4, TDP
    assert cells("NVIDIA A100 SXM (80GB)")[5:7] == [unsupported, unsupported]
    assert cells("AWS Trainium2")[6:8] == [unsupported, unpublished]
    assert cells("Google Cloud TPU v6e (Trillium)")[7] == not_found
    assert cells("Google Cloud TPU v6e (Trillium)")[2] == "32 GiB"
    assert cells("NVIDIA H100 SXM (80GB)")[2] == "80 GB"
    # a dispute shows the other sources' values beside the one kept (B200: 7.7 kept, 8 announced, 7.672 measured)
    assert re.fullmatch(r"7\.70 TB/s ?[（(].*8 TB/s.*7\.672 TB/s[）)]", cells("NVIDIA B200 (HGX/DGX B200, 1,000 W)")[3])
