"""The most specific matching entry decides, for every rule, for the message and for ``fix``; a
use through an import already reported is not reported again."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import List, Tuple

import pytest

from flake8_ssot.cli.main import main
from flake8_ssot.fix import fix_text
from flake8_ssot.location import ModuleIdentity
from ssot_testing import check_source, registry_from_ini

Reported = List[Tuple[int, int, str, str]]

OVERLAPPING = """\
[flake8]
ssot-forbidden-modules =
    foo = foo_prime [pure-move]
    foo.bar = foo_prime.bar_rename [pure-move]
"""
# The same entries declared the other way round: the answer must not depend on the order.
OVERLAPPING_REVERSED = """\
[flake8]
ssot-forbidden-modules =
    foo.bar = foo_prime.bar_rename [pure-move]
    foo = foo_prime [pure-move]
"""
FOO = "use 'foo_prime'"
FOO_BAR = "use 'foo_prime.bar_rename'"


def reported(source: str, registry, module: str = "app.consumers") -> Reported:
    """(line, 1-based column, code, message) of every finding, sorted."""
    return sorted((f.line, f.col + 1, f.code, f.text) for f in check_source(source, registry, module=module))


@pytest.fixture(params=[OVERLAPPING, OVERLAPPING_REVERSED], ids=["declared", "reversed"])
def overlapping(request, tmp_path):
    return registry_from_ini(tmp_path, request.param)


@pytest.mark.parametrize(
    "source, expected",
    [
        (
            "from foo.bar import thing\n",
            [(1, 1, "SOT101", f"import from legacy module 'foo.bar'; {FOO_BAR}")],
        ),
        (
            "import foo.bar.baz\n",
            [(1, 1, "SOT101", f"import of 'foo.bar.baz', inside legacy module 'foo.bar'; {FOO_BAR}")],
        ),
        (
            "from foo import bar\n",
            [(1, 1, "SOT101", f"import of legacy module 'foo.bar'; {FOO_BAR}")],
        ),
        (
            # One finding for what the module's own entry decides, one for the more specific name.
            "from foo import bar, other\n",
            [
                (1, 1, "SOT101", f"import from legacy module 'foo'; {FOO}"),
                (1, 1, "SOT101", f"import of legacy module 'foo.bar'; {FOO_BAR}"),
            ],
        ),
        (
            "from foo.other import x\n",
            [(1, 1, "SOT101", f"import from 'foo.other', inside legacy module 'foo'; {FOO}")],
        ),
        (
            "from unittest import mock\n\nmock.patch('foo.bar.thing.attr')\n",
            [(3, 12, "SOT103", f"patch target 'foo.bar.thing.attr' refers to legacy module 'foo.bar'; {FOO_BAR}")],
        ),
        (
            # The import names 'foo'; the chain reaches the more specific 'foo.bar': both reported,
            # each with its own entry.  The chain through 'foo.other' is what the import reported.
            "import foo\n\nfoo.bar.thing()\nfoo.other.thing()\n",
            [
                (1, 1, "SOT101", f"import of legacy module 'foo'; {FOO}"),
                (3, 1, "SOT104", f"attribute chain 'foo.bar.thing' reaches legacy module 'foo.bar'; {FOO_BAR}"),
            ],
        ),
    ],
)
def test_the_most_specific_entry_decides_whatever_the_declaration_order(overlapping, source, expected):
    assert reported(source, overlapping) == expected


def test_fix_diff_rewrites_to_the_module_the_most_specific_entry_names(tmp_path, monkeypatch, capsys):
    """The reported defect: with the first declared entry deciding, ``from foo.bar import thing``
    became ``from foo_prime.bar import thing``, a module that does not exist."""
    pytest.importorskip("libcst")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "use.py").write_text(
        "from foo.bar import thing\nfrom foo import bar, other\n", encoding="utf-8"
    )
    (tmp_path / "setup.cfg").write_text(OVERLAPPING, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "--diff", "--no-cache", "-j", "1"]) == 1
    captured = capsys.readouterr()
    assert captured.out == (
        "--- a/app/use.py\n"
        "+++ b/app/use.py\n"
        "@@ -1,2 +1,2 @@\n"
        "-from foo.bar import thing\n"
        "-from foo import bar, other\n"
        "+from foo_prime.bar_rename import thing\n"
        "+from foo_prime import bar_rename as bar, other\n"
    )
    assert captured.err.splitlines() == [
        f"./app/use.py:1:1: fixed SOT101 import from legacy module 'foo.bar'; {FOO_BAR}",
        f"./app/use.py:2:1: fixed SOT101 import from legacy module 'foo'; {FOO}",
        f"./app/use.py:2:1: fixed SOT101 import of legacy module 'foo.bar'; {FOO_BAR}",
        "flake8-ssot: would fix 3 findings in 1 file; 0 findings need a human",
    ]


def test_a_chain_is_fixed_with_the_entry_that_reports_it(overlapping):
    pytest.importorskip("libcst")
    source = "import foo\n\n\ndef run():\n    return foo.bar.thing()\n"
    result = fix_text(source, "app/consumers.py", overlapping, ModuleIdentity("app.consumers"))
    assert result.text == (
        "import foo\nfrom foo_prime import bar_rename\n\n\ndef run():\n    return bar_rename.thing()\n"
    )
    assert [(f.line, f.code) for f in result.fixed] == [(5, "SOT104")]
    assert [(m.finding.line, m.finding.code) for m in result.manual] == [(1, "SOT101")]


RANKED = """\
[flake8]
ssot-forbidden-modules =
    **.legacy = x.deep_any
    app.**.legacy = x.deep
    app.*.legacy = x.one
    *.core.legacy = x.leading
    app.core.legacy = x.literal
    app.core = x.core
