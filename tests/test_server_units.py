"""The language server's parts without the protocol: positions, spans, settings, configuration,
edits and the session, with the real engine, configuration loader and fixer, in this process.

tests/test_server_lsp.py drives the whole server over stdio; these run on every Python whether or
not pygls is installed (nothing here imports it).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest

from flake8_ssot.config.problems import display_path
from flake8_ssot.findings import Finding
from flake8_ssot.project.baseline import FORMAT_VERSION
from flake8_ssot.resolution import buffers
from flake8_ssot.server.documents import UTF8, UTF16, UTF32, Document, Lines, index_of, path_of, units
from flake8_ssot.server.fixes import edits
from flake8_ssot.server.projects import Project, project_root
from flake8_ssot.server.checks import Diagnostic
from flake8_ssot.server.fixes import FIX_ALL, QUICK_FIX
from flake8_ssot.server.session import Session
from flake8_ssot.server.settings import ERROR, HINT, INFORMATION, WARNING, read_settings
from flake8_ssot.server.spans import span_of
from lsp_client import apply_text_edits
from server_project import REGISTRY, write_project
from ssot_testing import check_source, registry_from_ini

FIX_FIXTURES = Path(__file__).parent / "fixtures" / "fix"
MODULE = re.compile(r"^# module: ([\w.]+)")


class Recorder:
    """A client that remembers what the session sent."""

    def __init__(self) -> None:
        self.published: List[Tuple[str, Optional[int], List[Diagnostic]]] = []
        self.errors: List[str] = []

    def publish(self, uri: str, version: Optional[int], diagnostics: Sequence[Diagnostic]) -> None:
        self.published.append((uri, version, list(diagnostics)))

    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def last(self, uri: str) -> List[Diagnostic]:
        for published, _, diagnostics in reversed(self.published):
            if published == uri:
                return diagnostics
        raise AssertionError(f"nothing published for {uri}")


@pytest.fixture(autouse=True)
def no_buffers_left():
    yield
    buffers.close_all()


# -- positions ------------------------------------------------------------------------------------


def test_units_count_utf16_code_units_utf8_bytes_and_code_points() -> None:
    text = "a\u00e9\U0001f600"
    assert (units(text, UTF16), units(text, UTF8), units(text, UTF32)) == (4, 7, 3)
    assert [index_of(text, count, UTF16) for count in range(5)] == [0, 1, 2, 3, 3]
    assert index_of(text, 99, UTF8) == 3


def test_lines_split_only_at_lsp_line_breaks() -> None:
    text = "a\r\nb\rc\nd\x0ce\u2028f"
    lines = Lines(text)
    assert [lines.line(number) for number in range(4)] == ["a", "b", "c", "d\x0ce\u2028f"]
    assert lines.offset((3, 3), UTF16) == text.index("\u2028")
    assert lines.position(text.index("e"), UTF16) == (3, 2)
    assert lines.position(len(text), UTF16) == (3, 5)
    assert lines.offset((9, 0), UTF16) == len(text)
    assert lines.offset((1, 9), UTF16) == text.index("\rc")  # clamped to the line's end


def test_document_applies_incremental_and_whole_changes_in_order() -> None:
    document = Document("file:///x.py", "/x.py", 1, "x = '\U0001f600'\r\nimport a.legacy\n")
    # UTF-16: the emoji is two units, so 'legacy' on line 1 is unaffected and ' = ' on line 0 is at 1.
    document.change([(((1, 9), (1, 15)), "core"), (((0, 1), (0, 4)), "=")], 2, UTF16)
    assert (document.text, document.version) == ("x='\U0001f600'\r\nimport a.core\n", 2)
    document.change([(((0, 3), (0, 5)), "y")], 3, UTF16)
    assert document.text == "x='y'\r\nimport a.core\n"
    document.change([(((0, 3), (0, 4)), "\u00e9"), (((0, 5), (0, 6)), "!")], 4, UTF8)  # é is two bytes
    assert document.text == "x='\u00e9!\r\nimport a.core\n"
    document.change([(None, "whole"), (((0, 5), (0, 5)), "!")], 5, UTF16)
    assert document.text == "whole!"


def test_path_of_reads_file_uris_only() -> None:
    assert path_of("file:///home/me/my%20app/x.py") == os.path.normpath("/home/me/my app/x.py")
    assert path_of("untitled:Untitled-1") is None
    assert path_of("file:") is None


# -- spans ----------------------------------------------------------------------------------------


def spanned(source: str, registry: Any) -> List[Tuple[str, int, str]]:
    """(code, line, the text the span covers) for each finding of ``source``."""
    lines = re.split(r"\r\n|\r|\n", source)
    found = []
    for finding in check_source(source, registry):
        (row, start), (end_row, end) = span_of(lines, finding)
        assert row == end_row, finding
        found.append((finding.code, row, lines[row][start:end]))
    return sorted(found)


@pytest.fixture
def registry(tmp_path: Path):
    return registry_from_ini(tmp_path, REGISTRY)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from app.legacy import Thing\n", [("SOT101", 0, "app.legacy")]),
        ("from .legacy import Thing\n", [("SOT101", 0, ".legacy")]),
        ("from . import legacy\n", [("SOT101", 0, "legacy")]),
        ("import os, app.legacy as x\n", [("SOT101", 0, "app.legacy")]),
        ("if x:\n    import app.queue_handler\n", [("SOT101", 1, "app.queue_handler")]),
        ("from app.models import (Keep,\n    OldUser as U)\n", [("SOT102", 1, "OldUser")]),
        ("import app.models.OldUser\n", [("SOT102", 0, "app.models.OldUser")]),
        ("from app.models import *\nOldUser()\n", [("SOT102", 0, "*")]),
        ("patch('app.legacy.Thing')\n", [("SOT103", 0, "'app.legacy.Thing'")]),
        ("import app\napp.legacy.Thing()\n", [("SOT104", 1, "app.legacy.Thing")]),
        (
            "class OrderHandler:\n    def __init__(self, a, supervisor=None):\n        pass\n",
            [("SOT201", 1, "supervisor")],
        ),
        ("OrderHandler(1, supervisor=Handler())\n", [("SOT202", 0, "supervisor")]),
        ("OrderHandler(self.mock_supervisor)\n", [("SOT202", 0, "self.mock_supervisor")]),
        ("@decorated\nclass UserMessageHandler(Base):\n    pass\n", [("SOT301", 1, "UserMessageHandler")]),
        ("from x import Other as UserMessageHandler\n", [("SOT302", 0, "UserMessageHandler")]),
        ("label = '\u00e9\U0001f600'; from app.legacy import Thing\n", [("SOT101", 0, "app.legacy")]),
    ],
)
def test_the_span_is_the_offending_name(registry: Any, source: str, expected: List[Tuple[str, int, str]]) -> None:
    assert spanned(source, registry) == expected


def test_a_finding_whose_name_is_not_found_spans_the_rest_of_its_line() -> None:
    lines = ["x = (  # unclosed   "]
    assert span_of(lines, Finding(1, 4, "SOT901", "file could not be analysed: ...")) == ((0, 4), (0, 17))


# -- settings -------------------------------------------------------------------------------------


def test_default_settings_show_every_code_as_a_warning_after_200_ms() -> None:
    settings = read_settings(None)
    assert (settings.severity("SOT101"), settings.severity("SOT901"), settings.debounce_ms) == (WARNING, WARNING, 200)


def test_the_longest_prefix_decides_the_severity() -> None:
    settings = read_settings({"flake8-ssot": {"severity": {"SOT": "Error", "SOT3": "hint", "SOT301": "information"}}})
    assert [settings.severity(code) for code in ("SOT101", "SOT302", "SOT301")] == [ERROR, HINT, INFORMATION]
    assert read_settings({"severity": "hint", "debounce": 0}).severity("SOT202") == HINT
    assert read_settings({"severity": "hint", "debounce": 0}).debounce_ms == 0


def test_bad_settings_are_named_with_their_value_and_keep_their_defaults() -> None:
    settings = read_settings({"severity": {"SOT1": "loud", "E501": "error"}, "debounce": "soon", "color": 1})
    assert settings.problems == (
        "severity.SOT1: 'loud': expected one of error, warning, information, hint",
        "severity: 'E501': not a code or code prefix (such as 'SOT', 'SOT1', 'SOT101')",
        "debounce: 'soon': expected milliseconds from 0 to 10000",
        "color: 1: unknown setting; known: severity, debounce",
    )
    assert (settings.severity("SOT101"), settings.debounce_ms) == (WARNING, 200)


# -- configuration --------------------------------------------------------------------------------


def test_a_document_belongs_to_its_deepest_workspace_folder() -> None:
    folders = [os.path.normpath("/w"), os.path.normpath("/w/sub")]
    assert project_root(os.path.normpath("/w/sub/a/x.py"), folders, "/cwd") == os.path.normpath("/w/sub")
    assert project_root(os.path.normpath("/w/subway/x.py"), folders, "/cwd") == os.path.normpath("/w")
    assert project_root(os.path.normpath("/elsewhere/x.py"), folders, "/cwd") == os.path.normpath("/elsewhere")
    assert project_root(None, folders, "/cwd") == os.path.normpath("/w")
    assert project_root(None, [], "/cwd") == "/cwd"


def test_a_project_reloads_when_a_configuration_file_changes(tmp_path: Path) -> None:
    write_project(tmp_path)
    project = Project(str(tmp_path))
    assert project.loaded.engine is not None and not project.refresh()
    (tmp_path / "setup.cfg").write_text(REGISTRY.lstrip().replace("ssot-forbidden-names", "ssot-forbiden-names"), "utf-8")
    assert project.refresh()
    assert project.loaded.broken
    (problem,) = project.loaded.problems
    assert (problem.where.key, problem.where.line, problem.value) == (
        "ssot-forbiden-names",
        5,
        "\napp.models.OldUser = app.users.User",
    )
    (tmp_path / "pyproject.toml").write_text("[tool.other]\n", encoding="utf-8")  # a file that was not there
    assert project.refresh()


# -- edits ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(p.name[: -len(".before.py")] for p in FIX_FIXTURES.glob("*.before.py")))
@pytest.mark.parametrize("encoding", [UTF16, UTF8])
def test_edits_turn_the_old_text_into_the_new_one_exactly(case: str, encoding: str) -> None:
    before = (FIX_FIXTURES / f"{case}.before.py").read_bytes().decode("utf-8")
    after = (FIX_FIXTURES / f"{case}.after.py").read_bytes().decode("utf-8")
    found = [{"range": _lsp_range(edit.range), "newText": edit.text} for edit in edits(before, after, encoding)]
    assert apply_text_edits(before, found, encoding) == after
    assert bool(found) == (before != after)


def _lsp_range(where: Any) -> Dict[str, Any]:
    (line, character), (end_line, end_character) = where
    return {"start": {"line": line, "character": character}, "end": {"line": end_line, "character": end_character}}


# -- the session ----------------------------------------------------------------------------------


def _apply(text: str, action: Any, encoding: str = UTF16) -> str:
    return apply_text_edits(text, [{"range": _lsp_range(e.range), "newText": e.text} for e in action.edits], encoding)


def _uri(path: Path) -> str:
    return path.as_uri()


def _session(root: Path) -> Tuple[Session, Recorder]:
    recorder = Recorder()
    return Session(recorder, [str(root)], UTF16, read_settings(None), str(root)), recorder


def _write_replacements(root: Path) -> None:
    """The modules and names the fixtures' registry moves to, under ``root``: the fixer never rewrites
    to a replacement the project lacks (the registry check's SOT403 to SOT405)."""
    registry = registry_from_ini(root, (FIX_FIXTURES / "setup.cfg").read_text(encoding="utf-8"))
    for entry in [*registry.forbidden_modules, *registry.forbidden_names]:
        if not entry.replacement or not entry.replacement.startswith("app."):
            continue
        module, name = entry.replacement, None
        if entry in registry.forbidden_names:
            module, _, name = entry.replacement.rpartition(".")
        parts = module.split(".")
        for index in range(1, len(parts)):
            package = root.joinpath(*parts[:index])
            package.mkdir(exist_ok=True)
            (package / "__init__.py").touch()
        path = root.joinpath(*parts[:-1], parts[-1] + ".py")
        path.touch()
        if name is not None:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"class {name}:\n    pass\n" if name[:1].isupper() else f"def {name}():\n    pass\n")


