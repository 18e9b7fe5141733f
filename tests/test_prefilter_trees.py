"""The prefilter keeps its invariant: a file it rules out holds no finding.  Proven file by file
(findings with the prefilter equal findings with every active rule on every file) with cross-file
resolution on, on a generated application tree and on the standard library with the benchmark's
registry; on the standard library with a registry banning real modules that its strings name
(SOT106, SOT107); and on the exact spellings of the import statements the re-export rule follows."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
import sys
import sysconfig
from pathlib import Path
from typing import List, Optional, Set

import pytest

from flake8_ssot.checking.words import package_import_words
from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.engine import Engine
from flake8_ssot.location import identify
from flake8_ssot.project.analyse import analyse_text
from flake8_ssot.project.runner import check_files, make_plan
from flake8_ssot.project.source import Unreadable, decode, read_bytes

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import generate_tree  # noqa: E402
import run as harness  # noqa: E402

PACKAGES = [("app",), ("app", "services"), ("app", "services", "websocket")]


@pytest.mark.parametrize(
    "text, holds",
    [
        ("from app import x\n", True),
        ("from app.services import x\n", True),
        ("from app . services \\\n import x\n", True),
        ("from app.services.websocket import m\n", True),
        ("from app.accounts import x\n", False),
        ("from app.accounts.models import Account\n", False),
        ("from app.services.websocket.message_handler import m\n", False),  # the forbidden module: SOT101's
        ("import app.accounts.x\n", True),  # binds 'app'
        ("import os, app\n", True),
        ("import \\\n  app.x\n", True),
        ("import os.app\n", False),
        ("import os\napp = 1\n", False),
        ("from x import y\n", False),
        ("from . import x\n", True),  # an ancestor of the file's own package: cannot be ruled out
        ("from .. import x\n", True),
        ("from .import x\n", True),
        ("from .services import x\n", True),
        ("from ..x.services import y\n", True),
        ("from . websocket \\\n import m\n", True),
        ("from ..x.y import z\n", False),
        ("from .websocketx import m\n", False),
    ],
)
def test_package_import_words_hold_exactly_the_imports_that_can_read_a_package(text, holds):
    assert any(pattern.search(text) for pattern in package_import_words(PACKAGES)) is holds


# The packages that can hold 'site.**.migrations' and 'app.**.core.legacy': 'site' and anything
# below it; 'app', anything below it, and 'app.**.core'.
DEEP_PACKAGES = [("site",), ("site", "**"), ("app",), ("app", "**"), ("app", "**", "core")]


@pytest.mark.parametrize(
    "text, holds",
    [
        ("from site import x\n", True),
        ("from site.app import x\n", True),
        ("from site.app.production import x\n", True),
        ("from site . app \\\n . production import x\n", True),
        ("from app.a.b.c.core import legacy\n", True),
        ("import site.app.x\n", True),  # binds 'site'
        ("from sitex.app import x\n", False),
        ("from other.site import x\n", False),
        ("import other.site\n", False),
        ("from . import x\n", True),
        ("from ..production import x\n", True),  # '**' may end in any segment
    ],
)
def test_package_import_words_take_double_star_as_any_number_of_segments(text, holds):
    assert any(pattern.search(text) for pattern in package_import_words(DEEP_PACKAGES)) is holds


@pytest.mark.parametrize(
    "packages, text, holds",
    [
        ([("a", "**", "b")], "from a.b import x\n", True),
        ([("a", "**", "b")], "from a.x.y.b import z\n", True),
        ([("a", "**", "b")], "from a.x import z\n", False),
        ([("a", "**", "b")], "from a.bx import z\n", False),
        ([("a", "*", "**", "b")], "from a.b import x\n", False),
        ([("a", "*", "**", "b")], "from a.x.b import y\n", True),
    ],
)
def test_a_double_star_between_named_segments(packages, text, holds):
    reads_from = package_import_words(packages)[0]
    assert bool(reads_from.search(text)) is holds


def _assert_lossless(root: str, paths: List[str], codes: Optional[Set[str]] = None, resolve: bool = True) -> int:
    """The number of files with findings; ``codes`` receives the codes found."""
    registry = load_registry(ConfigRequest(cwd=root))
    assert registry.resolve is resolve
    engine = Engine(registry)
    checked = 0
    for path in paths:
        try:
            text = decode(read_bytes(path))
        except Unreadable:  # the command reports SOT901 before any rule: nothing to compare
            continue
        identity = identify(path, registry.source_roots)
        fast = analyse_text(engine, text, path, identity, prefilter=True)
        full = analyse_text(engine, text, path, identity, prefilter=False)
        # A file the prefilter rules out is not parsed, so its syntax errors (SOT901) are not seen.
        assert sorted(f for f in fast.findings if f.code != "SOT901") == sorted(
            f for f in full.findings if f.code != "SOT901"
        ), path
        assert {f for f in fast.findings if f.code == "SOT901"} <= set(full.findings), path
        checked += bool(full.findings)
        if codes is not None:
            codes.update(finding.code for finding in full.findings)
    return checked


def _assert_project_lossless(root: str, paths: List[str], resolve: bool = True) -> int:
    """The command's project-level pass (byte scan, closure rounds) reports exactly what every
    active rule run on every file reports, file by file."""
    registry = load_registry(ConfigRequest(cwd=root))
    assert registry.resolve is resolve
    fast = check_files(paths, make_plan(registry, None), jobs=1)
    full = check_files(paths, replace(make_plan(registry, None), prefilter=False), jobs=1)
    assert [result.path for result in fast] == [result.path for result in full] == sorted(paths)
    for quick, every in zip(fast, full):
        # A file the pass rules out is not parsed: its syntax errors (SOT901) are not seen, while
        # one that cannot be read or decoded is reported either way.
        unseen = [item for item in every.located if item.finding.code == "SOT901" and not quick.parsed]
        assert quick.located == [item for item in every.located if item not in unseen or item in quick.located]
        assert all("SyntaxError" in item.finding.text or item in quick.located for item in unseen), quick.path
    return sum(bool(result.located) for result in full)


@pytest.mark.slow
def test_prefilter_is_lossless_on_a_generated_application_tree(tmp_path: Path) -> None:
    tree = generate_tree.generate(str(tmp_path / "tree"), 400, 0)
    tree.write_config(resolve=True)
    paths = harness.python_files(str(tmp_path / "tree"))
    with_findings = _assert_lossless(str(tmp_path / "tree"), paths)
    assert len(paths) == 400 and with_findings >= 20
    assert _assert_project_lossless(str(tmp_path / "tree"), paths) >= with_findings


@pytest.mark.slow
def test_prefilter_is_lossless_with_globs_without_a_literal_part(tmp_path: Path) -> None:
    # '*' and '[A-Z]*' match every (CapWords) class: the prefilter keys on their parameter names.
    tree = generate_tree.generate(str(tmp_path / "tree"), 400, 0)
    tree.write_config(resolve=True)
    config = tmp_path / "tree" / "setup.cfg"
    text = config.read_text(encoding="utf-8")
    extra = "    * = db_session_factory\n    [A-Z]* = supervisor\n    [A-Z]*Service = queue\n"
    config.write_text(text.replace("ssot-legacy-parameters =\n", "ssot-legacy-parameters =\n" + extra), encoding="utf-8")
    paths = harness.python_files(str(tmp_path / "tree"))
    registry = load_registry(ConfigRequest(cwd=str(tmp_path / "tree")))
    assert [entry.key for entry in registry.legacy_parameters][:3] == ["*", "[A-Z]*", "[A-Z]*Service"]
    with_findings = _assert_lossless(str(tmp_path / "tree"), paths)
    assert len(paths) == 400 and with_findings >= 20


# The generated tree's registry with its legacy module written as '**' patterns, one matching it
# and more: every rule's prefilter words must still let every file with a finding through.
DEEP_SSOT = """\
[flake8]
ssot-forbidden-modules =
    app.**.message_handler = app.websocket_core.handlers ; queue-based
    app.*.**.websocket_core.unified_manager.legacy
