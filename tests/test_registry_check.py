"""The registry checked against the project (SOT401 to SOT406) by ``flake8-ssot check``: where
entries point, which entries nothing uses any more, where and how that is reported, and what
``fix`` and the flake8 plugin make of it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import jsonschema
import pytest

from flake8_ssot.cli.main import main
from flake8_ssot.codes import CODES
from ssot_testing import run_flake8

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
NOT_IN_SOURCE_ROOTS = "under the source roots)"


def write_tree(root: Path, files: Dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def run(root: Path, monkeypatch, capsys, *args: str) -> Tuple[int, str, str]:
    monkeypatch.chdir(root)
    code = main([*args, "--no-cache", "-j", "1"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- canonical classes ------------------------------------------------------------------------

CANONICAL = {
    "setup.cfg": """\
        [flake8]
        ssot-canonical-classes =
            Handler = app.core
            Engine = app.core.engine
            Missing = app.absent [warn]
            Decimal = decimal
            Aliased = app.core.engine
            make = app.core.engine
            manager = app.core
            Typo = app.cor.engine
        """,
    "app/__init__.py": "",
    "app/core/__init__.py": "from .impl import Handler\n",
    "app/core/impl.py": "class Handler:\n    pass\n",
    "app/core/engine.py": "class _Impl:\n    pass\n\n\nAliased = _Impl\n\n\ndef make():\n    pass\n",
    "app/core/manager.py": "x = 1\n",
}


def test_canonical_classes_are_looked_up_where_the_registry_says(tmp_path, monkeypatch, capsys):
    """Imported (Handler) and aliased (Aliased) classes are found; a module outside the project
    (decimal) is not judged; a missing module, a missing class, a function and a module are reported,
    each at its entry's line and at the column of what is wrong."""
    write_tree(tmp_path, CANONICAL)
    code, out, err = run(tmp_path, monkeypatch, capsys, "check", "--select=SOT4")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "./setup.cfg:4:5: SOT402 ssot-canonical-classes: 'Engine': canonical module 'app.core.engine' neither "
        "defines nor imports 'Engine'",
        "./setup.cfg:5:15: SOT401 ssot-canonical-classes: 'Missing': canonical module 'app.absent' does not exist "
        f"(no app/absent.py or app/absent/__init__.py {NOT_IN_SOURCE_ROOTS}",
        "./setup.cfg:8:5: SOT402 ssot-canonical-classes: 'make': canonical module 'app.core.engine' binds 'make' "
        "to function 'app.core.engine.make', not to a class",
        "./setup.cfg:9:5: SOT402 ssot-canonical-classes: 'manager': canonical module 'app.core' binds 'manager' to "
        "module 'app.core.manager', not to a class",
        "./setup.cfg:10:12: SOT401 ssot-canonical-classes: 'Typo': canonical module 'app.cor.engine' does not exist "
        f"(no app/cor/engine.py or app/cor/engine/__init__.py {NOT_IN_SOURCE_ROOTS}",
    ]


def test_a_class_bound_in_ways_resolution_cannot_settle_is_not_judged(tmp_path, monkeypatch, capsys):
    write_tree(
        tmp_path,
        {
            "setup.cfg": """\
                [flake8]
                ssot-canonical-classes =
                    Branchy = app.core
                    Lazy = app.lazy
                    Broken = app.broken
                    Namespaced = app.space
                """,
            "app/__init__.py": "",
            "app/core.py": "try:\n    from .new import Branchy\nexcept ImportError:\n    from .old import Branchy\n",
            "app/new.py": "class Branchy:\n    pass\n",
            "app/old.py": "class Branchy:\n    pass\n",
            "app/lazy.py": "def __getattr__(name):\n    raise AttributeError(name)\n",
            "app/broken.py": "class Broken(:\n",
            "app/space/data.txt": "a namespace package: no __init__.py\n",
        },
    )
    code, out, _ = run(tmp_path, monkeypatch, capsys, "check", "--select=SOT4")
    # Only the namespace package is certain: it binds nothing but its submodules.
    assert (code, out) == (
        1,
        "./setup.cfg:6:5: SOT402 ssot-canonical-classes: 'Namespaced': canonical module 'app.space' neither defines "
        "nor imports 'Namespaced'\n",
    )


