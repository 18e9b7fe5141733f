"""The fixer over the CPython standard library, on a deterministic sample of files.

The full run (every file) is ``python benchmarks/fix_roundtrip.py``; the suite keeps its time
bounded by taking every Nth file in sorted order.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("libcst")

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "fix_roundtrip.py"


@pytest.fixture(scope="module")
def roundtrip():
    spec = importlib.util.spec_from_file_location("fix_roundtrip", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fix_roundtrip"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["fix_roundtrip"]


def test_a_registry_matching_nothing_changes_no_file(roundtrip):
    files = roundtrip.stdlib_files(sample=15)
    assert len(files) > 50
    stats = roundtrip.roundtrip(files, roundtrip.registry_for("nothing"))
    assert (stats.changed, stats.fixed, stats.problems) == (0, 0, [])


@pytest.mark.slow
def test_a_matching_registry_rewrites_files_that_all_parse_and_stay_fixed(roundtrip):
    files = roundtrip.stdlib_files(sample=50)
    stats = roundtrip.roundtrip(files, roundtrip.registry_for("matching"))
    assert stats.problems == []
    assert stats.changed >= 5
    assert stats.fixed >= 20
