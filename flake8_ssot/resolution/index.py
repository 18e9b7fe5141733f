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
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from flake8_ssot.names import is_dotted_name, is_identifier
from flake8_ssot.resolution.buffers import buffer_stamp
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

    def stamp_of(self, path: str, modname: str) -> Tuple[int, int]:
        """The stamp the cached digest of ``path`` was validated against ((-1, -1) if none)."""
        entry = self._entries.get((path, modname))
        return entry.stamp if entry is not None else (-1, -1)

    def clear(self) -> None:
        self._entries.clear()


def _stamp(path: str) -> Optional[Tuple[int, int]]:
    opened = buffer_stamp(path)  # an editor's unsaved text, when the language server has it
    if opened is not None:
        return opened
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class Reads:
    """What resolution read for one checked file: each dotted name it looked up (and where it
    was found) and each module digest it used, with the file's stamp and the digest's fingerprint.

    The checked file's findings depend on nothing else outside the file, so a cached result stays
    valid while every lookup still finds the same file and every module read still has the same
    fingerprint (:func:`still_valid`).
    """

    def __init__(self, roots: Sequence[str]) -> None:
        self.roots: Tuple[str, ...] = tuple(roots)
        self.located: Dict[str, Optional[Location]] = {}
        self.modules: Dict[str, Tuple[str, bool, Tuple[int, int], str]] = {}

    def to_json(self) -> Dict[str, object]:
        return {
            "roots": list(self.roots),
            "located": {dotted: _location_json(found) for dotted, found in sorted(self.located.items())},
            "modules": {
                path: [name, package, list(stamp), digest]
                for path, (name, package, stamp, digest) in sorted(self.modules.items())
            },
        }


def _location_json(found: Optional[Location]) -> Optional[List[object]]:
    return None if found is None else [found.path, found.is_package]


def find_module(roots: Sequence[str], dotted: str) -> Optional[Location]:
    """Where ``dotted`` is under ``roots``: ``a/b/__init__.py``, then ``a/b.py``, then a directory
    (a namespace package), root by root; None when no root holds it."""
    if not is_dotted_name(dotted):
        return None
    parts = dotted.split(".")
    for root in roots:
        base = os.path.join(root, *parts)
        if os.path.isfile(os.path.join(base, "__init__.py")):
            return Location(os.path.join(base, "__init__.py"), True)
        if os.path.isfile(base + ".py"):
            return Location(base + ".py", False)
        if os.path.isdir(base):
            return NAMESPACE
    return None


class Validator:
    """Checks recorded :class:`Reads` against the file system, remembering answers for one run.

    ``cache`` is asked for only when a module's stamp changed and its digest must be made again
    (so that a run whose files are all unchanged never loads the parser behind the digests)."""

    def __init__(self, cache: Callable[[], Optional[SummaryCache]]) -> None:
        self._cache = cache
        self._located: Dict[Tuple[Tuple[str, ...], str], Optional[List[object]]] = {}
        self._modules: Dict[Tuple[str, str, bool], str] = {}

    def still_valid(self, recorded: Any) -> bool:
        """True when every lookup in ``recorded`` (``Reads.to_json()``) finds the same file and every
        module read has the same fingerprint; False for anything else, malformed included."""
        try:
            roots = tuple(recorded["roots"])
            for dotted, found in recorded["located"].items():
                key = (roots, dotted)
                if key not in self._located:
                    self._located[key] = _location_json(find_module(roots, dotted))
                if self._located[key] != found:
                    return False
            for path, (name, package, stamp, digest) in recorded["modules"].items():
                if _stamp(path) == tuple(stamp):
                    continue
                if self._fingerprint(path, name, bool(package)) != digest:
                    return False
        except (KeyError, TypeError, ValueError, AttributeError):
            return False
        return True

    def _fingerprint(self, path: str, name: str, package: bool) -> str:
        key = (path, name, package)
        if key not in self._modules:
            cache = self._cache()
            if cache is None:
                return "?"  # no digests without astroid: never equal to a recorded fingerprint
            cache.generation += 1
            summary = cache.summary(path, name, package)
            self._modules[key] = summary.fingerprint() if summary is not None else ""
        return self._modules[key]


class ModuleIndex:
    """The modules under one list of source roots.  ``reads``, when set, records every lookup and
    every digest used (for the checked file in progress)."""

    def __init__(self, roots: Sequence[str], cache: SummaryCache) -> None:
        self.roots: Tuple[str, ...] = tuple(roots)
        self.cache = cache
        self.reads: Optional[Reads] = None
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
            found = self._locations[dotted]
        else:
            found = self._locations[dotted] = find_module(self.roots, dotted)
        if self.reads is not None:
            self.reads.located[dotted] = found
        return found

    def summary(self, dotted: str) -> Union[ModuleSummary, Location, None]:
        """The module's digest; NAMESPACE for a namespace package; None when missing or unreadable."""
        location = self.locate(dotted)
        if location is None:
            return None
        if location.path is None:
            return location
        summary = self.cache.summary(location.path, dotted, location.is_package)
        if self.reads is not None:
            stamp = self.cache.stamp_of(location.path, dotted)
            fingerprint = summary.fingerprint() if summary is not None else ""
            self.reads.modules[location.path] = (dotted, location.is_package, stamp, fingerprint)
        return summary


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
