"""Python 3.12's ``ast`` for a file whose f-strings only Python 3.12 reads, built on an older Python.

Each f-string group the :class:`~flake8_ssot.newer_syntax.fstrings.Scanner` found is replaced by a
placeholder literal of exactly its shape (the same lines, the same byte columns), so the running
Python parses the rest of the file with every position as Python 3.12 gives it.  Each group is
then built as Python 3.12 builds it (its literal pieces decoded, the expression of each
replacement field parsed on its own at its own position, recursively) and put where its
placeholder was.  Anything that does not fit exactly raises
:class:`~flake8_ssot.newer_syntax.fstrings.Unsupported`.
"""

from __future__ import annotations

import ast
import bisect
import itertools
import re
import unicodedata
from typing import Any, Dict, List, Optional, Sequence, Tuple, TypeVar

from flake8_ssot.newer_syntax.fstrings import Field, Group, Literal, Part, Scanner, Spec, Unsupported, callable_before

_NEWLINE = re.compile(r"\r\n|\r|\n")
_LINES = re.compile(r"(\r\n|\r|\n)")
_OCTAL = re.compile(r"[0-7]{1,3}")
_HEX = {"x": re.compile(r"[0-9a-fA-F]{2}"), "u": re.compile(r"[0-9a-fA-F]{4}"), "U": re.compile(r"[0-9a-fA-F]{8}")}
_SIMPLE_ESCAPES = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
Span = Tuple[int, int, int, int]
_Node = TypeVar("_Node", ast.Constant, ast.JoinedStr, ast.FormattedValue)


def parse_with_fstrings(text: str, scanner: Optional[Scanner] = None) -> ast.Module:
    """The tree Python 3.12 gives for ``text``.  Raises Unsupported, or what the parser raises."""
    groups = (scanner or Scanner(text)).module()
    if not groups:
        raise Unsupported("no f-string that the running Python could not read")
    builder = _Builder(text)
    tree = ast.parse(builder.mask(0, len(text), groups))
    builder.graft(tree, groups)
    return tree