# -- replacements -----------------------------------------------------------------------------

REPLACEMENTS = {
    "setup.cfg": """\
        [flake8]
        ssot-forbidden-modules =
            app.legacy = app.core [pure-move] ; moved
            app.shim = app.newplace [warn] ; a shim
            app.models = app.core.Handler
            json.decoder = json.scanner
            mock = unittest.mock
        ssot-forbidden-names =
            app.core.OldManager = app.core.manager
            app.core.Gone = app.core.Missing
            app.core.Twice = app.nowhere.Thing
            app.core.Aliased = app.core.sock
            app.ws.Old = app.ws.New
            app.ws.Sub = app.ws
        """,
    "app/__init__.py": "",
    "app/legacy.py": "",
    "app/shim.py": "",
    "app/models.py": "",
    "app/core/__init__.py": "import socket as sock\n\nfrom .impl import Handler\n",
    "app/core/impl.py": "class Handler:\n    pass\n",
    "app/core/manager.py": "class OldManager:\n    pass\n",
    "app/ws/__init__.py": "from .new import New\n",
    "app/ws/new.py": "class New:\n    pass\n",
}


def test_replacements_are_looked_up_where_the_registry_says(tmp_path, monkeypatch, capsys):
    """Existing replacements (app.core, app.ws.New) and replacements outside the project (json,
    unittest) say nothing; each wrong one is reported at the replacement's column."""
    write_tree(tmp_path, REPLACEMENTS)
    code, out, err = run(tmp_path, monkeypatch, capsys, "check", "--select=SOT4", "--extend-ignore=SOT406")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "./setup.cfg:4:16: SOT403 ssot-forbidden-modules: 'app.shim': replacement module 'app.newplace' does not "
        f"exist (no app/newplace.py or app/newplace/__init__.py {NOT_IN_SOURCE_ROOTS}",
        "./setup.cfg:5:18: SOT403 ssot-forbidden-modules: 'app.models': replacement module 'app.core.Handler' does "
        f"not exist (no app/core/Handler.py or app/core/Handler/__init__.py {NOT_IN_SOURCE_ROOTS}; "
        "'app.core.impl.Handler' is a class, not a module",
        "./setup.cfg:9:27: SOT405 ssot-forbidden-names: 'app.core.OldManager': replacement 'app.core.manager' is a "
        "module, not a name: importing it in place of 'OldManager' would bind a module to that name (did you mean "
        "'app.core.manager.OldManager'?)",
        "./setup.cfg:10:21: SOT404 ssot-forbidden-names: 'app.core.Gone': replacement 'app.core.Missing' does not "
        "exist: 'app.core' binds no 'Missing'",
        "./setup.cfg:11:22: SOT403 ssot-forbidden-names: 'app.core.Twice': the module of replacement "
        f"'app.nowhere.Thing' does not exist (no app/nowhere.py or app/nowhere/__init__.py {NOT_IN_SOURCE_ROOTS}",
        "./setup.cfg:12:24: SOT405 ssot-forbidden-names: 'app.core.Aliased': replacement 'app.core.sock' is module "
        "'socket', not a name: importing it in place of 'Aliased' would bind a module to that name",
        "./setup.cfg:14:18: SOT405 ssot-forbidden-names: 'app.ws.Sub': replacement 'app.ws' is a module, not a "
        "name: importing it in place of 'Sub' would bind a module to that name",
    ]


def test_configured_source_roots_are_where_modules_are_looked_up(tmp_path, monkeypatch, capsys):
    write_tree(
        tmp_path,
        {
            "setup.cfg": """\
                [flake8]
                ssot-source-roots = src
                ssot-canonical-classes =
                    Handler = app.handlers
                    Other = app.other
                """,
            "src/app/__init__.py": "",
            "src/app/handlers.py": "class Handler:\n    pass\n",
            "app/other.py": "class Other:\n    pass\n",  # not under the configured root
        },
    )
    code, out, _ = run(tmp_path, monkeypatch, capsys, "check", "--select=SOT4")
    assert (code, out) == (
        1,
        "./setup.cfg:5:13: SOT401 ssot-canonical-classes: 'Other': canonical module 'app.other' does not exist "
        f"(no app/other.py or app/other/__init__.py {NOT_IN_SOURCE_ROOTS}\n",
    )


