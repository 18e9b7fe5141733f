"""The string expressions of a file that can be references: what SOT106 and SOT107 read.

A string expression is a literal, or a constant expression folded from literals (adjacent
literals, ``+`` of constant strings, f-strings).  Left out: docstrings and every other string
statement (they document, they are never used), and the literal parts of an f-string or of a
folded expression (the whole expression is the string).
"""

from __future__ import annotations

import ast
from typing import AbstractSet, List, Optional, Set, Tuple, Type

from flake8_ssot.checking.context import FileContext
from flake8_ssot.syntax import constant_string

# The node types :func:`string_expressions` reads.
STRING_NODE_TYPES: Tuple[Type[ast.AST], ...] = (ast.Expr, ast.BinOp, ast.JoinedStr, ast.Constant)
# What stands for a replacement field of an f-string in its value: no identifier, no token of
# Python code (the parser rejects it) and no shell word.
PLACEHOLDER = "\x00"


def _string_parts(node: ast.AST) -> List[ast.AST]:
    """The nodes a folded string expression is made of, below ``node``."""
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.JoinedStr):
        parts: List[ast.AST] = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.format_spec is not None:
                    parts.append(value.format_spec)
            else:
                parts.append(value)
        return parts
    return []


def _exclude_below(node: ast.AST, excluded: Set[int]) -> None:
    pending = _string_parts(node)
    while pending:
        current = pending.pop()
        excluded.add(id(current))
        pending.extend(_string_parts(current))


def _with_placeholders(node: ast.JoinedStr) -> Optional[str]:
    pieces: List[str] = []
    for value in node.values:
        if isinstance(value, ast.FormattedValue):
            pieces.append(PLACEHOLDER)
        else:
            text = constant_string(value)
            if text is None:
                return None
            pieces.append(text)
    return "".join(pieces)


def string_expressions(
    context: FileContext, skip: AbstractSet[int] = frozenset(), placeholders: bool = False
) -> List[Tuple[ast.expr, str]]:
    """``(node, value)`` for every string expression of the file that is not a string statement,
    in no particular order.  ``skip``: ids of nodes to leave out, with the parts they are made of.
    With ``placeholders``, f-strings with replacement fields are included, each field's value
    being :data:`PLACEHOLDER`."""
    excluded: Set[int] = set(skip)
    for statement in context.nodes(ast.Expr):
        excluded.add(id(statement.value))
    found: List[Tuple[ast.expr, str]] = []
    # Parents come before their children: an outer expression claims its parts first.
    for binop in context.nodes(ast.BinOp):
        if id(binop) in excluded:
            _exclude_below(binop, excluded)
            continue
        if isinstance(binop.op, ast.Add):
            value = constant_string(binop)
            if value is not None:
                found.append((binop, value))
                _exclude_below(binop, excluded)
    for joined in context.nodes(ast.JoinedStr):
        skipped = id(joined) in excluded
        _exclude_below(joined, excluded)
        if skipped:
            continue
        value = constant_string(joined)
        if value is None and placeholders:
            value = _with_placeholders(joined)
        if value is not None:
            found.append((joined, value))
    for constant in context.nodes(ast.Constant):
        if isinstance(constant.value, str) and id(constant) not in excluded:
            found.append((constant, constant.value))
    return found
