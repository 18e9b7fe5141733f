"""The string expressions of a file that can be references: what SOT106 and SOT107 read.

A string expression is a literal, or a constant expression folded from literals (adjacent
literals, ``+`` of constant strings, f-strings).  Left out: docstrings and every other string
statement (they document, they are never used), and the literal parts of an f-string or of a
folded expression (the whole expression is the string).

Also what a text must hold for such a string to spell some words (the prefilter's words of
SOT106 and SOT107, built on :func:`~flake8_ssot.checking.words.string_words`).
"""

from __future__ import annotations

import ast
import re
from typing import AbstractSet, Iterable, List, Optional, Set, Tuple, Type

from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.words import Fragment, string_words
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


# The characters a string literal's text opens with (after its prefix): one of them is in any text
# holding a string.
QUOTES = ('"', "'")


def quoted(alternatives: Iterable[Tuple[Fragment, ...]]) -> List[Tuple[Fragment, ...]]:
    """Each alternative as it is when it holds a literal, else once with each quote character.

    The alternatives describe text inside a string literal, which opens with a quote: wherever one
    holds, one of its copies does, and each copy has a literal for the byte scan to look for before
    decoding (:meth:`~flake8_ssot.checking.words.Interest.anchors`).  String words split across
    folded literals (``"mess" "age"``) hold none of their own: the split may fall anywhere, so no
    part of a word, nor any segment of a dotted name, is sure to be spelt whole.
    """
    found: List[Tuple[Fragment, ...]] = []
    for alternative in alternatives:
        if any(isinstance(fragment, str) for fragment in alternative):
            found.append(tuple(alternative))
        else:
            found.extend((quote, *alternative) for quote in QUOTES)
    return found


def spelling(word: str) -> "re.Pattern[str]":
    """One pattern matching ``word`` however string literals spell it: whole, split across folded
    literals, with escapes, or both.  It is the pattern :func:`string_words` looks for with escapes
    (each of its characters may also be itself), compiled once for both."""
    pattern = string_words(word)[-1][-1]
    assert isinstance(pattern, re.Pattern)
    return pattern
