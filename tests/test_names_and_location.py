"""Dotted names, wildcard patterns, relative imports, and which module a file is."""

from __future__ import annotations

import pytest

from flake8_ssot.location import UNKNOWN, ModuleIdentity, identify
from flake8_ssot.names import DottedPattern, is_dotted_name, is_dotted_pattern, resolve_relative


@pytest.mark.parametrize(
    "text,valid",
    [
        ("a", True),
        ("a.b.c", True),
        ("a..b", False),
        ("a.b.", False),
        ("1abc", False),
        ("a.class", False),
        ("", False),
        ("a-b", False),
    ],
)
def test_dotted_names(text, valid):
    assert is_dotted_name(text) is valid


@pytest.mark.parametrize(
    "text,valid", [("a.*.b", True), ("*.legacy", True), ("*", False), ("a.**", False), ("a.b*", False)]
)
def test_dotted_patterns(text, valid):
    assert is_dotted_pattern(text) is valid


@pytest.mark.parametrize(
    "pattern,dotted,matched",
    [
        ("a.legacy", "a.legacy", "a.legacy"),
        ("a.legacy", "a.legacy.sub.x", "a.legacy"),
        ("a.legacy", "a.legacy_x", None),
        ("a.legacy", "a", None),
        ("a.*.legacy", "a.x.legacy.y", "a.x.legacy"),
        ("a.*.legacy", "a.legacy", None),
        ("a.*.legacy", "a.x.y.legacy", None),
    ],
)
def test_patterns_cover_submodules(pattern, dotted, matched):
    assert DottedPattern(pattern).covering_prefix(dotted) == matched


@pytest.mark.parametrize(
    "package,level,module,resolved",
    [
        ("a.b", 1, "c", "a.b.c"),
        ("a.b", 2, "c", "a.c"),
        ("a.b", 2, None, "a"),
        ("a.b", 3, "c", None),
        ("a", 1, None, "a"),
        (None, 1, "c", None),
        ("a.b", 0, "x.y", "x.y"),
        ("", 1, "c", None),
    ],
)
def test_relative_imports(package, level, module, resolved):
    assert resolve_relative(package, level, module) == resolved


def _tree(tmp_path, *files):
    for name in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")


def test_identity_from_init_files_supports_src_layouts(tmp_path):
    _tree(tmp_path, "src/app/__init__.py", "src/app/sub/__init__.py", "src/app/sub/mod.py")
    assert identify(str(tmp_path / "src/app/sub/mod.py")) == ModuleIdentity("app.sub.mod")
    assert identify(str(tmp_path / "src/app/sub/__init__.py")) == ModuleIdentity("app.sub", is_package=True)


def test_identity_from_configured_roots_prefers_the_deepest(tmp_path):
    _tree(tmp_path, "ns/pkg/mod.py", "ns/other.py")
    roots = (str(tmp_path), str(tmp_path / "ns"))
    assert identify(str(tmp_path / "ns/pkg/mod.py"), roots) == ModuleIdentity("pkg.mod")


def test_files_outside_the_roots_fall_back_to_init_detection(tmp_path):
    _tree(tmp_path, "lib/x/__init__.py", "lib/x/y.py", "src/.keep")
    assert identify(str(tmp_path / "lib/x/y.py"), (str(tmp_path / "src"),)) == ModuleIdentity("x.y")


def test_scripts_are_known_but_belong_to_no_module(tmp_path):
    _tree(tmp_path, "bin/run-me.py")
    assert identify(str(tmp_path / "bin/run-me.py")) == ModuleIdentity(None)


@pytest.mark.parametrize("name", ["stdin", "-", ""])
def test_stdin_without_display_name_is_unknown(name):
    assert identify(name) == UNKNOWN