ssot-forbidden-names =
    app.websocket_core.unified_manager.UnifiedWebSocketManager = app.websocket_core.websocket_manager.WebSocketManager
ssot-canonical-classes =
    UserMessageHandler = app.websocket_core.handlers
ssot-legacy-parameters =
    *Handler = supervisor, db_session_factory
ssot-resolve = true
"""


@pytest.mark.slow
def test_prefilter_is_lossless_with_double_star_patterns_on_a_generated_tree(tmp_path: Path) -> None:
    generate_tree.generate(str(tmp_path / "tree"), 400, 0)
    (tmp_path / "tree" / "setup.cfg").write_text(DEEP_SSOT, encoding="utf-8")
    paths = harness.python_files(str(tmp_path / "tree"))
    with_findings = _assert_lossless(str(tmp_path / "tree"), paths)
    assert len(paths) == 400 and with_findings >= 20


# The benchmark's standard-library registry, its modules written as '**' patterns.
STDLIB_DEEP = harness.STDLIB_SSOT.replace("json.decoder = json", "json.**.decoder = json").replace(
    "asyncio.base_events = asyncio", "**.base_events = asyncio"
)


@pytest.mark.slow
@pytest.mark.parametrize("registry", [harness.STDLIB_SSOT, STDLIB_DEEP], ids=["plain", "double-star"])
def test_prefilter_is_lossless_on_the_standard_library_with_resolution(tmp_path: Path, registry: str) -> None:
    source = sysconfig.get_paths()["stdlib"]
    root = tmp_path / "stdlib"
    picked = [
        path
        for index, path in enumerate(harness.python_files(source))
        if os.path.relpath(path, source).split(os.sep)[0] in ("json", "asyncio", "concurrent", "collections")
        or index % 6 == 0
    ]
    for path in picked:
        target = root / os.path.relpath(path, source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    (root / "setup.cfg").write_text("[flake8]\n" + registry + "ssot-resolve = true\n", encoding="utf-8")
    with_findings = _assert_lossless(str(root), harness.python_files(str(root)))
    assert len(picked) >= 250 and with_findings >= 5
    assert _assert_project_lossless(str(root), harness.python_files(str(root))) >= with_findings
    # Globs without a literal part ('*': every class takes no 'timeout' any more) and a character class.
    assert harness.STDLIB_SSOT.endswith("ssot-legacy-parameters =\n    *Handler = stream\n")
    globs = "    * = timeout\n    [A-Z]*Server = RequestHandlerClass\n"
    (root / "setup.cfg").write_text("[flake8]\n" + harness.STDLIB_SSOT + globs + "ssot-resolve = true\n", encoding="utf-8")
    with_globs = _assert_lossless(str(root), harness.python_files(str(root)))
    assert with_globs > with_findings
    assert _assert_project_lossless(str(root), harness.python_files(str(root))) >= with_globs


# Modules the standard library still names in strings: helpers importing them by name, code run
# with "-c" or exec.  Several are gone from newer Pythons; their names stay in strings.
STRING_BANS = """\
ssot-forbidden-modules =
    distutils = setuptools
    imp = importlib
    asyncore = asyncio
    optparse = argparse
    xml.etree.cElementTree = xml.etree.ElementTree
    unittest.mock = mock