def _fixture_module_path(root: Path, text: str) -> Path:
    match = MODULE.match(text)
    module = match.group(1) if match else "app.consumers"
    parts = module.split(".")
    path = root.joinpath(*parts[:-1], "__init__.py" if parts[-1] == "__init__" else parts[-1] + ".py")
    for directory in [root.joinpath(*parts[:index]) for index in range(1, len(parts))]:
        directory.mkdir(exist_ok=True)
        (directory / "__init__.py").touch()
    return path


@pytest.mark.parametrize("case", sorted(p.name[: -len(".before.py")] for p in FIX_FIXTURES.glob("*.before.py")))
def test_fix_all_makes_the_buffer_what_the_fix_command_writes(tmp_path: Path, case: str) -> None:
    pytest.importorskip("libcst")
    _write_replacements(tmp_path)
    (tmp_path / "setup.cfg").write_bytes((FIX_FIXTURES / "setup.cfg").read_bytes())
    before = (FIX_FIXTURES / f"{case}.before.py").read_bytes().decode("utf-8")
    after = (FIX_FIXTURES / f"{case}.after.py").read_bytes().decode("utf-8")
    path = _fixture_module_path(tmp_path, before)
    session, _ = _session(tmp_path)
    session.open(_uri(path), 1, before)

    actions = session.actions(_uri(path), ((0, 0), (0, 0)), only=["source.fixAll"])

    if before == after:
        assert actions == []
    else:
        (action,) = actions
        assert action.kind == FIX_ALL and action.version == 1
        assert _apply(before, action) == after


