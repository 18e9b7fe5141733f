"""``flake8-ssot migrate``: flake8-tidy-imports' ``banned-modules`` and Ruff's ``banned-api`` as a
registry, on the peers' documented examples (rewritten here as test data), with what cannot be
expressed named on stderr, and the result checked against the peers themselves when installed."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

from flake8_ssot.cli.main import main
from flake8_ssot.config import ConfigRequest, load_registry
from ssot_testing import check_source

PREFIX = "flake8-ssot migrate: "

# flake8-tidy-imports' README examples: a module with a message, the Python 2 preset, a banned
# object, and its two wildcard forms.
TIDY_DOCUMENTED = """\
[flake8]
banned-modules =
  mock = Use unittest.mock.
  {python2to3}
  decimal.Decimal = Use ints and floats only.
  example.yellow.* = Yellow is out.
  example.*.truck = Trucks are out.
"""
TIDY_REGISTRY = """\
# flake8-ssot registry written by 'flake8-ssot migrate' from:
#   setup.cfg [flake8] banned-modules (flake8-tidy-imports)
[flake8]
ssot-forbidden-modules =
    mock ; Use unittest.mock.
    example.yellow ; Yellow is out.
    example.**.truck ; Trucks are out.
ssot-forbidden-names =
    decimal.Decimal ; Use ints and floats only.
"""
# Ruff's documented banned-api and banned-module-level-imports examples.
RUFF_DOCUMENTED = """\
[lint.flake8-tidy-imports.banned-api]
"cgi".msg = "The cgi module is deprecated, see https://peps.python.org/pep-0594/#cgi."
"typing.TypedDict".msg = "Use typing_extensions.TypedDict instead."

[lint.flake8-tidy-imports]
banned-module-level-imports = ["torch", "tensorflow"]
"""
RUFF_INI = """\
[flake8]
ssot-forbidden-modules =
    cgi ; The cgi module is deprecated, see https://peps.python.org/pep-0594/#cgi.
ssot-forbidden-names =
    typing.TypedDict ; Use typing_extensions.TypedDict instead.
"""
RUFF_TOML = """\
[tool.flake8-ssot.forbidden-modules]
"cgi" = { reason = "The cgi module is deprecated, see https://peps.python.org/pep-0594/#cgi." }