# -- entries nothing refers to any more -------------------------------------------------------

UNREFERENCED = {
    "setup.cfg": """\
        [flake8]
        ssot-forbidden-modules =
            app.noqa_only = app.core
            app.file_noqa = app.core
            app.deselected = app.core
            app.gone ; removed
            app.still_here = app.core
            app.*.wild
        ssot-forbidden-names =
            app.core.Old = app.core.New
        ssot-canonical-classes =
            New = app.core
        ssot-legacy-parameters =
            *Handler = supervisor
            *Service = db_session_factory
        """,
    "app/__init__.py": "",
    "app/core.py": "class New:\n    pass\n\n\nclass Handler:\n    def __init__(self, supervisor):\n        pass\n",
    "app/noqa_only.py": "",
    "app/file_noqa.py": "",
    "app/deselected.py": "",
    "app/still_here.py": "",
    "app/a.py": "import app.noqa_only  # noqa\n",
    "app/b.py": "# flake8: noqa\nimport app.file_noqa\n",
    "app/c.py": 'from unittest import mock\n\nmock.patch("app.deselected.thing")\n',
}
RETIRE = "retire the entry, or keep it to stop new references"
UNREFERENCED_LINES = [
    f"./setup.cfg:6:5: SOT406 ssot-forbidden-modules: 'app.gone': nothing references legacy module 'app.gone' any "
    f"more; {RETIRE}",
    "./setup.cfg:7:5: SOT406 ssot-forbidden-modules: 'app.still_here': nothing references legacy module "
    f"'app.still_here' any more; delete the module, then {RETIRE}",
    f"./setup.cfg:8:5: SOT406 ssot-forbidden-modules: 'app.*.wild': nothing references legacy module 'app.*.wild' "
    f"any more; {RETIRE}",
    f"./setup.cfg:10:5: SOT406 ssot-forbidden-names: 'app.core.Old': nothing references legacy name 'app.core.Old' "
    f"any more; {RETIRE}",
    "./setup.cfg:15:5: SOT406 ssot-legacy-parameters: '*Service': no class matching it takes or is passed "
    f"'db_session_factory' any more; {RETIRE}",
]


def test_entries_nothing_refers_to_are_notes_that_never_fail_the_run(tmp_path, monkeypatch, capsys):
    """References on noqa lines, in '# flake8: noqa' files and of deselected codes (here every code
    but SOT4xx) count; canonical classes are never reported; notes alone exit 0."""
    write_tree(tmp_path, UNREFERENCED)
    code, out, err = run(tmp_path, monkeypatch, capsys, "check", "--select=SOT4")
    assert (code, out.splitlines(), err) == (0, UNREFERENCED_LINES, "")


def test_references_the_baseline_accepts_still_count(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, UNREFERENCED)
    assert run(tmp_path, monkeypatch, capsys, "baseline")[:2] == (0, "")
    code, out, err = run(tmp_path, monkeypatch, capsys, "check", "--baseline", ".flake8-ssot-baseline.json")
    # The baseline accepted the SOT103 and SOT201 findings (SOT406 notes are never recorded).
    assert (code, out.splitlines()) == (0, UNREFERENCED_LINES)
    assert err == "flake8-ssot: 2 findings accepted by baseline .flake8-ssot-baseline.json\n"


def test_nothing_is_said_of_references_while_a_file_could_not_be_checked(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, {**UNREFERENCED, "app/broken.py": "import app.gone\ndef (:\n"})
    code, out, _ = run(tmp_path, monkeypatch, capsys, "check", "--select=SOT4,SOT9")
    assert (code, out) == (
        1,
        "./app/broken.py:2:1: SOT901 file could not be analysed: SyntaxError: invalid syntax; it was not checked\n",
    )