ssot-forbidden-names =
    app.core.legacy.Old = x.Name
"""


@pytest.mark.parametrize(
    "dotted, key, matched",
    [
        # Longest match first: the name beats every module entry below it.
        ("app.core.legacy.Old.attr", "app.core.legacy.Old", "app.core.legacy.Old"),
        # Same length: the first segment where they differ decides, literal over '*' over '**'.
        ("app.core.legacy.New", "app.core.legacy", "app.core.legacy"),
        ("app.web.legacy", "app.*.legacy", "app.web.legacy"),
        ("app.a.b.legacy", "app.**.legacy", "app.a.b.legacy"),
        ("lib.core.legacy", "*.core.legacy", "lib.core.legacy"),
        ("lib.legacy", "**.legacy", "lib.legacy"),
        ("legacy.sub", "**.legacy", "legacy"),
        # 'app.core' matches two segments only: the three-segment matches win.
        ("app.core.other", "app.core", "app.core"),
    ],
)
def test_ranking_longest_match_then_literal_over_star_over_double_star(tmp_path, dotted, key, matched):
    match = registry_from_ini(tmp_path, RANKED).forbidden_for(dotted)
    assert match is not None
    assert (match.entry.key, match.matched) == (key, matched)


def test_a_forbidden_name_beats_its_module_and_the_rest_of_the_import_keeps_the_module(tmp_path):
    registry = registry_from_ini(
        tmp_path,
        """\
        [flake8]
        ssot-forbidden-modules = a.mod = a.new
        ssot-forbidden-names = a.mod.Old = a.other.New
        """,
    )
    assert reported("from a.mod import Old, Keep\n", registry) == [
        (1, 1, "SOT101", "import from legacy module 'a.mod'; use 'a.new'"),
        (1, 1, "SOT102", "import of legacy name 'a.mod.Old'; use 'a.other.New'"),
    ]
    assert reported("import a\n\na.mod.Old()\n", registry) == [
        (3, 1, "SOT104", "attribute chain 'a.mod.Old' reaches legacy name 'a.mod.Old'; use 'a.other.New'"),
    ]


def test_the_most_specific_entry_decides_its_exemptions_too(tmp_path):
    registry = registry_from_ini(
        tmp_path,
        """\
        [flake8]
        ssot-forbidden-modules =
            a.legacy = a.new
            a.legacy.compat = a.compat
        ssot-allow =
            a.legacy.compat = app.migrations.*
        """,
    )
    source = "from a.legacy.compat import X\nfrom a.legacy import Y\n"
    assert reported(source, registry, module="app.migrations.m0001") == [
        (2, 1, "SOT101", "import from legacy module 'a.legacy'; use 'a.new'"),
    ]
    # The legacy package's own modules are exempt from its entry, not from a more specific one.
    assert reported("from a.legacy.compat import X\n", registry, module="a.legacy.other") == [
        (1, 1, "SOT101", "import from legacy module 'a.legacy.compat'; use 'a.compat'"),
    ]


NO_RE_REPORT = """\
[flake8]
ssot-forbidden-modules =
    a.legacy = a.new [pure-move]
    a.other = a.elsewhere
