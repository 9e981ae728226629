"""Reference libraries used as oracles (numpy, ml_dtypes, torch, transformers).

``oracle(name)`` imports one. Where it is not installed the test module is skipped — except under
``make test`` (``DSCALC_REQUIRE_ORACLES=1``), which installs the oracles: there a missing one
fails instead of skipping.
"""

import importlib
import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing is downloaded, ever
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def oracle(name: str):
    if os.environ.get("DSCALC_REQUIRE_ORACLES"):
        return importlib.import_module(name)
    return pytest.importorskip(name)


def ml_dtypes_by_format():
    """ml_dtypes' dtype for each of our format names: the finite-only ("fn") variants for E4M3,
    FP6 and FP4, the unsigned one ("fnu") for E8M0."""
    ml_dtypes = oracle("ml_dtypes")
    return {
        "e4m3": ml_dtypes.float8_e4m3fn, "e5m2": ml_dtypes.float8_e5m2,
        "e3m2": ml_dtypes.float6_e3m2fn, "e2m3": ml_dtypes.float6_e2m3fn,
        "e2m1": ml_dtypes.float4_e2m1fn, "e8m0": ml_dtypes.float8_e8m0fnu,
    }