def test_a_run_over_part_of_the_project_says_nothing_about_the_registry(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, {**UNREFERENCED, **REPLACEMENTS, "app/core.py": CANONICAL["app/core/impl.py"]})
    assert run(tmp_path, monkeypatch, capsys, "check", "--select=SOT4", "app") == (0, "", "")
    assert run(tmp_path, monkeypatch, capsys, "check", "--select=SOT4", "app/a.py", "app/b.py") == (0, "", "")
    # The project's directory given in any spelling checks it whole; the configuration file is
    # shown as any file is (relative to the working directory, here the project's).
    code, out, _ = run(tmp_path, monkeypatch, capsys, "check", "--select=SOT403", "app", str(tmp_path))
    assert code == 1
    assert [line.split(" ", 3)[:3] for line in out.splitlines()] == [
        ["setup.cfg:4:16:", "SOT403", "ssot-forbidden-modules:"],
        ["setup.cfg:5:18:", "SOT403", "ssot-forbidden-modules:"],
        ["setup.cfg:11:22:", "SOT403", "ssot-forbidden-names:"],
    ]


# -- levels: reports, exit codes, baselines ---------------------------------------------------

LEVELS = {
    "setup.cfg": """\
        [flake8]
        ssot-forbidden-modules =
            app.legacy = app.core ; moved
            app.compat = app.core [warn] ; a shim
            app.gone ; removed
        ssot-canonical-classes =
            Missing = app.absent [warn]
        """,
    "app/__init__.py": "",
    "app/core.py": "",
    "app/legacy.py": "",
    "app/compat.py": "",
    "app/use.py": "import app.legacy\nimport app.compat\n",
}
LEGACY = "import of legacy module 'app.legacy'; use 'app.core' (moved)"
COMPAT = "import of legacy module 'app.compat'; use 'app.core' (a shim)"
GONE = f"ssot-forbidden-modules: 'app.gone': nothing references legacy module 'app.gone' any more; {RETIRE}"
MISSING = (
    "ssot-canonical-classes: 'Missing': canonical module 'app.absent' does not exist "
    f"(no app/absent.py or app/absent/__init__.py {NOT_IN_SOURCE_ROOTS}"
)
# (path, line, column, code, message, level) of every finding, in report order.
LEVELLED = [
    ("./app/use.py", 1, 1, "SOT101", LEGACY, "error"),
    ("./app/use.py", 2, 1, "SOT101", COMPAT, "warning"),
    ("./setup.cfg", 5, 5, "SOT406", GONE, "note"),
    ("./setup.cfg", 7, 15, "SOT401", MISSING, "warning"),
]


def test_text_json_and_github_reports_carry_each_findings_level(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, LEVELS)
    code, out, _ = run(tmp_path, monkeypatch, capsys, "check")
    assert (code, out.splitlines()) == (1, [f"{p}:{line}:{col}: {c} {m}" for p, line, col, c, m, _ in LEVELLED])
    code, out, _ = run(tmp_path, monkeypatch, capsys, "check", "--format", "json")
    assert (code, json.loads(out)) == (
        1,
        [
            {"path": p, "line": line, "column": col, "code": c, "message": m, "severity": level}
            for p, line, col, c, m, level in LEVELLED
        ],
    )
    code, out, _ = run(tmp_path, monkeypatch, capsys, "check", "--format", "github")
    command = {"error": "error", "warning": "warning", "note": "notice"}
    assert (code, out.splitlines()) == (
        1,
        [
            f"::{command[level]} file={p},line={line},col={col},title={c}::{m}"
            for p, line, col, c, m, level in LEVELLED
        ],
    )


