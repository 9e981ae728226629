"""The one place calculators are registered and run."""

from __future__ import annotations

import math

from .errors import ValidationError
from .schema import Calculator, validate

_CALCULATORS: dict[str, Calculator] = {}


def register(calc: Calculator) -> Calculator:
    if calc.id in _CALCULATORS:
        raise ValueError(f"calculator {calc.id!r} is registered twice")
    _CALCULATORS[calc.id] = calc
    return calc


def get(calc_id: object) -> Calculator:
    if not isinstance(calc_id, str) or calc_id not in _CALCULATORS:
        shown = str(calc_id)[:40]
        raise ValidationError("id", f"「{shown}」という計算機はありません。",
                              f"There is no calculator called “{shown}”.")
    return _CALCULATORS[calc_id]


def calculators() -> list[Calculator]:
    """Every registered calculator, in registration order."""
    return list(_CALCULATORS.values())


def run(calc_id: str, inputs: dict | None = None) -> dict:
    """Validate ``inputs`` against the calculator's declaration, fill defaults, compute.

    Returns a dict of plain JSON values (int, float, str, bool, list, dict, None).
    Raises ``ValidationError`` and nothing else for bad input.
    """
    return run_with_inputs(calc_id, inputs)[1]


def run_with_inputs(calc_id: str, inputs: dict | None = None) -> tuple[dict, dict]:
    """Like ``run`` but also return the cleaned inputs (used for formulas and forms)."""
    calc = get(calc_id)
    clean = validate(calc, inputs)
    outputs = calc.compute(clean)
    _check_outputs(calc, outputs)
    return clean, outputs


def _check_outputs(calc: Calculator, outputs: dict) -> None:
    # A NaN or infinity on a page is a silent wrong number: refuse it loudly instead.
    missing = [spec.name for spec in calc.outputs if spec.name not in outputs]
    if missing:
        raise AssertionError(f"{calc.id} did not return {missing}")
    for name, value in outputs.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise AssertionError(f"{calc.id} returned a non-finite {name}")
