"""The project's closure: which bindings carry a legacy meaning from file to file, the fixpoint over
them, and the project-level pass that parses only the files naming something of it.

The pass must stay lossless: on every project here, ``check`` with the pass reports exactly what
running every rule on every file reports (``prefilter=False``), file by file.
"""

from __future__ import annotations

import ast
import os
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from flake8_ssot.checking.closure import (
    Binding,
    Closure,
    ClosureView,
    Edges,
    Seeds,
    StarImport,
    close,
    edges_of,
)
from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.project import reach
from flake8_ssot.project.runner import check_files, make_plan
from flake8_ssot.checking.tokens import TokenScan
from flake8_ssot.project.scan import plain
from ssot_testing import run_flake8


def _edges(source: str) -> Edges:
    return edges_of(ast.parse(textwrap.dedent(source)))


def test_edges_are_the_module_level_bindings_resolution_follows():
    edges = _edges("""\
        from .websocket.message_handler import QueueHandler as QH
        from . import helpers
        import a.legacy as mh
        import a.b.c
        X = pkg.Known
        Y = factory()
        class Sub(base.Known[int], Mixin, metaclass=Meta):
            def __init__(self, supervisor, *, db=None):
                local = Known
        if TYPE_CHECKING:
            from .legacy import *
        def helper():
            from x import Inner
        """)
    assert edges.bindings == (
        Binding(("QH",), ("QueueHandler",), ("websocket", "message_handler")),
        Binding(("helpers",), ("helpers",), ()),
        Binding(("mh",), (), ("a", "legacy")),
        Binding(("X",), ("pkg", "Known")),
        Binding(("Sub",), ("Known", "Mixin", "base"), (), ("self", "supervisor", "db"), True),
    )
    assert edges.stars == (StarImport(1, "legacy"),)
    assert Edges.from_json(edges.to_json()) == edges


def test_the_fixpoint_follows_imports_and_aliases_for_legacy_names_and_subclasses_for_constructors():
    seeds = Seeds({"legacy", "Old"}, {"legacy"}, frozenset({"supervisor"}))
    edges = [
        _edges("from .legacy import Handler as Legacy\nAlias = Legacy\nclass Derived(Legacy): pass\n"),
        _edges("from pkg import Alias as Again\n"),
        _edges("class Base:\n    def __init__(self, supervisor): pass\n"),
        _edges("from base import Base\nclass Child(Base): pass\nCH = Child\n"),
        _edges("class Unrelated(Other): pass\nO = Old\n"),
    ]
    known = close(seeds, edges)
    # Derived is a class of its own (not legacy); Base and Child construct through a legacy __init__.
    assert known == {"legacy", "Old", "Legacy", "Alias", "Again", "O", "Base", "Child", "CH"}


def test_a_forbidden_modules_own_imports_of_its_siblings_carry_nothing_by_themselves():
    seeds = Seeds({"legacy", "helpers"}, {"legacy", "helpers"}, frozenset())
    inside = _edges("from .helpers import logger\n").without_modules()
    assert close(seeds, [inside]) == {"legacy", "helpers"}
    assert close(seeds, [_edges("from .helpers import logger\n")]) == {"legacy", "helpers", "logger"}


def test_a_view_remembers_the_names_it_said_were_not_legacy():
    view = ClosureView(Closure(frozenset({"Legacy"}), frozenset({"app.carrier"})))
    assert view.may_carry("Legacy")
    assert view.may_carry("Anything", "app.carrier")
    assert not view.may_carry("Other", "app.models")
    assert not view.reaches(["Foo", "bar"])
    assert view.reaches(["Foo", "Legacy"])
    assert view.missed == {"Other", "models", "Foo", "bar"}


@pytest.mark.parametrize(
    "text, filename, expected",
    [
        ("x = Legacy()\n", None, True),
        ("x = LegacyMore()\n", None, False),
        ("x = my_Legacy\n", None, False),
        ("from . import thing\n", None, True),  # a dots-only import: unknown file, may read a carrier package
        ("from . import thing\n", "/p/pkg/sub/mod.py", True),
        ("from . import thing\n", "/p/other/mod.py", False),
        ("from .sibling import thing\n", "/p/pkg/mod.py", False),
    ],
)
def test_a_text_mentions_the_closure_by_whole_identifiers_or_a_relative_import_below_a_carrier_package(
    text, filename, expected
):
    closure = Closure(frozenset({"Legacy"}), frozenset({"pkg"}), frozenset({os.path.normpath("/p/pkg")}))
    assert closure.mentioned_in(text, filename=filename) is expected