def test_sarif_levels_and_the_configuration_file_as_an_artifact_validate(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, LEVELS)
    code, out, _ = run(tmp_path, monkeypatch, capsys, "check", "--format", "sarif")
    document = json.loads(out)
    validator = jsonschema.validators.validator_for(SCHEMA)
    validator.check_schema(SCHEMA)
    validator(SCHEMA).validate(document)
    run_ = document["runs"][0]
    assert {rule["id"]: rule["defaultConfiguration"]["level"] for rule in run_["tool"]["driver"]["rules"]} == {
        code.code: "note" if code.code == "SOT406" else "error" for code in CODES
    }
    assert code == 1
    assert [
        (
            result["ruleId"],
            result["level"],
            result["locations"][0]["physicalLocation"]["artifactLocation"],
            result["locations"][0]["physicalLocation"]["region"],
            result["message"]["text"],
        )
        for result in run_["results"]
    ] == [
        (c, level, {"uri": p[2:], "uriBaseId": "SRCROOT"}, {"startLine": line, "startColumn": col}, m)
        for p, line, col, c, m, level in LEVELLED
    ]


WARNINGS_ONLY = {**LEVELS, "app/use.py": "import app.compat\nimport app.legacy  # noqa\n"}


@pytest.mark.parametrize(
    "setting, flags, expected",
    [
        ("", [], 0),
        ("", ["--fail-on-warnings"], 1),
        ("ssot-fail-on-warnings = true\n", [], 1),
        ("ssot-fail-on-warnings = true\n", ["--no-fail-on-warnings"], 0),
        ("ssot-fail-on-warnings = false\n", ["--fail-on-warnings"], 1),
    ],
)
def test_warnings_and_notes_alone_exit_0_unless_warnings_are_made_to_fail(
    tmp_path, monkeypatch, capsys, setting, flags, expected
):
    write_tree(tmp_path, {**WARNINGS_ONLY, "setup.cfg": textwrap.dedent(LEVELS["setup.cfg"]) + setting})
    code, out, err = run(tmp_path, monkeypatch, capsys, "check", *flags)
    assert (code, err) == (expected, "")
    assert [line.split(" ")[:2] for line in out.splitlines()] == [
        ["./app/use.py:1:1:", "SOT101"],
        ["./setup.cfg:5:5:", "SOT406"],
        ["./setup.cfg:7:15:", "SOT401"],
    ]


def _baselined(root: Path) -> List[Tuple[str, str, str]]:
    document = json.loads((root / ".flake8-ssot-baseline.json").read_text(encoding="utf-8"))
    return [(item["path"], item["code"], item["source"]) for item in document["findings"]]


def test_the_baseline_records_what_fails_the_run_so_that_check_then_passes(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, LEVELS)
    assert run(tmp_path, monkeypatch, capsys, "baseline") == (
        0,
        "",
        "flake8-ssot: wrote 1 finding to .flake8-ssot-baseline.json\n",
    )
    assert _baselined(tmp_path) == [("app/use.py", "SOT101", "import app.legacy")]
    code, out, err = run(tmp_path, monkeypatch, capsys, "check", "--baseline", ".flake8-ssot-baseline.json")
    assert (code, [line.split(" ")[1] for line in out.splitlines()]) == (0, ["SOT101", "SOT406", "SOT401"])
    assert err == "flake8-ssot: 1 finding accepted by baseline .flake8-ssot-baseline.json\n"

    # Warnings that fail the run are recorded too, the registry's among them; notes never.
    assert run(tmp_path, monkeypatch, capsys, "baseline", "--fail-on-warnings")[0] == 0
    assert _baselined(tmp_path) == [
        ("app/use.py", "SOT101", "import app.compat"),
        ("app/use.py", "SOT101", "import app.legacy"),
        ("setup.cfg", "SOT401", "Missing = app.absent [warn]"),
    ]
    code, out, _ = run(tmp_path, monkeypatch, capsys, "check", "--fail-on-warnings", "--baseline", ".flake8-ssot-baseline.json")
    assert (code, out.splitlines()) == (0, [f"./setup.cfg:5:5: SOT406 {GONE}"])

    # Corrected, the registry's entry is listed as no longer occurring, like any other.
    (tmp_path / "app" / "absent.py").write_text("class Missing:\n    pass\n", encoding="utf-8")
    code, _, err = run(tmp_path, monkeypatch, capsys, "check", "--fail-on-warnings", "--baseline", ".flake8-ssot-baseline.json")
    assert (code, err.splitlines()[1:]) == (
        0,
        [
            "flake8-ssot: 1 baseline entry no longer occur; run 'flake8-ssot baseline' to drop them:",
            "  setup.cfg: SOT401 Missing = app.absent [warn]",
        ],
    )


