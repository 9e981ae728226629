"""The page adapter: what the prerender and the browser worker both receive."""

import json

import dscalc
from dscalc import web


def test_answer_carries_raw_json_display_text_and_formula():
    answer = web.evaluate("kv-cache", {"model": "deepseek-v3"}, "en")
    assert answer["ok"]
    assert json.loads(answer["raw"]["bytes_per_token"]) == 70_272
    assert answer["display"]["bytes_per_token"] == "70,272 B"
    assert any("61" in line and "512" in line and "64" in line for line in answer["formula"])


def test_raw_values_stay_exact_beyond_javascript_safe_integers():
    answer = web.evaluate("kv-cache", {"model": "llama-3.1-405b", "context_length": 10_000_000,
                                       "batch_size": 100_000}, "en")
    assert answer["raw"]["total_bytes"] == str(516_096 * 10_000_000 * 100_000)
    assert 516_096 * 10_000_000 * 100_000 > 2**53


def test_errors_come_back_in_the_requested_language():
    ja = web.evaluate("kv-cache", {"context_length": "abc"}, "ja")
    en = web.evaluate("kv-cache", {"context_length": "abc"}, "en")
    assert ja["error"]["field"] == en["error"]["field"] == "context_length"
    assert "数値" in ja["error"]["message"]
    assert "number" in en["error"]["message"]


def test_respond_never_raises_even_for_garbage():
    for request in ["", "null", "[]", '{"id": 5}', '{"id": "kv-cache", "inputs": 3}', "{\"id\":"]:
        answer = json.loads(web.respond(request))
        assert answer["ok"] is False
        assert answer["error"]["message"]


def test_respond_matches_run():
    answer = json.loads(web.respond(json.dumps({"id": "kv-cache", "inputs": {}, "lang": "ja"})))
    assert answer["outputs"] == dscalc.run("kv-cache")
