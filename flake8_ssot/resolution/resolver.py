"""Following a name to what it really is, across modules, with explicit bounds.

``name_in(module, name)`` reads the module's digest: its bindings of ``name`` and its star imports,
in source order.  An unconditional binding replaces what came before; bindings inside ``if`` /
``try`` / ``with`` / loops are alternatives, and alternatives that disagree, or any that cannot be
followed, make the answer UNKNOWN.  ``from m import x`` continues in ``m``; ``x = a.b.C`` follows
the dotted expression; a name a package does not bind may be its submodule.  Star imports honour
``__all__`` (literal lists, ``+=``, ``extend`` / ``append``, ``other.__all__ + [...]``) and skip
underscored names without it.

Bounds, all ending in UNKNOWN (never a guess): a lookup already on the stack (import cycles), a
stack deeper than :data:`MAX_DEPTH`, more than :data:`MAX_STEPS` lookups for one question or
:data:`MAX_FILE_STEPS` for one checked file, any exception.  Results not touched by a bound are
memoised for the rest of the checked file.
"""

from __future__ import annotations

from typing import Callable, Dict, FrozenSet, List, Optional, Set, Tuple, TypeVar, Union

from flake8_ssot.resolution.index import ModuleIndex
from flake8_ssot.resolution.model import (
    ABSENT,
    CLASS,
    MODULE,
    UNKNOWN,
    Alias,
    Binding,
    ClassDefinition,
    ClassInfo,
    Definition,
    FromImport,
    InitSignature,
    Miss,
    ModuleImport,
    ModuleSummary,
    Outcome,
    Target,
)

MAX_DEPTH = 48
MAX_STEPS = 1_000
MAX_FILE_STEPS = 50_000
MAX_CLASSES = 64
# Bases that add no ``__init__`` of interest when they cannot be resolved (builtins, abc, typing).
TRANSPARENT_BASES = frozenset({"object", "ABC", "Generic", "Protocol"})

Lookup = Callable[[str], Outcome]
Exports = Union[None, Miss, FrozenSet[str]]
_T = TypeVar("_T")
_ClassKey = Tuple[str, str, bool]
# The failure values, typed as what the questions return (for the generic bound helpers).
NOT_RESOLVED: Outcome = UNKNOWN
EXPORTS_UNKNOWN: Exports = UNKNOWN


def _key(info: ClassInfo) -> _ClassKey:
    return (info.module, info.name, info.local)


def _join(before: Target, after: Target) -> Target:
    return Target(after.kind, after.module, after.name, after.info, before.path + after.path)


