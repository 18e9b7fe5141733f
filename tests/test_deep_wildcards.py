"""``**`` in forbidden-module patterns: zero or more segments, in every rule, in allow-lists, in
validation, and losslessly through the text prefilter."""

from __future__ import annotations

import ast
import os
import textwrap
from pathlib import Path

import pytest

from flake8_ssot.config import ConfigError, ConfigRequest, load_registry
from flake8_ssot.engine import Engine
from flake8_ssot.location import ModuleIdentity
from ssot_testing import check_source, registry_from_ini

MIGRATIONS = """\
[flake8]
ssot-forbidden-modules =
    site.**.migrations ; squashed into site.db
"""
WHY = "it has been removed (squashed into site.db)"
AS = "(forbidden as 'site.**.migrations')"


def reported(source: str, registry, module: str = "app.consumers"):
    return sorted((f.line, f.col + 1, f.code, f.text) for f in check_source(source, registry, module=module))


@pytest.fixture
def migrations(tmp_path):
    return registry_from_ini(tmp_path, MIGRATIONS)


@pytest.mark.parametrize(
    "module",
    ["site.migrations", "site.app.migrations", "site.app.production.migrations"],
)
def test_double_star_matches_zero_or_more_segments_in_imports(migrations, module):
    assert reported(f"import {module}\nfrom {module}.m0001 import Migration\n", migrations) == [
        (1, 1, "SOT101", f"import of legacy module '{module}' {AS}; {WHY}"),
        (2, 1, "SOT101", f"import from '{module}.m0001', inside legacy module '{module}' {AS}; {WHY}"),
    ]


@pytest.mark.parametrize("module", ["site.app", "site.migrationsx", "other.migrations", "site"])
def test_double_star_does_not_match_what_it_should_not(migrations, module):
    assert reported(f"import {module}\n", migrations) == []


def test_double_star_in_strings_chains_and_relative_imports(migrations):
    source = textwrap.dedent(
        """\
        import site.app
        from unittest import mock
        from .. import migrations


        @mock.patch("site.app.production.migrations.m0002.run")
        def test(run):
            return site.app.migrations.m0001
        """
    )
    assert reported(source, migrations, module="site.app.views") == [
        (3, 1, "SOT101", f"import of legacy module 'site.migrations' {AS}; {WHY}"),
        (
            6,
            13,
            "SOT103",
            "patch target 'site.app.production.migrations.m0002.run' refers to legacy module "
            f"'site.app.production.migrations' {AS}; {WHY}",
        ),
        (
            8,
            12,
            "SOT104",
            f"attribute chain 'site.app.migrations.m0001' reaches legacy module 'site.app.migrations' {AS}; {WHY}",
        ),
    ]


def test_every_module_a_pattern_matches_is_exempt_from_it(migrations):
    """As with '*': the modules a pattern matches, and theirs, are the legacy code the entry is about."""
    assert reported("from site.app.migrations import m0001\n", migrations, module="site.app.migrations.m0002") == []
    assert reported("from site.migrations import m0001\n", migrations, module="site.app.migrations.m0002") == []
    assert reported("from site.migrations import m0001\n", migrations, module="site.app.models") == [
        (1, 1, "SOT101", f"import from legacy module 'site.migrations' {AS}; {WHY}"),
    ]


def test_leading_double_star_matches_at_any_depth_including_the_top(tmp_path):
    registry = registry_from_ini(tmp_path, "[flake8]\nssot-forbidden-modules = **.conftest_helpers\n")
    assert reported("import conftest_helpers\nfrom a.b.conftest_helpers import x\n", registry) == [
        (1, 1, "SOT101", "import of legacy module 'conftest_helpers' (forbidden as '**.conftest_helpers'); "
         "it has been removed"),
        (2, 1, "SOT101", "import from legacy module 'a.b.conftest_helpers' (forbidden as '**.conftest_helpers'); "
         "it has been removed"),
    ]


