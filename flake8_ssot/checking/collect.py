"""Collecting the node types rules read from a parsed file: iteratively, whatever the depth."""

from __future__ import annotations

import ast
from bisect import bisect_left
from typing import Dict, FrozenSet, Iterable, List, Optional, Tuple, Type, TypeVar, cast

from flake8_ssot.syntax import STATEMENT_FIELDS, numbers_lines_as_parsed

# Collected nodes by type; within one type, parents come before children.
Nodes = Dict[Type[ast.AST], List[ast.AST]]
N = TypeVar("N", bound=ast.AST)

# Node types that only ever occur in statement lists: collecting them needs no walk through
# expressions, which are most of a tree's nodes.
STATEMENT_TYPES: FrozenSet[Type[ast.AST]] = frozenset(
    {
        ast.Import,
        ast.ImportFrom,
        ast.ClassDef,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Assign,
        ast.AnnAssign,
    }
)

IMPORT_TYPES: Tuple[Type[ast.AST], ...] = (ast.Import, ast.ImportFrom)


def nodes_of(nodes: Nodes, node_type: Type[N]) -> List[N]:
    """``nodes[node_type]``, typed: the collectors key every node by its exact class."""
    return cast(List[N], nodes[node_type])


def lines_containing(text: str, word: str) -> Optional[List[int]]:
    """The numbers, as the parser counts lines, of the lines on which ``word`` starts, in order;
    None when ``text`` ends a line with a lone carriage return (then they are not counted)."""
    if not numbers_lines_as_parsed(text):
        return None
    lines: List[int] = []
    line, counted = 1, 0
    position = text.find(word)
    while position != -1:
        line += text.count("\n", counted, position)
        counted = position
        if not lines or lines[-1] != line:
            lines.append(line)
        position = text.find(word, position + len(word))
    return lines


def collect_imports(tree: ast.AST, text: Optional[str]) -> Dict[Type[ast.AST], List[ast.AST]]:
    """The ``import`` and ``from ... import`` statements, as :func:`collect_statements` finds them.

    Each spans a line holding the keyword ``import`` (a keyword is never spelt otherwise), so only
    statements whose lines include such a line are entered: most function and class bodies are
    never looked at.
    """
    lines = lines_containing(text, "import") if text is not None else None
    if lines is None:
        return collect_statements(tree, IMPORT_TYPES)
    nodes: Dict[Type[ast.AST], List[ast.AST]] = {node_type: [] for node_type in IMPORT_TYPES}
    if not lines:
        return nodes
    count = len(lines)
    pending = [tree]
    while pending:
        node = pending.pop()
        found = nodes.get(node.__class__)
        if found is not None:
            found.append(node)
            continue
        for field in STATEMENT_FIELDS:
            children = getattr(node, field, None)
            if not children:
                continue
            for child in reversed(children):
                start = getattr(child, "lineno", None)
                if start is None:  # a match case: no position of its own
                    pending.append(child)
                    continue
                index = bisect_left(lines, start)
                if index < count and lines[index] <= child.end_lineno:
                    pending.append(child)
    return nodes


def collect_statements(tree: ast.AST, wanted: Iterable[Type[ast.AST]]) -> Dict[Type[ast.AST], List[ast.AST]]:
    """Statement nodes of ``wanted`` types, walking statement lists only (iteratively)."""
    nodes: Dict[Type[ast.AST], List[ast.AST]] = {node_type: [] for node_type in wanted}
    if not nodes:
        return nodes
    pending = [tree]
    while pending:
        node = pending.pop()
        found = nodes.get(type(node))
        if found is not None:
            found.append(node)
        for field in STATEMENT_FIELDS:
            children = getattr(node, field, None)
            if children:
                pending.extend(reversed(children))
    return nodes


# Fields that never hold a node a rule reads: expression contexts and operators.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
# Fields that hold identifiers, numbers or constants, by node type name (types a Python version
# lacks are simply never met).  Not looking into them saves most of the walk's attribute reads.
_SCALAR_FIELDS: Dict[str, FrozenSet[str]] = {
    name: frozenset(fields)
    for name, fields in {
        "Name": ("id",),
        "Attribute": ("attr",),
        "Constant": ("value", "kind"),
        "keyword": ("arg",),
        "arg": ("arg", "type_comment"),
        "alias": ("name", "asname"),
        "ImportFrom": ("module", "level"),
        "FunctionDef": ("name", "type_comment"),
        "AsyncFunctionDef": ("name", "type_comment"),
        "ClassDef": ("name",),
        "ExceptHandler": ("name",),
        "Global": ("names",),
        "Nonlocal": ("names",),
        "comprehension": ("is_async",),
        "FormattedValue": ("conversion",),
        "AnnAssign": ("simple",),
        "Assign": ("type_comment",),
        "For": ("type_comment",),
        "AsyncFor": ("type_comment",),
        "With": ("type_comment",),
        "AsyncWith": ("type_comment",),
        "MatchAs": ("name",),
        "MatchStar": ("name",),
        "MatchMapping": ("rest",),
        "MatchClass": ("kwd_attrs",),
        "Module": ("type_ignores",),
    }.items()
}
# Node types with no child a rule reads (given the fields above): not even pushed unless wanted.
_LEAF_TYPES: FrozenSet[Type[ast.AST]] = frozenset({ast.Name, ast.Constant})
_CHILD_FIELDS: Dict[Type[ast.AST], Tuple[str, ...]] = {}


def _child_fields(node_type: Type[ast.AST]) -> Tuple[str, ...]:
    skipped = _LEAF_FIELDS | _SCALAR_FIELDS.get(node_type.__name__, frozenset())
    return tuple(field for field in node_type._fields if field not in skipped)


def collect_nodes(tree: ast.AST, wanted: Iterable[Type[ast.AST]]) -> Dict[Type[ast.AST], List[ast.AST]]:
    """Nodes of ``wanted`` types anywhere in the tree, each before its descendants.

    An explicit stack instead of ``ast.walk``: no recursion whatever the depth, and a fraction of
    the cost (no generator per node, no look into contexts, operators, identifiers or constants,
    names and constants not even pushed unless wanted).
    """
    nodes: Dict[Type[ast.AST], List[ast.AST]] = {node_type: [] for node_type in wanted}
    found_for = nodes.get
    child_fields = _CHILD_FIELDS
    skip = _LEAF_TYPES.difference(nodes)
    node_class = ast.AST
    pending: List[ast.AST] = [tree]
    push = pending.append
    pop = pending.pop
    while pending:
        node = pop()
        node_type = node.__class__
        found = found_for(node_type)
        if found is not None:
            found.append(node)
        fields = child_fields.get(node_type)
        if fields is None:
            fields = child_fields[node_type] = _child_fields(node_type)
        for field in fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if item.__class__ not in skip and isinstance(item, node_class):
                        push(item)
            elif value.__class__ not in skip and isinstance(value, node_class):
                push(value)
    return nodes