def test_flake8s_selection_applies_at_the_configuration_file(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, {**LEVELS, "setup.cfg": textwrap.dedent(LEVELS["setup.cfg"]) + "per-file-ignores = setup.cfg: SOT406\n"})
    code, out, _ = run(tmp_path, monkeypatch, capsys, "check")
    assert (code, [line.split(" ")[1] for line in out.splitlines()]) == (1, ["SOT101", "SOT101", "SOT401"])
    code, out, _ = run(tmp_path, monkeypatch, capsys, "check", "--extend-ignore=SOT4")
    assert (code, [line.split(" ")[1] for line in out.splitlines()]) == (1, ["SOT101", "SOT101"])


# -- pyproject.toml ---------------------------------------------------------------------------

PYPROJECT = """\
[project]
name = "app"

[tool.flake8-ssot.forbidden-modules]
"app.legacy" = { replacement = "app.newplace", severity = "warning" }

[tool.flake8-ssot.forbidden-names]
"app.core.Old" = "app.core.manager"

[tool.flake8-ssot.canonical-classes]
# the engine's home
Engine = "app.core"
"""


def test_a_pyproject_registry_is_reported_at_its_entries_lines(tmp_path, monkeypatch, capsys):
    write_tree(
        tmp_path,
        {
            "pyproject.toml": PYPROJECT,
            "app/__init__.py": "",
            "app/legacy.py": "",
            "app/core/__init__.py": "class Old:\n    pass\n",
            "app/core/manager.py": "",
            "app/use.py": "from app.legacy import x\nfrom app.core import Old\n",
        },
    )
    code, out, _ = run(tmp_path, monkeypatch, capsys, "check", "--select=SOT4", "--format", "json")
    assert code == 1
    assert [(item["path"], item["line"], item["column"], item["code"], item["severity"]) for item in json.loads(out)] == [
        ("./pyproject.toml", 5, 33, "SOT403", "warning"),
        ("./pyproject.toml", 8, 19, "SOT405", "error"),
        ("./pyproject.toml", 12, 1, "SOT402", "error"),
    ]
    assert json.loads(out)[2]["message"] == (
        "[tool.flake8-ssot.canonical-classes]: 'Engine': canonical module 'app.core' neither defines nor imports 'Engine'"
    )


# -- fix --------------------------------------------------------------------------------------


def test_fix_never_binds_a_module_to_a_name_nor_rewrites_to_a_missing_replacement(tmp_path, monkeypatch, capsys):
    pytest.importorskip("libcst")
    write_tree(
        tmp_path,
        {
            "setup.cfg": """\
                [flake8]
                ssot-forbidden-modules =
                    pkg.legacy = pkg.core [pure-move]
                ssot-forbidden-names =
                    pkg.WebSocketManager = pkg.websocket_manager
                    pkg.Old = pkg.websocket_manager.WebSocketManager
                """,
            "pkg/__init__.py": "from .websocket_manager import WebSocketManager\n\n\nclass Old:\n    pass\n",
            "pkg/websocket_manager.py": "class WebSocketManager:\n    pass\n",
            "pkg/legacy.py": "",
            "use.py": "from pkg import WebSocketManager\nfrom pkg import Old\nimport pkg.legacy\n",
        },
    )
    code, out, err = run(tmp_path, monkeypatch, capsys, "fix", "--diff")
    assert (code, out) == (
        1,
        "--- a/use.py\n+++ b/use.py\n@@ -1,3 +1,3 @@\n from pkg import WebSocketManager\n-from pkg import Old\n"
        "+from pkg.websocket_manager import WebSocketManager as Old\n import pkg.legacy\n",
    )
    assert err.splitlines() == [
        "./use.py:2:1: fixed SOT102 import of legacy name 'pkg.Old'; use 'pkg.websocket_manager.WebSocketManager'",
        "./use.py:1:1: needs a human: SOT102 import of legacy name 'pkg.WebSocketManager'; use 'pkg.websocket_manager'",
        "    why: replacement 'pkg.websocket_manager' is a module, not a name: importing it in place of "
        "'WebSocketManager' would bind a module to that name (did you mean 'pkg.websocket_manager.WebSocketManager'?); "
        "correct the entry 'pkg.WebSocketManager' first",
        "./use.py:3:1: needs a human: SOT101 import of legacy module 'pkg.legacy'; use 'pkg.core'",
        "    why: replacement module 'pkg.core' does not exist (no pkg/core.py or pkg/core/__init__.py under the "
        "source roots); correct the entry 'pkg.legacy' first",
        "flake8-ssot: would fix 1 finding in 1 file; 2 findings need a human",
    ]
    code, out, _ = run(tmp_path, monkeypatch, capsys, "fix")
    assert code == 1
    assert (tmp_path / "use.py").read_text(encoding="utf-8") == (
        "from pkg import WebSocketManager\nfrom pkg.websocket_manager import WebSocketManager as Old\nimport pkg.legacy\n"
    )
    assert out.splitlines()[-1] == "flake8-ssot: fixed 1 finding in 1 file; 2 findings need a human"


