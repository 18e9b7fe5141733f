"""The fixture project: every file's findings equal its inline ``# expect:`` markers, exactly,
in-process and through real flake8 (serial and ``-j2``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flake8_ssot.config import ConfigRequest, load_registry
from ssot_testing import check_file, expected_in, fixture_files, parse_flake8_output, positions, run_flake8

PROJECT = Path(__file__).parent / "fixtures" / "project"
FILES = fixture_files(PROJECT)


@pytest.fixture(scope="module")
def registry():
    return load_registry(ConfigRequest(cwd=str(PROJECT)))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(PROJECT)) for p in FILES])
def test_in_process_findings_match_markers(path, registry):
    expected = expected_in(path.read_text(encoding="utf-8"))
    assert positions(check_file(path, registry)) == expected


def test_every_single_file_code_is_exercised():
    codes = {code for path in FILES for _, _, code in expected_in(path.read_text(encoding="utf-8"))}
    # SOT105 too: a consumer imports the legacy class through the allowed compat module's re-export.
    assert codes == {
        "SOT101",
        "SOT102",
        "SOT103",
        "SOT104",
        "SOT105",
        "SOT106",
        "SOT107",
        "SOT201",
        "SOT202",
        "SOT301",
        "SOT302",
    }


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_real_flake8_reports_exactly_the_markers(jobs):
    result = run_flake8(["--select=SOT", f"-j{jobs}", "."], PROJECT)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    expected = {}
    for path in FILES:
        marks = expected_in(path.read_text(encoding="utf-8"))
        if marks:
            expected[os.path.normpath(os.path.relpath(path, PROJECT))] = marks
    assert parse_flake8_output(result.stdout) == expected
