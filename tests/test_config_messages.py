"""Validation messages: a multi-line value is shown line by line, never as one line of ``\\n``
escapes; an unknown key gets the key that was meant (``ssot-allow`` for the allow-list of a kind
of entry, not the kind's own key)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from flake8_ssot.config import ConfigError, ConfigRequest, load_registry
from flake8_ssot.config.keys import KEYS, meant
from flake8_ssot.config.problems import Problem, Where
from flake8_ssot.server.checks import problem_diagnostic
from ssot_testing import run_flake8

KNOWN_KEYS = ", ".join(key.ini for key in KEYS)
ALLOW_INI = "did you mean 'ssot-allow'? (it takes every kind of entry, a line each: 'entry = module.glob, ...')"
ALLOW_TOML = (
    "did you mean 'allow'? (it takes every kind of entry, a key each in [tool.flake8-ssot.allow]: "
    "\"entry\" = [\"module.glob\", ...])"
)

# The case from adoption: the allow-list of canonical classes written as a key of its own.
MISPLACED_ALLOW = """\
[flake8]
ssot-canonical-classes =
    UserMessageHandler = app.handlers
ssot-canonical-classes-allow =
    UserMessageHandler = app.tests.*
    WebSocketManager = app.tests.*
"""
MISPLACED_ALLOW_PROBLEM = [
    f"  setup.cfg:4: ssot-canonical-classes-allow: (2 lines below): unknown flake8-ssot key; {ALLOW_INI}",
    "      'UserMessageHandler = app.tests.*'",
    "      'WebSocketManager = app.tests.*'",
]


def _report(tmp_path: Path, name: str, text: str) -> List[str]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:  # paths are shown relative to the working directory
        with pytest.raises(ConfigError) as caught:
            load_registry(ConfigRequest(cwd=str(tmp_path)))
        return caught.value.report().splitlines()
    finally:
        os.chdir(cwd)


def test_the_allow_list_of_a_kind_of_entry_suggests_ssot_allow_and_shows_its_lines(tmp_path):
    assert _report(tmp_path, "setup.cfg", MISPLACED_ALLOW) == [
        "flake8-ssot: 1 configuration problem:",
        *MISPLACED_ALLOW_PROBLEM,
    ]


def test_the_command_and_flake8_print_the_same_block(tmp_path):
    (tmp_path / "setup.cfg").write_text(MISPLACED_ALLOW, encoding="utf-8")
    (tmp_path / "x.py").write_text("x = 1\n", encoding="utf-8")
    command = subprocess.run(
        [sys.executable, "-m", "flake8_ssot", "check", "--no-cache", "."],
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (command.returncode, command.stdout) == (2, "")
    assert command.stderr.splitlines() == ["flake8-ssot: 1 configuration problem:", *MISPLACED_ALLOW_PROBLEM]
    flake8 = run_flake8(["x.py"], tmp_path)
    assert flake8.returncode == 1
    assert flake8.stdout.splitlines() == [
        "There was a critical error during execution of Flake8:",
        "flake8-ssot: 1 configuration problem:",
        *MISPLACED_ALLOW_PROBLEM,
    ]


@pytest.mark.parametrize(
    "key,hint",
    [
        ("ssot-canonical-classes-allow", ALLOW_INI),
        ("ssot-allow-canonical-classes", ALLOW_INI),
        ("ssot_forbidden_modules_allowed", ALLOW_INI),
        ("ssot-legacy-parameters-exempt", ALLOW_INI),
        ("ssot-allowlist", ALLOW_INI),
        ("ssot-allow-list", ALLOW_INI),
        ("ssot-alow", ALLOW_INI),
        ("ssot-forbiden-names", "did you mean 'ssot-forbidden-names'?"),
        ("ssot-canonical-class", "did you mean 'ssot-canonical-classes'?"),
        ("ssot-canonical", "did you mean 'ssot-canonical-classes'?"),
        ("ssot-roots", "did you mean 'ssot-source-roots'?"),
        ("ssot-forbidden", "did you mean 'ssot-forbidden-modules' or 'ssot-forbidden-names'?"),
        ("sot-legacy-parameter", "did you mean 'ssot-legacy-parameters'?"),
        ("ssot-follow-imports", "known keys: " + KNOWN_KEYS),
        ("ssot-whatever", "known keys: " + KNOWN_KEYS),
    ],
)
def test_unknown_ini_keys_get_the_key_that_was_meant(tmp_path, key, hint):
    shown = key.replace("_", "-")
    assert _report(tmp_path, "setup.cfg", f"[flake8]\n{key} = a.b\n") == [
        "flake8-ssot: 1 configuration problem:",
        f"  setup.cfg:2: {shown}: 'a.b': unknown flake8-ssot key; {hint}",
    ]


def test_meant_ranks_an_allow_word_over_a_close_spelling():
    assert meant("canonical-classes-allow") == ("allow",)
    assert meant("forbidden-names") == ("forbidden-names",)  # a known key means itself
    assert meant("forbidden") == ("forbidden-modules", "forbidden-names")
    assert meant("") == ()


TOML = """\
[tool.flake8-ssot.canonical-classes-allow]
UserMessageHandler = ["app.tests.*"]

