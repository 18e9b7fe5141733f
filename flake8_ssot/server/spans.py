"""Where on its line a finding is: the offending name, not just the position it starts at.

A finding carries the line and (UTF-8 byte) column of the node it is about: an import statement,
a string, an attribute chain, an argument, a class statement.  Its message quotes what it is
about (``import of legacy name 'a.mod.Old'``).  The span is found by tokenizing the finding's
logical line from its position and taking the token run the message names: the module of
``from a.legacy import X``, the alias ``Old`` of ``from a.mod import Old``, the ``*`` of a star
import, the string of a ``mock.patch`` target, the part of a chain that reaches the legacy module,
the parameter, the class name.  Anything not found spans the rest of the physical line.

Spans are ``((line, character), (line, character))``, 0-based, characters as Python indexes
``str``; :mod:`flake8_ssot.server.documents` converts them to the client's units.
"""

from __future__ import annotations

import io
import keyword
import tokenize
from dataclasses import dataclass
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

from flake8_ssot.codes import (
    CANONICAL_CLASS_REDEFINED,
    CANONICAL_NAME_REBOUND,
    FORBIDDEN_ATTRIBUTE_REFERENCE,
    FORBIDDEN_MODULE_IMPORT,
    FORBIDDEN_NAME_IMPORT,
    FORBIDDEN_REEXPORT,
    FORBIDDEN_STRING_REFERENCE,
    LEGACY_PARAMETER_CALL,
    LEGACY_PARAMETER_DEFINITION,
)
from flake8_ssot.findings import Finding

Point = Tuple[int, int]
Span = Tuple[Point, Point]

# How far a logical line is followed (a parenthesised import of many names spans many lines).
MAX_LINES = 500
_RUN_CONNECTORS = (".", "...")
_SKIPPED = frozenset({tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT})


@dataclass(frozen=True)
class _Item:
    """A dotted name (with the leading dots of a relative import), a string, or a ``*``."""

    kind: str  # "name", "string" or "star"
    dots: str
    names: Tuple[str, ...]
    start: Point
    end: Point
    # Where each name ends, for a span covering only the first few.
    name_ends: Tuple[Point, ...] = ()
    # The indexes of its first and last token.
    first: int = 0
    last: int = 0

    @property
    def text(self) -> str:
        return self.dots + ".".join(self.names)


