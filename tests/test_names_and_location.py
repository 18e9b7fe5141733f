"""Dotted names, wildcard patterns, relative imports, and which module a file is."""

from __future__ import annotations

import pytest

from flake8_ssot.location import UNKNOWN, ModuleIdentity, identify
from flake8_ssot.names import (
    ANY,
    LITERAL,
    ONE,
    DottedPattern,
    glob_matches,
    is_dotted_name,
    is_dotted_pattern,
    pattern_problem,
    resolve_relative,
)


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
    "text,valid",
    [
        ("a.*.b", True),
        ("*.legacy", True),
        ("*", False),
        ("a.**", False),
        ("a.b*", False),
        ("a.**.b", True),
        ("**.legacy", True),
        ("*.**.legacy", True),
        ("a.**.b.**.c", True),
        ("**", False),
        ("**.*", False),
        ("a.**.**.b", False),
        ("a.***.b", False),
        ("a.**b", False),
    ],
)
def test_dotted_patterns(text, valid):
    assert is_dotted_pattern(text) is valid


@pytest.mark.parametrize(
    "text,problem",
    [
        ("a..b", "not a valid dotted module name (segments may be '*' or '**')"),
        ("a.class", "not a valid dotted module name (segments may be '*' or '**')"),
        ("a.b*", "segment 'b*' mixes a name and '*'; '*' and '**' stand for whole segments"),
        ("a.***.b", "segment '***' mixes a name and '*'; '*' and '**' stand for whole segments"),
        ("**.*", "needs at least one named segment: wildcards alone would forbid every module"),
        ("a.**.**.b", "'**.**' is one '**'; write it once"),
        ("a.b.**", "a trailing '**' adds nothing (a forbidden module covers its submodules); write 'a.b'"),
        ("a.**.b", None),
    ],
)
def test_pattern_problems_say_what_is_wrong(text, problem):
    assert pattern_problem(text) == problem


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
        # '**': zero or more segments (flake8-tidy-imports' documented 'site.*.migrations').
        ("site.**.migrations", "site.migrations", "site.migrations"),
        ("site.**.migrations", "site.app.migrations", "site.app.migrations"),
        ("site.**.migrations", "site.app.production.migrations", "site.app.production.migrations"),
        ("site.**.migrations", "site.app.production.migrations.0001", "site.app.production.migrations"),
        ("site.**.migrations", "site.app", None),
        ("site.**.migrations", "site.migrationsx", None),
        ("site.**.migrations", "other.migrations", None),
        # The shortest match is the legacy module; what lies below it is inside it.
        ("site.**.migrations", "site.migrations.migrations", "site.migrations"),
        ("**.migrations", "migrations", "migrations"),
        ("**.migrations", "a.b.migrations.x", "a.b.migrations"),
        ("*.**.migrations", "migrations", None),
        ("*.**.migrations", "a.migrations", "a.migrations"),
        ("a.**.b.**.c", "a.b.c", "a.b.c"),
        ("a.**.b.**.c", "a.x.b.y.z.c.d", "a.x.b.y.z.c"),
        ("a.**.b.**.c", "a.c.b", None),
    ],
)
def test_patterns_cover_submodules(pattern, dotted, matched):
    assert DottedPattern(pattern).covering_prefix(dotted) == matched


@pytest.mark.parametrize(
    "pattern,dotted,ranks",
    [
        ("a.b.c", "a.b.c.d", (LITERAL, LITERAL, LITERAL)),
        ("a.*.c", "a.b.c", (LITERAL, ONE, LITERAL)),
        ("a.**.c", "a.b.x.c", (LITERAL, ANY, ANY, LITERAL)),
        # Two ways to match: the one with the literal segment first is what counts.
        ("a.**.b.**.c", "a.b.b.c", (LITERAL, LITERAL, ANY, LITERAL)),
    ],
)
def test_a_match_says_what_matched_each_segment(pattern, dotted, ranks):
    found = DottedPattern(pattern).match(dotted)
    assert found is not None and found[1] == ranks


@pytest.mark.parametrize(
    "pattern,dotted,below",
    [
        ("a.b.legacy", "a", True),
        ("a.b.legacy", "a.b", True),
        ("a.b.legacy", "a.b.legacy", False),
        ("a.*.legacy", "a.x", True),
        ("a.**.legacy", "a", True),
        ("a.**.legacy", "a.x.y.z", True),
        ("a.**.legacy", "b", False),
        ("**.legacy", "anything.at.all", True),
    ],
)
def test_packages_that_can_hold_a_match(pattern, dotted, below):
    assert DottedPattern(pattern).holds_below(dotted) is below


@pytest.mark.parametrize(
    "glob,module,matches",
    [
        ("app.migrations.*", "app.migrations.m1", True),
        ("app.migrations.*", "app.migrations", False),
        ("app.*", "app.a.b", True),  # fnmatch: '*' spans dots
        ("app.**", "app", True),
        ("app.**", "app.a.b", True),
        ("app.**.migrations", "app.migrations", True),
        ("app.**.migrations", "app.x.y.migrations", True),
        ("app.**.migrations", "app.x.migrationsx", False),
        ("**.tests.*", "tests.test_a", True),
        ("**.tests.*", "app.tests.test_a", True),
        ("**.tests.*", "app.tests", False),
        ("app.**.m?", "app.x.m1", True),
    ],
)
def test_allow_globs_take_double_star_as_any_number_of_segments(glob, module, matches):
    assert glob_matches(glob, module) is matches


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
