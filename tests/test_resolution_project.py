"""The resolution fixture project: a real app's layout (nested packages, ``__init__`` re-exports, a
star chain, a cycle, a shadowing local definition).  Its findings equal ``expected.txt`` exactly,
in-process and through real flake8 with ``-j2``; with ``ssot-resolve = false`` only the textual
findings remain."""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import List

import pytest

from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.engine import Engine
from flake8_ssot.location import identify
from flake8_ssot.registry import Registry
from flake8_ssot.resolution import reset_shared_cache
from ssot_testing import run_flake8

PROJECT = Path(__file__).parent / "fixtures" / "resolution_project"
EXPECTED = (PROJECT / "expected.txt").read_text(encoding="utf-8").splitlines()


def _key(line: str):
    path, row, col, _ = line.split(":", 3)
    return os.path.normpath(path), int(row), int(col), line


def _sorted(lines: List[str]) -> List[str]:
    normalised = []
    for line in lines:
        path, rest = line.split(":", 1)
        normalised.append(f"{os.path.normpath(path)}:{rest}")
    return sorted(normalised, key=_key)


def _check_project(registry: Registry) -> List[str]:
    engine = Engine(registry)
    lines = []
    for path in sorted(PROJECT.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        filename = str(path)
        identity = identify(filename, registry.source_roots)
        for finding in engine.check_tree(ast.parse(text), identity, engine.select(text), filename):
            relative = os.path.relpath(path, PROJECT)
            lines.append(f"{relative}:{finding.line}:{finding.col + 1}: {finding.message}")
    return _sorted(lines)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(ConfigRequest(cwd=str(PROJECT)))


def test_expected_findings_are_sorted_and_cover_every_scenario():
    assert EXPECTED == _sorted(EXPECTED)
    codes = {line.split(": ", 1)[1].split()[0] for line in EXPECTED}
    assert {"SOT105", "SOT202"} <= codes
    messages = "\n".join(EXPECTED)
    for scenario in (
        "imported from 'app.services' is defined in",  # __init__ re-export
        "imported from 'app.compat' is defined in",  # star chain with __all__ and an alias
        "imported from 'app.shadow' is defined in",  # star import without __all__
        "is legacy module 'app.services.websocket.message_handler'",  # a module re-exported
        "is legacy name 'app.websocket_core.unified_manager.UnifiedWebSocketManager'",  # renamed
        "star import of 'app.services' brings in 'QueueRouter'",
        "class 'Routed' inherits from 'app.services.UserMessageHandler'",
        "'H(...)' passes 'sup' as legacy parameter 'supervisor' (positional parameter 1 of "
        "'app.services.websocket.message_handler.BaseHandler.__init__')",  # alias + inherited __init__
    ):
        assert scenario in messages, scenario
    assert not any("unresolved.py" in line for line in EXPECTED)


def test_in_process_findings_are_exactly_the_expected_ones(registry):
    reset_shared_cache()
    assert _check_project(registry) == EXPECTED


def test_a_warm_cache_gives_the_same_findings(registry):
    first = _check_project(registry)
    assert _check_project(registry) == first == EXPECTED


def test_real_flake8_with_two_jobs_reports_exactly_the_expected_findings():
    result = run_flake8(["-j2", "."], PROJECT)
    assert result.stderr == ""
    assert result.returncode == 1
    assert _sorted(result.stdout.splitlines()) == EXPECTED


def _textual(line: str) -> bool:
    """A finding the text-only rules make (resolution off)."""
    return " SOT105 " not in line and "(positional parameter " not in line


def test_switched_off_only_the_textual_findings_remain(registry):
    from dataclasses import replace

    assert _check_project(replace(registry, resolve=False)) == [line for line in EXPECTED if _textual(line)]


def test_switched_off_on_flake8s_command_line():
    result = run_flake8(["--ssot-resolve=false", "."], PROJECT)
    assert result.stderr == ""
    assert _sorted(result.stdout.splitlines()) == [line for line in EXPECTED if _textual(line)]


def test_files_are_found_through_configured_source_roots_too(registry):
    from dataclasses import replace

    rooted = replace(registry, source_roots=(str(PROJECT),))
    assert _check_project(rooted) == EXPECTED
