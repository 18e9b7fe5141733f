"""Open documents as the client has them, and positions as LSP counts them.

LSP splits lines at ``\\n``, ``\\r\\n`` and ``\\r`` only (not at form feeds or other characters
``str.splitlines`` breaks at), and counts characters in the position encoding agreed at
initialisation: UTF-16 code units unless the client offered UTF-8 or UTF-32.  The server keeps
its own copy of each open document and applies the client's changes with these rules.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple
from urllib.parse import urlparse
from urllib.request import url2pathname

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# (line, character): 0-based, characters in the agreed encoding's units.
Position = Tuple[int, int]
Range = Tuple[Position, Position]


def units(text: str, encoding: str) -> int:
    """How many units of ``encoding`` ``text`` takes."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def index_of(line: str, count: int, encoding: str) -> int:
    """The index into ``line`` after ``count`` units (clamped to the line; inside a character: after it)."""
    if encoding == UTF32:
        return max(0, min(count, len(line)))
    seen = 0
    for index, character in enumerate(line):
        if seen >= count:
            return index
        seen += units(character, encoding)
    return len(line)


def split_lines(text: str) -> List[str]:
    """The lines of ``text`` as LSP counts them, without their line breaks."""
    return _LINE_BREAK.split(text)


class Lines:
    """Offsets and positions in one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        self.ends: List[int] = []
        for match in _LINE_BREAK.finditer(text):
            self.ends.append(match.start())
            self.starts.append(match.end())
        self.ends.append(len(text))

    def line(self, number: int) -> str:
        """Line ``number`` (0-based) without its line break; empty past the end."""
        if 0 <= number < len(self.starts):
            return self.text[self.starts[number] : self.ends[number]]
        return ""

    def offset(self, position: Position, encoding: str) -> int:
        """The offset into the text of a client position (clamped, as LSP asks)."""
        line, character = position
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        return self.starts[line] + index_of(self.line(line), character, encoding)

    def position(self, offset: int, encoding: str) -> Position:
        """The client position of an offset into the text."""
        offset = max(0, min(offset, len(self.text)))
        line = _last_at_most(self.starts, offset)
        end = min(offset, self.ends[line])
        return line, units(self.text[self.starts[line] : end], encoding)

    def at(self, line: int, character: int, encoding: str) -> Position:
        """The client position of ``character`` (a Python index) on 0-based ``line``."""
        return line, units(self.line(line)[:character], encoding)


def _last_at_most(starts: Sequence[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def path_of(uri: str) -> Optional[str]:
    """The file system path of a ``file:`` URI; None for any other scheme (an unsaved buffer)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file" or not parsed.path:
        return None
    path = url2pathname(parsed.path)  # percent-decoded; on Windows also '/C:/x' -> 'C:\\x'
    if parsed.netloc and parsed.netloc != "localhost":
        path = os.sep * 2 + parsed.netloc + path  # a UNC share
    return os.path.normpath(path)


@dataclass
class Document:
    """One open document: its URI, file path (None when it has none), version and text."""

    uri: str
    path: Optional[str]
    version: Optional[int]
    text: str
    language: str = "python"

    def change(self, edits: Sequence[Tuple[Optional[Range], str]], version: Optional[int], encoding: str) -> None:
        """Apply the client's changes in order: a range and its new text, or None and the whole text."""
        text = self.text
        for where, new in edits:
            if where is None:
                text = new
                continue
            lines = Lines(text)
            start, end = lines.offset(where[0], encoding), lines.offset(where[1], encoding)
            if end < start:
                start, end = end, start
            text = text[:start] + new + text[end:]
        self.text = text
        self.version = version


@dataclass(frozen=True)
class TextEdit:
    """Replace ``range`` (client positions in the text the edit was made for) with ``text``."""

    range: Range
    text: str
