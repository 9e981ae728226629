"""The adapter between calculators and web pages: the public API the site uses.

The build-time prerender and the browser worker both call ``evaluate`` (the worker through
``respond``), so the numbers a reader sees before and after Pyodide loads come from one function.
The site's hooks use only this module: ``describe`` for a form's controls, ``catalogue`` for the
list of calculators, ``ui_strings`` for the words around forms, ``chart_figure`` for charts drawn
from ``data/`` on prose pages.
"""

from __future__ import annotations

import json

from . import charts
from .framework.errors import ValidationError
from .registry import calculators, get, solve
from .framework.schema import MAX_JSON_DEPTH, json_depth
from .framework.text import Text, language, localize
from .framework.units import display as display_value

INTERNAL_ERROR = Text("計算中に予期しないエラーが起きました。入力を見直してください。",
                      "The calculation failed unexpectedly. Please check the inputs.")
MALFORMED = Text("要求の形式が不正です。", "Malformed request.")


def evaluate(calc_id: str, inputs: dict | None, lang: str = "en") -> dict:
    """Outputs, their display text, the formula bound to the values, charts and notes, in
    ``lang``; or the error, in ``lang``."""
    lang = language(lang)
    try:
        clean, outputs = solve(calc_id, inputs)
    except ValidationError as exc:
        return {"ok": False, "error": exc.to_dict(lang)}
    return _present(get(calc_id), clean, outputs, lang)


def _present(calc, clean: dict, outputs: dict, lang: str) -> dict:
    shown = [spec for spec in calc.outputs if spec.shown]
    return {
        "ok": True,
        "outputs": outputs,
        # JSON text of each value: exact for integers beyond 2**53, which a JS number is not.
        "raw": {spec.name: json.dumps(outputs[spec.name], ensure_ascii=False) for spec in shown},
        "display": {spec.name: display_value(spec.format, outputs[spec.name], lang, spec.unit)
                    for spec in shown},
        "formula": calc.formula(clean, outputs) if calc.formula else [],
        "charts": {slot.name: charts.figure(slot.draw(clean, outputs), lang)
                   for slot in calc.charts},
        "notes": [note.get(lang) for note in calc.notes(clean, outputs)] if calc.notes else [],
        "inputs": {name: value for name, value in clean.items()
                   if not isinstance(value, (dict, list))},
    }


def respond(request_json: str) -> str:
    """``{"id", "inputs", "lang"}`` as JSON text -> ``evaluate``'s answer as JSON text.

    Never raises: a page must always get an answer it can show.
    """
    lang = "en"
    try:
        if not isinstance(request_json, str) or json_depth(request_json) > MAX_JSON_DEPTH + 2:
            raise ValidationError("inputs", MALFORMED.ja, MALFORMED.en)
        request = json.loads(request_json)
        if not isinstance(request, dict):
            raise ValidationError("inputs", MALFORMED.ja, MALFORMED.en)
        lang = language(request.get("lang"))
        answer = evaluate(request.get("id"), request.get("inputs"), lang)
    except ValidationError as exc:
        answer = {"ok": False, "error": exc.to_dict(lang)}
    except Exception:  # noqa: BLE001 - the page shows words, the tests catch the cause
        answer = {"ok": False, "error": {"field": None, "message": INTERNAL_ERROR.get(lang)}}
    return json.dumps(answer, ensure_ascii=False)


def describe(calc_id: str, lang: str) -> dict:
    """Everything a form needs, in ``lang``: title, summary, inputs (kind, label, unit, help,
    choices, bounds), shown outputs, chart slots, symbols and the source module."""
    calc = get(calc_id)
    lang = language(lang)
    return {
        "id": calc.id,
        "title": calc.title.get(lang),
        "summary": calc.summary.get(lang),
        "source_module": calc.source_module,
        "inputs": [{
            "name": spec.name, "kind": spec.kind, "label": spec.label.get(lang),
            "unit": localize(spec.unit, lang), "help": localize(spec.help, lang),
            "choices": [{"value": choice.value, "label": choice.label.get(lang)}
                        for choice in spec.choices],
            "advanced": spec.advanced, "optional": spec.optional,
            "default": spec.default, "minimum": spec.minimum, "maximum": spec.maximum,
            "placeholder_output": spec.placeholder_output,
        } for spec in calc.inputs],
        "outputs": [{"name": spec.name, "label": spec.label.get(lang), "format": spec.format}
                    for spec in calc.outputs if spec.shown],
        "charts": [{"name": slot.name, "label": slot.label.get(lang)} for slot in calc.charts],
        "symbols": [{"tex": tex, "label": text.get(lang)} for tex, text in calc.symbols],
    }


def catalogue(lang: str = "en") -> list[dict]:
    """Every calculator: id, title, summary and source module, in ``lang``."""
    lang = language(lang)
    return [{"id": calc.id, "title": calc.title.get(lang), "summary": calc.summary.get(lang),
             "source_module": calc.source_module,
             "inputs": [spec.name for spec in calc.inputs],
             "outputs": [spec.name for spec in calc.outputs]} for calc in calculators()]


