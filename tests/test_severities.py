"""Severities per entry: the ``[warn]`` marker and TOML ``severity`` field, how they are validated,
which findings they reach, and where entries are declared (what the registry check reports at)."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

from flake8_ssot.codes import ENTRY_UNREFERENCED, ERROR, NOTE, WARNING
from flake8_ssot.config import ConfigError, ConfigRequest, load_registry
from flake8_ssot.config.toml import entry_line
from flake8_ssot.engine import Engine
from flake8_ssot.findings import Finding
from flake8_ssot.location import identify
from flake8_ssot.registry import Origin, Registry
from flake8_ssot.rules import ALL_RULES
from flake8_ssot.server.checks import check_document, diagnose
from flake8_ssot.server.projects import Loaded
from flake8_ssot.server.settings import ERROR as LSP_ERROR
from flake8_ssot.server.settings import WARNING as LSP_WARNING
from flake8_ssot.server.settings import read_settings
from ssot_testing import check_with
from test_codes_vocabulary import PROJECT as VOCABULARY_PROJECT
from test_codes_vocabulary import REGISTRY as VOCABULARY_REGISTRY
from test_codes_vocabulary import TRIGGERS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")

INI = """\
[flake8]
ssot-forbidden-modules =
    a.legacy = a.new [pure-move] [warn] ; moved
    a.old
ssot-forbidden-names =
    a.mod.Old = a.mod.New [warn]
ssot-canonical-classes =
    Handler = a.handlers [warn]
    Other = a.handlers
ssot-legacy-parameters =
    [A-Z]*Handler = supervisor [warn] ; from the factory
"""
TOML = """\
[tool.flake8-ssot.forbidden-modules]
"a.legacy" = { replacement = "a.new", pure-move = true, severity = "warning", reason = "moved" }
"a.old" = { severity = "error" }

[tool.flake8-ssot.forbidden-names]
"a.mod.Old" = { replacement = "a.mod.New", severity = "warning" }

[tool.flake8-ssot.canonical-classes]
Handler = { module = "a.handlers", severity = "warning" }
Other = "a.handlers"

