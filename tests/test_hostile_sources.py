"""Hostile sources through the flake8 plugin: every file flake8 can hand the plugin gets its
correct findings, every other file's findings are still reported, and the plugin never raises.

Files on which flake8 itself cannot run (its own parse or pyflakes raise on deeply nested
code, or it reads null bytes on an old Python) are checked through the plugin in-process
with the tree flake8 would build, so the plugin's part of the promise is tested on every
interpreter.  What flake8 does with them is flake8's business (see README "Robustness").
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import List

import pytest

from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.engine import Engine
from flake8_ssot.plugin import SsotChecker
from hostile_inputs import (
    INTERPRETER,
    Case,
    Outcome,
    big_cases,
    by_file,
    flake8_outcome,
    flake8_text,
    matches,
    parse_failure,
    source_cases,
    write_cases,
)
from ssot_testing import run_flake8

CASES = source_cases()


@pytest.fixture(scope="module")
def battery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    write_cases(root, CASES)
    if hasattr(os, "mkfifo"):
        # Present in the tree (app/importer.py imports from it) but never given to flake8, which
        # would block opening it: nothing the plugin does may open it either.
        os.mkfifo(root / "app" / "fifo.py")
    return root


def test_flake8_reports_every_file_it_can_parse(battery: Path) -> None:
    files = [case.path for case in CASES if flake8_outcome(case) is not None]
    result = run_flake8(["-j", "2", *files], battery, timeout=300)
    assert result.stderr == ""
    assert result.returncode == 1
    reported = by_file(result.stdout)
    wrong = {}
    for case in CASES:
        outcome = flake8_outcome(case)
        if outcome is None:
            continue
        found = reported.pop(os.path.normpath(case.path), [])
        if not matches(outcome, found):
            wrong[case.path] = (outcome.positions, [item[:3] for item in found])
    assert wrong == {}
    assert reported == {}
    assert "SOT900" not in result.stdout


def _run_plugin(root: Path, case: Case, monkeypatch: pytest.MonkeyPatch) -> List[tuple]:
    registry = load_registry(ConfigRequest(cwd=str(root)))
    monkeypatch.setattr(SsotChecker, "_engine", Engine(registry))
    monkeypatch.setattr(SsotChecker, "_baseline", None)
    text = flake8_text(case.data)
    lines = text.splitlines(keepends=True)
    checker = SsotChecker(ast.parse("".join(lines)), lines, str(root / case.path))
    return [(line, col + 1, message.split()[0], message) for line, col, message, _ in checker.run()]


@pytest.mark.parametrize("case", [case for case in CASES if flake8_outcome(case) is None], ids=lambda case: case.path)
def test_the_plugin_handles_every_tree_flake8_could_build(
    battery: Path, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deep trees, and files flake8 itself aborts on: whatever tree the parser builds on this
    interpreter, the plugin reports exactly the file's findings and raises nothing."""
    text = flake8_text(case.data)
    failure = parse_failure(text)
    if failure is not None:
        # No tree, so flake8 never calls a plugin: E999 for a SyntaxError, its own crash otherwise.
        assert failure[0] in ("SyntaxError", "IndentationError", "RecursionError", "ValueError", "MemoryError")
        return
    found = _run_plugin(battery, case, monkeypatch)
    assert matches(Outcome(case.findings), found), (case.path, [item[:3] for item in found])


def test_newer_syntax_is_read_with_the_running_interpreters_grammar() -> None:
    """A file using syntax newer than the interpreter is a syntax error there (E999 / SOT901),
    never a crash and never silently clean; on a new enough interpreter it gets its findings."""
    newer = {case.path: case for case in CASES if "/syntax_3" in case.path}
    assert len(newer) == 5
    for path, case in newer.items():
        digits = path.split("syntax_3")[1].split("_")[0]
        needs = (3, int(digits))
        outcome = flake8_outcome(case)
        assert outcome is not None
        if needs <= tuple(map(int, INTERPRETER.split("."))):
            assert outcome.positions == case.findings, path
        else:
            assert outcome.positions == ((0, 0, "E9"),), path


@pytest.mark.slow
def test_big_files_through_the_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 2 MB module, 50,000 imports and a 1 MB line get exactly their findings.

    In-process: flake8's own checks (pycodestyle, pyflakes) take about 80, 30 and 50 seconds on
    these files, with or without the plugin, which adds a few seconds; the command's test runs
    them end to end.
    """
    cases = big_cases()
    write_cases(tmp_path, cases)
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    for case in cases:
        found = _run_plugin(tmp_path, case, monkeypatch)
        assert sorted(item[:3] for item in found) == list(case.findings), case.path
