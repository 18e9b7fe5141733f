"""SOT202 through resolution: the class a call really constructs, and its real ``__init__``.

The textual rule reads the callee's last segment and the arguments' own names.  With resolution:

* a callee that is an alias or re-export of a matching class (``H = UserMessageHandler; H(...)``,
  ``from app.compat import Handler as H``) is recognised by the class it resolves to;
* positional arguments are mapped onto the resolved class's ``__init__`` (its own, or the one it
  inherits, in MRO order), so ``UserMessageHandler(a, b)`` passes ``supervisor`` whatever ``a`` is
  called.

Only calls that can matter are resolved: the callee's name, or a name its import or assignment in
this file mentions, matches a legacy-parameters pattern with a literal part (``*Handler``), or the
call names a parameter of a pattern without one (``*``, ``[A-Z]*``) by keyword or argument name.
Such a pattern matches every class, so it is applied by name only: its parameters are reported
where the call names them, never mapped positionally (which would mean following every call).
Findings the textual rule already makes (an argument named after the parameter) are not repeated.
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Set

from flake8_ssot.checking.context import FileContext
from flake8_ssot.codes import LEGACY_PARAMETER_CALL
from flake8_ssot.findings import Finding
from flake8_ssot.registry import LegacyParameters, Registry
from flake8_ssot.resolution import FileResolution, resolution_of
from flake8_ssot.resolution.model import CLASS, Target
from flake8_ssot.rules import constructors
from flake8_ssot.syntax import Bindings, bound_names, constant_string, dotted_text

DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_MAX_ALIAS_HOPS = 8


class _Statements:
    """From the statements the constructors rule collects (``constructors.STATEMENTS``):
    ``name = dotted.expression`` assignments, the names that assignments, classes and functions
    bind, the file's imports and whether it star-imports."""

    def __init__(self, context: FileContext) -> None:
        self.aliases: Dict[str, List[str]] = {}
        self.bound: Set[str] = set()
        for node in context.nodes(ast.Assign, ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = dotted_text(node.value) if node.value is not None else None
            for target in targets:
                self.bound.update(bound_names(target))
                if isinstance(target, ast.Name) and value is not None:
                    self.aliases.setdefault(target.id, []).append(value)
        # Class statements anywhere in the file, by name: their bases (a local subclass of a class
        # taking a legacy parameter constructs through its ``__init__``).
        self.classes: Dict[str, List[str]] = {}
        for definition in context.nodes(*DEFINITIONS):
            self.bound.add(definition.name)
            if isinstance(definition, ast.ClassDef):
                bases = self.classes.setdefault(definition.name, [])
                for base in definition.bases:
                    written = dotted_text(base.value if isinstance(base, ast.Subscript) else base)
                    if written is not None:
                        bases.append(written)
        imports = context.nodes(ast.Import, ast.ImportFrom)
        self.star = any(alias.name == "*" for node in imports for alias in node.names)
        self.imports = Bindings(imports, context.identity)


class _Calls:
    """Per-file state: which callees are worth resolving."""

    def __init__(self, context: FileContext, resolution: FileResolution) -> None:
        self.context = context
        self.resolution = resolution
        self.statements = _Statements(context)
        self.worth: Dict[str, bool] = {}

    def reaches_closure(self, callee: str) -> bool:
        """With the project's closure known: does any name the callee is spelt with, or that its
        imports and assignments in this file lead to (without bound), belong to it?  A call can be
        mapped onto a legacy ``__init__`` only then (the class, or an alias, subclass or re-export
        of it, is one of the closure's names)."""
        closure = self.context.closure
        if closure is None:
            return True
        pending = callee.split(".")
        seen: Set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            for target in self.statements.imports.targets(name):
                pending.extend(target.split("."))
            for value in self.statements.aliases.get(name, ()):
                pending.extend(value.split("."))
            for base in self.statements.classes.get(name, ()):
                pending.extend(base.split("."))
        return closure.reaches(seen)

    def worth_resolving(self, callee: str) -> bool:
        """The callee's import or assignment names a class matching a legacy-parameters pattern."""
        head = callee.partition(".")[0]
        if head not in self.worth:
            self.worth[head] = self._mentions_matching_class(head)
        return self.worth[head]

    def _mentions_matching_class(self, head: str) -> bool:
        registry = self.context.registry

        def matching(name: str) -> bool:
            return bool(registry.legacy_parameters_for(name, followed=True))

        pending = [head]
        seen: Set[str] = set()
        while pending and len(seen) < _MAX_ALIAS_HOPS:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            for target in self.statements.imports.targets(name):
                if any(matching(part) for part in target.split(".")):
                    return True
            for value in self.statements.aliases.get(name, ()):
                if matching(value.rpartition(".")[2]):
                    return True
                pending.append(value.partition(".")[0])
        return False

    def constructed(self, callee: str) -> Optional[Target]:
        head, *rest = callee.split(".")
        statements = self.statements
        targets = statements.imports.targets(head)
        if head not in statements.bound and not targets and not statements.star:
            return None  # a parameter, a builtin or a loop variable: nothing to follow
        if head not in statements.bound and len(targets) == 1:
            # Bound by imports only: follow the qualified name, no walk of this file needed.
            (bound,) = targets
            qualified = ".".join([bound, *rest])
            steps = self.resolution.qualified(qualified)
            expected = qualified.count(".") + 1
        else:
            steps = self.resolution.expression(callee)
            expected = callee.count(".") + 1
        if len(steps) != expected:
            return None
        target = steps[-1]
        if isinstance(target, Target) and target.kind == CLASS and target.info is not None:
            return target
        return None


def _names_a_legacy_parameter(context: FileContext, node: ast.Call) -> bool:
    """Whether the call passes something the textual check reads as a legacy parameter (a keyword,
    a ``**{...}`` key, an argument named like one), for any class."""
    legacy = context.registry.all_legacy_parameters
    for argument in node.args:
        if constructors.argument_name(argument) in legacy:
            return True
    for keyword in node.keywords:
        if keyword.arg is not None:
            if keyword.arg in legacy:
                return True
        elif isinstance(keyword.value, ast.Dict):
            if any(key is not None and constant_string(key) in legacy for key in keyword.value.keys):
                return True
    return False


def _calls(context: FileContext, resolution: FileResolution) -> _Calls:
    """One _Calls per checked file, kept with the file's resolution."""
    state = resolution.per_file.get(__name__)
    if not isinstance(state, _Calls):
        state = resolution.per_file[__name__] = _Calls(context, resolution)
    return state


def _names_a_parameter(node: ast.Call, registry: Registry) -> bool:
    """The call names, by keyword, ``**`` key or argument name, a parameter of a legacy-parameters
    entry applied by name only (a glob without a literal part)."""
    names = {name for entry in registry.legacy_parameters if not entry.followed for name in entry.parameters}
    if not names:
        return False
    for keyword in node.keywords:
        if keyword.arg in names:
            return True
        if keyword.arg is None and isinstance(keyword.value, ast.Dict):
            if any(key is not None and constant_string(key) in names for key in keyword.value.keys):
                return True
    return any(constructors.argument_name(argument) in names for argument in node.args)


def resolved_call_findings(
    context: FileContext,
    node: ast.Call,
    callee: str,
    textual: Dict[str, LegacyParameters],
) -> List[Finding]:
    """SOT202 findings resolution adds to the textual ones for one call."""
    resolution = resolution_of(context)
    if resolution is None:
        return []
    registry = context.registry
    state = _calls(context, resolution)
    if (
        not any(entry.followed for entry in textual.values())
        and not state.worth_resolving(callee)
        and not _names_a_parameter(node, registry)
    ):
        return []
    if not state.reaches_closure(callee) and (textual or not _names_a_legacy_parameter(context, node)):
        return []  # neither a legacy ``__init__`` to map onto nor a keyword to read by the real class
    target = state.constructed(callee)
    if target is None or target.name is None:
        return []
    class_name = target.name
    legacy = {
        name: entry
        for name, entry in registry.legacy_parameters_for(class_name).items()
        if not entry.exempts(context.identity)
    }
    if not legacy:
        return []
    findings: List[Finding] = []
    # Parameters the callee's own name did not match: reported where the call names them.
    by_name = {name: entry for name, entry in legacy.items() if name not in textual}
    if by_name:
        findings.extend(constructors._call_findings(context, node, callee, class_name, by_name))
    reported_by_name = set(textual) | set(legacy)
    init = resolution.init_of(target)
    if init is None:
        return findings
    mapped = {
        name: entry
        for name, entry in registry.legacy_parameters_for(class_name, followed=True).items()
        if not entry.exempts(context.identity)
    }
    signature, owner = init
    for position, argument in enumerate(node.args):
        if isinstance(argument, ast.Starred) or position >= len(signature.positional):
            break
        parameter = signature.positional[position]
        entry = mapped.get(parameter)
        if entry is None or constructors.argument_name(argument) in reported_by_name:
            continue
        written = dotted_text(argument)
        shown = f"'{written}'" if written else f"argument {position + 1}"
        findings.append(
            Finding(
                argument.lineno,
                argument.col_offset,
                LEGACY_PARAMETER_CALL,
                f"'{callee}(...)' passes {shown} as legacy parameter '{parameter}' "
                f"(positional parameter {position + 1} of '{owner.qualified}.__init__'); "
                + constructors._instead(context, class_name, parameter, entry),
                entry.ref,
            )
        )
    return findings
