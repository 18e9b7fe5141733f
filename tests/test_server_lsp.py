"""``flake8-ssot server``, driven over stdio as an editor drives it.

Each test starts the real command in a project it writes, speaks LSP through pipes
(tests/lsp_client.py) and reads what the server publishes: diagnostics on the offending name,
quick fixes whose edits, applied as a client applies them, give what ``flake8-ssot fix`` writes,
edits as you type, a configuration broken and repaired, the end of the process.

The tests not marked slow are the core that runs on every Python of the tox matrix; the slow ones
(a configuration poll, resolution through a buffer, position encodings and settings, the ways a
client can end the process) run once in CI.  The in-process parts are tests/test_server_units.py.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from lsp_client import TIMEOUT, LspProcess, apply_text_edits, as_changes, environment
from server_project import REGISTRY, write_project

needs_pygls = pytest.mark.skipif(
    any(importlib.util.find_spec(name) is None for name in ("pygls", "lsprotocol", "libcst")),
    reason="the server needs the 'server' extra (pygls, LibCST)",
)

README = "https://github.com/flake8-ssot/flake8-ssot/blob/main/README.md"
LEGACY_IMPORT = "from app.legacy import Thing\n\n\ndef build():\n    return Thing()\n"
FIXED_IMPORT = "from app.core import Thing\n\n\ndef build():\n    return Thing()\n"
SOT101_LEGACY = "import from legacy module 'app.legacy'; use 'app.core' (moved)"


def command() -> List[str]:
    script = os.path.join(os.path.dirname(sys.executable), "flake8-ssot")
    return [script, "server"] if os.path.exists(script) else [sys.executable, "-m", "flake8_ssot", "server"]


def lsp_range(line: int, character: int, end_line: int, end_character: int) -> Dict[str, Any]:
    return {
        "start": {"line": line, "character": character},
        "end": {"line": end_line, "character": end_character},
    }


def diagnostic(where: Dict[str, Any], code: str, message: str, severity: int = 2) -> Dict[str, Any]:
    names = {"SOT101": "forbidden-module-import", "SOT102": "forbidden-name-import", "SOT105": "forbidden-reexport"}
    names.update({"SOT301": "canonical-class-redefined"})
    return {
        "range": where,
        "message": message,
        "severity": severity,
        "code": code,
        "codeDescription": {"href": f"{README}#{code.lower()}-{names[code]}"},
        "source": "flake8-ssot",
    }


def start(root: Path, options: Optional[Dict[str, Any]] = None, capabilities: Optional[Dict[str, Any]] = None):
    server = LspProcess(command(), str(root), environment(), name="flake8-ssot server")
    params: Dict[str, Any] = {
        "processId": os.getpid(),
        "rootUri": root.as_uri(),
        "capabilities": capabilities
        if capabilities is not None
        else {"workspace": {"workspaceEdit": {"documentChanges": True}}},
    }
    if options is not None:
        params["initializationOptions"] = options
    server.initialize_result = server.request("initialize", params)
    server.notify("initialized", {})
    return server


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


@pytest.fixture
def server(project: Path) -> Iterator[LspProcess]:
    lsp = start(project)
    try:
        yield lsp
    finally:
        lsp.close()


def code_actions(
    server: LspProcess,
    uri: str,
    where: Dict[str, Any],
    only: Optional[List[str]] = None,
    listed: Optional[List[Dict[str, Any]]] = None,
) -> Any:
    context: Dict[str, Any] = {"diagnostics": listed or []}
    if only is not None:
        context["only"] = only
    return server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": where, "context": context})


def fix_command_output(tmp_path: Path, project: Path, text: str) -> str:
    """What ``flake8-ssot fix`` writes for ``text`` as app/consumers.py of a copy of ``project``."""
    copy = tmp_path / "copy"
    write_project(copy)
    target = copy / "app" / "consumers.py"
    target.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "flake8_ssot", "fix", "--no-cache", "app"],
        cwd=str(copy),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return target.read_text(encoding="utf-8")


@needs_pygls
def test_a_legacy_import_is_reported_on_its_name_and_fixed_by_one_code_action(
    server: LspProcess, project: Path, tmp_path: Path
) -> None:
    uri = (project / "app" / "consumers.py").as_uri()
    on_disk = (project / "app" / "consumers.py").read_text(encoding="utf-8")
    capabilities = server.initialize_result["capabilities"]
    assert capabilities["codeActionProvider"]["codeActionKinds"] == ["quickfix", "source.fixAll.flake8-ssot"]
    assert capabilities["textDocumentSync"]["change"] == 2  # incremental

    server.open(uri, LEGACY_IMPORT, version=1)
    legacy = diagnostic(lsp_range(0, 5, 0, 15), "SOT101", SOT101_LEGACY)
    assert server.published(uri, 1) == [legacy]

    # The light bulb on the module name: the quick fix for it, and "fix all" (the same edit here).
    action, fix_all = code_actions(server, uri, lsp_range(0, 9, 0, 9))
    change = action["edit"]["documentChanges"][0]
    assert {key: action[key] for key in ("title", "kind", "diagnostics", "isPreferred")} == {
        "title": "Fix SOT101: use 'app.core' (moved)",
        "kind": "quickfix",
        "diagnostics": [legacy],
        "isPreferred": True,
    }
    assert change["textDocument"] == {"uri": uri, "version": 1}
    assert change["edits"] == [{"range": lsp_range(0, 0, 1, 0), "newText": "from app.core import Thing\n"}]
    fixed = apply_text_edits(LEGACY_IMPORT, change["edits"])
    assert fixed == FIXED_IMPORT == fix_command_output(tmp_path, project, LEGACY_IMPORT)
    assert (fix_all["title"], fix_all["kind"], fix_all["edit"]) == (
        "Fix all rewritable flake8-ssot findings in this file",
        "source.fixAll.flake8-ssot",
        action["edit"],
    )
    # Fix all does not depend on the cursor; a quick fix is for the diagnostic under it, or for a
    # diagnostic the client lists (Neovim lists those of the cursor's line).
    assert code_actions(server, uri, lsp_range(3, 0, 3, 0), only=["source.fixAll"]) == [fix_all]
    assert code_actions(server, uri, lsp_range(3, 0, 3, 0), only=["quickfix"]) is None
    assert code_actions(server, uri, lsp_range(0, 0, 0, 0), only=["quickfix"], listed=[legacy]) == [action]

    # The editor applies the edit and tells the server: the finding is gone.
    server.change(uri, 2, as_changes(change["edits"]))
    assert server.published(uri, 2) == []
    assert code_actions(server, uri, lsp_range(0, 0, 5, 0)) is None

    # Typing a legacy import again (an insertion on line 1): reported again, where it now is.
    server.change(uri, 3, [{"range": lsp_range(1, 0, 1, 0), "text": "import app.legacy as old\n"}])
    assert server.published(uri, 3) == [
        diagnostic(lsp_range(1, 7, 1, 17), "SOT101", "import of legacy module 'app.legacy'; use 'app.core' (moved)")
    ]
    assert (project / "app" / "consumers.py").read_text(encoding="utf-8") == on_disk  # buffers are never written


@needs_pygls
def test_a_client_that_resolves_code_actions_gets_the_edit_when_it_picks_one(project: Path) -> None:
    resolving = {"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}}
    server = start(project, capabilities=resolving)
    try:
        assert server.initialize_result["capabilities"]["codeActionProvider"]["resolveProvider"] is True
        uri = (project / "app" / "consumers.py").as_uri()
        text = "from app.models import OldUser, Keep\n"
        server.open(uri, text)
        (found,) = server.published(uri, 1)
        # Listed from the fixer's planning: no edit yet, and what the server needs to make it.
        quick_fix, fix_all = code_actions(server, uri, lsp_range(0, 25, 0, 25))
        assert "edit" not in quick_fix and "edit" not in fix_all
        assert quick_fix["data"] == {"uri": uri, "version": 1, "finding": [1, 0, "SOT102", found["message"]]}
        assert fix_all["data"] == {"uri": uri, "version": 1, "finding": None}

        resolved = server.request("codeAction/resolve", quick_fix)
        assert resolved["title"] == "Fix SOT102: use 'app.users.User'"
        edits = resolved["edit"]["changes"][uri]
        assert apply_text_edits(text, edits) == "from app.models import Keep\nfrom app.users import User as OldUser\n"
        assert server.request("codeAction/resolve", fix_all)["edit"] == resolved["edit"]

        # Picked after the document changed: no edit (the client asks again).
        server.change(uri, 2, [{"range": lsp_range(1, 0, 1, 0), "text": "\n"}])
        server.published(uri, 2)
        assert "edit" not in server.request("codeAction/resolve", quick_fix)
    finally:
        server.close()


@needs_pygls
def test_findings_that_need_a_person_have_no_action(server: LspProcess, project: Path) -> None:
    uri = (project / "app" / "consumers.py").as_uri()
    server.open(uri, "from app.queue_handler import Q\n\n\nclass UserMessageHandler(Q):\n    pass\n")
    assert server.published(uri, 1) == [
        diagnostic(
            lsp_range(0, 5, 0, 22),
            "SOT101",
            "import from legacy module 'app.queue_handler'; use 'app.handlers' (different methods)",
        ),
        diagnostic(
            lsp_range(3, 6, 3, 24),
            "SOT301",
            "class 'UserMessageHandler' is defined outside its canonical module 'app.handlers'; import it from there",
        ),
    ]
    assert code_actions(server, uri, lsp_range(0, 0, 5, 0)) is None


@needs_pygls
def test_a_broken_configuration_is_a_diagnostic_on_its_file_until_repaired(server: LspProcess, project: Path) -> None:
    uri = (project / "app" / "consumers.py").as_uri()
    setup_cfg = project / "setup.cfg"
    server.open(uri, LEGACY_IMPORT)
    assert [d["code"] for d in server.published(uri, 1)] == ["SOT101"]

    mark = server.mark()
    setup_cfg.write_text(REGISTRY.lstrip().replace("[pure-move]", "[pure-mvoe]"), encoding="utf-8")
    server.notify("textDocument/didSave", {"textDocument": {"uri": setup_cfg.as_uri()}})

    assert server.published(setup_cfg.as_uri(), since=mark) == [
        {
            "range": lsp_range(2, 4, 2, 45),
            "message": "ssot-forbidden-modules: 'app.legacy = app.core [pure-mvoe] ; moved': "
            "unknown marker '[pure-mvoe]'; known: [pure-move], [warn]",
            "severity": 1,
            "source": "flake8-ssot",
        }
    ]
    shown = server.wait(lambda m: m.get("method") == "window/showMessage", "an error message", mark)
    assert shown["params"]["type"] == 1
    assert "ssot-forbidden-modules: 'app.legacy = app.core [pure-mvoe] ; moved'" in shown["params"]["message"]
    assert server.published(uri, 1, since=mark) == []  # nothing of it is applied

    mark = server.mark()
    setup_cfg.write_text(REGISTRY.lstrip(), encoding="utf-8")
    server.notify("textDocument/didSave", {"textDocument": {"uri": setup_cfg.as_uri()}})
    assert server.published(setup_cfg.as_uri(), since=mark) == []
    assert [d["code"] for d in server.published(uri, 1, since=mark)] == ["SOT101"]
    assert server.process.poll() is None


@needs_pygls
@pytest.mark.slow
def test_a_configuration_changed_behind_the_clients_back_still_takes_effect(server: LspProcess, project: Path) -> None:
    uri = (project / "app" / "consumers.py").as_uri()
    server.open(uri, LEGACY_IMPORT)
    assert [d["code"] for d in server.published(uri, 1)] == ["SOT101"]
    mark = server.mark()
    # No notification at all: the server re-reads configuration files that changed on disk.
    (project / "setup.cfg").write_text(REGISTRY.lstrip().replace("app.legacy = app.core", "app.gone = app.core"), "utf-8")
    assert server.published(uri, 1, since=mark) == []


@needs_pygls
@pytest.mark.slow
def test_an_open_buffer_is_what_resolution_reads(server: LspProcess, project: Path) -> None:
    consumers = (project / "app" / "consumers.py").as_uri()
    package = (project / "app" / "__init__.py").as_uri()
    server.open(consumers, "from app import Thing\n")
    assert server.published(consumers, 1) == []
    mark = server.mark()
    server.open(package, "from app.legacy import Thing\n")  # unsaved: app/__init__.py is empty on disk
    assert server.published(consumers, 1, since=mark) == [
        diagnostic(
            lsp_range(0, 16, 0, 21),
            "SOT105",
            "'Thing' imported from 'app' is defined in legacy module 'app.legacy'; use 'app.core' (moved)",
        )
    ]
    mark = server.mark()
    server.notify("textDocument/didClose", {"textDocument": {"uri": package}})
    assert server.published(package, since=mark) == []
    assert server.published(consumers, 1, since=mark) == []


@needs_pygls
@pytest.mark.slow
def test_positions_follow_the_agreed_encoding_and_severities_the_settings(project: Path) -> None:
    server = start(
        project,
        options={"severity": {"SOT": "information", "SOT3": "error"}, "debounce": 0, "colour": "red"},
        capabilities={"general": {"positionEncodings": ["utf-8", "utf-16"]}},
    )
    try:
        assert server.initialize_result["capabilities"]["positionEncoding"] == "utf-8"
        shown = server.wait(lambda m: m.get("method") == "window/showMessage", "a settings message")
        assert shown["params"] == {
            "type": 1,
            "message": "flake8-ssot: settings ignored: colour: 'red': unknown setting; known: severity, debounce",
        }
        uri = (project / "app" / "consumers.py").as_uri()
        text = "x = '\u00e9\U0001f600'; from app.legacy import Thing\nclass UserMessageHandler:\n    pass\n"
        server.open(uri, text)
        found = server.published(uri, 1)
        # 'app.legacy' starts after 15 characters: 19 bytes (é takes 2, the emoji 4; UTF-16 would say 16).
        assert [(d["code"], d["range"], d["severity"]) for d in found] == [
            ("SOT101", lsp_range(0, 19, 0, 29), 3),
            ("SOT301", lsp_range(1, 6, 1, 24), 1),
        ]
        (action,) = code_actions(server, uri, lsp_range(0, 25, 0, 25), only=["quickfix"])
        assert action["edit"] == {  # no versioned edits: the client did not offer them
            "changes": {uri: [{"range": lsp_range(0, 0, 1, 0), "newText": text.splitlines(True)[0].replace("legacy", "core")}]}
        }
    finally:
        server.close()


def _children(pid: int) -> List[str]:
    found: List[str] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found.extend((task / "children").read_text().split())
    return found


@needs_pygls
def test_shutdown_then_exit_ends_the_process_with_0_and_nothing_left(project: Path) -> None:
    server = start(project)
    try:
        uri = (project / "app" / "consumers.py").as_uri()
        server.open(uri, LEGACY_IMPORT)
        server.published(uri, 1)
        if sys.platform.startswith("linux"):
            assert _children(server.process.pid) == []  # no worker processes to leave behind
        assert server.request("shutdown", None) is None
        server.notify("exit", None)
        # stdin stays open: the server ends because it was told to, not because its input closed.
        assert server.process.wait(timeout=TIMEOUT) == 0
        assert server.ended.wait(TIMEOUT)
    finally:
        server.close()


@needs_pygls
@pytest.mark.slow
def test_exit_without_shutdown_ends_with_1_and_a_vanished_client_ends_the_server(project: Path) -> None:
    server = start(project)
    try:
        server.notify("exit", None)
        assert server.process.wait(timeout=TIMEOUT) == 1
    finally:
        server.close()
    server = start(project)
    try:
        stdin = server.process.stdin
        assert stdin is not None
        stdin.close()
        assert server.process.wait(timeout=TIMEOUT) == 1
    finally:
        server.close()


def test_without_pygls_the_command_names_the_extra_and_exits_2(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['pygls'] = None; "
        "from flake8_ssot.cli.main import main; sys.exit(main(['server']))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), capture_output=True, text=True, timeout=TIMEOUT)
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "flake8-ssot: error: the server command needs pygls: pip install 'flake8-ssot[server]'\n",
    )


def test_check_never_imports_pygls(project: Path) -> None:
    code = (
        "import sys; from flake8_ssot.cli.main import main; code = main(['check', '--no-cache', '-j', '1', 'app']); "
        "sys.stdout.write(repr(sorted(n for n in sys.modules if n.split('.')[0] in ('pygls', 'lsprotocol'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=str(project), capture_output=True, text=True, timeout=TIMEOUT)
    assert (result.returncode, result.stdout) == (0, "[]"), result.stderr
