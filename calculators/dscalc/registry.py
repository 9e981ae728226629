"""Calculators are found, not listed: every module in ``dscalc.calcs`` is imported and each
``Calculator`` it defines at module level is registered, in module-name order.

Adding a calculator is one new module in ``dscalc/calcs/``; nothing else needs an edit. A module
named after its calculator's id (``kv-cache`` in ``kv_cache.py``) is also found alone, without
importing the others — what a page needs for its first answer.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from functools import lru_cache

from . import calcs
from .framework.errors import ValidationError
from .framework.schema import Calculator, validate
from .framework.text import clip


@lru_cache(maxsize=None)
def _registry() -> dict[str, Calculator]:
    found: dict[str, Calculator] = {}
    for module_info in sorted(pkgutil.iter_modules(calcs.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{calcs.__name__}.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, Calculator) and value.compute.__module__ == module.__name__:
                if value.id in found:
                    raise ValueError(f"calculator {value.id!r} is declared twice")
                found[value.id] = value
    return found


def calculators() -> list[Calculator]:
    """Every calculator, ordered by module name."""
    return list(_registry().values())


@lru_cache(maxsize=None)
def _by_module_name(calc_id: str) -> Calculator | None:
    """The calculator whose module is named after its id (``kv-cache`` -> ``calcs/kv_cache.py``),
    imported alone: a page asking for one calculator does not pay for importing all of them."""
    name = calc_id.replace("-", "_")
    if not name.isidentifier() or name not in _module_names():
        return None
    module = importlib.import_module(f"{calcs.__name__}.{name}")
    for value in vars(module).values():
        if isinstance(value, Calculator) and value.id == calc_id:
            return value
    return None


@lru_cache(maxsize=None)
def _module_names() -> frozenset:
    return frozenset(info.name for info in pkgutil.iter_modules(calcs.__path__))


def get(calc_id: object) -> Calculator:
    if isinstance(calc_id, str):
        found = _by_module_name(calc_id)
        if found is not None:
            return found
    registry = _registry()
    if not isinstance(calc_id, str) or calc_id not in registry:
        shown = clip(calc_id)
        raise ValidationError("id", f"「{shown}」という計算機はありません。",
                              f"There is no calculator called “{shown}”.")
    return registry[calc_id]


def run(calc_id: str, inputs: dict | None = None) -> dict:
    """Validate ``inputs`` against the calculator's declaration, fill defaults, compute.

    Returns plain JSON: numbers, identifier strings, booleans, ``None`` and lists/dicts of those
    — never markup, never a pair of languages. Raises ``ValidationError`` and nothing else for
    bad input.
    """
    return solve(calc_id, inputs)[1]


def solve(calc_id: str, inputs: dict | None = None) -> tuple[dict, dict]:
    """The cleaned inputs and the outputs (``dscalc.web`` presents both)."""
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