def test_open_publishes_the_finding_on_its_name_with_severity_code_and_link(tmp_path: Path) -> None:
    write_project(tmp_path)
    session, client = _session(tmp_path)
    uri = _uri(tmp_path / "app" / "consumers.py")
    assert session.open(uri, 7, "from app.legacy import Thing\n") == []
    assert client.published == [
        (
            uri,
            7,
            [
                Diagnostic(
                    ((0, 5), (0, 15)),
                    WARNING,
                    "import from legacy module 'app.legacy'; use 'app.core' (moved)",
                    "SOT101",
                    "https://github.com/flake8-ssot/flake8-ssot/blob/main/README.md#sot101-forbidden-module-import",
                )
            ],
        )
    ]


def test_a_quick_fix_rewrites_its_finding_alone(tmp_path: Path) -> None:
    pytest.importorskip("libcst")
    write_project(tmp_path)
    session, client = _session(tmp_path)
    uri = _uri(tmp_path / "app" / "consumers.py")
    text = "from app.legacy import Thing\nfrom app.models import OldUser, Keep\n"
    session.open(uri, 1, text)

    (on_name,) = session.actions(uri, ((1, 25), (1, 25)), only=[QUICK_FIX])
    assert (on_name.title, on_name.kind, on_name.preferred) == ("Fix SOT102: use 'app.users.User'", QUICK_FIX, True)
    assert on_name.diagnostics == tuple(client.last(uri)[1:])
    assert _apply(text, on_name) == "from app.legacy import Thing\nfrom app.models import Keep\nfrom app.users import User as OldUser\n"
    assert session.actions(uri, ((0, 0), (0, 4)), only=[QUICK_FIX]) == []  # 'from ' is before the name
    # ... unless the client lists the diagnostic, as clients list those of the cursor's line.
    listed = [(client.last(uri)[0].code, client.last(uri)[0].range)]
    (on_line,) = session.actions(uri, ((0, 0), (0, 0)), only=[QUICK_FIX], listed=listed)
    assert on_line.title == "Fix SOT101: use 'app.core' (moved)"
    both = session.actions(uri, ((0, 0), (1, 0)))
    assert [action.title for action in both] == [
        "Fix SOT101: use 'app.core' (moved)",
        "Fix all rewritable flake8-ssot findings in this file",
    ]


