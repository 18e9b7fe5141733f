"""The process-wide cache of module digests: bounded, shared across files, notices edits, and
astroid's own cache does not grow; only one module knows astroid's API."""

from __future__ import annotations

import ast
import os
import re
import textwrap
from pathlib import Path

from astroid.manager import AstroidManager

import flake8_ssot
from flake8_ssot import resolution
from flake8_ssot.engine import Engine
from flake8_ssot.location import identify
from flake8_ssot.resolution.astroid_backend import summarise_file, summarise_source
from flake8_ssot.resolution.index import ModuleIndex, SummaryCache
from ssot_testing import registry_from_ini

REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_cache_is_bounded_least_recently_used_first_out(tmp_path):
    for number in range(6):
        write(tmp_path / f"m{number}.py", f"X{number} = 1\n")
    cache = SummaryCache(summarise_file, max_entries=3)
    index = ModuleIndex([str(tmp_path)], cache)
    for number in range(6):
        assert index.summary(f"m{number}") is not None
    assert len(cache) == 3 and cache.builds == 6
    assert index.summary("m5") is not None and cache.builds == 6  # still cached
    assert index.summary("m0") is not None and cache.builds == 7  # evicted, parsed again


def test_an_edited_module_is_noticed_in_the_next_checked_file(tmp_path):
    write(tmp_path / "m.py", "X = 1\n")
    cache = SummaryCache(summarise_file)
    index = ModuleIndex([str(tmp_path)], cache)
    first = index.summary("m")
    write(tmp_path / "m.py", "Y = 22\n")
    os.utime(tmp_path / "m.py", ns=(1, 1))
    assert index.summary("m") is first  # same checked file: no re-validation
    cache.generation += 1
    second = index.summary("m")
    assert second is not first and second.binds("Y") and not second.binds("X")
    cache.generation += 1
    assert index.summary("m") is second and cache.builds == 2  # unchanged: not parsed again


def test_a_new_module_is_found_in_the_next_checked_file(tmp_path):
    cache = SummaryCache(summarise_file)
    index = ModuleIndex([str(tmp_path)], cache)
    assert index.locate("late") is None
    write(tmp_path / "late.py", "X = 1\n")
    assert index.locate("late") is None
    cache.generation += 1
    assert index.locate("late") is not None


def test_an_editor_process_sees_a_reexport_disappear(tmp_path):
    write(tmp_path / "app/__init__.py", "")
    write(tmp_path / "app/legacy.py", "class Handler:\n    pass\n")
    write(tmp_path / "app/core.py", "class Handler:\n    pass\n")
    registry = registry_from_ini(tmp_path, REGISTRY)
    engine = Engine(registry)
    consumer = tmp_path / "app/consumer.py"
    source = "from app import Handler\n"
    write(consumer, source)

    def codes():
        identity = identify(str(consumer), None)
        return [f.code for f in engine.check_tree(ast.parse(source), identity, engine.select(source), str(consumer))]

    write(tmp_path / "app/__init__.py", "from .legacy import Handler\n")
    assert codes() == ["SOT105"]
    write(tmp_path / "app/__init__.py", "from .core import Handler\n")
    os.utime(tmp_path / "app/__init__.py", ns=(10**9, 10**9))
    assert codes() == []


def test_digests_are_shared_across_checked_files(tmp_path):
    resolution.reset_shared_cache()
    write(tmp_path / "app/__init__.py", "from .legacy import Handler\n")
    write(tmp_path / "app/legacy.py", "class Handler:\n    pass\n")
    registry = registry_from_ini(tmp_path, REGISTRY)
    engine = Engine(registry)
    for number in range(5):
        path = tmp_path / f"app/user{number}.py"
        source = "from app import Handler\n"
        write(path, source)
        found = engine.check_tree(ast.parse(source), identify(str(path), None), engine.select(source), str(path))
        assert [f.code for f in found] == ["SOT105"]
    cache = resolution.shared_cache()
    assert cache is not None and cache.builds == 2  # app/__init__.py and app/legacy.py, once each
    resolution.reset_shared_cache()


def test_astroid_keeps_none_of_the_modules_it_built(tmp_path):
    manager = AstroidManager()
    before = set(manager.astroid_cache)
    write(tmp_path / "pkg/__init__.py", "from .inner import *\nimport os\nos.environ_x = 1\n")
    write(tmp_path / "pkg/inner.py", "class Handler:\n    pass\n")
    summary = summarise_file(str(tmp_path / "pkg/__init__.py"), "pkg", True)
    assert summary is not None
    assert summarise_source("x = 1\n", "from_source", False) is not None
    assert set(manager.astroid_cache) - before == set()


def test_only_the_backend_knows_astroid():
    package = Path(flake8_ssot.__file__).parent
    importing = set()
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(from astroid\b|import astroid\b)", text, re.MULTILINE):
            importing.add(path.relative_to(package).as_posix())
    assert importing == {"resolution/astroid_backend.py"}


def test_the_astroid_api_used_exists_in_every_supported_version():
    from astroid import nodes
    from astroid.builder import AstroidBuilder

    for name in ("ImportFrom", "Import", "ClassDef", "FunctionDef", "Assign", "AnnAssign", "AugAssign",
                 "AssignName", "DelName", "Name", "Attribute", "Subscript", "Const", "List", "Tuple",
                 "BinOp", "Call", "Starred"):
        assert hasattr(nodes, name), name
    for method in ("file_build", "string_build", "add_from_names_to_locals", "delayed_assattr"):
        assert callable(getattr(AstroidBuilder, method)), method
    assert isinstance(AstroidManager().astroid_cache, dict)
