"""Python 3.12's f-string tokenizer (PEP 701), as far as the rest of this package needs it.

:class:`Scanner` finds every group of adjacent string literals that holds an f-string, the way
Python 3.12 tokenizes it: quotes reused inside replacement fields, backslashes, comments and
line breaks inside them, nested f-strings.  It records where each literal piece, replacement
field, conversion and format spec lies; :mod:`flake8_ssot.newer_syntax.graft` turns that into
``ast`` nodes.  Whatever it is not sure Python 3.12 accepts, and reads exactly as described
here, raises :class:`Unsupported`: the file is then reported, never guessed at.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple, Union

# String prefixes (any case) Python 3.12 knows; an identifier that is one of them, directly
# followed by a quote, starts a string.
_PREFIXES = frozenset({"", "r", "u", "b", "br", "rb", "f", "fr", "rf"})
_OPERATORS = sorted(
    "**= //= >>= <<= ... != %= &= ** *= += -= -> // /= := << <= == >= >> @= ^= |= "
    "+ - * / % @ & | ^ ~ < > ( ) [ ] { } , : . ; = ! `".split(),
    key=len,
    reverse=True,
)
_SPACE = re.compile(r"[ \t\f]+")
_LINE_BREAK = re.compile(r"[\r\n]")
_NAME = re.compile(r"[^\W\d]\w*")
_NUMBER = re.compile(r"(?:\d|\.\d)(?:[eE][+-]\d|[\w.])*")
_CONVERSIONS = frozenset({"s", "r", "a"})
# Atoms that a following "(" would call (a string after them is a syntax error instead).
_CALLABLE_BEFORE = frozenset({"name", "number", "close", "string"})
_ATOM_KEYWORDS = frozenset({"None", "True", "False"})
# How deep f-strings may nest in f-strings here (Python 3.12 allows 150 or so; deeper is refused).
MAX_NESTING = 64
# Replacement fields nest at most this deep through format specs (Python 3.12: 2).
MAX_SPEC_NESTING = 2


class Unsupported(Exception):
    """The text is not read here exactly as Python 3.12 reads it (or Python 3.12 rejects it)."""


@dataclass
class Literal:
    """Literal text of an f-string or of a format spec: ``text[start:end]``, escapes undecoded."""

    start: int
    end: int


@dataclass
class Field:
    """A replacement field ``{expression=!c:spec}`` from ``start`` ('{') to ``end`` (after '}')."""

    start: int
    end: int
    expression: Tuple[int, int]
    groups: List["Group"] = field(default_factory=list)
    comments: List[Tuple[int, int]] = field(default_factory=list)
    # The '!', ':' or '}' that ends a self-documenting ``expression=`` (None without '=').
    debug_end: Optional[int] = None
    conversion: Optional[str] = None
    spec: Optional["Spec"] = None


@dataclass
class Spec:
    """A format spec: from its ':' to the '}' that ends it (``end``, exclusive)."""

    colon: int
    end: int
    pieces: List[Union[Literal, Field]]


@dataclass
class Part:
    """One string literal of a group, ``text[start:end]``; ``pieces`` is None for a plain string."""

    start: int
    end: int
    raw: bool
    pieces: Optional[List[Union[Literal, Field]]]


@dataclass
class Group:
    """Adjacent string literals (one expression) holding at least one f-string.

    ``before`` is the kind of token in front of it: "name", "number", "close", "keyword",
    "open", "op" or "start".
    """

    start: int
    end: int
    parts: List[Part]
    before: str


@dataclass
class Scanner:
    """Finds the f-string groups of ``text``; :attr:`newer_feature` is where the first piece of
    f-string syntax that only Python 3.12 accepts was seen (-1: none)."""

    text: str
    newer_feature: int = -1

    def module(self) -> List[Group]:
        groups, end, _ = self._tokens(0, None, 0)
        assert end == len(self.text)
        return groups

    # --- code: the module, or the expression of a replacement field -------------------------

    def _tokens(self, index: int, quote: Optional[str], nesting: int) -> Tuple[List[Group], int, List[Tuple[int, int]]]:
        """Tokens from ``index`` to the end of the module (``quote`` None) or, inside an f-string
        quoted with ``quote``, to the '=', '!', ':' or '}' that ends a field's expression."""
        text = self.text
        size = len(text)
        in_field = quote is not None
        depth = 0
        groups: List[Group] = []
        comments: List[Tuple[int, int]] = []
        current: Optional[Group] = None
        before = "start"
        while True:
            if index >= size:
                if in_field:
                    raise Unsupported("unterminated replacement field")
                if current is not None and any(part.pieces is not None for part in current.parts):
                    groups.append(current)
                return groups, index, comments
            char = text[index]
            if char in " \t\f":
                index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
                continue
            if char in "\r\n":
                if in_field and quote is not None and len(quote) == 1:
                    self._newer(index)
                if not in_field and depth == 0:
                    current = _closed(groups, current)
                    before = "start"
                index += 1
                continue
            if char == "#":
                end = _line_end(text, index)
                if in_field:
                    comments.append((index, end))
                    self._newer(index)
                index = end
                continue
            if char == "\\":
                if text.startswith("\r\n", index + 1):
                    index += 3
                elif text[index + 1 : index + 2] in ("\r", "\n"):
                    index += 2
                else:
                    raise Unsupported("a backslash outside a string")
                if in_field:
                    self._newer(index)
                continue
            name = _NAME.match(text, index)
            if name is not None or char in "'\"":
                word = name.group() if name is not None else ""
                after = index + len(word)
                if text[after : after + 1] in ("'", '"') and word.lower() in _PREFIXES:
                    part = self._string(index, after, word.lower(), quote, nesting)
                    if current is None:
                        current = Group(part.start, part.end, [part], before)
                    else:
                        current.parts.append(part)
                        current.end = part.end
                    before = "string"
                    index = part.end
                    continue
                current = _closed(groups, current)
                before = "keyword" if keyword.iskeyword(word) and word not in _ATOM_KEYWORDS else "name"
                index = after
                continue
            number = _NUMBER.match(text, index)
            if number is not None:
                current = _closed(groups, current)
                before = "number"
                index = number.end()
                continue
            current = _closed(groups, current)
            if in_field and depth == 0:
                if char == "}" or char == ":":
                    return groups, index, comments
                if char == "!" and text[index + 1 : index + 2] != "=":
                    return groups, index, comments
                if char == "=" and text[index + 1 : index + 2] != "=":
                    return groups, index, comments
            if char in "([{":
                depth += 1
                before = "open"
                index += 1
                continue
            if char in ")]}":
                if depth == 0:
                    raise Unsupported(f"unmatched '{char}'")
                depth -= 1
                before = "close"
                index += 1
                continue
            operator = next((op for op in _OPERATORS if text.startswith(op, index)), char)
            before = "op"
            index += len(operator)

    def _newer(self, index: int) -> None:
        if self.newer_feature < 0:
            self.newer_feature = index

    # --- strings --------------------------------------------------------------------------

    def _string(self, start: int, quote_at: int, prefix: str, outer: Optional[str], nesting: int) -> Part:
        text = self.text
        char = text[quote_at]
        quote = char * 3 if text.startswith(char * 3, quote_at) else char
        if outer is not None and (quote == outer or (len(outer) == 1 and char == outer)):
            self._newer(start)  # a quote reused inside a replacement field
        body = quote_at + len(quote)
        raw = "r" in prefix
        if "f" not in prefix:
            return Part(start, _plain_end(text, body, quote), raw, None)
        if nesting >= MAX_NESTING:
            raise Unsupported("f-strings nested too deeply")
        pieces, end = self._fstring_body(body, quote, raw, nesting + 1)
        return Part(start, end, raw, pieces)

    def _fstring_body(self, index: int, quote: str, raw: bool, nesting: int) -> Tuple[List[Union[Literal, Field]], int]:
        text = self.text
        size = len(text)
        single = len(quote) == 1
        pieces: List[Union[Literal, Field]] = []
        literal = index
        while True:
            if index >= size:
                raise Unsupported("unterminated f-string")
            char = text[index]
            if text.startswith(quote, index):
                if index > literal:
                    pieces.append(Literal(literal, index))
                return pieces, index + len(quote)
            if char in "\r\n" and single:
                raise Unsupported("unterminated f-string")
            if char == "\\":
                following = text[index + 1 : index + 2]
                if not raw and following == "N" and text[index + 2 : index + 3] == "{":
                    close = text.find("}", index + 3)
                    name = text[index + 3 : close] if close >= 0 else ""
                    if close < 0 or any(c in name for c in "\r\n'\"{\\"):
                        raise Unsupported("a malformed \\N{...} escape")
                    index = close + 1
                    pieces.append(Literal(literal, index))  # Python 3.12 ends a literal piece here too
                    literal = index
                elif following in ("{", "}"):
                    index += 1
                elif text.startswith("\r\n", index + 1):
                    index += 3
                else:
                    index += 2
                continue
            if char in "{}" and text[index + 1 : index + 2] == char:
                # Python 3.12 ends a literal piece after a doubled brace.
                index += 2
                pieces.append(Literal(literal, index))
                literal = index
                continue
            if char == "{":
                if index > literal:
                    pieces.append(Literal(literal, index))
                replacement = self._field(index, quote, 0, nesting)
                pieces.append(replacement)
                index = literal = replacement.end
                continue
            if char == "}":
                raise Unsupported("a single '}' in an f-string")
            index += 1

    def _field(self, brace: int, quote: str, spec_depth: int, nesting: int) -> Field:
        text = self.text
        groups, index, comments = self._tokens(brace + 1, quote, nesting)
        expression = (brace + 1, index)
        if not _has_code(text, expression, comments):
            raise Unsupported("an empty replacement field")
        if "\\" in text[expression[0] : expression[1]]:
            self._newer(expression[0])
        found = Field(brace, -1, expression, groups, comments)
        if text[index] == "=":
            if spec_depth:
                raise Unsupported("a self-documenting field inside a format spec")  # 3.12.1 fails on it
            source = text[expression[0] : expression[1]]
            if "!=" in source or source.count("#") != len(comments):
                # Python 3.12.1 cuts the text at '!=', and at a '#' inside a string.
                raise Unsupported("'!=' or '#' in a self-documenting field")
            index = _skip_space(text, index + 1, comments)
            if text[index : index + 1] not in ("!", ":", "}") or text.startswith("!=", index):
                raise Unsupported("'=' not followed by '!', ':' or '}'")
            found.debug_end = index
        if text[index] == "!":
            name = _NAME.match(text, index + 1)
            if name is None or name.group() not in _CONVERSIONS:
                raise Unsupported("an invalid conversion")
            found.conversion = name.group()
            index = _skip_space(text, name.end(), comments)
            if text[index : index + 1] not in (":", "}"):
                raise Unsupported("a conversion not followed by ':' or '}'")
        if text[index] == ":":
            if spec_depth >= MAX_SPEC_NESTING:
                raise Unsupported("format specs nested too deeply")
            found.spec = self._spec(index, quote, spec_depth + 1, nesting)
            index = found.spec.end
        if text[index : index + 1] != "}":
            raise Unsupported("a replacement field not closed by '}'")
        found.end = index + 1
        return found

    def _spec(self, colon: int, quote: str, depth: int, nesting: int) -> Spec:
        text = self.text
        size = len(text)
        pieces: List[Union[Literal, Field]] = []
        index = literal = colon + 1
        while True:
            if index >= size or text.startswith(quote, index):
                raise Unsupported("unterminated format spec")
            char = text[index]
            if char in "\r\n" and len(quote) == 1:
                # A line break ends the spec of a single-quoted f-string; only space may follow.
                if index > literal:
                    pieces.append(Literal(literal, index))
                if pieces and isinstance(pieces[-1], Field):
                    raise Unsupported("a line break after a field in a format spec")
                end = _skip_space(text, index)
                if text[end : end + 1] != "}":
                    raise Unsupported("a format spec continued on another line")
                return Spec(colon, end, pieces)
            if char == "\\":
                following = text[index + 1 : index + 2]
                if following in ("N", "{", "}", ""):
                    raise Unsupported("an escape in a format spec read differently by Python 3.12 releases")
                index += 3 if text.startswith("\r\n", index + 1) else 2
                continue
            if char == "{":
                if text[index + 1 : index + 2] == "{":
                    raise Unsupported("'{{' in a format spec")
                if index > literal:
                    pieces.append(Literal(literal, index))
                nested = self._field(index, quote, depth, nesting)
                pieces.append(nested)
                index = literal = nested.end
                continue
            if char == "}":
                if index > literal:
                    pieces.append(Literal(literal, index))
                return Spec(colon, index, pieces)
            index += 1