def test_resolving_clients_get_actions_listed_from_the_plan_and_edits_on_demand(tmp_path: Path) -> None:
    pytest.importorskip("libcst")
    write_project(tmp_path)
    text = "from app.legacy import Thing\nfrom app.models import OldUser, Keep\n"
    uri = _uri(tmp_path / "app" / "consumers.py")
    eager, _ = _session(tmp_path)
    eager.open(uri, 3, text)
    lazy = Session(Recorder(), [str(tmp_path)], UTF16, read_settings(None), str(tmp_path), resolve_edits=True)
    lazy.open(uri, 3, text)

    listed = lazy.actions(uri, ((0, 0), (1, 0)))
    assert [(a.title, a.edits) for a in listed] == [(a.title, None) for a in eager.actions(uri, ((0, 0), (1, 0)))]
    assert lazy.results[uri].fixes == {}  # nothing rewritten yet
    resolved = [lazy.resolve(action.data) for action in listed]
    assert resolved == eager.actions(uri, ((0, 0), (1, 0)))
    assert lazy.resolve({"uri": uri, "version": 2, "finding": None}) is None  # another version
    assert lazy.resolve({"uri": uri, "version": 3, "finding": [9, 0, "SOT101", "gone"]}) is None
    assert lazy.resolve({"uri": uri}) is None


