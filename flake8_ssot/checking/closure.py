"""The closed set of names that can carry a forbidden meaning across files, and how to compute it.

The re-export rule (SOT105) and resolved constructor calls (SOT202) follow names into other
modules.  A file can hold such a finding only if it names something that, followed through the
project's bindings, is legacy: a forbidden module or name, a name defined in a forbidden module,
or a class whose ``__init__`` (own or inherited) takes a legacy parameter.  Those are found
without reading every file, as a fixpoint:

* **seeds**: the last segment of every forbidden module (and of every module file a forbidden
  pattern covers), every forbidden name's last part, and every class whose own ``__init__``
  declares a legacy parameter;
* **edges**, read from each file whose text names something already known: a binding carries a
  known name to the name it binds (``from m import Known as Alias``, ``Alias = pkg.Known``,
  ``class Sub(Known)``, ``from .legacy import X``, ``import a.legacy as mh``);
* **star carriers**: modules whose ``from X import *`` reads a forbidden module or another
  carrier.  Every name a forbidden module defines reaches a consumer either under a name the
  closure holds, or through such a module, whose name the consumer then spells.

The closure is an over-approximation by construction (every binding that *could* carry a known
name does), so a file that names none of its names, no carrier and no seed holds no finding of
those rules.  :class:`Closure` is the value rules consult; :func:`edges_of` reads one file's
bindings; :func:`close` runs the fixpoint over edges.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from typing import AbstractSet, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from flake8_ssot.checking.tokens import Words
from flake8_ssot.syntax import STATEMENT_FIELDS, dotted_parts


class ClosureMention:
    """The prefilter fragment "the text names something of the closure" (see :data:`CLOSED`)."""

    def __repr__(self) -> str:
        return "CLOSED"


# A word fragment rules may use: present when the engine has no closure (nothing is narrowed),
# otherwise when the text names one of the closure's names or carriers.  The engine decides it
# once per text; :class:`~flake8_ssot.checking.words.Interest` only looks it up.
CLOSED = ClosureMention()

# ``from . import x``, ``from .. import *``: a relative import of the importing file's own package
# or an ancestor, which spells no module name.
_DOTS_ONLY = re.compile(r"from[ \t\f]*(?:\\\r?\n[ \t\f]*)*(?:\.[ \t\f]*(?:\\\r?\n[ \t\f]*)*)+import(?!\w)")


@dataclass(frozen=True)
class Closure:
    """What the project pass found: the names that can carry a legacy meaning, and the modules
    that re-export a forbidden module's names by star import (``packages``: the directories of
    those that are packages, which a dots-only relative import in a file below can read)."""

    names: FrozenSet[str]
    carriers: FrozenSet[str] = frozenset()
    packages: FrozenSet[str] = frozenset()
    # What the fixpoint started from besides the names: forbidden modules' segments and the
    # legacy parameters (so that one more file's bindings can be added, :meth:`extended`).
    modules: FrozenSet[str] = frozenset()
    parameters: FrozenSet[str] = frozenset()

    @property
    def carrier_segments(self) -> FrozenSet[str]:
        return frozenset(carrier.rpartition(".")[2] for carrier in self.carriers)

    def tokens(self) -> FrozenSet[str]:
        """The identifiers whose presence in a text makes :meth:`mentioned_in` true (besides a
        dots-only relative import, when some carrier is a package)."""
        found: Optional[FrozenSet[str]] = self.__dict__.get("_tokens")
        if found is None:
            found = self.names | self.carrier_segments
            object.__setattr__(self, "_tokens", found)  # a cache on a frozen value
        return found

    def words(self) -> Words:
        """:meth:`tokens`, to be looked for in texts as whole words."""
        found: Optional[Words] = self.__dict__.get("_words")
        if found is None:
            found = Words(self.tokens())
            object.__setattr__(self, "_words", found)  # a cache on a frozen value
        return found

    def knows(self, name: str) -> bool:
        return name in self.names

    def carries(self, module: Optional[str]) -> bool:
        return module is not None and module in self.carriers

    def mentioned_in(self, text: str, present: Optional[Iterable[str]] = None, filename: Optional[str] = None) -> bool:
        """True when ``text`` names a token as a whole identifier, or holds a dots-only relative
        import while lying below a package carrier (any file, when ``filename`` is not known).
        ``present``: the tokens known to occur in ``text`` as whole words (a caller that scanned
        its bytes); found here otherwise."""
        found = self.words().in_text(text) if present is None else present
        if any(True for _ in found):
            return True
        return self.below_package_carrier(filename) and _DOTS_ONLY.search(text) is not None

    def below_package_carrier(self, filename: Optional[str]) -> bool:
        """Whether a relative import in ``filename`` may read a package carrier (None: unknown)."""
        if not self.packages:
            return False
        if filename is None:
            return True
        directory = os.path.dirname(os.path.abspath(filename))
        return any(directory == package or directory.startswith(package + os.sep) for package in self.packages)

    def extended(self, edges: "Edges") -> "Closure":
        """This closure with one more file's bindings followed (a buffer that may differ from
        the file the closure read)."""
        seeds = Seeds(set(self.names), set(self.modules), self.parameters)
        names = close(seeds, [edges], constructing=self.names)
        if len(names) == len(self.names):
            return self
        return Closure(frozenset(names), self.carriers, self.packages, self.modules, self.parameters)

    _FIELDS = ("names", "carriers", "packages", "modules", "parameters")

    def to_json(self) -> Dict[str, List[str]]:
        return {name: sorted(getattr(self, name)) for name in self._FIELDS}

    @classmethod
    def from_json(cls, value: object) -> "Closure":
        if not isinstance(value, dict):
            raise ValueError("not a closure")
        parts = [value[name] for name in cls._FIELDS]
        if not all(isinstance(part, list) and all(isinstance(item, str) for item in part) for part in parts):
            raise ValueError("not a closure")
        return cls(*(frozenset(part) for part in parts))


class ClosureView:
    """One file's questions to a closure.  It remembers the names it answered "not legacy" for,
    so that the caller can tell whether a closure that grew since would answer differently."""

    def __init__(self, closure: Closure) -> None:
        self.closure = closure
        self.missed: Set[str] = set()

    def may_carry(self, name: str, module: Optional[str] = None) -> bool:
        """Whether ``name`` (an attribute of ``module``, when given) may be legacy: one of the
        closure's names, or read from a module that re-exports a forbidden one by star import."""
        closure = self.closure
        if name in closure.names:
            return True
        segment = module.rpartition(".")[2] if module is not None else None
        if segment is not None and segment in closure.carrier_segments:
            return True
        self.missed.add(name)
        if segment is not None:
            self.missed.add(segment)
        return False

    def reaches(self, names: Iterable[str]) -> bool:
        """Whether one of ``names`` is one of the closure's names."""
        asked = set(names)
        if not asked.isdisjoint(self.closure.names):
            return True
        self.missed.update(asked)
        return False