def test_allow_lists_take_double_star_as_any_number_of_segments(tmp_path):
    registry = registry_from_ini(
        tmp_path,
        """\
        [flake8]
        ssot-forbidden-modules = site.legacy
        ssot-allow = site.legacy = site.**.migrations.*
        """,
    )
    source = "import site.legacy\n"
    assert reported(source, registry, module="site.migrations.m0001") == []
    assert reported(source, registry, module="site.app.production.migrations.m0001") == []
    assert reported(source, registry, module="site.app.views") == [
        (1, 1, "SOT101", "import of legacy module 'site.legacy'; it has been removed"),
    ]


def test_an_allow_entry_names_a_double_star_entry_as_written(tmp_path):
    registry = registry_from_ini(
        tmp_path,
        """\
        [flake8]
        ssot-forbidden-modules = site.**.migrations
        ssot-allow = site.**.migrations = site.db.*
        """,
    )
    assert reported("import site.app.migrations\n", registry, module="site.db.squash") == []


def test_validation_names_file_line_key_and_what_is_wrong(tmp_path):
    (tmp_path / "setup.cfg").write_text(
        "[flake8]\n"
        "ssot-forbidden-modules =\n"
        "    site.**\n"
        "    site.**.**.migrations\n"
        "    **.*\n"
        "    site.migr**\n"
        "    ok.**.legacy = ok.**.new\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_registry(ConfigRequest(cwd=str(tmp_path)))
    lines = [line.replace(str(tmp_path) + os.sep, "") for line in raised.value.report().splitlines()[1:]]
    assert lines == [
        "  setup.cfg:3: ssot-forbidden-modules: 'site.**': a trailing '**' adds nothing (a forbidden module "
        "covers its submodules); write 'site'",
        "  setup.cfg:4: ssot-forbidden-modules: 'site.**.**.migrations': '**.**' is one '**'; write it once",
        "  setup.cfg:5: ssot-forbidden-modules: '**.*': needs at least one named segment: wildcards alone would "
        "forbid every module",
        "  setup.cfg:6: ssot-forbidden-modules: 'site.migr**': segment 'migr**' mixes a name and '*'; '*' and '**' "
        "stand for whole segments",
        "  setup.cfg:7: ssot-forbidden-modules: 'ok.**.new': replacement is not a valid dotted module name",
    ]


def test_pyproject_takes_double_star_too(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flake8-ssot.forbidden-modules]\n"site.**.migrations" = { reason = "squashed into site.db" }\n',
        encoding="utf-8",
    )
    registry = load_registry(ConfigRequest(cwd=str(tmp_path)))
    assert reported("import site.a.b.migrations\n", registry) == [
        (1, 1, "SOT101", f"import of legacy module 'site.a.b.migrations' {AS}; {WHY}"),
    ]


def _write(root: Path, files: dict) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_reexports_follow_into_packages_a_double_star_pattern_can_hold(tmp_path):
    _write(
        tmp_path,
        {
            "site/__init__.py": "",
            "site/app/__init__.py": "from .production.migrations import Migration\n",
            "site/app/production/__init__.py": "",
            "site/app/production/migrations.py": "class Migration:\n    pass\n",
        },
    )
    registry = registry_from_ini(tmp_path, MIGRATIONS)
    assert reported("from site.app import Migration\n", registry, module="other.use") == [
        (
            1,
            1,
            "SOT105",
            "'Migration' imported from 'site.app' is defined in legacy module 'site.app.production.migrations' "
            f"{AS}; {WHY}",
        ),
    ]
    engine = Engine(registry)
    assert engine.select("from site.app import Migration\n")  # the prefilter lets it through


def test_fix_rewrites_a_double_star_match_to_its_replacement(tmp_path):
    pytest.importorskip("libcst")
    from flake8_ssot.fix import fix_text

    registry = registry_from_ini(tmp_path, "[flake8]\nssot-forbidden-modules = app.**.legacy = app.core [pure-move]\n")
    result = fix_text(
        "from app.x.y.legacy import Thing\nfrom app.legacy.sub import Other\n",
        "other/use.py",
        registry,
        ModuleIdentity("other.use"),
    )
    assert result.text == "from app.core import Thing\nfrom app.core.sub import Other\n"
    assert not Engine(registry).check_tree(
        ast.parse(result.text), ModuleIdentity("other.use"), Engine(registry).select(result.text)
    )
