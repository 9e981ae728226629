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
