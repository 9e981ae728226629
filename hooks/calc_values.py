"""Hook: ``{{calc:ID.OUTPUT key=value ...}}`` prints one output computed now by ``dscalc``.

Numbers in prose that follow from a formula are computed, never typed, so the text and the
calculators cannot drift apart. A value ``fact:ID`` takes an input from ``data/``.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_state  # noqa: E402
from dscalc import web  # noqa: E402

CALC_VALUE = re.compile(r"\{\{\s*calc:(?P<id>[a-z0-9-]+)\.(?P<output>[a-z0-9_]+)"
                        r"(?P<args>(?:\s+[a-z0-9_]+=[^\s}]+)*)\s*\}\}")


def on_page_markdown(markdown: str, page, config, files):
    state = site_state.of(config)
    return CALC_VALUE.sub(lambda match: calc_value(state, match, page), markdown)


def parse_args(state, text: str, where: str) -> dict:
    inputs = {}
    for pair in text.split():
        key, _, raw = pair.partition("=")
        try:
            inputs[key] = json.loads(raw)
        except ValueError:
            inputs[key] = raw
        inputs[key] = state.resolve(inputs[key], where)
    return inputs


def calc_value(state, match: re.Match, page) -> str:
    where = page.file.src_uri
    calc_id, output = match.group("id"), match.group("output")
    inputs = parse_args(state, match.group("args"), where)
    answer = web.evaluate(calc_id, inputs, state.lang)
    if not answer["ok"] or output not in answer["display"]:
        problem = answer.get("error") or f"no shown output {output!r}"
        raise PluginError(f"{where}: {match.group(0)} failed: {problem}")
    return (f'<span class="calc-value" data-calc="{_e(calc_id)}" data-output="{_e(output)}" '
            f'data-inputs="{_e(json.dumps(inputs, ensure_ascii=False, sort_keys=True))}" '
            f'data-value="{_e(answer["raw"][output])}">{_e(answer["display"][output])}</span>')


def _e(text) -> str:
    return html.escape(str(text), quote=True)
