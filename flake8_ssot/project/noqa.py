"""flake8's ``noqa`` comments, so that the command reports exactly what flake8 would.

* A line starting with ``# flake8: noqa`` (``:`` or ``=``, any case) drops the whole file.
* ``# noqa`` on a finding's line drops every finding there; ``# noqa: SOT101,SOT2`` drops the
  codes listed and the codes they prefix.  A multi-line token (a triple-quoted string) counts as
  one line: a comment after it covers findings on any of its lines, as in flake8.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Dict, List, Optional, Sequence

_FILE = re.compile(r"\s*#\x20flake8[:=]\s*noqa", re.IGNORECASE)
_LINE = re.compile(r"#\x20noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,\s]+")


class Noqa:
    """The ``noqa`` comments of one file."""

    def __init__(self, text: str, lines: Sequence[str]) -> None:
        self.present = "noqa" in text.lower()
        self.whole_file = self.present and any(_FILE.match(line) for line in lines)
        self._text = text
        self._lines = lines
        self._ranges: Optional[Dict[int, str]] = None

    def suppresses(self, line: int, code: str) -> bool:
        if not self.present:
            return False
        if self.whole_file:
            return True
        match = _LINE.search(self._line_text(line))
        if match is None:
            return False
        codes = match.group("codes")
        if codes is None:
            return True
        listed = [item for item in _SEPARATORS.split(codes) if item]
        return code in listed or code.startswith(tuple(listed))

    def _line_text(self, line: int) -> str:
        if self._ranges is None:
            self._ranges = _logical_ranges(self._text, self._lines)
        text = self._ranges.get(line)
        if text is not None:
            return text
        return self._lines[line - 1] if 1 <= line <= len(self._lines) else ""


def _logical_ranges(text: str, lines: Sequence[str]) -> Dict[int, str]:
    """Each line -> the text of every physical line its token run spans (up to a line break)."""
    ranges: Dict[int, str] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return ranges
    first, last = len(lines) + 2, -1
    for token in tokens:
        if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        first, last = min(first, token.start[0]), max(last, token.end[0])
        if token.type in (tokenize.NL, tokenize.NEWLINE):
            span: List[str] = list(lines[first - 1 : last])
            joined = "\n".join(span)
            for number in range(first, last + 1):
                ranges[number] = joined
            first, last = len(lines) + 2, -1
    return ranges
