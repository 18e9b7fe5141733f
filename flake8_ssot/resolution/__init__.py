"""Following names across files: re-exports, aliases, star imports, inherited ``__init__``.

Layers, each knowing only the one below:

* :mod:`~flake8_ssot.resolution.astroid_backend` parses one module file with astroid (never
  importing it) into a :class:`~flake8_ssot.resolution.model.ModuleSummary`;
* :mod:`~flake8_ssot.resolution.index` maps dotted names to files under the source roots and
  keeps the digests in a bounded, change-aware, process-wide cache;
* :mod:`~flake8_ssot.resolution.resolver` follows a name through those digests, with bounds;
* :mod:`~flake8_ssot.resolution.local` reads the checked file's own bindings from flake8's tree;
* this module puts them together per checked file (:func:`for_file`) and says which names are
  worth following at all (:class:`Relevance`), so a file without such names costs nothing.
"""

from __future__ import annotations

import ast
import os
import re
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Tuple

from flake8_ssot.checking.context import FileContext
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.names import DottedPattern
from flake8_ssot.registry import Registry
from flake8_ssot.resolution.homes import Homes
from flake8_ssot.resolution.index import Indexes, ModuleIndex, Reads, SummaryCache, Validator, derive_root
from flake8_ssot.resolution.local import LocalScope
from flake8_ssot.resolution.model import MODULE, UNKNOWN, ClassInfo, InitSignature, ModuleSummary, Outcome, Target
from flake8_ssot.resolution.resolver import Resolver

__all__ = ["FileResolution", "Homes", "Relevance", "for_file", "homes_in", "relevance_for", "shared_cache"]

_indexes: Optional[Indexes] = None


def shared_cache() -> Optional[SummaryCache]:
    """The process-wide cache of module digests (None until resolution first ran)."""
    return _indexes.cache if _indexes is not None else None


def _shared_indexes() -> Optional[Indexes]:
    global _indexes
    if _indexes is None:
        try:
            from flake8_ssot.resolution.astroid_backend import summarise_file
        except Exception:  # noqa: BLE001 - without a usable astroid, names are simply not followed
            return None
        _indexes = Indexes(SummaryCache(summarise_file))
    return _indexes


def source_roots(registry: Registry, filename: Optional[str]) -> Tuple[str, ...]:
    """The configured roots; otherwise the checked file's root and the configuration's directory."""
    if registry.source_roots:
        return tuple(registry.source_roots)
    roots: List[str] = []
    if filename and filename not in ("stdin", "-"):
        roots.append(derive_root(filename))
    if registry.origin:
        roots.append(os.path.dirname(os.path.abspath(registry.origin)))
    return tuple(dict.fromkeys(roots))


# A dot, then what may stand between it and the attribute's name.  A comment runs to its line's
# end, so the repetition cannot split one comment many ways (no exponential backtracking).
_AFTER_DOT = r"\.(?:[ \t\f\r\n\\]|#[^\r\n]*[\r\n])*"
# The start of an identifier up to some literal part of it (characters no identifier holds end it).
_IDENTIFIER_HEAD = r"[^\s.()\[\]{},:;=#'\"+\-*/%@&|^~<>!]*"


