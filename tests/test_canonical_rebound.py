"""SOT302 precision: a canonical name is reported only when it is bound to something that is not
the canonical object; one finding per import; ``fix`` no longer refuses what SOT302 used to
report falsely.  Each case is checked with resolution on (the default) and off."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from flake8_ssot.engine import Engine
from flake8_ssot.location import identify
from flake8_ssot.registry import Registry
from ssot_testing import check_with, registry_from_ini

REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core [pure-move]
ssot-forbidden-names =
    app.old.OldManager = app.ws.WebSocketManager
ssot-canonical-classes =
    ExecutionEngine = app.engine.user_execution_engine
    UnifiedWebSocketManager = app.ws
    UserMessageHandler = app.handlers ; one handler
"""

PROJECT = {
    "app/__init__.py": "from app.legacy import QueueHandler\n",
    "app/engine/__init__.py": "",
    # The canonical module of ExecutionEngine defines no such name: the team imports its one class
    # under the canonical name.
    "app/engine/user_execution_engine.py": "class UserExecutionEngine:\n    pass\n",
    "app/engine/api.py": "from app.engine.user_execution_engine import UserExecutionEngine\n",
    # Both names are the same object in the canonical module.
    "app/ws.py": "class WebSocketManager:\n    pass\n\n\nUnifiedWebSocketManager = WebSocketManager\n",
    "app/handlers.py": (
        "class BaseMessageHandler:\n    pass\n\n\nclass UserMessageHandler(BaseMessageHandler):\n    pass\n"
    ),
    "app/api.py": (
        "from app.handlers import UserMessageHandler\n\nHandler = UserMessageHandler\n"
        "Computed = make(UserMessageHandler)\n\n\ndef make_handler():\n    pass\n"
    ),
    "app/other.py": "class QueueHandler:\n    pass\n",
    "app/compat.py": "from app.legacy import QueueHandler as LegacyHandler\n",
    "app/legacy.py": "class QueueHandler:\n    pass\n",
    "app/old.py": "class OldManager:\n    pass\n",
    "app/core.py": "class QueueHandler:\n    pass\n",
}

CANONICAL = "'app.handlers.UserMessageHandler'"


def not_the(what: str, name: str = "UserMessageHandler", canonical: str = CANONICAL, reason: str = " (one handler)"):
    return (
        f"'{name}' is bound to {what}, which is not the canonical class {canonical}; import that class instead{reason}"
    )


def not_known(what: str, name: str = "UserMessageHandler", canonical: str = CANONICAL, reason: str = " (one handler)"):
    return (
        f"'{name}' is bound to {what}, which is not known to be the canonical class {canonical}; "
        f"import that class instead{reason}"
    )


SOT101 = "SOT101 import from legacy module 'app.legacy'; use 'app.core'"
Row = Tuple[int, int, str]