def char_column(line: str, byte_col: int) -> int:
    """The index into ``line`` of the parser's UTF-8 byte column."""
    if line.isascii():
        return min(byte_col, len(line))
    return len(line.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", "ignore"))


def span_of(lines: Sequence[str], finding: Finding) -> Span:
    """The span of ``finding`` in a text split into ``lines`` (LSP lines, without line breaks)."""
    row = min(max(finding.line - 1, 0), max(len(lines) - 1, 0))
    line = lines[row] if lines else ""
    column = char_column(line, finding.col)
    items = list(_items(lines, row, column))
    found = _choose(finding, items, (row, column))
    if found is not None:
        return found
    end = len(line.rstrip())
    return (row, column), (row, max(end, column))


def _quoted(text: str) -> List[str]:
    """The quoted parts of a message, in order."""
    return [part for index, part in enumerate(text.split("'")) if index % 2 == 1]


def _choose(finding: Finding, items: Sequence[_Item], start: Point) -> Optional[Span]:
    code, text = finding.code, finding.text
    quoted = _quoted(text)
    if code in (FORBIDDEN_MODULE_IMPORT, FORBIDDEN_NAME_IMPORT, FORBIDDEN_REEXPORT):
        if text.startswith("star import of "):
            return _first(items, lambda item: item.kind == "star")
        if code == FORBIDDEN_REEXPORT and text.startswith("class '") and len(quoted) > 1:
            return _named(items, quoted[1])
        return _named(items, quoted[0]) if quoted else None
    if code == FORBIDDEN_STRING_REFERENCE:
        return _strings_from(items, start)
    if code == FORBIDDEN_ATTRIBUTE_REFERENCE and quoted:
        return _named(items, quoted[0])
    if code == LEGACY_PARAMETER_DEFINITION and len(quoted) > 1:
        return _named(items, quoted[1])
    if code == LEGACY_PARAMETER_CALL:
        return _first(items, lambda item: item.start == start)
    if code in (CANONICAL_CLASS_REDEFINED, CANONICAL_NAME_REBOUND) and quoted:
        return _named(items, quoted[0])
    return None


def _first(items: Sequence[_Item], wanted: Callable[[_Item], bool]) -> Optional[Span]:
    for item in items:
        if wanted(item):
            return item.start, item.end
    return None


def _named(items: Sequence[_Item], dotted: str) -> Optional[Span]:
    """The run that is ``dotted``; else one that ends it (``Old`` of ``a.mod.Old``, ``.legacy``
    of ``app.legacy``); else the part of a longer run that is ``dotted`` (a chain's prefix)."""
    wanted = tuple(dotted.split("."))
    names = [item for item in items if item.kind == "name" and item.names]
    for item in names:
        if not item.dots and item.names == wanted:
            return item.start, item.end
    for item in names:
        size = len(item.names)
        if size < len(wanted) and wanted[-size:] == item.names:
            return item.start, item.end
    for item in names:
        size = len(wanted)
        if not item.dots and size < len(item.names) and item.names[:size] == wanted:
            return item.start, item.name_ends[size - 1]
    return None


def _strings_from(items: Sequence[_Item], start: Point) -> Optional[Span]:
    """The string at ``start`` with the strings implicitly concatenated to it."""
    first: Optional[int] = None
    for index, item in enumerate(items):
        if item.kind == "string" and item.start == start:
            first = index
            break
    if first is None:
        return None
    last = first
    while last + 1 < len(items) and items[last + 1].kind == "string" and items[last + 1].first == items[last].last + 1:
        last += 1
    return items[first].start, items[last].end


def _items(lines: Sequence[str], row: int, column: int) -> Iterator[_Item]:
    """The names, strings and stars of the logical line starting at ``(row, column)``."""
    tokens = _tokens(lines, row, column)
    index = 0
    previous: Optional[tokenize.TokenInfo] = None
    while index < len(tokens):
        token = tokens[index]
        after_from = previous is not None and previous.type == tokenize.NAME and previous.string == "from"
        if _is_name(token) or (after_from and token.type == tokenize.OP and token.string in _RUN_CONNECTORS):
            item, index = _run(tokens, index)
            yield item
        elif token.type == tokenize.STRING:
            yield _Item("string", "", (), token.start, token.end, (), index, index)
            index += 1
        elif token.type == tokenize.OP and token.string == "*":
            yield _Item("star", "", (), token.start, token.end, (), index, index)
            index += 1
        else:
            index += 1
        previous = tokens[index - 1]


def _run(tokens: Sequence[tokenize.TokenInfo], index: int) -> Tuple[_Item, int]:
    first = index
    start = tokens[index].start
    dots = ""
    while index < len(tokens) and tokens[index].type == tokenize.OP and tokens[index].string in _RUN_CONNECTORS:
        dots += tokens[index].string
        index += 1
    names: List[str] = []
    ends: List[Point] = []
    end = tokens[index - 1].end if dots else start
    if index < len(tokens) and _is_name(tokens[index]):
        names.append(tokens[index].string)
        end = tokens[index].end
        ends.append(end)
        index += 1
        while (
            index + 1 < len(tokens)
            and tokens[index].type == tokenize.OP
            and tokens[index].string == "."
            and _is_name(tokens[index + 1])
        ):
            names.append(tokens[index + 1].string)
            end = tokens[index + 1].end
            ends.append(end)
            index += 2
    return _Item("name", dots, tuple(names), start, end, tuple(ends), first, index - 1), index


def _is_name(token: tokenize.TokenInfo) -> bool:
    return token.type == tokenize.NAME and not keyword.iskeyword(token.string)


def _tokens(lines: Sequence[str], row: int, column: int) -> List[tokenize.TokenInfo]:
    """Tokens from ``(row, column)`` to the end of that logical line, with absolute positions,
    without comments and line breaks inside brackets.

    Tokenizing starts mid-line, so a closing bracket may be unmatched: the tokens before the
    tokenizer's complaint are kept.
    """
    source = [lines[row][column:]] + list(lines[row + 1 : row + MAX_LINES])
    readline = io.StringIO("\n".join(source) + "\n").readline
    found: List[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(readline):
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                break
            if token.type not in _SKIPPED:
                found.append(_shifted(token, row, column))
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _shifted(token: tokenize.TokenInfo, row: int, column: int) -> tokenize.TokenInfo:
    def shift(point: Point) -> Point:
        line, character = point
        return row + line - 1, character + (column if line == 1 else 0)

    return token._replace(start=shift(token.start), end=shift(token.end))
