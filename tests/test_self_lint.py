"""The project passes its own flake8 configuration, and the package imports neither the code it
analyses nor flake8 outside its adapters."""

from __future__ import annotations

import ast
from pathlib import Path

from ssot_testing import run_flake8

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "flake8_ssot"


def test_flake8_passes_on_the_project():
    result = run_flake8(["flake8_ssot", "tests"], ROOT)
    assert (result.returncode, result.stdout) == (0, "")


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_only_the_adapters_import_flake8():
    # The plugin and the formatters run inside flake8; the command asks flake8 what it selects and
    # which files it checks.
    adapters = {
        "flake8_ssot/plugin.py",
        "flake8_ssot/formatters.py",
        "flake8_ssot/cli/selection.py",
        "flake8_ssot/cli/discovery.py",
    }
    importers = {
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*.py")
        if any(name.split(".")[0] == "flake8" for name in _imports(path))
    }
    assert importers == adapters


def test_the_core_never_loads_code_dynamically():
    forbidden = {"importlib", "runpy", "imp"}
    offenders = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if any(name.split(".")[0] in forbidden and name != "importlib.metadata" for name in _imports(path))
    ]
    assert offenders == []
