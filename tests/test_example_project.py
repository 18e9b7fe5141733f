"""The bundled example reproduces the reference case; its full flake8 output is pinned."""

from __future__ import annotations

from pathlib import Path

from ssot_testing import run_flake8

EXAMPLE = Path(__file__).parent.parent / "examples" / "reference"


def _ordered(lines):
    def key(line):
        path, row, col, _ = line.split(":", 3)
        return path, int(row), int(col), line

    return sorted(lines, key=key)


def test_flake8_on_the_example_prints_exactly_the_expected_findings():
    result = run_flake8([], EXAMPLE)
    assert result.returncode == 1
    assert result.stderr == ""
    expected = (EXAMPLE / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert _ordered(result.stdout.splitlines()) == expected


def test_the_example_shows_every_single_file_code_with_a_replacement_hint():
    lines = (EXAMPLE / "expected.txt").read_text(encoding="utf-8").splitlines()
    codes = {line.split(": ", 1)[1].split()[0] for line in lines}
    assert codes == {
        "SOT101",
        "SOT102",
        "SOT103",
        "SOT104",
        "SOT106",
        "SOT107",
        "SOT201",
        "SOT202",
        "SOT301",
        "SOT302",
    }
    for line in lines:
        assert "; use '" in line or "; construct the canonical '" in line or "; import " in line or "; remove '" in line