[tool.flake8-ssot.forbidden-names]
"typing.TypedDict" = { reason = "Use typing_extensions.TypedDict instead." }
"""
TORCH = (
    "banned at module level only (TID253); flake8-ssot cannot ban an import in one place and allow it in "
    "another, keep Ruff's rule for it"
)


def migrate(args: List[str], cwd: Path, monkeypatch, capsys) -> Tuple[int, str, List[str]]:
    monkeypatch.chdir(cwd)
    code = main(["migrate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err.splitlines()


def write(root: Path, files: Dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def header(*sources: str) -> str:
    return "# flake8-ssot registry written by 'flake8-ssot migrate' from:\n" + "".join(
        f"#   {source}\n" for source in sources
    )


def test_flake8_tidy_imports_documented_examples(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"setup.cfg": TIDY_DOCUMENTED})
    code, out, err = migrate([], tmp_path, monkeypatch, capsys)
    assert out == TIDY_REGISTRY
    assert err == [
        f"{PREFIX}setup.cfg:4: banned-modules: '{{python2to3}}': not carried over: flake8-ssot has no such preset; "
        "list the modules it bans explicitly (flake8-tidy-imports' documentation names them)",
        f"{PREFIX}setup.cfg: note: flake8-tidy-imports bans these modules themselves only, flake8-ssot also what "
        "lies below them: mock, example.**.truck",
        f"{PREFIX}4 bans translated, 1 not carried over",
    ]
    assert code == 1


def test_the_wildcards_match_what_flake8_tidy_imports_documents(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"setup.cfg": TIDY_DOCUMENTED.replace("  {python2to3}\n", "")})
    code, out, _ = migrate([], tmp_path, monkeypatch, capsys)
    assert code == 0
    registry = load_registry_from(tmp_path / "migrated", out)
    documented = {
        "example.yellow": "Yellow is out.",
        "example.yellow.truck.driving": "Trucks are out.",  # the most specific entry decides
        "example.truck": "Trucks are out.",
        "example.yellow.truck": "Trucks are out.",
        "example.red.truck": "Trucks are out.",
        "example.big.red.truck": "Trucks are out.",
    }
    for module, reason in documented.items():
        found = check_source(f"import {module}\n", registry)
        assert [(f.code, f.text.endswith(f"({reason})")) for f in found] == [("SOT101", True)], module
    for module in ("example", "example.truckx", "example.yellowish", "examples.truck"):
        assert check_source(f"import {module}\n", registry) == [], module
    found = check_source("from decimal import Decimal\n", registry)
    assert [f.text for f in found] == [
        "import of legacy name 'decimal.Decimal'; it has been removed (Use ints and floats only.)"
    ]


def load_registry_from(directory: Path, ini: str):
    directory.mkdir()
    (directory / "setup.cfg").write_text(ini, encoding="utf-8")
    return load_registry(ConfigRequest(cwd=str(directory), config=str(directory / "setup.cfg")))


@pytest.mark.parametrize(
    "entry, key",
    [
        ("site.*.migrations", "site.**.migrations"),
        ("*.migrations", "*.**.migrations"),  # a leading '*' is one or more segments there
        ("*.*.migrations", "*.**.migrations"),
        ("site.*.*.migrations", "site.**.migrations"),
        ("site.*.migrations.*", "site.**.migrations"),  # a trailing '*' adds the modules below
        ("site.*", "site"),
        ("site.app", "site.app"),
        ("site.Model", "site.Model"),
    ],
)
def test_flake8_tidy_imports_patterns_translate_to_the_same_matches(tmp_path, monkeypatch, capsys, entry, key):
    write(tmp_path, {"setup.cfg": f"[flake8]\nbanned-modules = {entry} = gone\n"})
    code, out, _ = migrate([], tmp_path, monkeypatch, capsys)
    kind = "names" if key == "site.Model" else "modules"
    assert (code, out) == (0, header("setup.cfg [flake8] banned-modules (flake8-tidy-imports)") + (
        f"[flake8]\nssot-forbidden-{kind} =\n    {key} ; gone\n"
    ))


@pytest.mark.parametrize(
    "entry, why",
    [
        ("*", "matches every module: flake8-ssot forbids named modules only"),
        ("*.*", "matches every module: flake8-ssot forbids named modules only"),
        ("site.app*", "segment 'app*' is matched literally by flake8-tidy-imports, so the entry matches no module"),
        ("site.**.x", "segment '**' is matched literally by flake8-tidy-imports, so the entry matches no module"),
        ("my-package", "not a dotted module name: flake8-tidy-imports can never match it"),
    ],
)
def test_what_flake8_tidy_imports_patterns_cannot_become_is_named(tmp_path, monkeypatch, capsys, entry, why):
    write(tmp_path, {"setup.cfg": f"[flake8]\nbanned-modules =\n    {entry} = x\n    kept = y\n"})
    code, out, err = migrate([], tmp_path, monkeypatch, capsys)
    assert code == 1
    assert out.endswith("ssot-forbidden-modules =\n    kept ; y\n")
    assert err[0] == f"{PREFIX}setup.cfg:3: banned-modules: '{entry}': not carried over: {why}"


def test_a_module_banned_alone_and_with_its_submodules_keeps_both_messages(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"setup.cfg": "[flake8]\nbanned-modules =\n    foo.* = below\n    foo = itself\n"})
    code, out, _ = migrate([], tmp_path, monkeypatch, capsys)
    assert code == 0
    assert out.endswith("ssot-forbidden-modules =\n    foo.* ; below\n    foo ; itself\n")
    registry = load_registry_from(tmp_path / "migrated", out)
    assert [f.text for f in check_source("import foo\nimport foo.bar.baz\n", registry)] == [
        "import of legacy module 'foo'; it has been removed (itself)",
        "import of 'foo.bar.baz', inside legacy module 'foo.bar' (forbidden as 'foo.*'); it has been removed (below)",
    ]


def test_ruff_documented_examples_and_what_cannot_be_expressed(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"ruff.toml": RUFF_DOCUMENTED})
    code, out, err = migrate([], tmp_path, monkeypatch, capsys)
    assert out == header("ruff.toml [lint.flake8-tidy-imports] banned-api (Ruff)") + RUFF_INI
    assert err == [
        f"{PREFIX}ruff.toml: [lint.flake8-tidy-imports] banned-module-level-imports: 'torch': not carried over: {TORCH}",
        f"{PREFIX}ruff.toml: [lint.flake8-tidy-imports] banned-module-level-imports: 'tensorflow': not carried over: "
        f"{TORCH}",
        f"{PREFIX}2 bans translated, 2 not carried over",
    ]
    assert code == 1


def test_toml_output_loads_as_the_same_registry(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"ruff.toml": RUFF_DOCUMENTED.split("\n\n")[0] + "\n"})
    code, out, err = migrate(["--toml"], tmp_path, monkeypatch, capsys)
    assert (code, err) == (0, [f"{PREFIX}2 bans translated, 0 not carried over"])
    assert out == header("ruff.toml [lint.flake8-tidy-imports] banned-api (Ruff)") + RUFF_TOML
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "pyproject.toml").write_text(out, encoding="utf-8")
    from_toml = load_registry(ConfigRequest(cwd=str(tmp_path / "t")))
    from_ini = load_registry_from(tmp_path / "i", header() + RUFF_INI)
    assert from_toml.forbidden_modules == from_ini.forbidden_modules
    assert from_toml.forbidden_names == from_ini.forbidden_names


@pytest.mark.parametrize(
    "files, table",
    [
        ({"pyproject.toml": "[tool.ruff.lint.flake8-tidy-imports.banned-api]\n"}, "[tool.ruff.lint.flake8-tidy-imports]"),
        ({"pyproject.toml": "[tool.ruff.flake8-tidy-imports.banned-api]\n"}, "[tool.ruff.flake8-tidy-imports]"),
        ({"ruff.toml": "[flake8-tidy-imports.banned-api]\n"}, "[flake8-tidy-imports]"),
        ({".ruff.toml": "[lint.flake8-tidy-imports.banned-api]\n"}, "[lint.flake8-tidy-imports]"),
    ],
)
def test_every_place_ruff_reads_a_ban_list_from(tmp_path, monkeypatch, capsys, files, table):
    name, start = next(iter(files.items()))
    write(tmp_path, {name: start + '"cgi".msg = "No cgi."\n'})
    code, out, _ = migrate([], tmp_path, monkeypatch, capsys)
    assert (code, out) == (
        0,
        header(f"{name} {table} banned-api (Ruff)") + "[flake8]\nssot-forbidden-modules =\n    cgi ; No cgi.\n",
    )


def test_ruff_reads_the_nearest_configuration_dot_ruff_toml_first(tmp_path, monkeypatch, capsys):
    write(
        tmp_path,
        {
            ".ruff.toml": '[lint.flake8-tidy-imports.banned-api]\n"dot".msg = "x"\n',
            "ruff.toml": '[lint.flake8-tidy-imports.banned-api]\n"plain".msg = "x"\n',
            "pyproject.toml": '[tool.ruff.lint.flake8-tidy-imports.banned-api]\n"project".msg = "x"\n',
            "sub/pyproject.toml": "[project]\nname = 'no ruff table here'\n",
        },
    )
    code, out, _ = migrate([], tmp_path / "sub", monkeypatch, capsys)
    assert code == 0 and out.endswith("ssot-forbidden-modules =\n    dot ; x\n")


def test_ruff_ignores_the_deprecated_table_when_the_lint_one_exists(tmp_path, monkeypatch, capsys):
    write(
        tmp_path,
        {
            "ruff.toml": '[lint.flake8-tidy-imports]\nban-relative-imports = "all"\n'
            '[flake8-tidy-imports.banned-api]\n"cgi".msg = "x"\n'
        },
    )
    ignored = (
        f"{PREFIX}ruff.toml: [flake8-tidy-imports]: '': note: Ruff ignores this deprecated table when "
        "[lint.flake8-tidy-imports] exists; not read"
    )
    code, out, err = migrate(["ruff.toml"], tmp_path, monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert err == [
        ignored,
        f"{PREFIX}ruff.toml: [lint.flake8-tidy-imports] ban-relative-imports: 'all': note: not a ban list "
        "flake8-ssot has; keep Ruff's rule for it",
        "flake8-ssot: error: no ban list to migrate in ruff.toml (flake8-tidy-imports banned-api)",
    ]
    write(
        tmp_path,
        {
            "ruff.toml": '[lint.flake8-tidy-imports.banned-api]\n"a".msg = "x"\n'
            '[flake8-tidy-imports.banned-api]\n"b".msg = "y"\n'
        },
    )
    code, out, err = migrate([], tmp_path, monkeypatch, capsys)
    assert code == 0 and out.endswith("ssot-forbidden-modules =\n    a ; x\n")
    assert err == [ignored, f"{PREFIX}1 ban translated, 0 not carried over"]


def test_ruff_extend_supplies_the_ban_list_a_file_does_not_set(tmp_path, monkeypatch, capsys):
    write(
        tmp_path,
        {
            "base/ruff.toml": '[lint.flake8-tidy-imports.banned-api]\n"base".msg = "from the base"\n',
            "ruff.toml": 'extend = "base/ruff.toml"\n[lint.flake8-tidy-imports]\nban-relative-imports = "all"\n',
        },
    )
    code, out, err = migrate([], tmp_path, monkeypatch, capsys)
    assert code == 0 and out.endswith("ssot-forbidden-modules =\n    base ; from the base\n")
    assert err[0] == (
        f"{PREFIX}ruff.toml: [lint.flake8-tidy-imports] ban-relative-imports: 'all': note: not a ban list "
        "flake8-ssot has; keep Ruff's rule for it"
    )
    # A file's own banned-api replaces the base's entirely, as in Ruff.
    write(tmp_path, {"ruff.toml": 'extend = "base/ruff.toml"\n[lint.flake8-tidy-imports.banned-api]\n"own".msg = "x"\n'})
    code, out, _ = migrate([], tmp_path, monkeypatch, capsys)
    assert code == 0 and out.endswith("ssot-forbidden-modules =\n    own ; x\n")


def test_both_peers_at_once_and_a_conflicting_message(tmp_path, monkeypatch, capsys):
    write(
        tmp_path,
        {
            "setup.cfg": "[flake8]\nbanned-modules =\n    mock.* = Use unittest.mock.\n    cgi = No cgi.\n",
            "ruff.toml": '[lint.flake8-tidy-imports.banned-api]\n"mock".msg = "Use unittest.mock."\n'
            '"cgi".msg = "Deprecated."\n',
        },
    )
    code, out, err = migrate([], tmp_path, monkeypatch, capsys)
    assert out == header(
        "setup.cfg [flake8] banned-modules (flake8-tidy-imports)",
        "ruff.toml [lint.flake8-tidy-imports] banned-api (Ruff)",
    ) + "[flake8]\nssot-forbidden-modules =\n    mock ; Use unittest.mock.\n    cgi ; No cgi.\n"
    assert err == [
        f"{PREFIX}ruff.toml: [lint.flake8-tidy-imports.banned-api] 'cgi': 'cgi': not carried over: also banned "
        "by setup.cfg:4: banned-modules with another message; that one is kept",
        f"{PREFIX}setup.cfg: note: flake8-tidy-imports bans these modules themselves only, flake8-ssot also what "
        "lies below them: cgi",
        f"{PREFIX}2 bans translated, 1 not carried over",
    ]
    assert code == 1


def test_messages_become_one_line_reasons_toml_escapes_them(tmp_path, monkeypatch, capsys):
    write(
        tmp_path,
        {"ruff.toml": '[lint.flake8-tidy-imports.banned-api]\n"a.b".msg = """Use "c";\n  see C:\\\\x #1 [x] %(y)s"""\n'},
    )
    code, out, _ = migrate([], tmp_path, monkeypatch, capsys)
    assert code == 0 and out.endswith('    a.b ; Use "c"; see C:\\x #1 [x] %(y)s\n')
    code, out, _ = migrate(["--toml"], tmp_path, monkeypatch, capsys)
    assert code == 0 and out.endswith('"a.b" = { reason = "Use \\"c\\"; see C:\\\\x #1 [x] %(y)s" }\n')