@dataclass(frozen=True)
class Binding:
    """One binding that may carry a known name: ``bound`` gets a legacy meaning when one of
    ``sources`` is known, one of ``modules`` is a forbidden module's segment, or one of
    ``parameters`` is a legacy parameter (a class's own ``__init__``)."""

    bound: Tuple[str, ...]
    sources: Tuple[str, ...] = ()
    modules: Tuple[str, ...] = ()
    parameters: Tuple[str, ...] = ()
    subclass: bool = False  # a class statement: ``sources`` are its bases

    def to_json(self) -> List[object]:
        return [list(self.bound), list(self.sources), list(self.modules), list(self.parameters), self.subclass]

    @classmethod
    def from_json(cls, value: Sequence[object]) -> "Binding":
        bound, sources, modules, parameters, subclass = value
        return cls(
            tuple(str(item) for item in bound),  # type: ignore[attr-defined]
            tuple(str(item) for item in sources),  # type: ignore[attr-defined]
            tuple(str(item) for item in modules),  # type: ignore[attr-defined]
            tuple(str(item) for item in parameters),  # type: ignore[attr-defined]
            bool(subclass),
        )


@dataclass(frozen=True)
class StarImport:
    """``from <level dots><module> import *``."""

    level: int
    module: Optional[str]


@dataclass(frozen=True)
class Edges:
    """What one file contributes to the closure."""

    bindings: Tuple[Binding, ...] = ()
    stars: Tuple[StarImport, ...] = ()

    def without_modules(self) -> "Edges":
        """These edges as a forbidden module's own file contributes them: an import of another
        forbidden module there carries nothing by itself (a consumer reaching it names a forbidden
        module, or reads it through a star carrier)."""
        return Edges(
            tuple(Binding(b.bound, b.sources, (), b.parameters, b.subclass) for b in self.bindings), self.stars
        )

    def to_json(self) -> Dict[str, object]:
        return {
            "bindings": [binding.to_json() for binding in self.bindings],
            "stars": [[star.level, star.module] for star in self.stars],
        }

    @classmethod
    def from_json(cls, value: object) -> "Edges":
        if not isinstance(value, dict):
            raise ValueError("not edges")
        bindings = tuple(Binding.from_json(item) for item in value["bindings"])
        stars = tuple(
            StarImport(int(level), module if module is None else str(module)) for level, module in value["stars"]
        )
        return cls(bindings, stars)


