"""What a dotted name stands for across the project: re-exports, aliases, base classes.

Built from every file's :class:`~flake8_ssot.project.facts.Facts`: which module defines which
class (or alias), which names a module re-exports (``from .core import Name``, ``from .core
import *``, ``Name = core.Name``), and the bases of each class.  ``duplicates --suggest`` follows a
reference such as ``app.services.Handler`` through these to the module that defines the class.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from flake8_ssot.project.facts import ClassDefinition, Facts

ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum"})
_MAX_HOPS = 32


class Origins:
    """Every module's definitions and re-exports, and what a dotted name stands for through them."""

    def __init__(self, facts: Sequence[Tuple[str, Facts]]) -> None:
        self.modules: Dict[str, Facts] = {}
        for _, item in facts:
            if item.module is not None:
                self.modules.setdefault(item.module, item)
        self.defined: Dict[str, Dict[str, ClassDefinition]] = {}
        self.exported: Dict[str, Dict[str, str]] = {}
        self.stars: Dict[str, List[str]] = {}
        for module, item in self.modules.items():
            defined = self.defined.setdefault(module, {})
            for definition in item.classes + item.aliases:
                known = defined.get(definition.name)
                if known is None or (known.fallback and not definition.fallback):
                    defined[definition.name] = definition
            for bound, origin in item.exports:
                if bound == "*":
                    self.stars.setdefault(module, []).append(origin)
                else:
                    exported = self.exported.setdefault(module, {})
                    # Bound to two things (``if win: from .a import X`` / ``else: from .b import X``): unknown.
                    exported[bound] = origin if exported.get(bound, origin) == origin else ""
        self._hops: Dict[str, Tuple[Tuple[str, str], ...]] = {}
        self._ancestors: Dict[Tuple[str, str], FrozenSet[Tuple[str, str]]] = {}

    def hops(self, dotted: str) -> Tuple[Tuple[str, str], ...]:
        """The (module, name) pairs a reference passes through, up to the module defining it."""
        known = self._hops.get(dotted)
        if known is not None:
            return known
        found: List[Tuple[str, str]] = []
        module, _, name = dotted.rpartition(".")
        seen: Set[Tuple[str, str]] = set()
        while module and (module, name) not in seen and len(found) < _MAX_HOPS:
            seen.add((module, name))
            found.append((module, name))
            step = self._step(module, name)
            if step is None:
                break
            module, name = step
        result = tuple(found)
        self._hops[dotted] = result
        return result

    def _step(self, module: str, name: str) -> Optional[Tuple[str, str]]:
        """Where ``module.name`` comes from, when ``module`` re-exports it (None: defined here or unknown)."""
        if name in self.defined.get(module, {}):
            return None  # a class, or an alias under another name (``N = m.N`` is an export)
        origin = self.exported.get(module, {}).get(name)
        if origin is not None:
            owner, _, target = origin.rpartition(".")
            return (owner, target) if origin else None
        # ``from .a import *``: the one star source that provides the name (several: unknown).
        sources = [source for source in self.stars.get(module, ()) if self._provides(source, name, {module})]
        return (sources[0], name) if len(set(sources)) == 1 else None

    def _provides(self, module: str, name: str, visited: Set[str]) -> bool:
        if name in self.defined.get(module, {}) or self.exported.get(module, {}).get(name):
            return True
        visited.add(module)
        return any(
            self._provides(source, name, visited) for source in self.stars.get(module, ()) if source not in visited
        )

    def origin(self, dotted: str) -> Tuple[str, str]:
        """The (module, name) a dotted name finally stands for, aliases included."""
        seen: Set[str] = set()
        while dotted not in seen and len(seen) < _MAX_HOPS:
            seen.add(dotted)
            module, name = self.hops(dotted)[-1] if "." in dotted else ("", dotted)
            definition = self.defined.get(module, {}).get(name)
            if definition is None or definition.alias is None:
                return module, name
            dotted = definition.alias
        module, _, name = dotted.rpartition(".")
        return module, name

    def class_of(self, dotted: str) -> Optional[ClassDefinition]:
        module, name = self.origin(dotted)
        definition = self.defined.get(module, {}).get(name)
        return definition if definition is not None and definition.alias is None else None

    def ancestors(self, module: str, name: str) -> FrozenSet[Tuple[str, str]]:
        """The project classes a class derives from, directly or not (as (module, name) pairs)."""
        known = self._ancestors.get((module, name))
        if known is not None:
            return known
        self._ancestors[(module, name)] = frozenset()  # a cycle ends here
        found: Set[Tuple[str, str]] = set()
        definition = self.defined.get(module, {}).get(name)
        for base in definition.bases if definition is not None and definition.alias is None else ():
            if "." in base:
                parent = self.origin(base)
                if parent[1] in self.defined.get(parent[0], {}):
                    found.add(parent)
                    found.update(self.ancestors(*parent))
        result = frozenset(found)
        self._ancestors[(module, name)] = result
        return result

    def enums(self) -> FrozenSet[str]:
        """The dotted names of the project's enum classes (their bases, followed to a fixpoint)."""
        found: Set[str] = set()
        changed = True
        while changed:
            changed = False
            for module, item in self.modules.items():
                for definition in item.classes:
                    dotted = f"{module}.{definition.name}"
                    if dotted not in found and any(self._is_enum_base(base, found) for base in definition.bases):
                        found.add(dotted)
                        changed = True
        return frozenset(found)

    def _is_enum_base(self, base: str, enums: Set[str]) -> bool:
        if base.rpartition(".")[2] in ENUM_BASES:
            return True
        return "." in base and ".".join(self.origin(base)) in enums