"""


@pytest.mark.parametrize(
    "source, expected",
    [
        (
            # The peers' case: the use goes through the reported import.
            "import a.legacy\n\na.legacy.X()\n",
            [(1, 1, "SOT101", "import of legacy module 'a.legacy'; use 'a.new'")],
        ),
        (
            "import a.legacy.sub\n\na.legacy.sub.f()\na.legacy.more.g()\n",
            [(1, 1, "SOT101", "import of 'a.legacy.sub', inside legacy module 'a.legacy'; use 'a.new'")],
        ),
        (
            "import a.legacy as m\n\nm.X()\n",
            [(1, 1, "SOT101", "import of legacy module 'a.legacy'; use 'a.new'")],
        ),
        (
            # Another entry: the import did not report it.
            "import a.legacy\n\na.other.X()\n",
            [
                (1, 1, "SOT101", "import of legacy module 'a.legacy'; use 'a.new'"),
                (3, 1, "SOT104", "attribute chain 'a.other.X' reaches legacy module 'a.other'; use 'a.elsewhere'"),
            ],
        ),
        (
            # The chain in g() goes through g's own 'import a', which is not reported.
            "def f():\n    import a.legacy\n\n\ndef g():\n    import a\n    return a.legacy.X\n",
            [
                (2, 5, "SOT101", "import of legacy module 'a.legacy'; use 'a.new'"),
                (7, 12, "SOT104", "attribute chain 'a.legacy.X' reaches legacy module 'a.legacy'; use 'a.new'"),
            ],
        ),
        (
            # A module-level import is what a function without its own import of 'a' uses.
            "import a.legacy\n\n\ndef g():\n    return a.legacy.X\n",
            [(1, 1, "SOT101", "import of legacy module 'a.legacy'; use 'a.new'")],
        ),
        (
            # A method does not see its class body's import.
            "import a\n\n\nclass C:\n    import a.legacy\n\n    def m(self):\n        return a.legacy.X\n",
            [
                (5, 5, "SOT101", "import of legacy module 'a.legacy'; use 'a.new'"),
                (8, 16, "SOT104", "attribute chain 'a.legacy.X' reaches legacy module 'a.legacy'; use 'a.new'"),
            ],
        ),
    ],
)
def test_a_use_through_a_reported_import_is_not_reported_again(tmp_path, source, expected):
    assert reported(source, registry_from_ini(tmp_path, NO_RE_REPORT)) == expected


def test_a_use_reaching_a_more_specific_entry_than_its_import_is_reported(overlapping):
    assert reported("from foo import bar as b\n\nb.thing()\n", overlapping) == [
        (1, 1, "SOT101", f"import of legacy module 'foo.bar'; {FOO_BAR}"),
    ]
    # 'from foo import x' reports 'foo'; 'x.bar' is 'foo.x.bar', still 'foo''s: not again.
    assert reported("from foo import x\n\nx.bar.y()\n", overlapping) == [
        (1, 1, "SOT101", f"import from legacy module 'foo'; {FOO}"),
    ]
    # 'from foo import x' binds 'foo.x'; 'x' is not 'foo.bar'.
    assert reported("from foo import bar\nfrom foo import x\n\nbar.y()\nx.z()\n", overlapping) == [
        (1, 1, "SOT101", f"import of legacy module 'foo.bar'; {FOO_BAR}"),
        (2, 1, "SOT101", f"import from legacy module 'foo'; {FOO}"),
    ]


def test_fix_follows_the_uses_of_an_import_it_rewrites(tmp_path):
    """The uses are not reported, yet they must move with the import."""
    pytest.importorskip("libcst")
    registry = registry_from_ini(tmp_path, NO_RE_REPORT)
    source = textwrap.dedent(
        """\
        import a.legacy


        def run():
            return a.legacy.X(), a.legacy.sub.Y
        """
    )
    result = fix_text(source, "app/consumers.py", registry, ModuleIdentity("app.consumers"))
    assert result.text == textwrap.dedent(
        """\
        import a.new


        def run():
            return a.new.X(), a.new.sub.Y
        """
    )
    assert [(f.line, f.col, f.code) for f in result.fixed] == [(1, 0, "SOT101")] and result.manual == ()


def test_fix_diff_of_the_peers_case(tmp_path, monkeypatch, capsys):
    pytest.importorskip("libcst")
    (tmp_path / "use.py").write_text("import a.legacy\n\na.legacy.X()\n", encoding="utf-8")
    (tmp_path / "setup.cfg").write_text(NO_RE_REPORT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "-j", "1"]) == 1
    assert capsys.readouterr().out == (
        "./setup.cfg:4:5: SOT406 ssot-forbidden-modules: 'a.other': nothing references legacy module 'a.other' any "
        "more; retire the entry, or keep it to stop new references\n"
        "./use.py:1:1: SOT101 import of legacy module 'a.legacy'; use 'a.new'\n"
    )
    assert main(["fix", "--diff", "--no-cache", "-j", "1"]) == 1
    captured = capsys.readouterr()
    assert captured.out == (
        "--- a/use.py\n+++ b/use.py\n@@ -1,3 +1,3 @@\n-import a.legacy\n+import a.new\n \n-a.legacy.X()\n+a.new.X()\n"
    )
    assert captured.err.splitlines()[-1] == "flake8-ssot: would fix 1 finding in 1 file; 0 findings need a human"


def _write(root: Path, files: dict) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_reexport_rule_names_the_most_specific_entry(tmp_path):
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "from .foo.bar import Thing\n",
            "pkg/foo/__init__.py": "",
            "pkg/foo/bar.py": "class Thing:\n    pass\n",
        },
    )
    registry = registry_from_ini(
        tmp_path,
        """\
        [flake8]
        ssot-forbidden-modules =
            pkg.foo = pkg.new
            pkg.foo.bar = pkg.new.bar_rename
        """,
    )
    assert reported("from pkg import Thing\n", registry, module="app.use") == [
        (1, 1, "SOT105", "'Thing' imported from 'pkg' is defined in legacy module 'pkg.foo.bar'; use 'pkg.new.bar_rename'"),
    ]
