"""dscalc: calculators for AI-compute efficiency (KV cache, model size, memory, FP8, ...).

Public API::

    dscalc.run("kv-cache", {"context_length": 4096})   # -> dict of plain JSON numbers
    dscalc.calculators()                              # -> declared calculators
    dscalc.get("kv-cache")                            # -> one declaration
    dscalc.ValidationError                            # the one error bad input raises

``dscalc.web`` turns results into what a page shows (formatted values, formulas, charts) in one
language. Standard library only, so the same package runs in CPython and in the browser (Pyodide).
"""

from __future__ import annotations

from . import data
from .framework.errors import ValidationError
from .registry import calculators, get, run

__all__ = ["ValidationError", "calculators", "data", "get", "run"]
__version__ = "0.2.0"