class Positions:
    """Text offsets to the parser's (line, byte column) and back."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]
        # Per line holding other characters than ASCII: the byte column of each of its characters.
        self._columns: Dict[int, List[int]] = {}

    def at(self, index: int) -> Tuple[int, int]:
        line = bisect.bisect_right(self.starts, index)
        start = self.starts[line - 1]
        columns = self._columns.get(line)
        if columns is None:
            end = self.starts[line] if line < len(self.starts) else len(self.text)
            if self.text[start:end].isascii():
                return line, index - start
            columns = self._columns[line] = [0, *itertools.accumulate(_width(c) for c in self.text[start:end])]
        return line, columns[index - start]

    def index(self, line: int, column: int) -> int:
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        source = self.text[start:end]
        if source.isascii():
            return start + column
        return start + len(source.encode("utf-8")[:column].decode("utf-8"))


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.positions = Positions(text)

    def mask(self, start: int, end: int, groups: Sequence[Group]) -> str:
        pieces: List[str] = []
        for group in groups:
            pieces.append(self.text[start : group.start])
            pieces.append(_placeholder(self.text[group.start : group.end], group))
            start = group.end
        pieces.append(self.text[start:end])
        return "".join(pieces)

    def graft(self, tree: ast.AST, groups: Sequence[Group]) -> None:
        wanted: Dict[Span, Group] = {self._span(group.start, group.end): group for group in groups}
        if len(wanted) != len(groups):
            raise Unsupported("two f-string groups at one place")
        sites: List[Tuple[ast.AST, str, Optional[int], ast.expr]] = []
        for parent in ast.walk(tree):
            for name, value in ast.iter_fields(parent):
                if isinstance(value, list):
                    sites.extend((parent, name, i, item) for i, item in enumerate(value) if self._is_site(item, wanted))
                elif self._is_site(value, wanted):
                    sites.append((parent, name, None, value))
        if len(sites) != len(wanted):
            raise Unsupported("an f-string where the running Python reads no expression")
        pattern = getattr(ast, "pattern", ())
        for parent, name, position, node in sites:
            if isinstance(parent, pattern):
                raise Unsupported("an f-string in a match pattern")
            if isinstance(node, ast.Tuple) and not isinstance(node.ctx, ast.Load):
                raise Unsupported("an f-string as an assignment target")
            joined = self.group(wanted.pop(_node_span(node)))
            if position is None:
                setattr(parent, name, joined)
            else:
                getattr(parent, name)[position] = joined

    def _is_site(self, node: object, wanted: Dict[Span, Group]) -> bool:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) or (
            isinstance(node, ast.Tuple) and not node.elts
        ):
            return _node_span(node) in wanted
        return False

    # --- nodes ------------------------------------------------------------------------------

    def group(self, group: Group) -> ast.JoinedStr:
        flat: List[ast.expr] = []
        for part in group.parts:
            if part.pieces is None:
                flat.append(self._plain(part))
                continue
            for piece in part.pieces:
                if isinstance(piece, Literal):
                    value = decode(self.text[piece.start : piece.end], part.raw)
                    if value:
                        flat.append(self._constant(value, piece.start, piece.end))
                else:
                    flat.extend(self.field(piece, part.raw))
        return self._located(ast.JoinedStr(values=_folded(flat)), group.start, group.end)

    def _plain(self, part: Part) -> ast.Constant:
        source = self.text[part.start : part.end]
        try:
            value = ast.literal_eval(source)
        except (SyntaxError, ValueError) as error:
            raise Unsupported(f"a string literal that does not decode ({error})") from None
        if not isinstance(value, str):
            raise Unsupported("bytes and f-strings concatenated")
        node = self._constant(value, part.start, part.end)
        node.kind = "u" if source.startswith("u") else None
        return node

    def field(self, found: Field, raw: bool) -> List[ast.expr]:
        value = self.expression(found)
        if found.conversion is not None:
            conversion = ord(found.conversion)
        else:
            conversion = ord("r") if found.debug_end is not None and found.spec is None else -1
        spec = self.spec(found.spec) if found.spec is not None else None
        formatted = self._located(
            ast.FormattedValue(value=value, conversion=conversion, format_spec=spec), found.start, found.end
        )
        if found.debug_end is None:
            return [formatted]
        start, end = found.start + 1, found.debug_end
        pieces: List[str] = []
        for comment_start, comment_end in found.comments:
            if comment_start >= end:
                break
            pieces.append(self.text[start:comment_start])
            start = comment_end
        pieces.append(self.text[start:end])
        debug = decode("".join(pieces), raw, braces=False)
        return [self._constant(debug, found.start + 1, found.debug_end), formatted]

    def spec(self, spec: Spec) -> ast.JoinedStr:
        items: List[ast.expr] = []
        for piece in spec.pieces:
            if isinstance(piece, Literal):
                items.append(self._constant(decode(self.text[piece.start : piece.end], False), piece.start, piece.end))
            else:
                items.extend(self.field(piece, False))
        end = spec.pieces[-1].end if spec.pieces else spec.colon + 1
        if spec.pieces and isinstance(spec.pieces[-1], Field):
            items.append(self._constant("", end, end))  # Python 3.12 ends such a spec with an empty piece
        if len(items) == 1 and isinstance(items[0], ast.Constant) and items[0].value == "":
            items = []
        return self._located(ast.JoinedStr(values=items), spec.colon, end)

    def expression(self, found: Field) -> ast.expr:
        start, end = found.expression
        line, column = self.positions.at(start)
        # Parsed on its own in parentheses, then moved to where it stands (the parenthesis
        # stands for the field's '{').
        try:
            tree = ast.parse("(" + self.mask(start, end, found.groups) + "\n)")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            raise Unsupported(f"a replacement field that does not parse ({type(error).__name__})") from None
        if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
            raise Unsupported("a replacement field that is no expression")
        node = tree.body[0].value
        unparenthesised = (node.lineno, node.col_offset) == (1, 0)
        _move(tree, line - 1, column - 1)
        if unparenthesised:
            # The node begins at the parenthesis added above: a tuple written without one.
            if not isinstance(node, ast.Tuple) or not node.elts:
                raise Unsupported("a replacement field Python 3.12 does not accept")
            first, last = self._code_bounds(found)
            node.lineno, node.col_offset = self.positions.at(first)
            node.end_lineno, node.end_col_offset = self.positions.at(last)
        self.graft(tree, found.groups)
        grafted = tree.body[0]
        assert isinstance(grafted, ast.Expr)
        return grafted.value

    def _code_bounds(self, found: Field) -> Tuple[int, int]:
        """Where the first token of a field's expression starts and its last token ends."""
        start, end = found.expression
        code = [True] * (end - start)
        for comment_start, comment_end in found.comments:
            for index in range(comment_start, min(comment_end, end)):
                code[index - start] = False
        blank = " \t\f\r\n\\"
        first = next(i for i in range(start, end) if code[i - start] and self.text[i] not in blank)
        last = next(i for i in range(end - 1, start - 1, -1) if code[i - start] and self.text[i] not in blank)
        return first, last + 1

    def _constant(self, value: str, start: int, end: int) -> ast.Constant:
        return self._located(ast.Constant(value=value, kind=None), start, end)

    def _located(self, node: _Node, start: int, end: int) -> _Node:
        node.lineno, node.col_offset = self.positions.at(start)
        node.end_lineno, node.end_col_offset = self.positions.at(end)
        return node

    def _span(self, start: int, end: int) -> Span:
        return self.positions.at(start) + self.positions.at(end)