[tool.flake8-ssot.canonical-classes]
UserMessageHandler = { module = "app.handlers", allow = ["app.tests.*"] }
"app.Manager" = { module = "app.ws", exempt = ["app.tests.*"] }
Other = { modul = "app.ws" }

[tool.flake8-ssot.forbidden-names]
"a.mod.Old" = { reason = \"\"\"first line
second line\"\"\" }
"""


def test_toml_keys_and_fields_get_what_was_meant_and_multi_line_values_their_lines(tmp_path):
    table = "[tool.flake8-ssot.canonical-classes]"
    assert _report(tmp_path, "pyproject.toml", TOML) == [
        "flake8-ssot: 5 configuration problems:",
        "  pyproject.toml: [tool.flake8-ssot] canonical-classes-allow: 'canonical-classes-allow': unknown key; "
        + ALLOW_TOML,
        f"  pyproject.toml: {table} 'UserMessageHandler': 'allow': unknown field; exemptions go in "
        '[tool.flake8-ssot.allow]: UserMessageHandler = ["module.glob", ...]',
        f"  pyproject.toml: {table} 'app.Manager': 'exempt': unknown field; exemptions go in "
        '[tool.flake8-ssot.allow]: "app.Manager" = ["module.glob", ...]',
        f"  pyproject.toml: {table} 'Other': 'modul': unknown field; did you mean 'module'?",
        "  pyproject.toml: [tool.flake8-ssot.forbidden-names] 'a.mod.Old': (2 lines below): a reason must be one "
        "line of printable text",
        "      'first line'",
        "      'second line'",
    ]


def test_an_unknown_field_nothing_is_close_to_lists_the_known_ones(tmp_path):
    text = '[tool.flake8-ssot.canonical-classes]\nHandler = { colour = "red", module = "a.b" }\n'
    assert _report(tmp_path, "pyproject.toml", text)[1:] == [
        "  pyproject.toml: [tool.flake8-ssot.canonical-classes] 'Handler': 'colour': unknown field; known: module, reason, "
        "severity"
    ]


WHERE = Where("setup.cfg", "ssot-x", 3)


@pytest.mark.parametrize(
    "value,shown",
    [
        ("a.legacy", "setup.cfg:3: ssot-x: 'a.legacy': bad"),
        # An INI value written below its key starts with a line break: one line is still one line.
        ("\na.legacy", "setup.cfg:3: ssot-x: 'a.legacy': bad"),
        ("\n", "setup.cfg:3: ssot-x: '': bad"),
        ("\na\n\n  b  \r\nc\rd", "setup.cfg:3: ssot-x: (4 lines below): bad\n    'a'\n    'b'\n    'c'\n    'd'"),
        # Whatever a line holds is still escaped, as in a one-line value.
        ("a\tb\nc\x1b", "setup.cfg:3: ssot-x: (2 lines below): bad\n    'a\\tb'\n    'c\\x1b'"),
        (
            "\n".join(f"line{n}" for n in range(13)),
            "setup.cfg:3: ssot-x: (13 lines below): bad\n"
            + "".join(f"    'line{n}'\n" for n in range(10))
            + "    ... and 3 more lines",
        ),
    ],
)
def test_a_problem_shows_a_value_of_several_lines_below_its_message(value, shown):
    assert str(Problem(WHERE, value, "bad")) == shown


def test_the_report_indents_every_line_of_a_problem():
    error = ConfigError([Problem(WHERE, "a\nb", "bad"), Problem(WHERE, "c", "worse")])
    assert error.report() == (
        "flake8-ssot: 2 configuration problems:\n"
        "  setup.cfg:3: ssot-x: (2 lines below): bad\n"
        "      'a'\n"
        "      'b'\n"
        "  setup.cfg:3: ssot-x: 'c': worse"
    )


def test_the_language_server_diagnostic_shows_the_lines_too(tmp_path):
    path = tmp_path / "setup.cfg"
    path.write_text(MISPLACED_ALLOW, encoding="utf-8")
    problem = Problem(Where(str(path), "ssot-canonical-classes-allow", 4), "\nA = b.*\nC = d.*", "unknown")
    diagnostic = problem_diagnostic(problem, "utf-16")
    assert diagnostic.message == "ssot-canonical-classes-allow: (2 lines below): unknown\n    'A = b.*'\n    'C = d.*'"
    assert diagnostic.range == ((3, 0), (3, 30))


def test_the_readme_validation_example_is_what_flake8_prints(tmp_path):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Validation", 1)[1].split("\n## ", 1)[0]
    config = section.split("```ini\n", 1)[1].split("```", 1)[0]
    printed = section.split("```text\n", 1)[1].split("```", 1)[0]
    (tmp_path / "setup.cfg").write_text(config, encoding="utf-8")
    (tmp_path / "x.py").write_text("x = 1\n", encoding="utf-8")
    result = run_flake8(["x.py"], tmp_path)
    assert result.returncode == 1
    assert result.stdout == printed


def test_inside_the_allow_table_an_allow_field_is_just_unknown(tmp_path):
    text = '[tool.flake8-ssot.allow]\n"a.legacy" = { allowed = ["a.*"] }\n'
    assert _report(tmp_path, "pyproject.toml", text)[1:] == [
        "  pyproject.toml: [tool.flake8-ssot.allow] 'a.legacy': 'allowed': unknown field; known: modules"
    ]
