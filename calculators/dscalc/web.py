"""The adapter between calculators and web pages: one JSON request in, one JSON answer out.

The build-time prerender and the browser worker both call ``respond``, so the numbers a reader
sees before and after Pyodide loads come from the same function.
"""

from __future__ import annotations

import json

from .errors import ValidationError
from .formatting import format_value
from .registry import get, run_with_inputs

INTERNAL_ERROR = {
    "ja": "計算中に予期しないエラーが起きました。入力を見直してください。",
    "en": "The calculation failed unexpectedly. Please check the inputs.",
}


def evaluate(calc_id: str, inputs: dict | None, lang: str = "en") -> dict:
    """Outputs, their display text, and the formula bound to the values; or the error."""
    lang = "ja" if lang == "ja" else "en"
    try:
        clean, outputs = run_with_inputs(calc_id, inputs)
    except ValidationError as exc:
        return {"ok": False, "error": exc.to_dict(lang)}
    return present(calc_id, clean, outputs, lang)


def present(calc_id: str, clean: dict, outputs: dict, lang: str) -> dict:
    """The successful answer for already validated inputs and computed outputs."""
    calc = get(calc_id)
    display = {spec.name: format_value(spec.format, outputs[spec.name], lang, spec.unit)
               for spec in calc.outputs}
    return {
        "ok": True,
        "outputs": outputs,
        # JSON text of each value: exact for integers beyond 2**53, which a JS number is not.
        "raw": {name: json.dumps(value, ensure_ascii=False) for name, value in outputs.items()},
        "display": display,
        "formula": calc.formula(clean, outputs, lang) if calc.formula else [],
    }


def respond(request_json: str) -> str:
    """``{"id", "inputs", "lang"}`` as JSON text -> ``evaluate``'s answer as JSON text.

    Never raises: a page must always get an answer it can show.
    """
    lang = "en"
    try:
        request = json.loads(request_json)
        if not isinstance(request, dict):
            raise ValidationError("inputs", "要求の形式が不正です。", "Malformed request.")
        lang = "ja" if request.get("lang") == "ja" else "en"
        answer = evaluate(request.get("id"), request.get("inputs"), lang)
    except ValidationError as exc:
        answer = {"ok": False, "error": exc.to_dict(lang)}
    except Exception:  # noqa: BLE001 - the page shows words, the tests catch the cause
        answer = {"ok": False, "error": {"field": None, "message": INTERNAL_ERROR[lang]}}
    return json.dumps(answer, ensure_ascii=False)