def test_a_closure_extended_by_a_buffer_follows_its_bindings():
    closure = Closure(frozenset({"Legacy"}), modules=frozenset({"legacy"}), parameters=frozenset({"supervisor"}))
    extended = closure.extended(_edges("Alias = Legacy\nclass Sub(Legacy): pass\n"))
    assert extended.names == {"Legacy", "Alias", "Sub"}
    assert closure.extended(_edges("x = 1\n")) is closure


def test_a_token_scan_finds_every_token_through_its_cover():
    tokens = {f"ConnectionManager{n}" for n in range(30)} | {"QueueHandler", "mh", "legacy_handlers_3"}
    scan = TokenScan(tokens, as_bytes=True)
    assert scan.hits(b"x = ConnectionManager17 + mh\n") == {"ConnectionManager1", "ConnectionManager17", "mh"}
    assert scan.hits(b"nothing here\n") == set()
    assert scan.any_in(b"from q import QueueHandler\n")
    assert not scan.any_in(b"from q import Queue\n")
    text = TokenScan(tokens, as_bytes=False)
    assert text.hits("x = ConnectionManager17 + mh\n") == {"ConnectionManager1", "ConnectionManager17", "mh"}
    assert not text.any_in("from q import Queue\n")


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"import os\n", True),
        (b"# -*- coding: latin-1 -*-\nimport os\n", False),
        (b"#!/usr/bin/env python\n# vim: set fileencoding=utf-8 :\n", False),
        (b"x = 1\ny = 2\n# coding: latin-1 on line three does not count\n", True),
        ("x = 'é'\n".encode("utf-8"), False),
    ],
)
def test_bytes_stand_for_the_text_only_when_ascii_without_a_cookie(data, expected):
    assert plain(data) is expected


REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core
ssot-forbidden-names =
    app.compat.OldManager = app.core.Manager
ssot-canonical-classes =
    Handler = app.core
ssot-legacy-parameters =
    *Handler = supervisor
