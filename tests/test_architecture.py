"""The package's layers (README "Architecture") hold: import-linter checks the contracts declared
in pyproject.toml, and the contracts themselves are shown to catch an upward import."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "flake8_ssot"
PYPROJECT = ROOT / "pyproject.toml"
ANSI_STYLE = re.compile(r"\x1b\[[0-9;]*m")


def _lint_imports(package_parent: Path, config: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` in a fresh interpreter that imports ``flake8_ssot`` from ``package_parent``."""
    environment = dict(os.environ, PYTHONPATH=str(package_parent))
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=str(package_parent),
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Older import-linter releases (the newest one Python 3.9 installs) colour their report even
    # into a pipe and have no switch for it; the assertions read the words.
    result.stdout = ANSI_STYLE.sub("", result.stdout)
    return result


def _contracts():
    with open(PYPROJECT, "rb") as handle:
        return {contract["id"]: contract for contract in tomllib.load(handle)["tool"]["importlinter"]["contracts"]}


def test_every_contract_is_kept():
    result = _lint_imports(ROOT, PYPROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    kept = re.findall(r"^(.+?) KEPT", result.stdout, re.M)
    assert sorted(kept) == sorted(contract["name"] for contract in _contracts().values())


def test_every_module_of_the_package_is_in_a_layer():
    layers = _contracts()["layers"]["layers"]
    members = {name.strip() for layer in layers for name in layer.split("|")}
    top_level = {path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    top_level |= {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    assert top_level == members


@pytest.mark.parametrize(
    "module, added, reported",
    [
        # A base module reaching up to the command line.
        ("names.py", "import flake8_ssot.cli.main\n", "flake8_ssot.names -> flake8_ssot.cli.main"),
        # The rule protocol reaching up to resolution (the circle this layout removed).
        (
            "checking/context.py",
            "from flake8_ssot.resolution import for_file\n",
            "flake8_ssot.checking.context -> flake8_ssot.resolution",
        ),
        # One adapter importing another.
        ("plugin.py", "import flake8_ssot.cli.main\n", "flake8_ssot.plugin -> flake8_ssot.cli.main"),
        # astroid outside the resolution backend.
        ("rules/imports.py", "import astroid\n", "flake8_ssot.rules.imports -> astroid"),
    ],
)
def test_an_import_against_the_layers_breaks_a_contract(tmp_path, module, added, reported):
    copy = tmp_path / "flake8_ssot"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.write_text(target.read_text(encoding="utf-8") + added, encoding="utf-8")
    shutil.copyfile(PYPROJECT, tmp_path / "pyproject.toml")
    result = _lint_imports(tmp_path, tmp_path / "pyproject.toml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert reported in result.stdout


def test_the_readme_describes_every_layer_in_order():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| layer")]
    named = [re.sub(r"(\.py|/)$", "", name) for row in rows for name in re.findall(r"`([\w.]+/?)`", row.split(" | ")[1])]
    layers = [name.strip() for layer in _contracts()["layers"]["layers"] for name in layer.split("|")]
    assert named == [name for name in layers if name != "__main__"]