class Relevance:
    """Which names and modules can matter for a registry: only those are ever followed.

    A name matters when it is a registry name (a forbidden name's last part, a canonical class, a
    class name matching a legacy-parameters pattern that has a literal part: a pattern without one,
    such as ``*``, is applied by name only and makes no name worth following); a module matters
    when it is a package that contains a forbidden module (``a`` and ``a.b`` for ``a.b.legacy``) or
    a forbidden name.
    """

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.names = frozenset(entry.attribute for entry in registry.forbidden_names) | frozenset(
            registry.canonical_classes
        )
        # What forbidden modules and names lie in: a package matters when it is a proper prefix of
        # something one of these patterns matches.
        containers = [module_entry.pattern for module_entry in registry.forbidden_modules]
        containers.extend(DottedPattern(name_entry.name) for name_entry in registry.forbidden_names)
        self._containers = tuple(containers)

        # What the text of a file using a registry name must contain: the name, or the literal
        # parts of a legacy-parameters pattern that has some (only those make a name matter).
        words: List[Tuple[str, ...]] = [(name,) for name in sorted(self.names)]
        words.extend(entry.literals for entry in registry.legacy_parameters if entry.followed)
        self.words: Tuple[Tuple[str, ...], ...] = tuple(words)
        # Where a registry name can be the attribute of a chain (``pkg.UserMessageHandler``):
        # after a dot, blanks, comments and line continuations, an identifier that is the name or
        # holds the longest literal part of a pattern.
        self.attribute_pattern: Optional["re.Pattern[str]"] = None
        if self.words:
            attributes = [re.escape(name) + r"(?!\w)" for name in sorted(self.names)]
            attributes.extend(
                _IDENTIFIER_HEAD + re.escape(max(fragments, key=len)) for fragments in words[len(self.names) :]
            )
            self.attribute_pattern = re.compile(_AFTER_DOT + "(?:" + "|".join(attributes) + ")")

    def name(self, name: str) -> bool:
        return name in self.names or bool(self.registry.legacy_parameters_for(name, followed=True))

    def packages(self) -> Tuple[Tuple[str, ...], ...]:
        """Every package :meth:`module` is true for, as segments (``*`` matches any segment, ``**``
        any number of segments)."""
        found = {pattern.segments[:size] for pattern in self._containers for size in range(1, len(pattern.segments))}
        return tuple(sorted(found))

    def mentioned_in(self, text: Optional[str]) -> bool:
        """False only when ``text`` certainly names no registry name (None: cannot tell).

        ``text`` as :attr:`flake8_ssot.engine.FileContext.searchable` has it (NFKC-normalised
        too): the parser normalises identifiers.
        """
        if text is None:
            return True
        return any(all(word in text for word in alternative) for alternative in self.words)

    def attribute_mentioned_in(self, text: Optional[str]) -> bool:
        """False only when no attribute in ``text`` can be a registry name (None: cannot tell).

        ``text`` as :attr:`flake8_ssot.engine.FileContext.searchable` has it.
        """
        if text is None:
            return True
        return self.attribute_pattern is not None and self.attribute_pattern.search(text) is not None

    def module(self, dotted: Optional[str]) -> bool:
        """True for a package containing a forbidden module or name (wildcard segments match)."""
        if not dotted:
            return False
        return any(pattern.holds_below(dotted) for pattern in self._containers)

    def chain(self, qualified: str) -> bool:
        """True when some module prefix of ``qualified`` matters, or some segment is a registry name."""
        parts = qualified.split(".")
        return any(self.name(part) for part in parts[1:]) or any(
            self.module(".".join(parts[:size])) for size in range(1, len(parts))
        )


_relevances: "OrderedDict[int, Tuple[Registry, Relevance]]" = OrderedDict()


def relevance_for(registry: Registry) -> Relevance:
    """The Relevance of ``registry``, built once per registry (the engine keeps one per process)."""
    found = _relevances.get(id(registry))
    if found is None or found[0] is not registry:
        found = _relevances[id(registry)] = (registry, Relevance(registry))
        while len(_relevances) > 8:
            _relevances.popitem(last=False)
    return found[1]