# -- under flake8 -----------------------------------------------------------------------------


def test_the_flake8_plugin_reports_no_registry_finding_and_can_leave_warnings_out(tmp_path):
    """flake8 checks Python files one at a time: the registry's findings are the command's.  Findings
    of [warn] entries are findings like any under flake8, unless --ssot-report-warnings=false."""
    write_tree(tmp_path, LEVELS)
    result = run_flake8(["--select=SOT", "app"], tmp_path)
    assert (result.returncode, result.stdout.splitlines(), result.stderr) == (
        1,
        [f"app/use.py:1:1: SOT101 {LEGACY}", f"app/use.py:2:1: SOT101 {COMPAT}"],
        "",
    )
    result = run_flake8(["--select=SOT", "--ssot-report-warnings=false", "app"], tmp_path)
    assert (result.returncode, result.stdout.splitlines()) == (1, [f"app/use.py:1:1: SOT101 {LEGACY}"])
    write_tree(tmp_path, {"setup.cfg": textwrap.dedent(LEVELS["setup.cfg"]) + "ssot-report-warnings = false\n"})
    write_tree(tmp_path, {"app/use.py": "import app.compat\n"})
    assert run_flake8(["--select=SOT", "app"], tmp_path).returncode == 0
    # flake8-ssot check reports them as warnings whatever the plugin is told.
    result = subprocess.run(
        [sys.executable, "-m", "flake8_ssot", "check", "--no-cache", "--format", "github", "app"],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=120,
    )
    assert (result.returncode, result.stdout) == (0, f"::warning file=app/use.py,line=1,col=1,title=SOT101::{COMPAT}\n")


# -- the cache --------------------------------------------------------------------------------


def test_a_warm_cache_gives_the_same_levels_and_references(tmp_path, monkeypatch):
    write_tree(tmp_path, {**LEVELS, "app/b.py": "# flake8: noqa\nimport app.gone\n"})

    def sarif() -> Tuple[int, str]:
        result = subprocess.run(
            [sys.executable, "-m", "flake8_ssot", "check", "--format", "sarif", *args],
            cwd=str(tmp_path), capture_output=True, text=True, timeout=120,
        )
        return result.returncode, result.stdout

    args: Sequence[str] = ["--no-cache"]
    cold = sarif()
    args = []
    first = sarif()
    args = ["--verbose"]
    second = sarif()
    assert first == second == cold
    verbose = subprocess.run(
        [sys.executable, "-m", "flake8_ssot", "check", "--verbose"], cwd=str(tmp_path), capture_output=True, text=True
    )
    assert " cache-hits=6 cache-misses=0 " in verbose.stderr
    levels = [(r["ruleId"], r["level"]) for r in json.loads(cold[1])["runs"][0]["results"]]
    # app.gone is referenced in a '# flake8: noqa' file, also when the result comes from the cache.
    assert (cold[0], levels) == (1, [("SOT101", "error"), ("SOT101", "warning"), ("SOT401", "warning")])