# source -> (findings with resolution, findings without), as (line, col, "CODE message").
CASES: Dict[str, Tuple[List[Row], List[Row]]] = {
    # The sanctioned alias, bound from the canonical module itself.
    "from app.engine.user_execution_engine import UserExecutionEngine as ExecutionEngine\n": ([], []),
    # Both names are the same object in the canonical module.
    "from app.ws import WebSocketManager as UnifiedWebSocketManager\n": ([], []),
    # Resolution shows the alias elsewhere to be the canonical class; the text cannot tell.
    "from app.api import Handler as UserMessageHandler\n": (
        [],
        [(1, 0, "SOT302 " + not_known("'app.api.Handler'"))],
    ),
    # Re-exported through the canonical module of a name that module does not bind itself.
    "from app.engine.api import UserExecutionEngine as ExecutionEngine\n": (
        [],
        [
            (
                1,
                0,
                "SOT302 "
                + not_known(
                    "'app.engine.api.UserExecutionEngine'",
                    "ExecutionEngine",
                    "'app.engine.user_execution_engine.ExecutionEngine'",
                    "",
                ),
            )
        ],
    ),
    # Read from the canonical module, but resolution shows another class.
    "from app.handlers import BaseMessageHandler as UserMessageHandler\n": (
        [(1, 0, "SOT302 " + not_the("class 'app.handlers.BaseMessageHandler'"))],
        [],
    ),
    "from app.other import QueueHandler as UserMessageHandler\n": (
        [(1, 0, "SOT302 " + not_the("class 'app.other.QueueHandler'"))],
        [(1, 0, "SOT302 " + not_known("'app.other.QueueHandler'"))],
    ),
    # What resolution found is named next to what the text says.
    "from app.compat import LegacyHandler as UserMessageHandler\n": (
        [(1, 0, "SOT302 " + not_the("'app.compat.LegacyHandler' (class 'app.legacy.QueueHandler')"))],
        [(1, 0, "SOT302 " + not_known("'app.compat.LegacyHandler'"))],
    ),
    # Nothing to resolve: reported, saying only what is known.
    "from app.missing import Thing as UserMessageHandler\n": (
        [(1, 0, "SOT302 " + not_known("'app.missing.Thing'"))],
        [(1, 0, "SOT302 " + not_known("'app.missing.Thing'"))],
    ),
    "from app.other import QueueHandler as ExecutionEngine\n": (
        [
            (
                1,
                0,
                "SOT302 "
                + not_known(
                    "class 'app.other.QueueHandler'",
                    "ExecutionEngine",
                    "'app.engine.user_execution_engine.ExecutionEngine'",
                    "",
                ),
            )
        ],
        [
            (
                1,
                0,
                "SOT302 "
                + not_known(
                    "'app.other.QueueHandler'",
                    "ExecutionEngine",
                    "'app.engine.user_execution_engine.ExecutionEngine'",
                    "",
                ),
            )
        ],
    ),
    # A function is not the class; what a module computes may be anything.
    "from app.api import make_handler as UserMessageHandler\n": (
        [(1, 0, "SOT302 " + not_the("function 'app.api.make_handler'"))],
        [(1, 0, "SOT302 " + not_known("'app.api.make_handler'"))],
    ),
    "from app.api import Computed as UserMessageHandler\n": (
        [(1, 0, "SOT302 " + not_known("'app.api.Computed'"))],
        [(1, 0, "SOT302 " + not_known("'app.api.Computed'"))],
    ),
    # A module is never the class.
    "import app.handlers as UserMessageHandler\n": (
        [(1, 0, "SOT302 " + not_the("module 'app.handlers'"))],
        [(1, 0, "SOT302 " + not_the("module 'app.handlers'"))],
    ),
    "from app import handlers as UserMessageHandler\n": (
        [(1, 0, "SOT302 " + not_the("module 'app.handlers'"))],
        [(1, 0, "SOT302 " + not_known("'app.handlers'"))],
    ),
    # One finding per import: the forbidden import wins.
    "from app.legacy import QueueHandler as UserMessageHandler\n": ([(1, 0, SOT101)], [(1, 0, SOT101)]),
    "from app.legacy import QueueHandler, Other as UserMessageHandler\n": ([(1, 0, SOT101)], [(1, 0, SOT101)]),
    "import app.legacy as UserMessageHandler\n": (
        [(1, 0, "SOT101 import of legacy module 'app.legacy'; use 'app.core'")],
        [(1, 0, "SOT101 import of legacy module 'app.legacy'; use 'app.core'")],
    ),
    "from app.old import OldManager as UnifiedWebSocketManager\n": (
        [(1, 0, "SOT102 import of legacy name 'app.old.OldManager'; use 'app.ws.WebSocketManager'")],
        [(1, 0, "SOT102 import of legacy name 'app.old.OldManager'; use 'app.ws.WebSocketManager'")],
    ),
    # SOT105 (resolution only) wins too; without resolution SOT302 is all there is.
    "from app import QueueHandler as UserMessageHandler\n": (
        [
            (
                1,
                0,
                "SOT105 'QueueHandler' imported from 'app' is defined in legacy module 'app.legacy'; use 'app.core'",
            )
        ],
        [(1, 0, "SOT302 " + not_known("'app.QueueHandler'"))],
    ),
    # Assignments, read through the file's imports.
    "import app.handlers as h\nUserMessageHandler = h.UserMessageHandler\n": ([], []),
    "from app import handlers\nUserMessageHandler = handlers.UserMessageHandler\n": ([], []),
    "import app.handlers as h\nUserMessageHandler = h.BaseMessageHandler\n": (
        [(2, 0, "SOT302 " + not_the("'h.BaseMessageHandler' (class 'app.handlers.BaseMessageHandler')"))],
        [],
    ),
    "from app.api import Handler\nUserMessageHandler = Handler\n": (
        [],
        [(2, 0, "SOT302 " + not_known("'Handler'"))],
    ),
    "from app.other import QueueHandler\nUserMessageHandler: type = QueueHandler\n": (
        [(2, 0, "SOT302 " + not_the("'QueueHandler' (class 'app.other.QueueHandler')"))],
        [(2, 0, "SOT302 " + not_known("'QueueHandler'"))],
    ),
    # A name the file also assigns is not read through its import.
    "from app import handlers\nhandlers = make()\nUserMessageHandler = handlers.UserMessageHandler\n": (
        [(3, 0, "SOT302 " + not_known("'handlers.UserMessageHandler'"))],
        [(3, 0, "SOT302 " + not_known("'handlers.UserMessageHandler'"))],
    ),
    "UserMessageHandler = make_handler()\n": (
        [(1, 0, "SOT302 " + not_known("the result of 'make_handler(...)'"))],
        [(1, 0, "SOT302 " + not_known("the result of 'make_handler(...)'"))],
    ),
    "def UserMessageHandler():\n    pass\n": (
        [(1, 0, "SOT302 " + not_the("a function"))],
        [(1, 0, "SOT302 " + not_the("a function"))],
    ),
}


