"""SOT301 / SOT302: a canonical class name defined or bound outside its canonical module."""

from __future__ import annotations

import ast
from typing import Iterator, List, Optional, Set

from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.rule import Rule
from flake8_ssot.codes import CANONICAL_CLASS_REDEFINED, CANONICAL_NAME_REBOUND
from flake8_ssot.findings import Finding
from flake8_ssot.registry import CanonicalClass, Registry
from flake8_ssot.syntax import dotted_text, import_target


def _entry(context: FileContext, name: str) -> Optional[CanonicalClass]:
    entry = context.registry.canonical_classes.get(name)
    if entry is None or entry.exempts(context.identity):
        return None
    return entry


def _rebound(node: ast.AST, entry: CanonicalClass, what: str) -> Finding:
    return Finding(
        node.lineno,  # type: ignore[attr-defined]
        node.col_offset,  # type: ignore[attr-defined]
        "SOT302",
        f"'{entry.name}' is bound to {what} outside its canonical module '{entry.module}'; "
        f"import the canonical class from there{entry.explain()}",
    )


def _describe(value: ast.AST) -> str:
    text = dotted_text(value)
    if text is not None:
        return f"'{text}'"
    if isinstance(value, ast.Call):
        callee = dotted_text(value.func)
        return f"the result of '{callee}(...)'" if callee else "a call's result"
    return "another value"


def _target_names(target: ast.AST) -> Iterator[ast.Name]:
    pending = [target]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name):
            yield node
        elif isinstance(node, (ast.Tuple, ast.List)):
            pending.extend(node.elts)
        elif isinstance(node, ast.Starred):
            pending.append(node.value)


def check_canonical(context: FileContext) -> Iterator[Finding]:
    findings: List[Finding] = []
    for node in context.nodes(ast.ClassDef):
        assert isinstance(node, ast.ClassDef)
        entry = _entry(context, node.name)
        if entry is not None:
            findings.append(
                Finding(
                    node.lineno,
                    node.col_offset,
                    "SOT301",
                    f"class '{node.name}' is defined outside its canonical module "
                    f"'{entry.module}'; import it from there{entry.explain()}",
                )
            )
    for node in context.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        entry = _entry(context, node.name)  # type: ignore[attr-defined]
        if entry is not None:
            findings.append(_rebound(node, entry, "a function"))
    for node in context.nodes(ast.Import, ast.ImportFrom):
        for alias in node.names:  # type: ignore[attr-defined]
            if not alias.asname:
                continue
            entry = _entry(context, alias.asname)
            if entry is None:
                continue
            if isinstance(node, ast.Import):
                findings.append(_rebound(node, entry, f"module '{alias.name}'"))
            elif isinstance(node, ast.ImportFrom) and alias.name != alias.asname:
                base = import_target(node, context.identity) or "." * node.level
                findings.append(_rebound(node, entry, f"'{base}.{alias.name}'"))
    for node in context.nodes(ast.Assign, ast.AnnAssign):
        value = getattr(node, "value", None)
        if value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore[attr-defined]
        for target in targets:
            for name in _target_names(target):
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
    codes=(CANONICAL_CLASS_REDEFINED, CANONICAL_NAME_REBOUND,),
)