def _closed(groups: List[Group], current: Optional[Group]) -> Optional[Group]:
    """Ends the current group (kept when it holds an f-string); the new current group: none."""
    if current is not None and any(part.pieces is not None for part in current.parts):
        groups.append(current)
    return None


def _line_end(text: str, index: int) -> int:
    found = _LINE_BREAK.search(text, index)
    return found.start() if found else len(text)


def _skip_space(text: str, index: int, comments: Optional[List[Tuple[int, int]]] = None) -> int:
    """The first index from ``index`` on that is neither white space nor (with ``comments``, where
    they are recorded) a comment."""
    while index < len(text):
        if text[index] in " \t\f\r\n":
            index += 1
        elif text[index] == "#" and comments is not None:
            end = _line_end(text, index)
            comments.append((index, end))
            index = end
        else:
            break
    return index


def _has_code(text: str, span: Tuple[int, int], comments: List[Tuple[int, int]]) -> bool:
    start, end = span
    for comment_start, comment_end in comments:
        if text[start:comment_start].strip(" \t\f\r\n\\"):
            return True
        start = comment_end
    return bool(text[start:end].strip(" \t\f\r\n\\"))


def _plain_end(text: str, index: int, quote: str) -> int:
    size = len(text)
    single = len(quote) == 1
    while True:
        if index >= size:
            raise Unsupported("unterminated string")
        char = text[index]
        if char == "\\":
            index += 3 if text.startswith("\r\n", index + 1) else 2
            continue
        if text.startswith(quote, index):
            return index + len(quote)
        if single and char in "\r\n":
            raise Unsupported("unterminated string")
        index += 1


def callable_before(group: Group) -> bool:
    """Whether a parenthesis in place of ``group`` would call (or subscript) what precedes it."""
    return group.before in _CALLABLE_BEFORE
