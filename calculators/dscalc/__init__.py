"""dscalc: calculators for AI-compute efficiency (KV cache, model size, memory, ...).

Public API::

    dscalc.run("kv-cache", {"context_length": 4096})   # -> dict of plain JSON values
    dscalc.calculators()                              # -> declared calculators
    dscalc.ValidationError                            # the one error bad input raises

Standard library only, so the same package runs in CPython and in the browser (Pyodide).
"""

from __future__ import annotations

from . import kv_cache  # noqa: F401  (registers the calculator)
from . import moe_routing  # noqa: F401
from . import model_size  # noqa: F401
from . import memory  # noqa: F401
from .errors import ValidationError
from .registry import calculators, get, run

__all__ = ["ValidationError", "calculators", "get", "run"]
__version__ = "0.1.0"