def write(root: Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, PROJECT)
    return tmp_path


def check(project: Path, source: str, registry: Registry, name: str = "app/consumers.py") -> List[Row]:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    identity = identify(str(path), registry.source_roots)
    found = check_with(Engine(registry), ast.parse(source), identity, source, str(path))
    return [(finding.line, finding.col, finding.message) for finding in found]


@pytest.mark.parametrize("source", list(CASES))
def test_with_resolution(project, source):
    assert check(project, source, registry_from_ini(project, REGISTRY)) == CASES[source][0]


@pytest.mark.parametrize("source", list(CASES))
def test_without_resolution(project, source):
    registry = registry_from_ini(project, REGISTRY + "ssot-resolve = false\n")
    assert check(project, source, registry) == CASES[source][1]


def test_an_allowed_forbidden_import_leaves_the_binding_to_sot302(project):
    registry = registry_from_ini(project, REGISTRY + "ssot-allow =\n    app.legacy = app.consumers\n")
    found = check(project, "from app.legacy import QueueHandler as UserMessageHandler\n", registry)
    assert found == [(1, 0, "SOT302 " + not_the("class 'app.legacy.QueueHandler'"))]


def test_the_canonical_module_and_allowed_modules_are_exempt(project):
    registry = registry_from_ini(project, REGISTRY + "ssot-allow =\n    UserMessageHandler = app.tests.*\n")
    source = "from app.other import QueueHandler as UserMessageHandler\n"
    (project / "app" / "tests").mkdir()
    (project / "app" / "tests" / "__init__.py").write_text("", encoding="utf-8")
    assert check(project, source, registry, "app/tests/test_it.py") == []
    assert check(project, source, registry, "app/handlers.py") == []


FIX_SETUP = """\
[flake8]
ssot-forbidden-modules =
    app.legacy_engine = app.engine.user_execution_engine [pure-move]
    app.legacy_ws = app.ws [pure-move]
ssot-canonical-classes =
    ExecutionEngine = app.engine.user_execution_engine
    UnifiedWebSocketManager = app.ws
"""
FIX_USE = """\
from app.legacy_engine import UserExecutionEngine as ExecutionEngine
from app.legacy_ws import WebSocketManager as UnifiedWebSocketManager

print(ExecutionEngine, UnifiedWebSocketManager)
"""


