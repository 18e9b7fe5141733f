"""The configuration examples in the README load, and both formats mean the same registry."""

from __future__ import annotations

import re
from pathlib import Path

from flake8_ssot.config import ConfigRequest, load_registry

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _block_after(heading: str, language: str) -> str:
    section = README.split(heading, 1)[1]
    match = re.search(r"```" + language + r"\n(.*?)```", section, re.DOTALL)
    assert match, f"no {language} block after {heading!r}"
    return match.group(1)


def _load(directory: Path, name: str, text: str):
    directory.mkdir()
    (directory / name).write_text(text, encoding="utf-8")
    return load_registry(ConfigRequest(cwd=str(directory)))


def test_readme_ini_and_toml_examples_load(tmp_path):
    ini = _load(tmp_path / "ini", "setup.cfg", _block_after("### INI", "ini"))
    toml = _load(tmp_path / "toml", "pyproject.toml", _block_after("### pyproject.toml", "toml"))
    assert [e.key for e in ini.forbidden_modules] == ["netra_backend.app.services.websocket.message_handler"]
    assert ini.forbidden_modules[0].reason == "queue-based, bypasses the agent factory"
    assert ini.forbidden_modules[0].allowed_in == ("netra_backend.app.services.websocket.*",)
    assert [e.key for e in toml.forbidden_modules] == [
        "netra_backend.app.services.websocket.message_handler",
        "netra_backend.app.old_agents",
    ]
    assert toml.forbidden_modules[1].replacement is None
    assert toml.forbidden_names[0].pure_move is True
    assert set(ini.canonical_classes) == set(toml.canonical_classes) == {"UserMessageHandler"}
    assert [(e.key, e.parameters) for e in ini.legacy_parameters] == [
        ("*Handler", ("supervisor", "db_session_factory")),
        ("*HandlerService", ("supervisor", "db_session_factory")),
    ]
