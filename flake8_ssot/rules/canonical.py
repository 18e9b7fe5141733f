"""SOT301 / SOT302: a canonical class name defined or bound outside its canonical module."""

from __future__ import annotations

import ast
from typing import Iterator, List, Optional, Set, Union

from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.rule import Rule
from flake8_ssot.codes import CANONICAL_CLASS_REDEFINED, CANONICAL_NAME_REBOUND
from flake8_ssot.findings import Finding
from flake8_ssot.registry import CanonicalClass, Registry
from flake8_ssot.syntax import bound_name_nodes, dotted_text, import_target


def _entry(context: FileContext, name: str) -> Optional[CanonicalClass]:
    entry = context.registry.canonical_classes.get(name)
    if entry is None or entry.exempts(context.identity):
        return None
    return entry


def _rebound(node: Union[ast.stmt, ast.expr], entry: CanonicalClass, what: str) -> Finding:
    return Finding(
        node.lineno,
        node.col_offset,
        CANONICAL_NAME_REBOUND,
        f"'{entry.name}' is bound to {what} outside its canonical module '{entry.module}'; "
        f"import the canonical class from there{entry.explain()}",
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
            findings.append(_rebound(function, entry, "a function"))
    for statement in context.nodes(ast.Import, ast.ImportFrom):
        for alias in statement.names:
            if not alias.asname:
                continue
            entry = _entry(context, alias.asname)
            if entry is None:
                continue
            if isinstance(statement, ast.Import):
                findings.append(_rebound(statement, entry, f"module '{alias.name}'"))
            elif alias.name != alias.asname:
                base = import_target(statement, context.identity) or "." * statement.level
                findings.append(_rebound(statement, entry, f"'{base}.{alias.name}'"))
    for assignment in context.nodes(ast.Assign, ast.AnnAssign):
        value = assignment.value
        if value is None:
            continue
        targets = assignment.targets if isinstance(assignment, ast.Assign) else [assignment.target]
        for target in targets:
            for name in bound_name_nodes(target):
                entry = _entry(context, name.id)
                if entry is None:
                    continue
                if isinstance(value, ast.Name) and value.id == name.id:
                    continue
                findings.append(_rebound(name, entry, _describe(value)))
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