def run_main(args: List[str], cwd: Path, monkeypatch, capsys) -> Tuple[int, str, str]:
    from flake8_ssot.cli.main import main

    monkeypatch.chdir(cwd)
    code = main([*args, "--no-cache", "-j", "1"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_fix_moves_the_sanctioned_aliases_to_the_canonical_module(tmp_path, monkeypatch, capsys):
    pytest.importorskip("libcst")
    write(
        tmp_path,
        {
            **{name: text for name, text in PROJECT.items() if name.startswith(("app/engine/", "app/ws.py"))},
            "setup.cfg": FIX_SETUP,
            "app/__init__.py": "",
            "app/legacy_engine.py": "from app.engine.user_execution_engine import UserExecutionEngine\n",
            "app/legacy_ws.py": "from app.ws import WebSocketManager\n",
            "app/use.py": FIX_USE,
        },
    )
    # The registry check says the canonical module binds no 'ExecutionEngine' (SOT402); SOT302
    # still takes what is read from that module, under any name, to be the canonical class.
    entry = (
        "./setup.cfg:6:5: SOT402 ssot-canonical-classes: 'ExecutionEngine': canonical module "
        "'app.engine.user_execution_engine' neither defines nor imports 'ExecutionEngine'"
    )
    code, out, err = run_main(["check"], tmp_path, monkeypatch, capsys)
    assert (code, err) == (1, "")
    assert out.splitlines() == [  # one finding per import, no SOT302 beside it
        "./app/use.py:1:1: SOT101 import from legacy module 'app.legacy_engine'; use 'app.engine.user_execution_engine'",
        "./app/use.py:2:1: SOT101 import from legacy module 'app.legacy_ws'; use 'app.ws'",
        entry,
    ]
    code, out, err = run_main(["fix"], tmp_path, monkeypatch, capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "./app/use.py:1:1: fixed SOT101 import from legacy module 'app.legacy_engine'; "
        "use 'app.engine.user_execution_engine'",
        "./app/use.py:2:1: fixed SOT101 import from legacy module 'app.legacy_ws'; use 'app.ws'",
        "flake8-ssot: fixed 2 findings in 1 file; 0 findings need a human",
    ]
    assert (tmp_path / "app" / "use.py").read_text(encoding="utf-8") == FIX_USE.replace(
        "app.legacy_engine", "app.engine.user_execution_engine"
    ).replace("app.legacy_ws", "app.ws")
    # Nothing refers to the legacy modules any more: notes, which leave the exit code alone.
    retire = "any more; delete the module, then retire the entry, or keep it to stop new references"
    assert run_main(["check"], tmp_path, monkeypatch, capsys) == (
        1,
        "./setup.cfg:3:5: SOT406 ssot-forbidden-modules: 'app.legacy_engine': nothing references legacy module "
        f"'app.legacy_engine' {retire}\n"
        f"./setup.cfg:4:5: SOT406 ssot-forbidden-modules: 'app.legacy_ws': nothing references legacy module "
        f"'app.legacy_ws' {retire}\n" + entry + "\n",
        "",
    )


def test_fix_leaves_an_import_whose_replacement_is_not_the_canonical_class_to_a_human(tmp_path, monkeypatch, capsys):
    pytest.importorskip("libcst")
    use = "from app.legacy import QueueHandler as UserMessageHandler\n"
    write(
        tmp_path,
        {
            "setup.cfg": REGISTRY,
            **{name: PROJECT[name] for name in ("app/handlers.py", "app/legacy.py", "app/core.py")},
            "app/__init__.py": "",
            "app/use.py": use,
        },
    )
    code, out, err = run_main(["fix"], tmp_path, monkeypatch, capsys)
    assert (code, err) == (1, "")
    rebound = "SOT302 " + not_the("class 'app.core.QueueHandler'")
    assert out.splitlines() == [
        "./app/use.py:1:1: needs a human: " + SOT101,
        f"    why: the rewritten import would give '{rebound}'; change that binding by hand",
        "flake8-ssot: fixed 0 findings in 0 files; 1 finding needs a human; 1 file could not be rewritten",
    ]
    assert (tmp_path / "app" / "use.py").read_text(encoding="utf-8") == use


def test_the_command_cache_notices_when_another_file_changes_what_a_binding_is(tmp_path, monkeypatch, capsys):
    from flake8_ssot.cli.main import main

    source = "from app.api import Handler as UserMessageHandler\n"
    write(tmp_path, {**PROJECT, "setup.cfg": REGISTRY, "app/consumers.py": source})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "-j", "1", "app/consumers.py"]) == 0
    assert capsys.readouterr().out == ""
    assert (tmp_path / ".flake8-ssot-cache").is_dir()
    (tmp_path / "app" / "api.py").write_text("from app.other import QueueHandler as Handler\n", encoding="utf-8")
    assert main(["check", "-j", "1", "app/consumers.py"]) == 1
    message = not_the("'app.api.Handler' (class 'app.other.QueueHandler')")
    assert capsys.readouterr().out == f"app/consumers.py:1:1: SOT302 {message}\n"
