"""SOT201 / SOT202: legacy constructor parameters, where defined and where passed.

A class whose name matches a ``legacy-parameters`` pattern must not take, and must not be
constructed with, the parameters declared for it.  A positional argument counts when its own name
says what it is: ``supervisor``, ``self.supervisor``, ``self._supervisor``, ``mock_supervisor``,
``fake_supervisor``, ``supervisor_mock`` all pass ``supervisor``.
"""

from __future__ import annotations

import ast
from typing import Dict, Iterator, List, Optional

from flake8_ssot.checking.closure import CLOSED
from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.rule import Rule
from flake8_ssot.checking.words import Word, string_words
from flake8_ssot.codes import LEGACY_PARAMETER_CALL, LEGACY_PARAMETER_DEFINITION
from flake8_ssot.findings import Finding
from flake8_ssot.registry import LegacyParameters, Registry
from flake8_ssot.syntax import constant_string, dotted_text

_DOUBLE_PREFIXES = ("mock_", "fake_", "stub_", "dummy_")
_DOUBLE_SUFFIXES = ("_mock", "_fake", "_stub", "_dummy")
_DATACLASS_DECORATORS = {
    "dataclass",
    "dataclasses.dataclass",
    "attr.s",
    "attr.attrs",
    "attrs.define",
    "attr.define",
    "define",
    "frozen",
    "attrs.frozen",
}


def argument_name(node: ast.AST) -> Optional[str]:
    """The parameter an argument expression names, with test-double affixes removed."""
    if isinstance(node, ast.Name):
        name = node.id
    elif isinstance(node, ast.Attribute):
        name = node.attr
    else:
        return None
    name = name.lstrip("_")
    for prefix in _DOUBLE_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    for suffix in _DOUBLE_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name or None


def _instead(context: FileContext, class_name: str, parameter: str, entry: LegacyParameters) -> str:
    canonical = context.registry.canonical_classes.get(class_name)
    if canonical is not None:
        advice = f"construct the canonical '{canonical.qualified}' without '{parameter}'"
    else:
        advice = f"remove '{parameter}'"
    return f"{advice} (legacy for classes matching '{entry.key}'){_reason(entry)}"


def _reason(entry: LegacyParameters) -> str:
    return f": {entry.reason}" if entry.reason else ""


def _definition_findings(
    context: FileContext, node: ast.ClassDef, legacy: Dict[str, LegacyParameters]
) -> Iterator[Finding]:
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "__init__":
            args = item.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                entry = legacy.get(arg.arg)
                if entry is not None:
                    yield Finding(
                        arg.lineno,
                        arg.col_offset,
                        LEGACY_PARAMETER_DEFINITION,
                        f"'{node.name}.__init__' takes legacy parameter '{arg.arg}'; "
                        + _instead(context, node.name, arg.arg, entry),
                        entry.ref,
                    )
    if any(dotted_text(_decorator(d)) in _DATACLASS_DECORATORS for d in node.decorator_list):
        for item in node.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                entry = legacy.get(item.target.id)
                if entry is not None:
                    yield Finding(
                        item.lineno,
                        item.col_offset,
                        LEGACY_PARAMETER_DEFINITION,
                        f"'{node.name}' declares legacy field '{item.target.id}', a parameter of "
                        "its generated __init__; " + _instead(context, node.name, item.target.id, entry),
                        entry.ref,
                    )


def _decorator(node: ast.AST) -> ast.AST:
    return node.func if isinstance(node, ast.Call) else node


def _call_findings(
    context: FileContext, node: ast.Call, callee: str, class_name: str, legacy: Dict[str, LegacyParameters]
) -> Iterator[Finding]:
    shown = f"{callee}(...)"
    for arg in node.args:
        passed = argument_name(arg)
        if passed is None or passed not in legacy:
            continue
        written = dotted_text(arg) or passed
        yield Finding(
            arg.lineno,
            arg.col_offset,
            LEGACY_PARAMETER_CALL,
            f"'{shown}' passes '{written}' as legacy parameter '{passed}'; "
            + _instead(context, class_name, passed, legacy[passed]),
            legacy[passed].ref,
        )
    for keyword in node.keywords:
        if keyword.arg is not None:
            if keyword.arg in legacy:
                yield Finding(
                    keyword.lineno,
                    keyword.col_offset,
                    LEGACY_PARAMETER_CALL,
                    f"'{shown}' passes legacy parameter '{keyword.arg}'; "
                    + _instead(context, class_name, keyword.arg, legacy[keyword.arg]),
                    legacy[keyword.arg].ref,
                )
        elif isinstance(keyword.value, ast.Dict):
            for key in keyword.value.keys:
                name = constant_string(key) if key is not None else None
                if name in legacy:
                    assert key is not None and name is not None
                    yield Finding(
                        key.lineno,
                        key.col_offset,
                        LEGACY_PARAMETER_CALL,
                        f"'{shown}' passes legacy parameter '{name}'; "
                        + _instead(context, class_name, name, legacy[name]),
                        legacy[name].ref,
                    )


def _exempt(context: FileContext, legacy: Dict[str, LegacyParameters]) -> Dict[str, LegacyParameters]:
    return {name: entry for name, entry in legacy.items() if not entry.exempts(context.identity)}


def check_constructors(context: FileContext) -> Iterator[Finding]:
    registry = context.registry
    findings: List[Finding] = []
    for class_node in context.nodes(ast.ClassDef):
        legacy = _exempt(context, registry.legacy_parameters_for(class_node.name))
        if legacy:
            findings.extend(_definition_findings(context, class_node, legacy))
    for node in context.nodes(ast.Call):
        callee = dotted_text(node.func)
        if callee is None:
            continue
        class_name = callee.rpartition(".")[2]
        legacy = registry.legacy_parameters_for(class_name)
        if legacy:
            legacy = _exempt(context, legacy)
            findings.extend(_call_findings(context, node, callee, class_name, legacy))
        if registry.resolve:  # the class the callee really is, and its real __init__ signature
            from flake8_ssot.rules.resolved_calls import resolved_call_findings

            findings.extend(resolved_call_findings(context, node, callee, legacy))
    yield from findings


# Definitions, and what resolved calls read to tell which names a file binds and how.
STATEMENTS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign, ast.AnnAssign)


def _words(registry: Registry) -> Optional[List[Word]]:
    """A call or definition names the class (its glob's literal parts, none for ``*``) and either the
    parameter or, for a ``**{"supervisor": ...}`` literal whose key is escaped or split, ``**`` and an
    escape or the parameter spelt across literals.  With resolution, a call may name no parameter
    (positional arguments mapped onto the real ``__init__``) but then imports a matching class,
    whose name holds the literal parts: so for a glob without any, the parameter is what a file
    must name (such entries are applied by name only, see ``LegacyParameters.followed``)."""
    words: List[Word] = []
    for entry in registry.legacy_parameters:
        fragments = entry.literals
        words.extend(fragments + (parameter,) for parameter in entry.parameters)
        for parameter in entry.parameters:
            words.extend(fragments + ("**",) + alternative for alternative in string_words(parameter)[1:])
        if registry.resolve and entry.followed:  # a resolved call may name no parameter: its class is imported
            # (and, with the project's closure known, the file names a class that takes one)
            words.append(fragments + ("import", CLOSED))
    return words


RULE = Rule(
    name="constructors",
    node_types=(ast.Call, *STATEMENTS),
    check=check_constructors,
    active=lambda registry: bool(registry.legacy_parameters),
    words=_words,
    codes=(LEGACY_PARAMETER_DEFINITION, LEGACY_PARAMETER_CALL),
)