@pytest.mark.parametrize(
    "files, args, message",
    [
        ({}, [], "no flake8 (setup.cfg, tox.ini, .flake8) or Ruff (.ruff.toml, ruff.toml, pyproject.toml) "
         "configuration found from here upwards; name the file"),
        ({}, ["missing.cfg"], "no such file: missing.cfg"),
        ({"sub/setup.cfg": "[flake8]\n"}, ["sub"], "not a file: sub"),
        ({"setup.cfg": "[flake8]\nmax-line-length = 100\n"}, [], "no ban list to migrate in setup.cfg "
         "([flake8] banned-modules)"),
    ],
)
def test_nothing_to_migrate_or_an_unreadable_file_exits_2(tmp_path, monkeypatch, capsys, files, args, message):
    write(tmp_path / "project", files) if files else (tmp_path / "project").mkdir()
    code, out, err = migrate(args, tmp_path / "project", monkeypatch, capsys)
    assert (code, out, err) == (2, "", [f"flake8-ssot: error: {message}"])


@pytest.mark.parametrize(
    "name, text, error",
    [
        ("ruff.toml", "[lint\n", "ruff.toml: invalid TOML: "),  # the parser's own words follow
        ("ruff.toml", 'extend = "ruff.toml"\n', "ruff.toml: 'extend' chain too long or circular at ruff.toml"),
        ("setup.cfg", "[flake8]\nbanned-modules = a = b\nbanned-modules = c = d\n", "setup.cfg:3: banned-modules: "
         "key given twice in section [flake8]; keep one"),
    ],
)
def test_an_unreadable_configuration_exits_2_naming_it(tmp_path, monkeypatch, capsys, name, text, error):
    (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, err = migrate([name], tmp_path, monkeypatch, capsys)
    assert (code, out, len(err)) == (2, "", 1)
    assert err[0].startswith(f"flake8-ssot: error: {error}")


# -- the peers themselves, when installed ------------------------------------------------------

IMPORTS = """\
import mock
import mock.sub
from decimal import Decimal
import decimal
import example.yellow
import example.yellow.truck.driving
import example.truck
import example.red.truck
import example.big.red.truck
import example.truckx
import examples.truck
import example.red.truck.wheel
from example.red import truck
import cgi
import cgi.sub
from typing import TypedDict
import typing
"""


def _lines(output: str, code: str) -> Set[int]:
    return {int(line.split(":")[1]) for line in output.splitlines() if f" {code}" in line}


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("flake8_tidy_imports") is None, reason="flake8-tidy-imports")
def test_flake8_tidy_imports_and_the_migrated_registry_report_the_same_imports(tmp_path, monkeypatch, capsys):
    ban_list = TIDY_DOCUMENTED.replace("  {python2to3}\n", "")
    write(tmp_path, {"setup.cfg": ban_list, "use.py": IMPORTS})
    code, out, _ = migrate([], tmp_path, monkeypatch, capsys)
    assert code == 0
    (tmp_path / "setup.cfg").write_text(ban_list + out.split("[flake8]\n", 1)[1], encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "I251,SOT", "use.py"],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=300,
    )
    tidy, ssot = _lines(result.stdout, "I251"), _lines(result.stdout, "SOT10")
    assert tidy == {1, 3, 5, 6, 7, 8, 9, 13}
    # Modules below a banned one: flake8-tidy-imports bans the name itself only.
    assert ssot == tidy | {2, 12}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("ruff") is None and importlib.util.find_spec("ruff") is None, reason="ruff")
