"""The README's editor, pre-commit and CI setup says what the integration tests run."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Dict

import yaml

from test_editor_pylsp import SETTINGS

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
USING = README[README.index("## Using it") : README.index("## Command line")]


def _blocks(language: str, text: str = USING):
    return re.findall(r"```" + language + r"\n(.*?)```", text, re.DOTALL)


def test_vscode_settings_show_sot_as_warnings_from_the_environments_flake8() -> None:
    (block,) = _blocks("json")
    settings = json.loads(block)
    assert settings["flake8.importStrategy"] == "fromEnvironment"
    # The extension's defaults stay, and SOT is mapped: an unknown prefix would show as Error.
    assert settings["flake8.severity"] == {"E": "Error", "F": "Error", "I": "Information", "W": "Warning", "SOT": "Warning"}


def test_neovim_pylsp_settings_are_the_ones_the_language_server_test_uses() -> None:
    (block,) = _blocks("lua")
    toggles: Dict[str, Dict[str, bool]] = {
        name: {"enabled": value == "true"} for name, value in re.findall(r"(\w+) = \{ enabled = (true|false) \}", block)
    }
    assert {"pylsp": {"plugins": toggles}} == SETTINGS


def test_require_plugins_is_documented_and_used_by_the_client_fixture() -> None:
    assert "```ini\n[flake8]\nrequire-plugins = flake8-ssot\n```" in USING
    fixture = (Path(__file__).parent / "fixtures" / "clients" / "project" / "setup.cfg").read_text(encoding="utf-8")
    assert "require-plugins = flake8-ssot\n" in fixture


def test_pre_commit_hook_is_as_documented() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["args"], hook["require_serial"]) == ("flake8-ssot", "flake8", ["--select=SOT"], True)
    configs = [yaml.safe_load(block) for block in _blocks("yaml", USING[: USING.index("### Editors")])]
    assert configs[0]["repos"][0]["hooks"] == [{"id": "flake8-ssot"}]
    assert configs[1][0]["hooks"] == [{"id": "flake8", "additional_dependencies": ["flake8-ssot"]}]


def test_documented_formatters_are_the_registered_ones() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = pyproject.split('[project.entry-points."flake8.report"]\n', 1)[1].split("\n\n", 1)[0]
    names = re.findall(r"^([\w-]+) = ", table, re.MULTILINE)
    assert names == ["ssot-json", "ssot-sarif", "ssot-github"]
    for name in names:
        assert f"`{name}`" in USING or f"--format={name}" in USING
