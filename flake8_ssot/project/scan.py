"""Scanning a file's bytes for literal tokens before decoding it.

Most files of a project hold none of the tokens a registry can be reached through; for them the
command only reads the bytes and looks.  Looking for a few hundred tokens one by one would cost a
pass over the file each, so the tokens are grouped under a small *cover* of substrings (each
token contains one of them, chosen long): one pass per cover substring, and only a file holding
one is looked at token by token.

Bytes stand for the text only when decoding cannot change them: a pure-ASCII file without a
coding cookie (:func:`plain`).  Other files are decoded and searched as text (identifiers are
NFKC-normalised by the parser, so non-ASCII text may spell an ASCII token differently).
"""

from __future__ import annotations

import re
from typing import AbstractSet, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

# A coding cookie (PEP 263) is on line 1 or 2; a file with one is decoded before it is searched.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)
# Shortest cover substring worth a pass of its own (a shorter token is its own cover).
_MIN_COVER = 8


def plain(data: bytes) -> bool:
    """True when ``data`` decodes to the same characters as its bytes and with no error: ASCII,
    and no coding cookie on its first two lines."""
    if not data.isascii():
        return False
    head = data[:1024].split(b"\n", 2)[:2]
    return not any(_COOKIE.match(line) for line in head)


class TokenScan:
    """Which of ``tokens`` occur in some bytes, as substrings."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self.tokens: FrozenSet[str] = frozenset(tokens)
        encoded = {token: token.encode("ascii", "backslashreplace") for token in self.tokens}
        self._groups: List[Tuple[bytes, Tuple[Tuple[str, bytes], ...]]] = []
        for cover, members in _cover(encoded).items():
            self._groups.append((cover, tuple(sorted((token, encoded[token]) for token in members))))
        self._groups.sort()

    def __bool__(self) -> bool:
        return bool(self.tokens)

    def hits(self, data: bytes) -> Set[str]:
        found: Set[str] = set()
        for cover, members in self._groups:
            if cover in data:
                if len(members) == 1 and members[0][1] == cover:
                    found.add(members[0][0])
                else:
                    found.update(token for token, raw in members if raw in data)
        return found

    def any_in(self, data: bytes) -> bool:
        for cover, members in self._groups:
            if cover in data and any(raw in data for _, raw in members):
                return True
        return False


def _cover(encoded: Dict[str, bytes]) -> Dict[bytes, List[str]]:
    """Greedy: substrings (at least :data:`_MIN_COVER` bytes, or a whole shorter token) each
    shared by as many uncovered tokens as possible, until every token contains one."""
    remaining = set(encoded)
    groups: Dict[bytes, List[str]] = {}
    while remaining:
        counts: Dict[bytes, Set[str]] = {}
        for token in remaining:
            raw = encoded[token]
            length = min(len(raw), _MIN_COVER)
            seen: Set[bytes] = set()
            for start in range(len(raw) - length + 1):
                piece = raw[start : start + length]
                if piece not in seen:
                    seen.add(piece)
                    counts.setdefault(piece, set()).add(token)
        best = max(counts, key=lambda piece: (len(counts[piece]), len(piece), piece))
        members = counts[best]
        groups[best] = sorted(members)
        remaining -= members
    return groups


def present_in_text(tokens: AbstractSet[str], text: str) -> Set[str]:
    """The tokens occurring in ``text`` as substrings (for a file searched as text)."""
    return {token for token in tokens if token in text}


def optional_scan(tokens: Optional[Iterable[str]]) -> Optional[TokenScan]:
    return None if tokens is None else TokenScan(tokens)