def test_findings_that_need_a_person_get_no_action(tmp_path: Path) -> None:
    pytest.importorskip("libcst")
    write_project(tmp_path)
    session, client = _session(tmp_path)
    uri = _uri(tmp_path / "app" / "consumers.py")
    text = "from app.queue_handler import QueueHandler\n\n\nclass UserMessageHandler(QueueHandler):\n    pass\n"
    session.open(uri, 1, text)
    assert [d.code for d in client.last(uri)] == ["SOT101", "SOT301"]
    assert session.actions(uri, ((0, 0), (9, 0))) == []


def test_a_broken_configuration_is_one_diagnostic_per_problem_on_its_file(tmp_path: Path) -> None:
    write_project(tmp_path)
    session, client = _session(tmp_path)
    uri = _uri(tmp_path / "app" / "consumers.py")
    session.open(uri, 1, "from app.legacy import Thing\n")
    setup_cfg = tmp_path / "setup.cfg"
    setup_cfg.write_text(REGISTRY.lstrip().replace("ssot-canonical-classes", "ssot-canonical-class"), "utf-8")

    assert session.save(_uri(setup_cfg)) == [uri]
    assert client.last(_uri(setup_cfg)) == [
        Diagnostic(
            ((6, 0), (6, 22)),
            ERROR,
            "ssot-canonical-class: 'UserMessageHandler = app.handlers': unknown flake8-ssot key; "
            "did you mean 'ssot-canonical-classes'?",
        )
    ]
    (message,) = client.errors
    assert message == (
        f"flake8-ssot: 1 configuration problem: {display_path(str(setup_cfg))}:7: ssot-canonical-class: "
        "'UserMessageHandler = app.handlers': unknown flake8-ssot key; did you mean 'ssot-canonical-classes'? "
        "(nothing is checked until the configuration is fixed)"
    )
    assert session.check(uri) == []
    assert client.last(uri) == []  # nothing of a broken configuration is applied

    setup_cfg.write_text(REGISTRY.lstrip(), "utf-8")
    assert session.save(_uri(setup_cfg)) == [uri]
    assert client.last(_uri(setup_cfg)) == []
    session.check(uri)
    assert [d.code for d in client.last(uri)] == ["SOT101"]
    assert len(client.errors) == 1