class Resolver:
    """Name resolution over one :class:`ModuleIndex`, for one checked file at a time."""

    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self.cuts = 0
        self._stack: List[Tuple[str, ...]] = []
        self._on_stack: Set[Tuple[str, ...]] = set()
        self._steps = 0
        self._file_steps = 0
        self._active = 0
        self._deepest = 0
        self._memo: Dict[Tuple[str, ...], Tuple[object, int, int]] = {}

    # --- the questions rules ask (each one bounded and contained) ----------------------------

    def name_in(self, module: str, name: str) -> Outcome:
        """What ``from module import name`` binds."""
        return self._ask(lambda: self._name_in(module, name), NOT_RESOLVED)

    def star(self, module: str, name: str) -> Outcome:
        """What ``from module import *`` binds as ``name`` (ABSENT when it binds no such name)."""
        return self._ask(lambda: self._star(module, name), NOT_RESOLVED)

    def follow(self, binding: Binding, module: str, name: str, lookup: Lookup) -> Outcome:
        """What one binding of ``name`` in ``module`` stands for; ``lookup`` resolves its other names."""
        return self._ask(lambda: self._follow(binding, module, name, lookup), NOT_RESOLVED)

    def attributes(self, outcome: Outcome, rest: List[str]) -> List[Outcome]:
        """The outcome after each attribute of ``rest``, stopping after the first non-module."""
        return self._ask(lambda: self._steps_through(outcome, rest), [])

    def init_of(
        self, target: Target, resolve_base: Callable[[ClassInfo, str], Outcome]
    ) -> Optional[Tuple[InitSignature, ClassInfo]]:
        """The ``__init__`` a call of the class runs (own or inherited, C3 order) and its owner."""
        return self._ask(lambda: self._init_of(target, resolve_base), None)

    def dotted_in(self, module: str, dotted: str) -> Outcome:
        """What the dotted expression ``dotted`` stands for inside ``module``."""
        return self._ask(lambda: self._dotted(module, dotted), NOT_RESOLVED)

    # --- bounds ------------------------------------------------------------------------------

    def _ask(self, question: Callable[[], _T], failed: _T) -> _T:
        outermost = self._active == 0
        if outermost:
            self._steps = 0
            self._deepest = 0
        self._active += 1
        try:
            return question()
        except (Exception, RecursionError):  # noqa: BLE001 - any failure means "not resolved"
            self.cuts += 1
            return failed
        finally:
            self._active -= 1
            if outermost:
                self._stack.clear()
                self._on_stack.clear()

    def _spend(self) -> bool:
        self._steps += 1
        self._file_steps += 1
        if self._steps > MAX_STEPS or self._file_steps > MAX_FILE_STEPS or len(self._stack) >= MAX_DEPTH:
            self.cuts += 1
            return False
        return True

    def _bounded(self, key: Tuple[str, ...], compute: Callable[[], _T], failed: _T) -> _T:
        """``compute()`` under the bounds, memoised with the depth and steps it needed.

        A memoised answer is reused only where computing it afresh would have stayed within the
        bounds too, so an answer never depends on which questions the file asked before.
        """
        depth = len(self._stack)
        remembered = self._memo.get(key)
        if remembered is not None:
            result, height, cost = remembered
            if depth + height > MAX_DEPTH or self._steps + cost > MAX_STEPS:
                self.cuts += 1
                return failed
            self._steps += cost
            self._deepest = max(self._deepest, depth + height)
            return result  # type: ignore[return-value]
        if key in self._on_stack:
            self.cuts += 1
            return failed
        if not self._spend():
            return failed
        cuts, steps, deepest = self.cuts, self._steps - 1, self._deepest
        self._deepest = depth + 1
        self._stack.append(key)
        self._on_stack.add(key)
        try:
            result = compute()
        finally:
            self._stack.pop()
            self._on_stack.discard(key)
            height = self._deepest - depth
            self._deepest = max(deepest, self._deepest)
        if self.cuts == cuts:
            self._memo[key] = (result, height, self._steps - steps)
        return result

    # --- names -------------------------------------------------------------------------------

    def _summary(self, module: str) -> Union[ModuleSummary, None, bool]:
        """The digest; True for a namespace package; None when missing or unreadable."""
        found = self.index.summary(module)
        if isinstance(found, ModuleSummary) or found is None:
            return found
        return True

    def _name_in(self, module: str, name: str, star: bool = False) -> Outcome:
        key = ("name", module, name, "star" if star else "")
        return self._bounded(key, lambda: self._compute(module, name, star), NOT_RESOLVED)

    def _compute(self, module: str, name: str, star: bool) -> Outcome:
        summary = self._summary(module)
        if summary is None:
            return UNKNOWN
        if summary is True:
            return ABSENT if star else self._submodule(module, name)
        assert isinstance(summary, ModuleSummary)
        candidates: List[Outcome] = []
        for event in summary.relevant(name):
            if event.name is None:
                outcome = UNKNOWN if event.star_base is None else self._star(event.star_base, name)
                if outcome is ABSENT:
                    continue
            else:
                assert event.binding is not None
                outcome = self._follow(event.binding, module, name, lambda head: self._name_in(module, head))
            if not event.conditional and (event.name is not None or isinstance(outcome, Target)):
                candidates = [outcome]
            else:
                candidates.append(outcome)
        if not candidates:
            if star:
                return ABSENT
            if summary.is_package:
                sub = self._submodule(module, name)
                if sub is not ABSENT:
                    return sub
            return UNKNOWN if summary.has_getattr else ABSENT
        first = candidates[0]
        if not isinstance(first, Target) or not all(first.same(candidate) for candidate in candidates):
            return UNKNOWN
        return first.through(module, name)

    def _submodule(self, module: str, name: str) -> Outcome:
        dotted = f"{module}.{name}"
        if self.index.locate(dotted) is None:
            return ABSENT
        return Target(MODULE, dotted, path=((module, name),))

    def _follow(self, binding: Binding, module: str, name: str, lookup: Lookup) -> Outcome:
        if isinstance(binding, FromImport):
            if binding.base is None:
                return UNKNOWN
            if binding.base == module:
                found = self._submodule(module, binding.name)
                return UNKNOWN if found is ABSENT else found
            found = self._name_in(binding.base, binding.name)
            return UNKNOWN if found is ABSENT else found
        if isinstance(binding, ModuleImport):
            return Target(MODULE, binding.module)
        if isinstance(binding, Alias):
            head, *rest = binding.dotted.split(".")
            found = lookup(head)
            if found is ABSENT:
                return UNKNOWN
            steps = self._steps_through(found, rest)
            return steps[-1] if len(steps) == len(rest) + 1 else UNKNOWN
        if isinstance(binding, ClassDefinition):
            return Target(CLASS, module, name, binding.info)
        if isinstance(binding, Definition):
            return Target(binding.kind, module, name)
        return UNKNOWN

    def _steps_through(self, outcome: Outcome, rest: List[str]) -> List[Outcome]:
        steps = [outcome]
        current = outcome
        for attribute in rest:
            if not isinstance(current, Target) or current.kind != MODULE:
                break
            found = self._name_in(current.module, attribute)
            current = _join(current, found) if isinstance(found, Target) else UNKNOWN
            steps.append(current)
        return steps

    def _dotted(self, module: str, dotted: str) -> Outcome:
        head, *rest = dotted.split(".")
        found = self._name_in(module, head)
        if found is ABSENT:
            return UNKNOWN
        steps = self._steps_through(found, rest)
        return steps[-1] if len(steps) == len(rest) + 1 else UNKNOWN

    # --- star imports and __all__ ------------------------------------------------------------

    def _star(self, module: str, name: str) -> Outcome:
        summary = self._summary(module)
        if summary is None:
            return UNKNOWN
        if summary is True:
            return ABSENT
        assert isinstance(summary, ModuleSummary)
        exports = self._exports(module, summary)
        if exports is None:
            if name.startswith("_"):
                return ABSENT
            return self._name_in(module, name, star=True)
        if isinstance(exports, Miss):
            found = self._name_in(module, name, star=True)
            return ABSENT if found is ABSENT else UNKNOWN
        if name not in exports:
            return ABSENT
        found = self._name_in(module, name)
        return UNKNOWN if found is ABSENT else found

    def _exports(self, module: str, summary: ModuleSummary) -> Exports:
        if summary.exports is None:
            return None
        key = ("all", module)
        return self._bounded(key, lambda: self._compute_exports(module, summary), EXPORTS_UNKNOWN)

    def _compute_exports(self, module: str, summary: ModuleSummary) -> Exports:
        spec = summary.exports
        assert spec is not None
        if not spec.known:
            return UNKNOWN
        names = set(spec.names)
        for binding in spec.from_bindings:
            found = self._name_in(module, binding)
            if not isinstance(found, Target) or found.kind != MODULE:
                return UNKNOWN
            other = self._summary(found.module)
            if not isinstance(other, ModuleSummary):
                return UNKNOWN
            exported = self._exports(found.module, other)
            if not isinstance(exported, frozenset):
                return UNKNOWN
            names.update(exported)
        return frozenset(names)

    # --- constructors ------------------------------------------------------------------------

    def _init_of(
        self, target: Target, resolve_base: Callable[[ClassInfo, str], Outcome]
    ) -> Optional[Tuple[InitSignature, ClassInfo]]:
        info = target.info
        if info is None or info.generates_init:
            return None
        if info.init is not None:
            return None if info.init.opaque else (info.init, info)
        graph = self._class_graph(info, resolve_base)
        if graph is None:
            return None
        order = _c3(_key(info), graph)
        if order is None:
            return None
        for key in order[1:]:
            owner = graph[key][0]
            if owner.generates_init:
                return None
            if owner.init is not None:
                return None if owner.init.opaque else (owner.init, owner)
        return None

    def _class_graph(
        self, root: ClassInfo, resolve_base: Callable[[ClassInfo, str], Outcome]
    ) -> Optional[Dict[_ClassKey, Tuple[ClassInfo, List[_ClassKey]]]]:
        graph: Dict[_ClassKey, Tuple[ClassInfo, List[_ClassKey]]] = {}
        pending = [root]
        while pending:
            info = pending.pop()
            if _key(info) in graph:
                continue
            if len(graph) >= MAX_CLASSES or not self._spend():
                return None
            bases: List[_ClassKey] = []
            for text in info.bases:
                if text is None:
                    return None
                found = resolve_base(info, text)
                if isinstance(found, Target) and found.kind == CLASS and found.info is not None:
                    bases.append(_key(found.info))
                    pending.append(found.info)
                elif text.rpartition(".")[2] in TRANSPARENT_BASES and not isinstance(found, Target):
                    continue
                else:
                    return None
            graph[_key(info)] = (info, bases)
        return graph


def _c3(
    start: _ClassKey, graph: Dict[_ClassKey, Tuple[ClassInfo, List[_ClassKey]]]
) -> Optional[List[_ClassKey]]:
    """C3 linearisation (Python's MRO) of ``start``; None for an inconsistent or cyclic hierarchy."""
    done: Dict[_ClassKey, List[_ClassKey]] = {}
    busy: Set[_ClassKey] = set()

    def linearise(key: _ClassKey) -> Optional[List[_ClassKey]]:
        if key in done:
            return done[key]
        if key in busy:
            return None
        busy.add(key)
        bases = graph[key][1]
        sequences: List[List[_ClassKey]] = []
        for base in bases:
            order = linearise(base)
            if order is None:
                return None
            sequences.append(list(order))
        sequences.append(list(bases))
        result = [key]
        while True:
            sequences = [sequence for sequence in sequences if sequence]
            if not sequences:
                break
            for sequence in sequences:
                head = sequence[0]
                if not any(head in other[1:] for other in sequences):
                    break
            else:
                return None
            result.append(head)
            for sequence in sequences:
                if sequence[0] == head:
                    del sequence[0]
        busy.discard(key)
        done[key] = result
        return result

    return linearise(start)
