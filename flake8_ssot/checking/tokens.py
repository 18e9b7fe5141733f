"""Looking for many literal tokens at once, in text or in bytes.

Two ways, for two kinds of token.  A word that must occur as a *substring* (``Handler`` inside
``OrderHandler``) is looked for through a small *cover* of substrings (each token contains one of
them, chosen long): one pass per cover substring, and only a text holding one is looked at token
by token (:class:`TokenScan`).  Identifiers that must occur *whole* (the project closure's names,
a few hundred of them) are found by splitting the text into its identifiers once and intersecting
(:func:`identifiers`): one pass, whatever their number.
"""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, Generic, Iterable, List, Set, Tuple, TypeVar

# Shortest cover substring worth a pass of its own (a shorter token is its own cover).
_MIN_COVER = 8

S = TypeVar("S", str, bytes)


class TokenScan(Generic[S]):
    """Which of ``tokens`` occur in a text (``str``) or in bytes, as substrings."""

    def __init__(self, tokens: Iterable[str], as_bytes: bool) -> None:
        self.tokens: FrozenSet[str] = frozenset(tokens)
        spelt: Dict[str, S] = {
            token: token.encode("ascii", "backslashreplace") if as_bytes else token  # type: ignore[misc]
            for token in self.tokens
        }
        self._groups: List[Tuple[S, Tuple[Tuple[str, S], ...]]] = []
        for cover, members in _cover(spelt).items():
            self._groups.append((cover, tuple(sorted((token, spelt[token]) for token in members))))
        self._groups.sort()

    def __bool__(self) -> bool:
        return bool(self.tokens)

    def hits(self, data: S) -> Set[str]:
        found: Set[str] = set()
        for cover, members in self._groups:
            if cover in data:
                if len(members) == 1 and members[0][1] == cover:
                    found.add(members[0][0])
                else:
                    found.update(token for token, raw in members if raw in data)
        return found

    def any_in(self, data: S) -> bool:
        for cover, members in self._groups:
            if cover in data and any(raw in data for _, raw in members):
                return True
        return False


def _cover(spelt: Dict[str, S]) -> Dict[S, List[str]]:
    """Greedy: substrings (at least :data:`_MIN_COVER` characters, or a whole shorter token) each
    shared by as many uncovered tokens as possible, until every token contains one."""
    remaining = set(spelt)
    groups: Dict[S, List[str]] = {}
    while remaining:
        counts: Dict[S, Set[str]] = {}
        for token in remaining:
            raw = spelt[token]
            length = min(len(raw), _MIN_COVER)
            seen: Set[S] = set()
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


# Every byte that cannot be part of an ASCII identifier becomes a space.
_NOT_IDENTIFIER = bytes(
    char if chr(char).isascii() and (chr(char).isalnum() or char == 0x5F) else 0x20 for char in range(256)
)
_WORD = re.compile(r"\w+")


def identifiers(data: bytes) -> Set[bytes]:
    """The runs of ASCII letters, digits and underscores in ``data`` (for ASCII code: its
    identifiers, keywords and numbers, and the words of its strings and comments)."""
    return set(data.translate(_NOT_IDENTIFIER).split())


class Words:
    """A set of tokens looked for as whole words (identifiers, in code)."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self.tokens: FrozenSet[str] = frozenset(tokens)
        self._of: Dict[bytes, str] = {token.encode("ascii"): token for token in self.tokens if token.isascii()}

    def in_bytes(self, data: bytes) -> Set[str]:
        """The tokens in ``data``, bytes that stand for their ASCII text."""
        of = self._of
        return {of[raw] for raw in identifiers(data).intersection(of)}

    def in_text(self, text: str) -> Set[str]:
        """The tokens in ``text`` (no letter, digit or underscore on either side)."""
        if text.isascii():
            return self.in_bytes(text.encode("ascii"))
        return set(self.tokens.intersection(_WORD.findall(text)))