def test_ruff_and_the_migrated_registry_report_the_same_imports(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"ruff.toml": RUFF_DOCUMENTED.split("\n\n")[0] + "\n", "use.py": IMPORTS})
    code, out, _ = migrate([], tmp_path, monkeypatch, capsys)
    assert code == 0
    (tmp_path / "setup.cfg").write_text(out, encoding="utf-8")
    ruff = shutil.which("ruff") or os.path.join(os.path.dirname(sys.executable), "ruff")
    found = subprocess.run(
        [ruff, "check", "--no-cache", "--select", "TID251", "--output-format", "concise", "use.py"],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=300,
    )
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "SOT", "use.py"],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=300,
    )
    assert _lines(found.stdout, "TID251") == _lines(flake8.stdout, "SOT10") == {14, 15, 16}


def test_the_readme_example_is_what_migrate_prints(tmp_path, monkeypatch, capsys):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Migrating from flake8-tidy-imports or Ruff") :]
    blocks = section.split("```ini\n")
    given, printed = blocks[1].split("```")[0], blocks[2].split("```")[0]
    write(tmp_path, {"setup.cfg": given})
    code, out, err = migrate([], tmp_path, monkeypatch, capsys)
    assert (code, out) == (0, printed)
    assert err == [
        f"{PREFIX}setup.cfg: note: flake8-tidy-imports bans these modules themselves only, flake8-ssot also what "
        "lies below them: mock, example.**.truck",
        f"{PREFIX}3 bans translated, 0 not carried over",
    ]