def _targets(targets: Iterable[ast.AST]) -> List[str]:
    return [target.id for target in targets if isinstance(target, ast.Name)]


def _init_parameters(node: ast.ClassDef) -> Tuple[str, ...]:
    found: List[str] = []
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "__init__":
            arguments = item.args
            found.extend(arg.arg for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs))
    return tuple(found)


# Statements whose bodies are not the module's namespace.
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def edges_of(tree: ast.AST) -> Edges:
    """The module-level bindings of one parsed file that can carry a name to another module (as
    resolution reads a module: its statements and those of its ``if`` / ``try`` / ``with`` /
    loop / ``match`` blocks, not function or class bodies), and its star imports.  Iterative."""
    bindings: List[Binding] = []
    stars: List[StarImport] = []
    pending: List[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.ImportFrom):
            module_parts = tuple(node.module.split(".")) if node.module else ()
            for alias in node.names:
                if alias.name == "*":
                    stars.append(StarImport(node.level or 0, node.module))
                else:
                    bindings.append(Binding((alias.asname or alias.name,), (alias.name,), module_parts))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:  # ``import a.b.c`` binds ``a``, which carries nothing by itself
                    bindings.append(Binding((alias.asname,), (), tuple(alias.name.split("."))))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            # ``x = a.b.c`` is an alias resolution follows; any other value is opaque to it.
            dotted = dotted_parts(node.value) if node.value is not None else None
            names = _targets(node.targets if isinstance(node, ast.Assign) else [node.target])
            if dotted is not None and names:
                bindings.append(Binding(tuple(names), tuple(dotted)))
        elif isinstance(node, ast.ClassDef):
            bases: Set[str] = set()
            for base in node.bases:
                dotted = dotted_parts(base.value if isinstance(base, ast.Subscript) else base)
                bases.update(dotted or ())
            bindings.append(Binding((node.name,), tuple(sorted(bases)), (), _init_parameters(node), True))
        if not isinstance(node, _SCOPES):
            for name in reversed(STATEMENT_FIELDS):  # in source order
                pending.extend(reversed(getattr(node, name, None) or ()))
    return Edges(tuple(bindings), tuple(stars))


@dataclass
class Seeds:
    """Where the fixpoint starts: the names known legacy before any binding is followed."""

    names: Set[str] = field(default_factory=set)
    # Segments that name a forbidden module (an import reading from one carries every name).
    modules: Set[str] = field(default_factory=set)
    parameters: FrozenSet[str] = frozenset()


def close(seeds: Seeds, edges: Iterable[Edges], constructing: AbstractSet[str] = frozenset()) -> Set[str]:
    """The names reachable from ``seeds`` through the bindings of ``edges``: two fixpoints.

    * What *is* legacy (SOT105): forbidden modules and names, carried by imports and aliases (a
      subclass is a definition of its own, not the legacy one).
    * What *constructs through* a legacy ``__init__`` (resolved SOT202): classes declaring a
      legacy parameter, carried by imports, aliases and subclasses.

    ``constructing``: names already known to construct through one (extending a closure).
    """
    bindings = [binding for file_edges in edges for binding in file_edges.bindings]
    legacy = _fixpoint(
        set(seeds.names),
        (binding for binding in bindings if not binding.subclass),
        lambda binding: bool(seeds.modules.intersection(binding.modules)),
    )
    through = _fixpoint(
        set(constructing),
        bindings,
        lambda binding: binding.subclass and bool(seeds.parameters.intersection(binding.parameters)),
    )
    return legacy | through


def _fixpoint(known: Set[str], bindings: Iterable[Binding], starts: "Callable[[Binding], bool]") -> Set[str]:
    by_source: Dict[str, List[Binding]] = {}
    pending: List[str] = []
    for binding in bindings:
        if starts(binding) or known.intersection(binding.sources):
            pending.extend(name for name in binding.bound if name not in known)
            known.update(binding.bound)
        else:
            for source in binding.sources:
                by_source.setdefault(source, []).append(binding)
    while pending:
        name = pending.pop()
        for binding in by_source.pop(name, ()):
            for bound in binding.bound:
                if bound not in known:
                    known.add(bound)
                    pending.append(bound)
    return known


def new_tokens(before: AbstractSet[str], after: AbstractSet[str]) -> FrozenSet[str]:
    return frozenset(after) - frozenset(before)