UI_STRINGS = {
    "inputs": Text("入力", "Inputs"),
    "outputs": Text("結果", "Results"),
    "advanced": Text("詳細な入力（任意）", "More inputs (optional)"),
    "formula": Text("計算式（現在の値を代入）", "Formula (with the current values)"),
    "where": Text("記号", "Symbols"),
    "notes": Text("注記", "Notes"),
    "source": Text("この計算の Python ソース", "Python source of this calculation"),
    "status_static": Text("ビルド時に既定値で計算した結果です。値を変えるとブラウザ内の Python（Pyodide）で再計算します。",
                          "Computed at build time with the defaults. Change a value and Python in "
                          "your browser (Pyodide) recomputes it."),
    "status_loading": Text("ブラウザ内で Python を読み込んでいます…", "Loading Python in your browser…"),
    "status_slow": Text("Python の読み込みに時間がかかっています。表示中の数値はビルド時の結果です。",
                        "Python is taking a while to load. The numbers shown are the build-time "
                        "results."),
    "status_ready": Text("ブラウザ内の Python（Pyodide）で計算しています。",
                         "Computed by Python in your browser (Pyodide)."),
    "status_error": Text("ブラウザ内の Python を読み込めませんでした。表示中の数値はビルド時の既定値による結果です。",
                         "Python could not be loaded in your browser. The numbers shown are the "
                         "build-time results for the defaults."),
    "status_crashed": Text("ブラウザ内の Python が停止しました。ページを再読み込みしてください。表示中の数値は最後に計算できた結果です。",
                           "Python in your browser stopped. Reload the page; the numbers shown "
                           "are the last good results."),
    "status_invalid": Text("入力を確認してください。他の結果は最後に正しく計算できた値のままです。",
                           "Please check the inputs. The other results keep their last good "
                           "values."),
    "error_mime": Text("Pyodide の WebAssembly ファイルが正しい MIME タイプ（application/wasm）で配信されていません。",
                       "The Pyodide WebAssembly file is not served with the right MIME type "
                       "(application/wasm)."),
    "error_timeout": Text("Pyodide の読み込みが時間内に終わりませんでした。",
                          "Pyodide did not finish loading in time."),
    "error_missing": Text("Pyodide のファイルが見つかりません。", "The Pyodide files are missing."),
    "error_integrity": Text("計算用の Python パッケージがページに記載されたチェックサムと一致しないため、実行しませんでした。",
                            "The calculators' Python package does not match the checksum this page "
                            "names, so it was not run."),
    "error_call_timeout": Text("計算が時間内に終わりませんでした。", "The calculation did not finish in time."),
    "copy_link": Text("この条件のリンクをコピー", "Copy a link to this scenario"),
    "copied": Text("リンクをコピーしました", "Link copied"),
    "preset_value": Text("空欄ならプリセットの値", "empty: the preset's value"),
    "too_long_for_link": Text("（長い入力はリンクに含めません）", "(long inputs are left out of the link)"),
}


def ui_strings(lang: str) -> dict[str, str]:
    """The words around every form (status lines, headings, buttons), in ``lang``."""
    lang = language(lang)
    return {key: text.get(lang) for key, text in UI_STRINGS.items()}


def display(format_name: str, value, lang: str) -> str:
    """One value written the way the calculators write it (``dscalc.framework.units``), in ``lang``: for
    tables of published figures rendered from ``data/``."""
    return display_value(format_name, value, language(lang))


def chart_figure(spec: dict, lang: str) -> str:
    """A chart described as plain data (``{"kind": "bar", ...}``; words as ``{"ja", "en"}`` or
    plain strings) drawn as an HTML figure in ``lang``. Used for charts of ``data/`` on prose
    pages, so they share the calculators' kit, palette and accessibility."""
    return charts.figure(charts.from_spec(spec), language(lang))


def measured_table(lang: str) -> dict:
    """Every record of ``data/measured/`` beside its ceiling, for a page's data table, in
    ``lang``: ``{"rows": [display cells], "records": [the records, for citations], "summary":
    {counts, largest and smallest share with their explanation}}``."""
    from . import data
    from .hardware import measured, measured_view

    lang = language(lang)
    records = measured.records()
    rows = measured.compare_all(records)
    totals = measured_view.summary(rows, records, data.chips())
    for key in ("best_note", "worst_note"):
        totals[key] = totals[key].get(lang) if totals[key] else ""
    for key in ("best", "worst"):
        if totals[key]:
            totals[key] = dict(totals[key], share_text=display_value("percent", totals[key]["share"], lang))
    totals["above"] = [measured_view.share_note(row).get(lang) for row in totals["above"]]
    return {"rows": measured_view.table_rows(rows, lang), "records": records, "summary": totals}
