"""How the engine finds nodes: the imports by the lines holding ``import`` (never missing one,
whatever the layout), and the names an assignment binds."""

from __future__ import annotations

import ast
import sys
from typing import List

import pytest

from flake8_ssot.checking.collect import IMPORT_TYPES, collect_imports, collect_statements, lines_containing
from flake8_ssot.syntax import bound_names
from ssot_testing import read_python_source, stdlib_files

# Each layout, and how many import statements it holds.
LAYOUTS = {
    "top level and nested": (
        "import os\n"
        "def f():\n"
        "    x = 1\n"
        "    if x:\n"
        "        from a import b\n"
        "    return x\n"
        "class C:\n"
        "    def g(self):\n"
        "        import c.d as e\n",
        3,
    ),
    "keyword on a continuation line": ("from a.b \\\n    import c\nfrom x import (\n    y,\n)\n", 2),
    "several statements on one line": ("x = 1; import a; y = 2\nif x: import b\n", 2),
    "relative, no blank before import": ("from .import a\nfrom ..b import(c)\n", 2),
    "every block kind": (
        "try:\n    import a\nexcept ImportError:\n    import b\nelse:\n    import c\nfinally:\n    import d\n"
        "for i in []:\n    import e\nelse:\n    import f\n"
        "while False:\n    import g\n"
        "with open('x') as h:\n    import i\n"
        "async def k():\n    async with x:\n        import l\n    async for m in x:\n        import n\n",
        10,
    ),
    "match statement": ("match x:\n    case 1:\n        import a\n    case _:\n        from b import c\n", 2),
    "windows line ends": ("x = 1\r\nimport a\r\ndef f():\r\n    from b import c\r\n", 2),
    "lone carriage returns": ("x = 1\rimport a\rdef f():\r    from b import c\r", 2),
    "the word elsewhere only": ("'import'\ndef important():\n    pass  # imports\n", 0),
    "no import at all": ("x = 1\n", 0),
}


def _imports(tree: ast.AST) -> List[ast.AST]:
    nodes = collect_statements(tree, IMPORT_TYPES)
    return [node for node_type in IMPORT_TYPES for node in nodes[node_type]]


def _guided(tree: ast.AST, text: str) -> List[ast.AST]:
    nodes = collect_imports(tree, text)
    return [node for node_type in IMPORT_TYPES for node in nodes[node_type]]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_imports_found_by_their_lines_are_those_a_full_walk_finds(name):
    text, count = LAYOUTS[name]
    if name == "match statement" and sys.version_info < (3, 10):
        pytest.skip("the match statement needs Python 3.10")
    tree = ast.parse(text)
    expected = _imports(tree)
    assert len(expected) == count
    assert _guided(tree, text) == expected


def test_line_numbers_are_counted_as_the_parser_counts_them():
    assert lines_containing("import a\nx = 1\n\nimport b; import c\n", "import") == [1, 4]
    assert lines_containing("x\r\nimport a\r\n", "import") == [2]
    assert lines_containing("x = 1\n", "import") == []
    # A lone carriage return ends a line for the parser only: the lines are not counted.
    assert lines_containing("x\rimport a\n", "import") is None


def _compare_on(paths: List[str]) -> int:
    compared = 0
    for path in paths:
        text = read_python_source(path)
        if text is None:
            continue
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        assert _guided(tree, text) == _imports(tree), path
        compared += 1
    return compared


def test_imports_by_lines_match_the_full_walk_on_a_standard_library_sample():
    assert _compare_on(stdlib_files(every=10)) >= 100


@pytest.mark.slow
def test_imports_by_lines_match_the_full_walk_on_the_whole_standard_library():
    assert _compare_on(stdlib_files(every=1)) >= 1000


@pytest.mark.parametrize(
    ("target", "names"),
    [
        ("a = 1", ["a"]),
        ("a, (b, *c) = x", ["a", "b", "c"]),
        ("[a, b] = x", ["a", "b"]),
        ("a.b = 1", []),
        ("a[0] = 1", []),
        ("a.b, c = x", ["c"]),
    ],
)
def test_bound_names_are_the_names_an_assignment_binds(target, names):
    assignment = ast.parse(target).body[0]
    assert isinstance(assignment, ast.Assign)
    assert bound_names(assignment.targets[0]) == names