[tool.flake8-ssot.legacy-parameters]
"[A-Z]*Handler" = { parameters = ["supervisor"], severity = "warning", reason = "from the factory" }
"""


def load(root: Path, name: str, text: str) -> Registry:
    (root / name).write_text(text, encoding="utf-8")
    return load_registry(ConfigRequest(cwd=str(root)))


@pytest.mark.parametrize(
    "name, text, lines",
    [
        ("setup.cfg", INI, [3, 4, 6, 8, 9, 11]),
        ("pyproject.toml", TOML, [2, 3, 6, 9, 10, 13]),
    ],
)
def test_both_formats_give_each_entry_its_severity_and_origin(tmp_path, name, text, lines):
    registry = load(tmp_path, name, text)
    assert [(entry.ref, entry.severity) for entry in registry.entries()] == [
        ("forbidden-modules:a.legacy", WARNING),
        ("forbidden-modules:a.old", ERROR),
        ("forbidden-names:a.mod.Old", WARNING),
        ("canonical-classes:Handler", WARNING),
        ("canonical-classes:Other", ERROR),
        ("legacy-parameters:[A-Z]*Handler", WARNING),
    ]
    legacy = registry.forbidden_modules[0]
    assert (legacy.replacement, legacy.pure_move, legacy.reason) == ("a.new", True, "moved")
    assert registry.legacy_parameters[0].parameters == ("supervisor",)
    keys = ["forbidden-modules"] * 2 + ["forbidden-names"] + ["canonical-classes"] * 2 + ["legacy-parameters"]
    shown = [f"ssot-{key}" if name == "setup.cfg" else f"[tool.flake8-ssot.{key}]" for key in keys]
    assert [entry.origin for entry in registry.entries()] == [
        Origin(str(tmp_path / name), key, line) for key, line in zip(shown, lines)
    ]


@pytest.mark.parametrize(
    "name, text, problem",
    [
        (
            "setup.cfg",
            "[flake8]\nssot-forbidden-modules = a.legacy\nssot-allow =\n    a.legacy = a.tests.* [warn]\n",
            "setup.cfg:4: ssot-allow: 'a.legacy': allow entries take no [warn]: mark the entry they exempt from",
        ),
        (
            "setup.cfg",
            "[flake8]\nssot-forbidden-modules =\n    a.legacy [warning]\n",
            "setup.cfg:3: ssot-forbidden-modules: 'a.legacy [warning]': unknown marker '[warning]'; known: "
            "[pure-move], [warn]",
        ),
        (
            "pyproject.toml",
            '[tool.flake8-ssot.forbidden-modules]\n"a.legacy" = { severity = "warn" }\n',
            "pyproject.toml: [tool.flake8-ssot.forbidden-modules] 'a.legacy': 'warn': severity must be 'error' or "
            "'warning'",
        ),
        (
            "pyproject.toml",
            '[tool.flake8-ssot.allow]\n"a.legacy" = { modules = ["a.x"], severity = "warning" }\n',
            "pyproject.toml: [tool.flake8-ssot.allow] 'a.legacy': 'severity': unknown field; known: modules",
        ),
        (
            "pyproject.toml",
            "[tool.flake8-ssot]\nfail-on-warnings = 1\n",
            "pyproject.toml: [tool.flake8-ssot] fail-on-warnings: '1': must be true or false, not a number",
        ),
        (
            "setup.cfg",
            "[flake8]\nssot-forbidden-modules = a.legacy\nssot-report-warnings = sometimes\n",
            "setup.cfg:3: ssot-report-warnings: 'sometimes': must be true or false",
        ),
    ],
)
def test_a_severity_that_is_not_one_is_a_configuration_problem(tmp_path, monkeypatch, name, text, problem):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, name, text)
    assert [str(item) for item in raised.value.problems] == [problem]


def test_the_switches_are_read_from_both_formats(tmp_path):
    ini = load(tmp_path, "setup.cfg", INI + "ssot-fail-on-warnings = true\nssot-report-warnings = false\n")
    assert (ini.fail_on_warnings, ini.report_warnings) == (True, False)
    (tmp_path / "setup.cfg").unlink()
    toml = load(tmp_path, "pyproject.toml", "[tool.flake8-ssot]\nfail-on-warnings = true\n" + TOML)
    assert (toml.fail_on_warnings, toml.report_warnings) == (True, True)


@pytest.mark.parametrize(
    "text, line",
    [
        ('[tool.flake8-ssot.canonical-classes]\nHandler = "a.b"\n', 2),
        ("[tool.flake8-ssot.canonical-classes]\n'Handler' = \"a.b\"\n", 2),
        ('[tool.flake8-ssot.canonical-classes]\n"Other" = "a.b"\n\n  "Handler"   =  "a.b"\n', 4),
        ('[tool.flake8-ssot]\ncanonical-classes = { Other = "a.b", Handler = "a.c" }\n', 2),
        ('[tool.flake8-ssot]\nresolve = true\ncanonical-classes.Handler = "a.b"\n', 3),
        ('[tool."flake8-ssot".canonical-classes]\n"Handler" = "a.b"\n', 2),
        # Not found by the key (an escape in it): the table's header.
        ('[tool.flake8-ssot.canonical-classes]\n"Hand\\u006cer" = "a.b"\n', 1),
        ("[tool.other]\nHandler = 1\n", None),
    ],
)
def test_a_toml_entrys_line_is_found_by_its_key(text, line):
    assert entry_line(text, "canonical-classes", "Handler") == line


def test_findings_of_warn_entries_are_warnings_and_unreferenced_entries_notes(tmp_path):
    registry = load(tmp_path, "setup.cfg", INI)
    legacy, old = "forbidden-modules:a.legacy", "forbidden-modules:a.old"
    assert registry.level_of(Finding(1, 0, "SOT101", "x", legacy)) == WARNING
    assert registry.level_of(Finding(1, 0, "SOT101", "x", old)) == ERROR
    assert registry.level_of(Finding(1, 0, "SOT101", "x", "forbidden-modules:elsewhere")) == ERROR
    assert registry.level_of(Finding(1, 0, ENTRY_UNREFERENCED, "x", legacy)) == NOTE
    assert registry.level_of(Finding(1, 0, "SOT901", "x")) == ERROR
    assert registry.level_of(Finding(1, 0, "E501", "x")) == ERROR
    # The entry is not part of a finding's identity (baselines, equality, order).
    assert Finding(1, 0, "SOT101", "x", legacy) == Finding(1, 0, "SOT101", "x")


def test_every_rules_findings_name_the_entry_they_are_about(tmp_path):
    """The engine's findings carry their entry's ref (:attr:`Finding.entry`): what the severity and
    the count of references are looked up by."""
    for name, text in VOCABULARY_PROJECT.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    registry = load(tmp_path, "setup.cfg", VOCABULARY_REGISTRY.replace("= supervisor", "= supervisor [warn]"))
    expected = {
        "SOT101": "forbidden-modules:app.services.websocket.message_handler",
        "SOT102": "forbidden-names:app.websocket_core.unified_manager.UnifiedWebSocketManager",
        "SOT103": "forbidden-modules:app.services.websocket.message_handler",
        "SOT104": "forbidden-modules:app.services.websocket.message_handler",
        "SOT105": "forbidden-modules:app.services.websocket.message_handler",
        "SOT106": "forbidden-modules:app.services.websocket.message_handler",
        # The import held in the string is about the entry its own finding would be about.
        "SOT107": "forbidden-modules:app.services.websocket.message_handler",
        "SOT201": "legacy-parameters:*Handler",
        "SOT202": "legacy-parameters:*Handler",
        "SOT301": "canonical-classes:UserMessageHandler",
        "SOT302": "canonical-classes:UserMessageHandler",
    }
    seen = set()
    for rule in ALL_RULES:
        source = textwrap.dedent(TRIGGERS[rule.name])
        path = tmp_path / "app" / "consumers.py"
        path.write_text(source, encoding="utf-8")
        identity = identify(str(path), registry.source_roots)
        for finding in check_with(Engine(registry, [rule]), ast.parse(source), identity, source, str(path)):
            assert finding.entry == expected[finding.code], (rule.name, finding)
            level = WARNING if finding.code.startswith("SOT2") else ERROR
            assert registry.level_of(finding) == level
            seen.add(finding.code)
    assert seen == set(expected)


def test_the_language_server_shows_a_warn_entrys_findings_as_warnings_at_most(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    registry = load(
        tmp_path,
        "setup.cfg",
        "[flake8]\nssot-forbidden-modules =\n    app.legacy = app.core [warn]\n    app.old = app.core\n",
    )
    loaded = Loaded(Engine(registry), None)
    checked = check_document(loaded, "import app.legacy\nimport app.old\n", 1, str(tmp_path / "app" / "use.py"))
    diagnose(checked, read_settings({"severity": "error"}), "utf-16")
    assert [(finding.line, diagnostic.severity) for finding, diagnostic in checked.diagnostics] == [
        (1, LSP_WARNING),
        (2, LSP_ERROR),
    ]


def test_the_readme_severity_example_loads_as_it_says(tmp_path):
    section = README.split("### Severities: warn now, fail later", 1)[1]
    block = re.search(r"```ini\n(.*?)```", section, re.DOTALL)
    assert block
    registry = load(tmp_path, "setup.cfg", block.group(1))
    assert [(entry.key, entry.severity, entry.pure_move) for entry in registry.forbidden_modules] == [
        ("app.services.websocket.message_handler", ERROR, False),
        ("app.compat.websocket", WARNING, True),
    ]