"""

# Each chain below needs the closure to grow over several rounds, through another file each time.
PROJECT = {
    # A star carrier: the package re-exports the forbidden module's names by a star import.
    "app/__init__.py": "from .legacy.impl import *  # noqa: SOT101\n",
    "app/core.py": "class Handler:\n    pass\n\n\nclass Manager:\n    pass\n",
    "app/legacy/__init__.py": "from .impl import *\nfrom .impl import QueueHandler as _Queue\n",
    "app/legacy/impl.py": (
        "class QueueHandler:\n    def __init__(self, supervisor, factory):\n        self.supervisor = supervisor\n\n\n"
        "def helper():\n    return 1\n"
    ),
    "app/compat.py": "class OldManager:\n    pass\n",
    # Round 2: names bound from the forbidden module.
    "app/services/__init__.py": "from app.legacy import QueueHandler as ServiceHandler  # noqa: SOT101\n",
    "app/shim.py": "from app.compat import OldManager as Manager2  # noqa: SOT102\n",
    # Round 3: aliases of those names, and a subclass of the legacy handler.
    "app/relay.py": "from app.services import ServiceHandler\n\nRelayHandler = ServiceHandler\n",
    "app/custom.py": "from app.services import ServiceHandler\n\n\nclass CustomHandler(ServiceHandler):\n    pass\n",
    # Round 4: consumers of the aliases.
    "app/use_relay.py": "from app.relay import RelayHandler\n\nRelayHandler(object(), object())\n",
    "app/use_custom.py": "from app import custom\n\ncustom.CustomHandler(1, 2)\n",
    "app/use_shim.py": "import app.shim as s\n\nvalue = s.Manager2\n",
    "app/inner.py": "from . import helper\n\nhelper()\n",
    "app/use_carrier.py": "from app import helper\n\nhelper()\n",
    # Spelt with full-width letters: the parser normalises identifiers, a byte scan would miss it.
    "app/wide.py": "from app.relay import ＲｅｌａｙＨａｎｄｌｅｒ\n",
    # Mentions, but binds nothing legacy.
    "app/innocent.py": "def f(ServiceHandler):\n    return ServiceHandler\n",
}


IMPORTED = "'{}' imported from '{}' is defined in 'app.legacy.impl', inside legacy module 'app.legacy'; use 'app.core'"
REMOVE = "remove 'supervisor' (legacy for classes matching '*Handler')"
PASSES = (
    "'{}(...)' passes argument 1 as legacy parameter 'supervisor' (positional parameter 1 of "
    "'app.legacy.impl.QueueHandler.__init__'); " + REMOVE
)


def _write(root: Path, files: Dict[str, str]) -> List[str]:
    (root / "setup.cfg").write_text(REGISTRY, encoding="utf-8")
    paths = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return sorted(paths)


def _findings(root: Path, paths: List[str], prefilter: bool, jobs: int = 1) -> Dict[str, List[Tuple[int, int, str]]]:
    registry = load_registry(ConfigRequest(cwd=str(root)))
    plan = replace(make_plan(registry, None), prefilter=prefilter)
    found = {}
    for result in check_files(paths, plan, jobs):
        rows = [(item.finding.line, item.finding.col, item.finding.message) for item in result.located]
        if rows:
            found[os.path.relpath(result.path, root)] = rows
    return found


def test_the_pass_follows_chains_through_several_rounds_and_stays_lossless(tmp_path: Path) -> None:
    paths = _write(tmp_path, PROJECT)
    fast = _findings(tmp_path, paths, prefilter=True)
    assert fast == _findings(tmp_path, paths, prefilter=False)
    assert fast == {
        "app/custom.py": [(1, 0, "SOT105 " + IMPORTED.format("ServiceHandler", "app.services"))],
        "app/inner.py": [(1, 0, "SOT105 " + IMPORTED.format("helper", "app"))],
        "app/legacy/impl.py": [
            (2, 23, "SOT201 'QueueHandler.__init__' takes legacy parameter 'supervisor'; " + REMOVE),
        ],
        "app/relay.py": [(1, 0, "SOT105 " + IMPORTED.format("ServiceHandler", "app.services"))],
        "app/use_carrier.py": [(1, 0, "SOT105 " + IMPORTED.format("helper", "app"))],
        "app/use_custom.py": [(3, 21, "SOT202 " + PASSES.format("custom.CustomHandler"))],
        "app/use_relay.py": [
            (1, 0, "SOT105 " + IMPORTED.format("RelayHandler", "app.relay")),
            (3, 13, "SOT202 " + PASSES.format("RelayHandler")),
        ],
        "app/wide.py": [(1, 0, "SOT105 " + IMPORTED.format("RelayHandler", "app.relay"))],
    }


def test_the_universe_holds_what_resolution_can_read_even_when_only_some_files_are_checked(tmp_path: Path) -> None:
    paths = _write(tmp_path, PROJECT)
    checked = [path for path in paths if path.endswith(("use_relay.py", "use_carrier.py", "use_shim.py"))]
    fast = _findings(tmp_path, checked, prefilter=True)
    assert fast == _findings(tmp_path, checked, prefilter=False)
    assert sorted(fast) == ["app/use_carrier.py", "app/use_relay.py"]
    registry = load_registry(ConfigRequest(cwd=str(tmp_path)))
    roots = reach.resolution_roots(registry, checked)
    assert roots == (str(tmp_path),)
    assert len(reach.universe(roots)) == len(PROJECT)


def test_a_legacy_parameter_name_makes_a_file_worth_reading_only_where_an_init_can_declare_it(
    tmp_path: Path,
) -> None:
    files = {
        "app/__init__.py": "",
        # Not a *Handler: only its own __init__ taking the parameter makes its subclasses legacy.
        "app/base.py": "class Base:\n    def __init__(self, supervisor):\n        self.s = supervisor\n",
        "app/sub.py": "from app.base import Base\n\n\nclass RelayHandler(Base):\n    pass\n",
        "app/use.py": "from app.sub import RelayHandler\n\nRelayHandler(object())\n",
        # The parameter's name as a variable and a keyword: nothing here can declare it.
        "app/variable.py": "supervisor = None\nprint(supervisor, sep=supervisor)\n",
    }
    paths = _write(tmp_path, files)
    registry = load_registry(ConfigRequest(cwd=str(tmp_path)))
    results = {os.path.relpath(r.path, tmp_path): r for r in check_files(paths, make_plan(registry, None), 1)}
    assert {path: result.parsed for path, result in results.items()} == {
        "app/__init__.py": False,
        "app/base.py": True,
        "app/sub.py": True,
        "app/use.py": True,
        "app/variable.py": False,
    }
    passes = PASSES.replace("app.legacy.impl.QueueHandler", "app.base.Base").format("RelayHandler")
    assert _findings(tmp_path, paths, prefilter=True) == {"app/use.py": [(3, 13, "SOT202 " + passes)]}
    assert _findings(tmp_path, paths, prefilter=False) == {"app/use.py": [(3, 13, "SOT202 " + passes)]}


def test_workers_and_one_process_agree(tmp_path: Path) -> None:
    paths = _write(tmp_path, {**PROJECT, **{f"app/filler{n}.py": f"x = {n}\n" for n in range(40)}})
    assert _findings(tmp_path, paths, prefilter=True, jobs=2) == _findings(tmp_path, paths, prefilter=True, jobs=1)


def test_covered_modules_are_found_by_path_and_seed_the_closure(tmp_path: Path) -> None:
    paths = _write(tmp_path, PROJECT)
    registry = load_registry(ConfigRequest(cwd=str(tmp_path)))
    covered = reach.covered_modules(registry, paths, (str(tmp_path),))
    assert {os.path.relpath(path, tmp_path): name for path, name in covered.items()} == {
        "app/legacy/__init__.py": "app.legacy",
        "app/legacy/impl.py": "app.legacy.impl",
    }
    seeds = reach.seeds_for(registry, covered)
    assert (seeds.names, seeds.modules, seeds.parameters) == (
        {"legacy", "impl", "OldManager"},
        {"legacy", "impl"},
        frozenset({"supervisor"}),
    )


def _flake8_lines(root: Path, *args: str, stdin: Optional[str] = None) -> List[str]:
    result = run_flake8(["--select", "SOT", *args], root, stdin=stdin)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return sorted(line[2:] if line.startswith("./") else line for line in result.stdout.splitlines())


@pytest.mark.slow
def test_the_plugin_narrows_itself_with_the_same_closure_and_reports_what_check_reports(tmp_path: Path) -> None:
    paths = _write(tmp_path, PROJECT)
    expected = sorted(
        f"{path}:{line}:{col + 1}: {message}"
        for path, rows in _findings(tmp_path, paths, False).items()
        for line, col, message in rows
    )
    assert _flake8_lines(tmp_path, "-j", "1", ".") == expected
    manifests = list((tmp_path / ".flake8-ssot-cache").glob("manifest-*.json"))
    assert len(manifests) == 1  # the project's closure, kept for the next run
    assert _flake8_lines(tmp_path, "-j", "2", ".") == expected  # served from it, in two workers
    # A buffer whose module-level bindings differ from the file on disk: its own bindings count.
    buffer = "from app.services import ServiceHandler as Fresh\n\n\nclass LocalHandler(Fresh):\n    pass\n\n\nLocalHandler(1, 2)\n"
    assert _flake8_lines(tmp_path, "--stdin-display-name", "app/innocent.py", "-", stdin=buffer) == [
        "app/innocent.py:1:1: SOT105 " + IMPORTED.format("ServiceHandler", "app.services"),
        "app/innocent.py:8:14: SOT202 " + PASSES.format("LocalHandler"),
    ]


def test_a_file_outside_the_closures_scope_is_checked_without_it(tmp_path: Path) -> None:
    paths = _write(tmp_path, PROJECT)
    registry = load_registry(ConfigRequest(cwd=str(tmp_path)))
    scope = reach.Scope(registry)
    assert scope.roots == (str(tmp_path),) and scope.every_directory
    assert scope.covers(paths[0])
    assert not scope.covers("stdin")
    assert not scope.covers(str(tmp_path.parent / "elsewhere" / "x.py"))


# SOT302 bindings whose verdict depends on other files: one finding per import, whichever round of
# the pass the file is looked at in.
CANONICAL_BINDINGS = {
    "app/relay_core.py": "from app.core import Handler as CoreHandler\n",
    "app/canon_same.py": "from app.relay_core import CoreHandler as Handler\n",
    "app/canon_other_class.py": "from app.core import Manager as Handler\n",
    "app/canon_name.py": "from app.compat import OldManager as Handler\n",
    "app/canon_round_two.py": "from app.services import ServiceHandler as Handler\n",
    "app/canon_round_three.py": "from app.relay import RelayHandler as Handler\n",
}


def test_canonical_bindings_get_one_finding_each_through_every_round(tmp_path: Path) -> None:
    paths = _write(tmp_path, {**PROJECT, **CANONICAL_BINDINGS})
    fast = _findings(tmp_path, paths, prefilter=True)
    assert fast == _findings(tmp_path, paths, prefilter=False)
    assert {name: rows for name, rows in fast.items() if name.startswith("app/canon")} == {
        "app/canon_name.py": [(1, 0, "SOT102 import of legacy name 'app.compat.OldManager'; use 'app.core.Manager'")],
        "app/canon_other_class.py": [
            (
                1,
                0,
                "SOT302 'Handler' is bound to class 'app.core.Manager', which is not the canonical class "
                "'app.core.Handler'; import that class instead",
            )
        ],
        "app/canon_round_three.py": [(1, 0, "SOT105 " + IMPORTED.format("RelayHandler", "app.relay"))],
        "app/canon_round_two.py": [(1, 0, "SOT105 " + IMPORTED.format("ServiceHandler", "app.services"))],
    }
