"""Looking for many literal tokens at once, in text or in bytes.

Looking for a few hundred tokens one by one would cost a pass over the text each, so the tokens
are grouped under a small *cover* of substrings (each token contains one of them, chosen long):
one pass per cover substring, and only a text holding one is looked at token by token.
"""

from __future__ import annotations

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
