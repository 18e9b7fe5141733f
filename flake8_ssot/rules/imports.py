"""SOT101 / SOT102: import statements naming a forbidden module or a forbidden name."""

from __future__ import annotations

import ast
from typing import Callable, Iterator, List, Optional, Set, Union

from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.rule import Rule
from flake8_ssot.checking.words import RELATIVE_IMPORT, Word, identifier_word
from flake8_ssot.codes import FORBIDDEN_MODULE_IMPORT, FORBIDDEN_NAME_IMPORT
from flake8_ssot.findings import Finding
from flake8_ssot.registry import ForbiddenModule, ForbiddenName, Registry
from flake8_ssot.syntax import import_target


def module_phrase(imported: str, entry: ForbiddenModule, matched: str) -> str:
    """``legacy module 'a.legacy'``, naming the submodule or wildcard match when there is one."""
    if imported == matched:
        phrase = f"legacy module '{matched}'"
    else:
        phrase = f"'{imported}', inside legacy module '{matched}'"
    if entry.pattern.has_wildcard:
        phrase += f" (forbidden as '{entry.pattern.text}')"
    return phrase


def module_finding(
    node: ast.stmt, code: str, what: str, imported: str, entry: ForbiddenModule, matched: str
) -> Finding:
    return Finding(
        node.lineno,
        node.col_offset,
        code,
        f"{what} {module_phrase(imported, entry, matched)}; {entry.advice()}",
    )


def name_finding(node: ast.stmt, code: str, what: str, entry: ForbiddenName) -> Finding:
    return Finding(
        node.lineno,
        node.col_offset,
        code,
        f"{what} legacy name '{entry.name}'; {entry.advice()}",
    )


def _check_dotted(context: FileContext, node: ast.stmt, dotted: str) -> Optional[Finding]:
    registry = context.registry
    hit = registry.forbidden_module_for(dotted)
    if hit is not None:
        entry, matched = hit
        if not entry.exempts(context.identity):
            return module_finding(node, FORBIDDEN_MODULE_IMPORT, "import of", dotted, entry, matched)
        return None
    name = registry.forbidden_name_for(dotted)
    if name is not None and not name.exempts(context.identity):
        return name_finding(node, FORBIDDEN_NAME_IMPORT, "import of", name)
    return None


def _used_names(tree: ast.AST) -> Set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def statement_findings(
    context: FileContext, node: Union[ast.Import, ast.ImportFrom], used_names: Callable[[], Set[str]]
) -> List[Finding]:
    """The findings for one import statement; ``used_names()`` gives the names the code using it
    reads (asked only for a star import)."""
    findings: List[Finding] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            finding = _check_dotted(context, node, alias.name)
            if finding is not None:
                findings.append(finding)
        return findings
    base = import_target(node, context.identity)
    if base is None:
        return findings
    hit = context.registry.forbidden_module_for(base)
    if hit is not None:
        entry, matched = hit
        if not entry.exempts(context.identity):
            findings.append(module_finding(node, FORBIDDEN_MODULE_IMPORT, "import from", base, entry, matched))
        return findings
    for alias in node.names:
        if alias.name == "*":
            findings.extend(_star_findings(context, node, base, used_names()))
            continue
        finding = _check_dotted(context, node, f"{base}.{alias.name}")
        if finding is not None:
            findings.append(finding)
    return findings


def check_imports(context: FileContext) -> Iterator[Finding]:
    used: List[Set[str]] = []

    def used_names() -> Set[str]:
        if not used:
            used.append(_used_names(context.tree))
        return used[0]

    for node in context.nodes(ast.Import, ast.ImportFrom):
        yield from statement_findings(context, node, used_names)


def _star_findings(context: FileContext, node: ast.ImportFrom, base: str, used: Set[str]) -> Iterator[Finding]:
    """``from a.mod import *`` brings a forbidden ``a.mod.Name`` in when the file uses ``Name``."""
    for entry in context.registry.forbidden_names:
        if entry.module == base and entry.attribute in used and not entry.exempts(context.identity):
            yield name_finding(node, FORBIDDEN_NAME_IMPORT, f"star import of '{base}' brings in", entry)


def name_words(registry: Registry) -> List[Word]:
    """An import of, or attribute chain to, a forbidden name ``a.mod.Name`` spells ``Name`` and
    either the module's last segment or a relative import (``from . import Name`` in ``a.mod``)."""
    words: List[Word] = []
    for entry in registry.forbidden_names:
        attribute = identifier_word(entry.attribute)
        module_last = entry.module.rpartition(".")[2]
        if not module_last:
            words.append(attribute)
            continue
        words.append(attribute + identifier_word(module_last))
        words.append(attribute + (RELATIVE_IMPORT,))
    return words


def _words(registry: Registry) -> Optional[List[Word]]:
    words: List[Word] = []
    for entry in registry.forbidden_modules:
        last = entry.pattern.segments[-1]
        if last == "*":
            return None  # a relative import of a submodule need not spell any fixed segment
        words.append(identifier_word(last))
    return words + name_words(registry)


RULE = Rule(
    name="imports",
    node_types=(ast.Import, ast.ImportFrom),
    check=check_imports,
    active=lambda registry: bool(registry.forbidden_modules or registry.forbidden_names),
    words=_words,
    codes=(FORBIDDEN_MODULE_IMPORT, FORBIDDEN_NAME_IMPORT),
)