def test_resolution_reads_open_buffers_and_rechecks_their_readers(tmp_path: Path) -> None:
    write_project(tmp_path)
    session, client = _session(tmp_path)
    consumers = _uri(tmp_path / "app" / "consumers.py")
    package = _uri(tmp_path / "app" / "__init__.py")
    session.open(consumers, 1, "from app import Thing\n")
    assert client.last(consumers) == []  # on disk, app/__init__.py re-exports nothing

    # The unsaved buffer re-exports the legacy class: the reader of app is to be checked again.
    assert session.open(package, 1, "from app.legacy import Thing\n") == [consumers]
    assert [d.code for d in client.last(package)] == ["SOT101"]
    assert session.check(consumers) == []
    (reexport,) = client.last(consumers)
    assert (reexport.code, reexport.range) == ("SOT105", ((0, 16), (0, 21)))
    assert reexport.message.startswith("'Thing' imported from 'app' ")
    assert (tmp_path / "app" / "__init__.py").read_text(encoding="utf-8") == ""

    assert session.close(package) == [consumers]
    session.check(consumers)
    assert client.last(consumers) == []


def test_noqa_and_the_baseline_apply_as_in_check(tmp_path: Path) -> None:
    write_project(tmp_path, REGISTRY + "ssot-baseline = baseline.json\n")
    accepted = {"path": "app/consumers.py", "code": "SOT101", "source": "import app.queue_handler", "occurrence": 0}
    (tmp_path / "baseline.json").write_text(
        json.dumps({"tool": "flake8-ssot", "version": FORMAT_VERSION, "findings": [accepted]}), encoding="utf-8"
    )
    session, client = _session(tmp_path)
    uri = _uri(tmp_path / "app" / "consumers.py")
    text = "from app.legacy import Thing  # noqa: SOT101\nimport app.queue_handler\nfrom app.models import OldUser\n"
    session.open(uri, 1, text)
    assert [(d.code, d.range[0][0]) for d in client.last(uri)] == [("SOT102", 2)]


def test_workspace_folders_decide_where_configuration_is_read(tmp_path: Path) -> None:
    write_project(tmp_path / "outer")
    inner = tmp_path / "outer" / "inner"
    inner.mkdir()
    (inner / "setup.cfg").write_text("[flake8]\nssot-forbidden-modules =\n    app.other\n", encoding="utf-8")
    recorder = Recorder()
    session = Session(recorder, [str(tmp_path / "outer")], UTF16, read_settings(None), str(tmp_path))
    uri = _uri(inner / "consumers.py")
    session.open(uri, 1, "import app.legacy\nimport app.other\n")
    assert [d.range[0][0] for d in recorder.last(uri)] == [0]  # the outer folder's registry

    assert session.change_folders([str(inner)], []) == [uri]
    session.check(uri)
    assert [d.range[0][0] for d in recorder.last(uri)] == [1]  # now the inner folder's
    assert session.change_folders([], [str(inner)]) == [uri]


def test_a_buffer_without_a_file_has_no_module_so_exemptable_findings_stay_silent(tmp_path: Path) -> None:
    write_project(tmp_path)
    session, client = _session(tmp_path)
    text = "import app.legacy\n\n\ndef make(supervisor):\n    return OrderHandler(supervisor=supervisor)\n"
    session.open("untitled:Untitled-1", 1, text)
    # As flake8 reading stdin without a display name: SOT1xx could be exempt, SOT202 cannot.
    assert [(d.code, d.range) for d in client.last("untitled:Untitled-1")] == [("SOT202", ((4, 24), (4, 34)))]
