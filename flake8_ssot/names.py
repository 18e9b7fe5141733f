"""Dotted module names: validation, segment patterns and relative-import resolution.

Names from the configuration are NFKC-normalised, the same normalisation the Python parser applies
to identifiers, so a registry entry and the identifiers in the analysed code compare equal.
"""

from __future__ import annotations

import fnmatch
import functools
import keyword
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

WILDCARD = "*"  # exactly one segment
DEEP_WILDCARD = "**"  # zero or more segments
WILDCARDS = (WILDCARD, DEEP_WILDCARD)
_GLOB_SEGMENT = re.compile(r"^[\w*?\[\]!-]+$")

# What matched one segment of a dotted name: a literal segment beats '*', '*' beats '**'.
LITERAL, ONE, ANY = 2, 1, 0


def normalise(text: str) -> str:
    """Return ``text`` stripped and NFKC-normalised like a Python identifier."""
    return unicodedata.normalize("NFKC", text.strip())


def is_identifier(text: str) -> bool:
    """True for a name that can be a Python module, class or parameter name."""
    return text.isidentifier() and not keyword.iskeyword(text)


def is_dotted_name(text: str) -> bool:
    """True for ``a``, ``a.b.c``; false for ``a..b``, ``a.b.``, ``1abc``, ``a.class``."""
    return bool(text) and all(is_identifier(part) for part in text.split("."))


def pattern_problem(text: str) -> Optional[str]:
    """Why ``text`` is no forbidden-module pattern, or None when it is one.

    A pattern is a dotted name whose segments may be ``*`` (exactly one segment) or ``**`` (zero
    or more segments), with at least one named segment, no ``**`` next to another and none at
    the end (a forbidden module covers its submodules already).
    """
    parts = text.split(".")
    generic = "not a valid dotted module name (segments may be '*' or '**')"
    if not text:
        return generic
    for part in parts:
        if part not in WILDCARDS and "*" in part:
            return f"segment '{part}' mixes a name and '*'; '*' and '**' stand for whole segments"
        if part not in WILDCARDS and not is_identifier(part):
            return generic
    if all(part in WILDCARDS for part in parts):
        return "needs at least one named segment: wildcards alone would forbid every module"
    if any(first == second == DEEP_WILDCARD for first, second in zip(parts, parts[1:])):
        return "'**.**' is one '**'; write it once"
    if parts[-1] == DEEP_WILDCARD:
        kept = ".".join(parts[:-1])
        return f"a trailing '**' adds nothing (a forbidden module covers its submodules); write '{kept}'"
    return None


def is_dotted_pattern(text: str) -> bool:
    """A dotted name whose segments may be ``*`` (one segment) or ``**`` (any number); see
    :func:`pattern_problem`."""
    return pattern_problem(text) is None


def is_module_glob(text: str) -> bool:
    """A module glob for allow-lists (``fnmatch`` syntax over a dotted name)."""
    return bool(text) and all(_GLOB_SEGMENT.match(part) for part in text.split("."))


def glob_matches(glob: str, module: str) -> bool:
    """``fnmatch`` semantics, case-sensitive: ``*`` may span dots.  A whole segment ``**`` matches
    zero or more whole segments, as in forbidden-module patterns: ``a.**.b`` matches ``a.b``."""
    segments = glob.split(".")
    if DEEP_WILDCARD not in segments:
        return fnmatch.fnmatchcase(module, glob)
    return _glob_segments_match(tuple(segments), tuple(module.split(".")))


def _glob_segments_match(segments: Tuple[str, ...], parts: Tuple[str, ...]) -> bool:
    """Segments against parts: ``**`` takes zero or more parts, any other glob segment one or more
    (``fnmatch``'s ``*`` spans dots)."""
    # reachable[j]: the segments read so far can match exactly parts[:j].
    reachable = {0}
    for segment in segments:
        following: Set[int] = set()
        for start in reachable:
            if segment == DEEP_WILDCARD:
                following.update(range(start, len(parts) + 1))
                continue
            for end in range(start + 1, len(parts) + 1):
                if fnmatch.fnmatchcase(".".join(parts[start:end]), segment):
                    following.add(end)
        reachable = following
        if not reachable:
            return False
    return len(parts) in reachable


@dataclass(frozen=True)
class ClassGlob:
    """A class-name glob read as :func:`fnmatch.translate` reads it.

    ``literals`` are its literal runs (between ``*``, ``?`` and character classes), which every
    matching class name contains; ``problem`` says why no class name can match, or is None.
    """

    literals: Tuple[str, ...]
    problem: Optional[str]


@functools.lru_cache(maxsize=256)
def class_glob(glob: str) -> ClassGlob:
    """Read ``glob`` as ``fnmatch`` does: ``*``, ``?``, ``[seq]``, ``[!seq]``, everything else literal.

    A ``[`` without its ``]`` is a literal character to ``fnmatch``, like ``]`` after ``[`` or
    ``[!``; a class name holds neither, so such a glob is reported.
    """
    literals: List[str] = []
    run: List[str] = []
    problem: Optional[str] = None if glob else "empty class-name glob"
    index, size = 0, len(glob)
    while index < size:
        char = glob[index]
        index += 1
        if char in "*?":
            literals.append("".join(run))
            run = []
            continue
        if char == "[":
            end = index
            if end < size and glob[end] == "!":
                end += 1
            if end < size and glob[end] == "]":
                end += 1
            while end < size and glob[end] != "]":
                end += 1
            if end < size:
                literals.append("".join(run))
                run = []
                index = end + 1
                continue
            member = " (a ']' right after '[' or '[!' is a member of the class)" if "]" in glob[index:] else ""
            problem = problem or (
                f"'[' at character {index} opens a character class that is never closed{member}; "
                "close it with ']' (e.g. '[A-Z]')"
            )
        elif problem is None and not ("_" + char).isidentifier():
            problem = (
                "'.' cannot be part of a class name: the glob matches a class's own name, not its module"
                if char == "."
                else f"{char!r} cannot be part of a class name, so the glob matches no class "
                "(globs use '*', '?' and character classes such as '[A-Z]')"
            )
        elif problem is None and not run and not literals and not char.isidentifier():
            problem = f"a class name cannot start with {char!r}, so the glob matches no class"
        run.append(char)
    literals.append("".join(run))
    return ClassGlob(tuple(part for part in literals if part), problem)


