"""The project-level pass's model: which files the closure is computed over, where it starts, and
how one round's findings about files become the next round's closure.

The closure (:mod:`flake8_ssot.checking.closure`) must see every file cross-file resolution can
read, not only the files being checked: the *universe* is every module file under the resolution
roots that a dotted name can reach (directories and stems that are identifiers), plus the checked
files.  Rounds (driven by :mod:`flake8_ssot.project.runner`) read every file once, and later only
the files naming a token the previous round added; this module turns what they report (each
parsed file's bindings and star imports) into the next :class:`Closure`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

from flake8_ssot.checking.closure import Closure, Edges, Seeds, close
from flake8_ssot.location import ModuleIdentity, identify
from flake8_ssot.names import is_identifier, resolve_relative
from flake8_ssot.registry import Registry
from flake8_ssot.resolution import source_roots


def needs_closure(registry: Registry) -> bool:
    """Whether any rule follows names into other files (so a closure can narrow it)."""
    return bool(registry.resolve) and bool(
        registry.forbidden_modules or registry.forbidden_names or registry.legacy_parameters
    )


def resolution_roots(registry: Registry, checked: Iterable[str]) -> Tuple[str, ...]:
    """Every root resolution may read modules under, for any of the checked files."""
    if registry.source_roots:
        return tuple(registry.source_roots)
    roots: Dict[str, None] = {}
    seen: Set[str] = set()
    for path in checked:
        directory = os.path.dirname(path)
        if directory in seen:
            continue
        seen.add(directory)
        for root in source_roots(registry, path):
            roots[root] = None
    return tuple(roots)


def universe(roots: Sequence[str], every_directory: bool = False) -> List[str]:
    """Every ``.py`` file a dotted name can reach under ``roots``: through directories whose
    names are identifiers, never through symlinked directories (sorted, absolute).

    ``every_directory``: walk every directory but hidden ones, caches and virtual environments, so
    that the files are a superset of what any root found inside ``roots`` can reach (for a caller
    that does not know the roots of the files it will check).
    """
    found: Set[str] = set()
    for root in roots:
        pending = [os.path.abspath(root)]
        while pending:
            directory = pending.pop()
            try:
                entries = list(os.scandir(directory))
            except OSError:
                continue
            for entry in entries:
                name = entry.name
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if is_identifier(name) if not every_directory else _walked(entry.path, name):
                            pending.append(entry.path)
                    elif name.endswith(".py") and (every_directory or is_identifier(name[:-3])):
                        found.add(entry.path)
                except OSError:
                    continue
    return sorted(found)


# Directories no module of the project lives in.
_NEVER = frozenset({"__pycache__", "node_modules", ".git", ".hg", ".svn", ".tox", ".nox", ".flake8-ssot-cache"})


def _walked(path: str, name: str) -> bool:
    if name in _NEVER or name.startswith("."):
        return False
    return not os.path.isfile(os.path.join(path, "pyvenv.cfg"))  # a virtual environment


def covered_modules(registry: Registry, paths: Iterable[str], roots: Sequence[str]) -> Dict[str, str]:
    """The files a forbidden-module pattern covers, by absolute path, with the module name it
    covers them as (under a resolution root, or as the file's own identity)."""
    patterns = [entry.pattern for entry in registry.forbidden_modules]
    if not patterns:
        return {}
    # A covered module's path spells its pattern's fixed segments; the last one is the rarest.
    literal = set()
    everything = False
    for pattern in patterns:
        fixed = [segment for segment in pattern.segments if is_identifier(segment)]
        if fixed:
            literal.add(fixed[-1])
        else:
            everything = True
    absolute_roots = [os.path.abspath(root) for root in roots]
    covered: Dict[str, str] = {}
    packages: Dict[str, Tuple[str, ...]] = {}
    for path in paths:
        absolute = os.path.abspath(path)
        parts = absolute.split(os.sep)
        parts[-1] = parts[-1][:-3] if parts[-1].endswith(".py") else parts[-1]
        if not everything and literal.isdisjoint(parts):
            continue
        for name in _module_names(absolute, absolute_roots, registry, packages):
            if any(pattern.covers(name) for pattern in patterns):
                covered[absolute] = name
                break
    return covered


def _module_names(
    path: str, roots: Sequence[str], registry: Registry, packages: Dict[str, Tuple[str, ...]]
) -> List[str]:
    names: List[str] = []
    for root in roots:
        if path.startswith(root.rstrip(os.sep) + os.sep):
            parts = os.path.relpath(path, root)[:-3].split(os.sep)
            if parts[-1] == "__init__":
                parts.pop()
            if parts and all(is_identifier(part) for part in parts):
                names.append(".".join(parts))
    own = identify(path, registry.source_roots, packages).name
    if own is not None:
        names.append(own)
    return names


def seeds_for(registry: Registry, covered: Mapping[str, str]) -> Seeds:
    """Where the closure starts: each forbidden module's last fixed segment and the last segment of
    every module file a pattern covers; each forbidden name's last part; the legacy parameters."""
    modules: Set[str] = set()
    for entry in registry.forbidden_modules:
        fixed = [segment for segment in entry.pattern.segments if is_identifier(segment)]
        if fixed:
            modules.add(fixed[-1])
    modules.update(name.rpartition(".")[2] for name in covered.values())
    names = set(modules) | {entry.attribute for entry in registry.forbidden_names}
    return Seeds(names, modules, registry.all_legacy_parameters)


@dataclass
class Parsed:
    """What a round learnt about one parsed file (``edges`` as JSON when it came from the cache:
    read only if the closure must be computed again)."""

    edges: Union[Edges, object]
    module: Optional[str]
    is_package: bool

    def read(self) -> Edges:
        if not isinstance(self.edges, Edges):
            self.edges = Edges.from_json(self.edges)
        return self.edges


@dataclass
class Reach:
    """The closure of one project, built up round by round."""

    registry: Registry
    seeds: Seeds
    covered: FrozenSet[str]  # absolute paths of files a forbidden pattern covers
    parsed: Dict[str, Parsed] = field(default_factory=dict)

    def learn(self, path: str, edges: Union[Edges, object], identity: ModuleIdentity) -> None:
        self.parsed[os.path.abspath(path)] = Parsed(edges, identity.name, identity.is_package)

    def closure(self) -> Closure:
        edges = [
            found.read().without_modules() if path in self.covered else found.read()
            for path, found in sorted(self.parsed.items())
        ]
        names = close(self.seeds, edges)
        carriers, packages = self._carriers()
        return Closure(
            frozenset(names),
            frozenset(carriers),
            frozenset(packages),
            frozenset(self.seeds.modules),
            frozenset(self.seeds.parameters),
        )

    def _carriers(self) -> Tuple[Set[str], Set[str]]:
        """Modules whose star imports read a forbidden module or another such module (a fixpoint);
        a base is matched by its last segment, as a consumer spells it."""
        stars: List[Tuple[str, str, List[str]]] = []
        for path, found in self.parsed.items():
            if found.module is None or not found.read().stars:
                continue
            package = found.module if found.is_package else found.module.rpartition(".")[0]
            bases = []
            for star in found.read().stars:
                base = resolve_relative(package, star.level, star.module)
                if base is not None:
                    bases.append(base)
            stars.append((found.module, os.path.dirname(path) if found.is_package else "", bases))
        carriers: Set[str] = set()
        segments: Set[str] = set()
        changed = True
        while changed:
            changed = False
            for module, _, bases in stars:
                if module in carriers:
                    continue
                if any(
                    self.registry.forbidden_for(base) is not None or base.rpartition(".")[2] in segments
                    for base in bases
                ):
                    carriers.add(module)
                    segments.add(module.rpartition(".")[2])
                    changed = True
        packages = {directory for module, directory, _ in stars if directory and module in carriers}
        return carriers, packages


class Scope:
    """Where a closure computed without knowing the checked files holds: for a checker that
    sees one file at a time (the flake8 plugin).  The configured source roots, walked as
    resolution reads them; otherwise the configuration's directory, every directory of it walked,
    so that it holds every file any resolution root found inside it can read."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        if registry.source_roots:
            self.roots: Tuple[str, ...] = tuple(os.path.abspath(root) for root in registry.source_roots)
            self.every_directory = False
        elif registry.origin:
            self.roots = (os.path.dirname(os.path.abspath(registry.origin)),)
            self.every_directory = True
        else:
            self.roots = ()
            self.every_directory = False
        self._known: Dict[str, bool] = {}  # directory -> whether its files are covered

    def covers(self, filename: Optional[str]) -> bool:
        """Whether every root resolution would use for ``filename`` lies in this scope (so the
        closure holds every file its resolution can read)."""
        if not self.roots or not filename or filename in ("stdin", "-"):
            return False
        directory = os.path.dirname(os.path.abspath(filename))
        found = self._known.get(directory)
        if found is None:
            found = self._known[directory] = all(self._inside(root) for root in source_roots(self.registry, filename))
        return found

    def _inside(self, root: str) -> bool:
        root = os.path.abspath(root)
        return any(root == mine or root.startswith(mine.rstrip(os.sep) + os.sep) for mine in self.roots) and (
            self.every_directory or root in self.roots
        )