def _move(tree: ast.AST, lines: int, columns: int) -> None:
    """Every position ``lines`` further down, and ``columns`` further right on line 1."""
    for node in ast.walk(tree):
        located: Any = node
        if not hasattr(located, "lineno"):
            continue
        if located.lineno == 1:
            located.col_offset += columns
        located.lineno += lines
        if getattr(located, "end_lineno", None) is not None:
            if located.end_lineno == 1:
                located.end_col_offset += columns
            located.end_lineno += lines


def _node_span(node: ast.expr) -> Span:
    return node.lineno, node.col_offset, node.end_lineno or 0, node.end_col_offset or 0


def _folded(flat: List[ast.expr]) -> List[ast.expr]:
    """Adjacent constants joined (kind and start of the first, end of the last), empty ones dropped."""
    values: List[ast.expr] = []
    index = 0
    while index < len(flat):
        node = flat[index]
        index += 1
        if not isinstance(node, ast.Constant):
            values.append(node)
            continue
        run = [node]
        while index < len(flat) and isinstance(flat[index], ast.Constant):
            run.append(flat[index])  # type: ignore[arg-type]
            index += 1
        if len(run) > 1:
            joined = ast.Constant(value="".join(str(item.value) for item in run), kind=run[0].kind)
            joined.lineno, joined.col_offset = run[0].lineno, run[0].col_offset
            joined.end_lineno, joined.end_col_offset = run[-1].end_lineno, run[-1].end_col_offset
            node = joined
        if node.value != "":
            values.append(node)
    return values


def _placeholder(span: str, group: Group) -> str:
    """A literal of exactly ``span``'s shape that parses where ``span`` does."""
    pieces = _LINES.split(span)
    lines, breaks = pieces[0::2], pieces[1::2]
    widths = [_width(line) for line in lines]
    if len(lines) == 1:
        return '"' + " " * (widths[0] - 2) + '"'
    if widths[0] >= 3 and widths[-1] >= 3:
        opening = closing = '"""'
    elif callable_before(group):
        raise Unsupported("no placeholder of this shape parses here")
    else:
        opening, closing = "(", ")"  # an empty tuple: only kept in the places a string could be
    out = [opening + " " * (widths[0] - len(opening))]
    for line_break, width in zip(breaks[:-1], widths[1:-1]):
        out.append(line_break + " " * width)
    out.append(breaks[-1] + " " * (widths[-1] - len(closing)) + closing)
    return "".join(out)


def _width(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def decode(segment: str, raw: bool, braces: bool = True) -> str:
    """The value of a literal piece of an f-string (doubled braces and escapes as Python 3.12);
    without ``braces``, of the text of a self-documenting field (its braces are single)."""
    segment = _NEWLINE.sub("\n", segment)
    out: List[str] = []
    index = 0
    size = len(segment)
    while index < size:
        char = segment[index]
        if braces and char in "{}":  # the scanner leaves only doubled braces in a literal piece
            out.append(char)
            index += 2
            continue
        if char != "\\" or raw or index + 1 == size:
            out.append(char)
            index += 1
            continue
        following = segment[index + 1]
        if following == "\n":
            index += 2
        elif following in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[following])
            index += 2
        elif following in "01234567":
            digits = _OCTAL.match(segment, index + 1).group()  # type: ignore[union-attr]
            out.append(chr(int(digits, 8)))
            index += 1 + len(digits)
        elif following in _HEX:
            digits_match = _HEX[following].match(segment, index + 2)
            if digits_match is None or int(digits_match.group(), 16) > 0x10FFFF:
                raise Unsupported("a malformed escape")
            out.append(chr(int(digits_match.group(), 16)))
            index = digits_match.end()
        elif following == "N":
            close = segment.find("}", index + 3)
            try:
                character = unicodedata.lookup(segment[index + 3 : close])
            except KeyError:
                raise Unsupported("an unknown \\N{...} name") from None
            if len(character) != 1:
                raise Unsupported("a named sequence in \\N{...}")
            out.append(character)
            index = close + 1
        elif following in "{}":
            out.append("\\")
            index += 1
        else:
            out.append("\\" + following)
            index += 2
    return "".join(out)