@dataclass(frozen=True)
class DottedPattern:
    """A dotted module name whose segments may be ``*`` (exactly one segment) or ``**`` (zero or
    more segments).

    A pattern matches a module and, since a forbidden module covers its submodules, every module
    below it: ``a.*.legacy`` matches ``a.x.legacy`` and ``a.x.legacy.sub``, not ``a.legacy``;
    ``a.**.legacy`` matches ``a.legacy``, ``a.x.legacy`` and ``a.x.y.legacy.sub``.
    """

    text: str
    # Derived once from ``text``: patterns are matched against every import and attribute chain.
    segments: Tuple[str, ...] = field(init=False, repr=False, compare=False)
    has_wildcard: bool = field(init=False, repr=False, compare=False)
    # The named segments, in order: every module the pattern matches spells them.
    literal_segments: Tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        segments = tuple(self.text.split("."))
        object.__setattr__(self, "segments", segments)
        object.__setattr__(self, "has_wildcard", any(segment in WILDCARDS for segment in segments))
        object.__setattr__(self, "literal_segments", tuple(part for part in segments if part not in WILDCARDS))

    def match(self, dotted: str) -> Optional[Tuple[str, Tuple[int, ...]]]:
        """The shortest prefix of ``dotted`` this pattern matches (the matched module), with what
        matched each of its segments (:data:`LITERAL`, :data:`ONE`, :data:`ANY`), the best way
        when there are several; None when no prefix matches."""
        parts = dotted.split(".")
        segments = self.segments
        if not self.has_wildcard:
            size = len(segments)
            if tuple(parts[:size]) == segments:
                return self.text, (LITERAL,) * size
            return None
        if not all(literal in parts for literal in self.literal_segments):
            return None  # a match spells every named segment
        end = len(segments)
        states = _skip_deep(segments, {0: ()})
        for index, part in enumerate(parts):
            if end in states:
                return ".".join(parts[:index]), states[end]
            following: Dict[int, Tuple[int, ...]] = {}
            for state, ranks in states.items():
                if state == end:
                    continue
                segment = segments[state]
                if segment == DEEP_WILDCARD:
                    _keep_best(following, state, ranks + (ANY,))
                elif segment == WILDCARD:
                    _keep_best(following, state + 1, ranks + (ONE,))
                elif segment == part:
                    _keep_best(following, state + 1, ranks + (LITERAL,))
            states = _skip_deep(segments, following)
            if not states:
                return None
        if end in states:
            return dotted, states[end]
        return None

    def covering_prefix(self, dotted: str) -> Optional[str]:
        """The prefix of ``dotted`` this pattern matches (the matched module), or None."""
        found = self.match(dotted)
        return found[0] if found is not None else None

    def covers(self, dotted: str) -> bool:
        return self.match(dotted) is not None

    def holds_below(self, dotted: str) -> bool:
        """True when ``dotted`` is a proper prefix of some module this pattern matches: a package
        that can contain a forbidden module (``a`` and ``a.x`` for ``a.*.legacy``)."""
        segments = self.segments
        parts = dotted.split(".")
        if not self.has_wildcard:
            return len(parts) < len(segments) and segments[: len(parts)] == tuple(parts)
        states: Set[int] = set(_skip_deep(segments, {0: ()}))
        for part in parts:
            following: Dict[int, Tuple[int, ...]] = {}
            for state in states:
                if state == len(segments):
                    continue
                segment = segments[state]
                if segment == DEEP_WILDCARD:
                    following[state] = ()
                elif segment == WILDCARD or segment == part:
                    following[state + 1] = ()
            states = set(_skip_deep(segments, following))
            if not states:
                return False
        return any(state < len(segments) for state in states)


def _keep_best(states: Dict[int, Tuple[int, ...]], state: int, ranks: Tuple[int, ...]) -> None:
    if state not in states or ranks > states[state]:
        states[state] = ranks


def _skip_deep(segments: Tuple[str, ...], states: Dict[int, Tuple[int, ...]]) -> Dict[int, Tuple[int, ...]]:
    """``states`` plus every state reached by letting ``**`` segments match nothing."""
    result = dict(states)
    for state in range(len(segments)):
        if state in result and segments[state] == DEEP_WILDCARD:
            _keep_best(result, state + 1, result[state])
    return result


def is_within(dotted: str, container: str) -> bool:
    """True when ``dotted`` is ``container`` or lies below it (``a.b.c`` is within ``a.b``)."""
    return dotted == container or dotted.startswith(container + ".")


def resolve_relative(package: Optional[str], level: int, module: Optional[str]) -> Optional[str]:
    """Resolve ``from <level dots><module> import ...`` against ``package``.

    ``package`` is the package the importing file belongs to (the module itself for an
    ``__init__``).  Returns None when that is unknown or the import climbs above the top-level
    package: such imports yield no finding rather than a guess.
    """
    if level == 0:
        return module
    if package is None:
        return None
    parts = package.split(".") if package else []
    if level - 1 >= len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base) or None
