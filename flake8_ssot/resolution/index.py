"""Where modules are, and their digests: dotted name -> file under the source roots -> summary.

Module lookup never consults ``sys.path`` or the installed packages of this process: a dotted name
is looked up as ``root/a/b/c/__init__.py`` then ``root/a/b/c.py`` under each source root in
order (a directory without ``__init__.py`` is a namespace package).  Digests are kept in one
process-wide LRU keyed by file path and module name, so files checked in one process share the
work, and are validated by the file's ``(mtime_ns, size)`` once per checked file, so a long-lived
editor process notices an edited module.  A file larger than :data:`MAX_MODULE_BYTES` is not read.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Sequence, Tuple, Union

from flake8_ssot.names import is_dotted_name, is_identifier
from flake8_ssot.resolution.model import ModuleSummary

MAX_MODULE_BYTES = 1 << 20
CACHE_ENTRIES = 2048

Summariser = Callable[[str, str, bool], Optional[ModuleSummary]]


@dataclass(frozen=True)
class Location:
    """A module's file (``__init__.py`` for a package); ``path`` None for a namespace package."""

    path: Optional[str]
    is_package: bool


NAMESPACE = Location(None, True)


class _Entry:
    __slots__ = ("stamp", "summary", "generation")

    def __init__(self, stamp: Tuple[int, int], summary: Optional[ModuleSummary], generation: int) -> None:
        self.stamp = stamp
        self.summary = summary
        self.generation = generation


class SummaryCache:
    """Digests of parsed modules, least recently used first out, at most ``max_entries``.

    ``generation`` advances once per checked file; an entry is re-validated against the file's
    stamp the first time it is used in a generation.
    """

    def __init__(self, summarise: Summariser, max_entries: int = CACHE_ENTRIES) -> None:
        self._summarise = summarise
        self.max_entries = max_entries
        self.generation = 0
        self.builds = 0
        self._entries: "OrderedDict[Tuple[str, str], _Entry]" = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def summary(self, path: str, modname: str, is_package: bool) -> Optional[ModuleSummary]:
        key = (path, modname)
        entry = self._entries.get(key)
        if entry is not None and entry.generation == self.generation:
            self._entries.move_to_end(key)
            return entry.summary
        stamp = _stamp(path)
        if stamp is None:
            self._entries.pop(key, None)
            return None
        if entry is not None and entry.stamp == stamp:
            entry.generation = self.generation
            self._entries.move_to_end(key)
            return entry.summary
        summary = None
        if stamp[1] <= MAX_MODULE_BYTES:
            self.builds += 1
            summary = self._summarise(path, modname, is_package)
        self._entries[key] = _Entry(stamp, summary, self.generation)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return summary

    def clear(self) -> None:
        self._entries.clear()


def _stamp(path: str) -> Optional[Tuple[int, int]]:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class ModuleIndex:
    """The modules under one list of source roots."""

    def __init__(self, roots: Sequence[str], cache: SummaryCache) -> None:
        self.roots: Tuple[str, ...] = tuple(roots)
        self.cache = cache
        self._generation = -1
        self._locations: Dict[str, Optional[Location]] = {}

    def _fresh(self) -> None:
        if self._generation != self.cache.generation:
            self._generation = self.cache.generation
            self._locations.clear()

    def locate(self, dotted: str) -> Optional[Location]:
        """The module's location, or None when no root holds it."""
        self._fresh()
        if dotted in self._locations:
            return self._locations[dotted]
        found: Optional[Location] = None
        if is_dotted_name(dotted):
            parts = dotted.split(".")
            for root in self.roots:
                base = os.path.join(root, *parts)
                if os.path.isfile(os.path.join(base, "__init__.py")):
                    found = Location(os.path.join(base, "__init__.py"), True)
                elif os.path.isfile(base + ".py"):
                    found = Location(base + ".py", False)
                elif os.path.isdir(base):
                    found = NAMESPACE
                if found is not None:
                    break
        self._locations[dotted] = found
        return found

    def summary(self, dotted: str) -> Union[ModuleSummary, Location, None]:
        """The module's digest; NAMESPACE for a namespace package; None when missing or unreadable."""
        location = self.locate(dotted)
        if location is None:
            return None
        if location.path is None:
            return location
        return self.cache.summary(location.path, dotted, location.is_package)


def derive_root(filename: str) -> str:
    """The directory above the outermost package holding ``filename`` (its own directory if none)."""
    directory = os.path.dirname(os.path.abspath(filename))
    while True:
        name = os.path.basename(directory)
        parent = os.path.dirname(directory)
        if parent == directory or not is_identifier(name):
            return directory
        if not os.path.isfile(os.path.join(directory, "__init__.py")):
            return directory
        directory = parent


class Indexes:
    """One ModuleIndex per distinct tuple of roots, all sharing one SummaryCache (bounded too)."""

    def __init__(self, cache: SummaryCache, max_indexes: int = 64) -> None:
        self.cache = cache
        self.max_indexes = max_indexes
        self._indexes: "OrderedDict[Tuple[str, ...], ModuleIndex]" = OrderedDict()

    def get(self, roots: Sequence[str]) -> ModuleIndex:
        key = tuple(roots)
        index = self._indexes.get(key)
        if index is None:
            index = self._indexes[key] = ModuleIndex(key, self.cache)
            while len(self._indexes) > self.max_indexes:
                self._indexes.popitem(last=False)
        self._indexes.move_to_end(key)
        return index
