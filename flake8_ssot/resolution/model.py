"""What resolution knows about a module, and what a name resolves to.

A :class:`ModuleSummary` is the small digest of one parsed module that resolution needs: its
module-level bindings in source order, its star imports, its ``__all__`` and its classes.  The
parser backend builds it and then drops the syntax tree, so the process-wide cache holds digests,
not trees.  Nothing here knows astroid or ``ast``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Tuple, Union

MODULE = "module"
CLASS = "class"
FUNCTION = "function"
VALUE = "value"


@dataclass(frozen=True)
class InitSignature:
    """The parameters of an ``__init__`` that a positional argument can fill, ``self`` excluded.

    ``opaque`` when the signature cannot be trusted (a decorated ``__init__``).
    """

    positional: Tuple[str, ...]
    opaque: bool = False


@dataclass(frozen=True)
class ClassInfo:
    """A class statement: where it is, its base expressions as written, its own ``__init__``.

    ``bases`` holds the dotted text of each base (``Base``, ``mod.Base``; ``Generic[T]`` is
    ``Generic``), None for a base expression that is no dotted name.  ``generates_init`` is set for a
    class whose ``__init__`` is made by a decorator (dataclass, attrs) or may be replaced by a
    metaclass: its constructor cannot be read from the source.  ``local`` marks a class of the
    checked file itself, whose bases resolve through that file's bindings.
    """

    module: str
    name: str
    bases: Tuple[Optional[str], ...]
    init: Optional[InitSignature]
    generates_init: bool = False
    local: bool = False

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}" if self.module else self.name


# --- bindings: what a name is bound to by one statement -------------------------------------


@dataclass(frozen=True)
class FromImport:
    """``from base import name``; ``base`` is None when a relative import climbs too far."""

    base: Optional[str]
    name: str


@dataclass(frozen=True)
class ModuleImport:
    """``import a.b as x`` (binds ``a.b``) or ``import a.b`` (binds ``a``)."""

    module: str


@dataclass(frozen=True)
class Alias:
    """``x = a.b.C``: the name stands for whatever the dotted expression stands for."""

    dotted: str


@dataclass(frozen=True)
class ClassDefinition:
    info: ClassInfo


@dataclass(frozen=True)
class Definition:
    """A function, or a value computed here (``x = make()``): defined in this module."""

    kind: str


@dataclass(frozen=True)
class Opaque:
    """A binding that cannot be followed (``del``, ``x += 1``, tuple unpacking, loop targets)."""


Binding = Union[FromImport, ModuleImport, Alias, ClassDefinition, Definition, Opaque]
OPAQUE = Opaque()


@dataclass(frozen=True)
class Event:
    """One module-level statement effect, in source order.

    Either ``name`` is bound to ``binding``, or (``name`` None) a star import of ``star_base``
    happens.  ``conditional`` for statements inside ``if`` / ``try`` / ``with`` / loops.
    """

    name: Optional[str]
    binding: Optional[Binding]
    star_base: Optional[str]
    conditional: bool


@dataclass(frozen=True)
class AllSpec:
    """A module's ``__all__``: literal names plus the ``__all__`` of modules bound to ``from_bindings``.

    ``known`` is False when some part of it is computed in a way resolution does not follow.
    """

    names: FrozenSet[str]
    from_bindings: Tuple[str, ...] = ()
    known: bool = True


class ModuleSummary:
    """The digest of one module.  Immutable after construction."""

    __slots__ = ("name", "is_package", "events", "exports", "has_getattr", "_by_name", "_stars", "_fingerprint")

    def __init__(
        self,
        name: str,
        is_package: bool,
        events: Tuple[Event, ...],
        exports: Optional[AllSpec],
        has_getattr: bool,
    ) -> None:
        self.name = name
        self.is_package = is_package
        self.events = events
        self.exports = exports
        self.has_getattr = has_getattr
        by_name: Dict[str, List[int]] = {}
        stars: List[int] = []
        for position, event in enumerate(events):
            if event.name is None:
                stars.append(position)
            else:
                by_name.setdefault(event.name, []).append(position)
        self._by_name = {name: tuple(positions) for name, positions in by_name.items()}
        self._stars = tuple(stars)
        self._fingerprint: Optional[str] = None

    def fingerprint(self) -> str:
        """A digest of everything resolution reads from this module: equal fingerprints, equal
        answers (a dependent's cached findings stay valid while its modules' fingerprints do)."""
        if self._fingerprint is None:
            import hashlib

            state = (self.name, self.is_package, self.events, self.exports, self.has_getattr)
            self._fingerprint = hashlib.sha256(repr(state).encode("utf-8", "surrogateescape")).hexdigest()
        return self._fingerprint

    @property
    def package(self) -> str:
        """The package relative imports of this module resolve against."""
        return self.name if self.is_package else self.name.rpartition(".")[0]

    def relevant(self, name: str) -> List[Event]:
        """The events that may bind ``name``: its own bindings and every star import, in order."""
        positions = self._by_name.get(name, ())
        if not self._stars:
            return [self.events[p] for p in positions]
        return [self.events[p] for p in sorted((*positions, *self._stars))]

    def binds(self, name: str) -> bool:
        return name in self._by_name


# --- outcomes -------------------------------------------------------------------------------


class Miss(enum.Enum):
    """Why a name has no target: ABSENT (the module certainly does not bind it) or UNKNOWN."""

    ABSENT = "absent"
    UNKNOWN = "unknown"


ABSENT = Miss.ABSENT
UNKNOWN = Miss.UNKNOWN


@dataclass(frozen=True)
class Target:
    """What a name really is: a module, or a class / function / value defined in ``module``.

    ``path`` lists the ``(module, name)`` lookups followed to get here, outermost first: the
    re-exports a finding can name.
    """

    kind: str
    module: str
    name: Optional[str] = None
    info: Optional[ClassInfo] = None
    path: Tuple[Tuple[str, str], ...] = ()

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}" if self.name else self.module

    @property
    def identity(self) -> Tuple[str, str, Optional[str]]:
        """What the target is, whichever way it was reached."""
        return (self.kind, self.module, self.name)

    def same(self, other: "Outcome") -> bool:
        return isinstance(other, Target) and other.identity == self.identity

    def through(self, module: str, name: str) -> "Target":
        return Target(self.kind, self.module, self.name, self.info, ((module, name), *self.path))


Outcome = Union[Target, Miss]
