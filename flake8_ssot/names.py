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
from dataclasses import dataclass
from typing import List, Optional, Tuple

WILDCARD = "*"
_GLOB_SEGMENT = re.compile(r"^[\w*?\[\]!-]+$")


def normalise(text: str) -> str:
    """Return ``text`` stripped and NFKC-normalised like a Python identifier."""
    return unicodedata.normalize("NFKC", text.strip())


def is_identifier(text: str) -> bool:
    """True for a name that can be a Python module, class or parameter name."""
    return text.isidentifier() and not keyword.iskeyword(text)


def is_dotted_name(text: str) -> bool:
    """True for ``a``, ``a.b.c``; false for ``a..b``, ``a.b.``, ``1abc``, ``a.class``."""
    return bool(text) and all(is_identifier(part) for part in text.split("."))


def is_dotted_pattern(text: str) -> bool:
    """A dotted name in which whole segments may be ``*`` (one segment), not all of them."""
    parts = text.split(".")
    return (
        bool(text)
        and all(part == WILDCARD or is_identifier(part) for part in parts)
        and any(part != WILDCARD for part in parts)
    )


def is_module_glob(text: str) -> bool:
    """A module glob for allow-lists (``fnmatch`` syntax over a dotted name)."""
    return bool(text) and all(_GLOB_SEGMENT.match(part) for part in text.split("."))


def glob_matches(glob: str, module: str) -> bool:
    """``fnmatch`` semantics, case-sensitive: ``*`` may span dots."""
    return fnmatch.fnmatchcase(module, glob)


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
    """A dotted module name whose segments may be ``*`` (exactly one segment).

    A pattern matches a module and, since a forbidden module covers its submodules, every module
    below it: ``a.*.legacy`` matches ``a.x.legacy`` and ``a.x.legacy.sub``, not ``a.legacy``.
    """

    text: str

    @property
    def segments(self) -> Tuple[str, ...]:
        return tuple(self.text.split("."))

    @property
    def has_wildcard(self) -> bool:
        return WILDCARD in self.segments

    def covering_prefix(self, dotted: str) -> Optional[str]:
        """The prefix of ``dotted`` this pattern matches (the matched module), or None."""
        segments = self.segments
        parts = dotted.split(".")
        if len(parts) < len(segments):
            return None
        for want, have in zip(segments, parts):
            if want != WILDCARD and want != have:
                return None
        return ".".join(parts[: len(segments)])

    def covers(self, dotted: str) -> bool:
        return self.covering_prefix(dotted) is not None


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