"""
STRING_HINTS = (b'"-c"', b"'-c'", b"python -c", b"exec(", b"import_module(", b"import_deprecated(")


@pytest.mark.slow
def test_prefilter_is_lossless_on_the_standard_library_for_module_names_in_strings(tmp_path: Path) -> None:
    source = sysconfig.get_paths()["stdlib"]
    root = tmp_path / "stdlib"
    picked = []
    for index, path in enumerate(harness.python_files(source)):
        with open(path, "rb") as handle:
            data = handle.read()
        # Every 16th file, and the files whose strings are likeliest to hold code or module names.
        if index % 16 == 0 or any(word in data for word in STRING_HINTS):
            picked.append(path)
    for path in picked:
        target = root / os.path.relpath(path, source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    # Newer Pythons dropped most of these modules, and their strings with them: one file holds
    # both forms in every spelling, whatever the version.
    (root / "string_forms.py").write_text(
        "MODULES = ['imp', 'optparse', 'distutils.core', 'asy' 'ncore', 'unittest.m\\x6fck:patch']\n"
        "import_module('imp')\n"
        "CODE = 'from optparse import OptionParser'\n"
        "run([exe, '-c', CODE])\n"
        "os.system(\"python -c 'import xml.etree.cElement''Tree'\")\n",
        encoding="utf-8",
    )
    # The string rules read the file alone: resolution off keeps the run short.
    config = "[flake8]\n" + STRING_BANS + "ssot-source-roots = .\nssot-resolve = false\n"
    (root / "setup.cfg").write_text(config, encoding="utf-8")
    codes: Set[str] = set()
    with_findings = _assert_lossless(str(root), harness.python_files(str(root)), codes, resolve=False)
    assert len(picked) >= 250 and with_findings >= 20
    assert {"SOT106", "SOT107"} <= codes
    assert _assert_project_lossless(str(root), harness.python_files(str(root)), resolve=False) >= with_findings
