"""The README's "Language server" section says what the server does and accepts: the editor
snippets start the real command with settings it reads, and the names and messages it quotes are
the server's."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import List

from flake8_ssot.cli.main import build_parser
from flake8_ssot.server import INSTALL_HINT
from flake8_ssot.server.projects import CONFIG_NAMES
from flake8_ssot.server.fixes import FIX_ALL, QUICK_FIX
from flake8_ssot.server.settings import DEFAULT_DEBOUNCE_MS, read_settings

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Language server\n") : README.index("## Adopting on a big codebase")]
PROSE = " ".join(SECTION.split())


def _blocks(language: str) -> List[str]:
    return re.findall(r"```" + language + r"\n(.*?)```", SECTION, re.DOTALL)


def test_the_neovim_snippets_start_the_server_from_the_configuration_files_directory() -> None:
    configured, autocommand, keymap = _blocks("lua")
    markers = '{ "' + '", "'.join(CONFIG_NAMES) + '", ".git" }'
    for block in (configured, autocommand):
        assert 'cmd = { "flake8-ssot", "server" }' in block
        assert markers in block
    assert 'filetypes = { "python" }' in configured and 'pattern = "python"' in autocommand
    assert "action.isPreferred" in keymap


def test_the_helix_snippet_is_valid_toml_starting_the_server() -> None:
    (block,) = _blocks("toml")
    config = tomllib.loads(block)
    assert config["language-server"]["flake8-ssot"] == {"command": "flake8-ssot", "args": ["server"]}
    assert config["language"] == [{"name": "python", "language-servers": ["flake8-ssot"]}]


def test_the_vscode_settings_start_the_server_with_settings_it_accepts() -> None:
    (block,) = _blocks("json")
    settings = json.loads(block)
    assert (settings["glspc.serverCommand"], settings["glspc.serverCommandArguments"]) == ("flake8-ssot", ["server"])
    assert settings["glspc.languageId"] == "python"
    assert read_settings(settings["glspc.initializationOptions"]).problems == ()
    assert build_parser().parse_args(["server", "--stdio"]).command == "server"


def test_the_settings_table_is_what_the_server_reads() -> None:
    rows = re.findall(r"^\| `(\w+)` \| (.*?) \| (.*?) \|$", SECTION, re.MULTILINE)
    assert [(name, default) for name, _, default in rows] == [
        ("severity", '`"warning"`'),
        ("debounce", f"`{DEFAULT_DEBOUNCE_MS}`"),
    ]
    example = json.loads(re.search(r"`(\{\"SOT\".*?\})`", rows[0][1]).group(1))  # type: ignore[union-attr]
    assert read_settings({"severity": example}).problems == ()
    assert read_settings({"severity": "loud"}).problems  # the table's words are the only ones


def test_the_quoted_names_and_messages_are_the_servers() -> None:
    assert f"(`{QUICK_FIX}`)" in PROSE and f"(`{FIX_ALL}`)" in PROSE
    assert " ".join(INSTALL_HINT.split()) in PROSE
    # The configuration problem, title and message below are asserted on the real server in
    # tests/test_server_lsp.py.
    assert (
        "ssot-forbidden-modules: 'app.legacy = app.core [pure-mvoe] ; moved': unknown marker '[pure-mvoe]'; "
        "known: [pure-move], [warn]" in PROSE
    )
    assert "`Fix SOT101: use 'app.core' (moved)`" in PROSE
    assert "`Fix all rewritable flake8-ssot findings in this file`" in PROSE