# -- the README's examples are real output ------------------------------------------------------

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_readmes_registry_check_line_is_real(tmp_path, monkeypatch, capsys):
    section = README.split("### The registry checked against the project", 1)[1]
    shown = section.split("```text\n", 1)[1].split("\n", 1)[0].strip()
    write_tree(
        tmp_path,
        {
            "setup.cfg": "[flake8]\nssot-forbidden-names =\n    pkg.WebSocketManager = pkg.websocket_manager\n",
            "pkg/__init__.py": "from .websocket_manager import WebSocketManager\n",
            "pkg/websocket_manager.py": "class WebSocketManager:\n    pass\n",
            "use.py": "from pkg import WebSocketManager\n",
        },
    )
    assert run(tmp_path, monkeypatch, capsys, "check", "--select=SOT4") == (1, shown + "\n", "")


def test_the_readmes_staged_roll_out_is_real_output(tmp_path, monkeypatch, capsys):
    section = README.split("4. **Warn first.**", 1)[1].split("5. **Then fail.**", 1)[0]
    registry = textwrap.dedent(re.search(r"```ini\n(.*?)```", section, re.DOTALL).group(1))
    console = textwrap.dedent(re.search(r"```console\n(.*?)```", section, re.DOTALL).group(1))
    write_tree(
        tmp_path,
        {
            "setup.cfg": registry,
            "app/__init__.py": "",
            "app/handlers.py": "class Handler:\n    pass\n",
            "app/legacy_handlers.py": "class Handler:\n    pass\n",
            "app/compat.py": "from app.handlers import Handler\n",
            "app/jobs.py": "from app.legacy_handlers import Handler\n",
            "app/routes.py": "from app.compat import Handler\n",
        },
    )
    steps = re.split(r"^\$ ", console, flags=re.MULTILINE)[1:]
    assert len(steps) == 2
    for step in steps:
        command, _, shown = step.partition("\n")
        words = command.split()
        assert words[0] == "flake8-ssot"
        code, out, err = run(tmp_path, monkeypatch, capsys, *words[1:])
        assert code == 0
        assert out + err == shown  # stdout is written (and flushed) before stderr's summary


def test_the_answers_are_kept_in_the_cache_until_what_they_read_changes(tmp_path):
    write_tree(
        tmp_path,
        {
            "setup.cfg": "[flake8]\nssot-canonical-classes =\n    Handler = app.handlers\n",
            "app/__init__.py": "",
            "app/use.py": "x = 1\n",
        },
    )

    def check() -> str:
        result = subprocess.run(
            [sys.executable, "-m", "flake8_ssot", "check", "--select=SOT4"],
            cwd=str(tmp_path), capture_output=True, text=True, timeout=120,
        )
        return result.stdout

    missing = (
        "./setup.cfg:3:15: SOT401 ssot-canonical-classes: 'Handler': canonical module 'app.handlers' does not exist "
        f"(no app/handlers.py or app/handlers/__init__.py {NOT_IN_SOURCE_ROOTS}\n"
    )
    assert check() == check() == missing
    (tmp_path / "app" / "handlers.py").write_text("class Handler:\n    pass\n", encoding="utf-8")
    assert check() == ""
    (tmp_path / "app" / "handlers.py").write_text("class Renamed:\n    pass\n", encoding="utf-8")
    assert check() == (
        "./setup.cfg:3:5: SOT402 ssot-canonical-classes: 'Handler': canonical module 'app.handlers' neither defines "
        "nor imports 'Handler'\n"
    )
    # A run in the unchanged project answers from the cache: no module is digested, astroid is not loaded.
    code = (
        "import sys\nfrom flake8_ssot.cli.main import main\n"
        "code = main(['check', '--select=SOT4', '-j', '1'])\n"
        "sys.stderr.write('%s astroid loaded: %s' % (code, 'astroid' in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.stderr == "1 astroid loaded: False"
