"""SOT301 / SOT302: a canonical class name defined or bound outside its canonical module.

SOT302 reports a binding of a canonical name only when it is bound to something that is not the
canonical object.  What the name is bound to is judged in two steps:

* **the text**: a value read from the canonical module itself, under any name (``from <canonical
  module> import Impl as Canonical``, ``Canonical = canonical_module.Impl`` through the file's
  imports) is presumed to be the canonical object; anything else is not known to be;
* **resolution** (when on): the value and the canonical module's own binding of the name are
  followed to their definitions.  Both known and the same: fine, whatever the text says
  (``from pkg import X as Canonical`` where ``pkg.X`` is the canonical class).  Both known and
  different: reported, even when the value is read from the canonical module (``from <canonical
  module> import Base as Canonical``).  The canonical module's binding not known (it binds no
  such name, or binds it in ways resolution does not follow): a value defined in, or re-exported
  through, the canonical module counts as read from it.

What neither step can tell stays reported, as "not known to be the canonical class": the binding
may well be a second source of truth, and the message says exactly what is known.

One finding per binding: an import that SOT101 / SOT102 / SOT105 report (the forbidden import is
what to fix first, and ``fix`` rewrites it) is not reported as SOT302 too.  SOT105's verdict is
asked as SOT105 asks it (:func:`~flake8_ssot.rules.reexports.imported_verdict`, with the project's
closure), so the two rules agree in every round of the command's project pass.

The text prefilter stays lossless: every finding binds a canonical name, which the file then spells
(the rule's words); resolution only decides which of those bindings are reported.  What resolution
reads is recorded with the file's result, so the command's cache notices when another file
changes what a binding is.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Set, Union

from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.rule import Rule
from flake8_ssot.codes import CANONICAL_CLASS_REDEFINED, CANONICAL_NAME_REBOUND
from flake8_ssot.findings import Finding
from flake8_ssot.registry import CanonicalClass, Registry
from flake8_ssot.resolution import FileResolution, resolution_of
from flake8_ssot.resolution.model import CLASS, FUNCTION, MODULE, UNKNOWN, Outcome, Target
from flake8_ssot.rules.imports import match_finding
from flake8_ssot.rules.reexports import imported_verdict, reexports_active
from flake8_ssot.syntax import bound_name_nodes, bound_names, dotted_text, import_target

_KINDS = {MODULE: "module", CLASS: "class", FUNCTION: "function"}


def _entry(context: FileContext, name: str) -> Optional[CanonicalClass]:
    entry = context.registry.canonical_classes.get(name)
    if entry is None or entry.exempts(context.identity):
        return None
    return entry


def _rebound(node: Union[ast.stmt, ast.expr], entry: CanonicalClass, what: str, certain: bool) -> Finding:
    relation = "which is not" if certain else "which is not known to be"
    return Finding(
        node.lineno,
        node.col_offset,
        CANONICAL_NAME_REBOUND,
        f"'{entry.name}' is bound to {what}, {relation} the canonical class '{entry.qualified}'; "
        f"import that class instead{entry.explain()}",
        entry.ref,
    )


def _describe(value: ast.AST) -> str:
    text = dotted_text(value)
    if text is not None:
        return f"'{text}'"
    if isinstance(value, ast.Call):
        callee = dotted_text(value.func)
        return f"the result of '{callee}(...)'" if callee else "a call's result"
    return "another value"


@dataclass(frozen=True)
class Bound:
    """What a canonical name is bound to, and whether that is certainly not the canonical class."""

    what: str
    certain: bool


def _definite(target: Target) -> bool:
    """A module, class or function: what it is is known, not computed."""
    return target.kind in _KINDS


def _phrase(target: Target) -> str:
    kind = _KINDS.get(target.kind)
    return f"{kind} '{target.qualified}'" if kind else f"'{target.qualified}'"


class _Judge:
    """Decides whether one binding's value is the canonical object (see the module's docstring)."""

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self._resolution: Optional[FileResolution] = None
        self._resolved = False
        self._canonical: Dict[str, Outcome] = {}
        self._assigned: Optional[Set[str]] = None

    @property
    def resolution(self) -> Optional[FileResolution]:
        if not self._resolved:
            self._resolution = resolution_of(self.context)
            self._resolved = True
        return self._resolution

    @property
    def assigned(self) -> Set[str]:
        """Names a statement other than an import binds (their imports do not tell what they are)."""
        if self._assigned is None:
            names: Set[str] = set()
            for definition in self.context.nodes(ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef):
                names.add(definition.name)
            for assignment in self.context.nodes(ast.Assign, ast.AnnAssign):
                targets = assignment.targets if isinstance(assignment, ast.Assign) else [assignment.target]
                for target in targets:
                    names.update(bound_names(target))
            self._assigned = names
        return self._assigned

    def canonical(self, entry: CanonicalClass) -> Outcome:
        """What the canonical module binds under the canonical name."""
        if entry.name not in self._canonical:
            resolution = self.resolution
            found = resolution.imported(entry.module, entry.name) if resolution is not None else UNKNOWN
            self._canonical[entry.name] = found
        return self._canonical[entry.name]

    def _from_canonical_module(self, entry: CanonicalClass, target: Target) -> bool:
        """Defined in the canonical module, or re-exported through it on the way."""
        return target.module == entry.module or any(module == entry.module for module, _ in target.path)

    def verdict(self, entry: CanonicalClass, presumed: bool, value: Outcome, what: str) -> Optional[Bound]:
        """None when the value is (presumed) the canonical object; else what it is bound to."""
        if not isinstance(value, Target):
            return None if presumed else Bound(what, certain=False)
        canonical = self.canonical(entry)
        if isinstance(canonical, Target) and canonical.same(value):
            return None
        # A module is never the class; two definitions are two objects.  A value computed at
        # module level (``Handler = make()``) may be anything.
        if value.kind == MODULE or (_definite(value) and isinstance(canonical, Target) and _definite(canonical)):
            return Bound(self._resolved_what(value, what), certain=True)
        if presumed or self._from_canonical_module(entry, value):
            return None
        return Bound(self._resolved_what(value, what), certain=False)

    @staticmethod
    def _resolved_what(value: Target, what: str) -> str:
        phrase = _phrase(value)
        return phrase if what == f"'{value.qualified}'" else f"{what} ({phrase})"

    def imported(self, entry: CanonicalClass, base: str, name: str) -> Optional[Bound]:
        """The verdict on ``from base import name as <canonical name>``."""
        resolution = self.resolution
        value = resolution.imported(base, name) if resolution is not None else UNKNOWN
        return self.verdict(entry, base == entry.module, value, f"'{base}.{name}'")

    def expression(self, entry: CanonicalClass, dotted: str) -> Optional[Bound]:
        """The verdict on ``<canonical name> = dotted``."""
        head = dotted.partition(".")[0]
        readings = self.context.bindings.qualify(dotted) if head not in self.assigned else set()
        presumed = bool(readings) and all(reading.rpartition(".")[0] == entry.module for reading in readings)
        resolution = self.resolution
        value: Outcome = UNKNOWN
        if resolution is not None:
            steps = resolution.expression(dotted)
            if len(steps) == dotted.count(".") + 1:
                value = steps[-1]
        return self.verdict(entry, presumed, value, f"'{dotted}'")

    def reported_import(self, node: Union[ast.Import, ast.ImportFrom], dotted: str, base: Optional[str]) -> bool:
        """Whether SOT101 / SOT102 (``dotted``, as written) or SOT105 (``from base import ...``)
        report the import of ``dotted``: then that finding stands for the binding."""
        context = self.context
        match = context.registry.forbidden_for(dotted)
        if match is not None:
            return match_finding(context, node, dotted, match) is not None
        if base is None or not reexports_active(context.registry):
            return False
        resolution = self.resolution
        if resolution is None:
            return False
        return imported_verdict(context, resolution, base, dotted.rpartition(".")[2]) is not None


def check_canonical(context: FileContext) -> Iterator[Finding]:
    findings: List[Finding] = []
    for class_node in context.nodes(ast.ClassDef):
        entry = _entry(context, class_node.name)
        if entry is not None:
            findings.append(
                Finding(
                    class_node.lineno,
                    class_node.col_offset,
                    CANONICAL_CLASS_REDEFINED,
                    f"class '{class_node.name}' is defined outside its canonical module "
                    f"'{entry.module}'; import it from there{entry.explain()}",
                    entry.ref,
                )
            )
    for function in context.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        entry = _entry(context, function.name)
        if entry is not None:
            findings.append(_rebound(function, entry, "a function", certain=True))
    judge = _Judge(context)
    for statement in context.nodes(ast.Import, ast.ImportFrom):
        for alias in statement.names:
            if not alias.asname:
                continue
            entry = _entry(context, alias.asname)
            if entry is None:
                continue
            if isinstance(statement, ast.Import):
                if not judge.reported_import(statement, alias.name, None):
                    findings.append(_rebound(statement, entry, f"module '{alias.name}'", certain=True))
                continue
            if alias.name == alias.asname:
                continue
            base = import_target(statement, context.identity)
            if base is None:
                findings.append(_rebound(statement, entry, f"'{'.' * statement.level}.{alias.name}'", False))
                continue
            if judge.reported_import(statement, f"{base}.{alias.name}", base):
                continue
            bound = judge.imported(entry, base, alias.name)
            if bound is not None:
                findings.append(_rebound(statement, entry, bound.what, bound.certain))
    for assignment in context.nodes(ast.Assign, ast.AnnAssign):
        value = assignment.value
        if value is None:
            continue
        targets = assignment.targets if isinstance(assignment, ast.Assign) else [assignment.target]
        dotted = dotted_text(value)
        for target in targets:
            for name in bound_name_nodes(target):
                entry = _entry(context, name.id)
                if entry is None:
                    continue
                if isinstance(value, ast.Name) and value.id == name.id:
                    continue
                if dotted is None or name is not target:
                    findings.append(_rebound(name, entry, _describe(value), certain=False))
                    continue
                bound = judge.expression(entry, dotted)
                if bound is not None:
                    findings.append(_rebound(name, entry, bound.what, bound.certain))
    yield from findings


def _words(registry: Registry) -> Set[str]:
    return set(registry.canonical_classes)


RULE = Rule(
    name="canonical",
    node_types=(
        ast.ClassDef,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Import,
        ast.ImportFrom,
        ast.Assign,
        ast.AnnAssign,
    ),
    check=check_canonical,
    active=lambda registry: bool(registry.canonical_classes),
    words=_words,
    codes=(CANONICAL_CLASS_REDEFINED, CANONICAL_NAME_REBOUND),
)