class FileResolution:
    """Name resolution for one checked file."""

    def __init__(self, registry: Registry, identity: ModuleIdentity, tree: ast.AST, index: ModuleIndex) -> None:
        self.registry = registry
        self.identity = identity
        self.relevance = relevance_for(registry)
        self.index = index
        self.resolver = Resolver(index)
        self._tree = tree
        self._local: Optional[LocalScope] = None
        self.per_file: Dict[str, object] = {}  # rules' own state for this file
        self.reads: Optional[Reads] = None  # what was read of other modules (set by for_file)

    @property
    def local(self) -> LocalScope:
        if self._local is None:
            self._local = LocalScope(self._tree, self.identity, self.resolver)
        return self._local

    def imported(self, base: str, name: str) -> Outcome:
        """What ``from base import name`` binds."""
        return self.resolver.name_in(base, name)

    def star(self, base: str, name: str) -> Outcome:
        """What ``from base import *`` binds as ``name``."""
        return self.resolver.star(base, name)

    def lookup(self, name: str) -> Outcome:
        """What a name of the checked file stands for."""
        return self.local.lookup(name)

    def expression(self, dotted: str) -> List[Outcome]:
        """Outcomes of ``dotted``'s head and of each attribute after it, in the checked file."""
        return self.local.expression(dotted)

    def qualified(self, dotted: str) -> List[Outcome]:
        """Outcomes of a fully qualified ``a.b.c``: the top-level module, then each attribute."""
        head, *rest = dotted.split(".")
        return self.resolver.attributes(Target(MODULE, head), rest)

    def init_of(self, target: Target) -> Optional[Tuple[InitSignature, ClassInfo]]:
        """The ``__init__`` constructing ``target`` runs, and the class defining it."""
        return self.resolver.init_of(target, self._resolve_base)

    def _resolve_base(self, info: ClassInfo, text: str) -> Outcome:
        if info.local:
            steps = self.local.expression(text)
            return steps[-1] if len(steps) == text.count(".") + 1 else UNKNOWN
        return self.resolver.dotted_in(info.module, text)


def for_file(
    registry: Registry, identity: ModuleIdentity, tree: ast.AST, filename: Optional[str]
) -> Optional[FileResolution]:
    """Resolution for one checked file, or None when switched off or impossible (no roots)."""
    if not getattr(registry, "resolve", True):
        return None
    try:
        roots = source_roots(registry, filename)
        indexes = _shared_indexes() if roots else None
        if indexes is None:
            return None
        indexes.cache.generation += 1
        index = indexes.get(roots)
        resolution = FileResolution(registry, identity, tree, index)
        index.reads = resolution.reads = Reads(roots)
        return resolution
    except Exception:  # noqa: BLE001 - a file name resolution cannot use means no resolution
        return None


def homes_in(roots: Sequence[str], reads: Optional[Reads] = None) -> Optional[Homes]:
    """Where registry entries point under ``roots`` (see :mod:`~flake8_ssot.resolution.homes`);
    None without roots.  It shares this process's digests when resolution has run here, else it
    digests modules itself, loading astroid only when a question needs a digest (whether a module
    exists needs none).  ``reads``, when given, records every look-up and digest used."""
    if not roots:
        return None
    cache = _indexes.cache if _indexes is not None else SummaryCache(_summarise_lazily)
    cache.generation += 1
    index = ModuleIndex(tuple(roots), cache)
    index.reads = reads
    return Homes(index)


def _summarise_lazily(path: str, modname: str, is_package: bool) -> Optional[ModuleSummary]:
    try:
        from flake8_ssot.resolution.astroid_backend import summarise_file
    except Exception:  # noqa: BLE001 - without a usable astroid, nothing is digested
        return None
    return summarise_file(path, modname, is_package)


def reset_shared_cache() -> None:
    """Forget every digest (tests; a process that wants its memory back)."""
    global _indexes
    _indexes = None


def resolution_of(context: FileContext) -> Optional[FileResolution]:
    """The checked file's resolution, built once per file when a rule first asks for it."""
    return context.derived(
        "resolution", lambda: for_file(context.registry, context.identity, context.tree, context.filename)
    )


def dependencies_of(derived: Dict[str, Any]) -> Optional[Dict[str, object]]:
    """What a checked file's findings read of other modules, from the per-file store the engine
    filled (``Engine.check_tree(..., derived=...)``); None when no resolution was used."""
    resolution = derived.get("resolution")
    if not isinstance(resolution, FileResolution) or resolution.reads is None:
        return None
    reads = resolution.reads
    if not reads.located and not reads.modules:
        return None
    return reads.to_json()


def dependency_validator() -> Validator:
    """A validator of recorded dependencies sharing this process's digests (loaded only when a
    module changed; without astroid such a dependency is never valid)."""

    def cache() -> Optional[SummaryCache]:
        indexes = _shared_indexes()
        return indexes.cache if indexes is not None else None

    return Validator(cache)
