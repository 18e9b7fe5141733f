"""SOT101 / SOT102: import statements naming a forbidden module or a forbidden name."""

from __future__ import annotations

import ast
from typing import Callable, Iterator, List, Optional, Set, Union

from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.rule import Rule
from flake8_ssot.checking.words import RELATIVE_IMPORT, Word, identifier_word
from flake8_ssot.codes import FORBIDDEN_MODULE_IMPORT, FORBIDDEN_NAME_IMPORT
from flake8_ssot.findings import Finding
from flake8_ssot.names import WILDCARDS
from flake8_ssot.registry import ForbiddenModule, ForbiddenName, Match, Registry
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
        entry.ref,
    )


def name_finding(node: ast.stmt, code: str, what: str, entry: ForbiddenName) -> Finding:
    return Finding(
        node.lineno,
        node.col_offset,
        code,
        f"{what} legacy name '{entry.name}'; {entry.advice()}",
        entry.ref,
    )


def match_finding(context: FileContext, node: ast.stmt, dotted: str, match: Optional[Match]) -> Optional[Finding]:
    """The finding for an import of ``dotted``, which ``match`` decides, unless it exempts the file."""
    if match is None or match.entry.exempts(context.identity):
        return None
    module_entry = match.module_entry
    if module_entry is not None:
        return module_finding(node, FORBIDDEN_MODULE_IMPORT, "import of", dotted, module_entry, match.matched)
    assert match.name_entry is not None
    return name_finding(node, FORBIDDEN_NAME_IMPORT, "import of", match.name_entry)


def _used_names(tree: ast.AST) -> Set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def statement_findings(
    context: FileContext, node: Union[ast.Import, ast.ImportFrom], used_names: Callable[[], Set[str]]
) -> List[Finding]:
    """The findings for one import statement; ``used_names()`` gives the names the code using it
    reads (asked only for a star import)."""
    registry = context.registry
    findings: List[Finding] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            finding = match_finding(context, node, alias.name, registry.forbidden_for(alias.name))
            if finding is not None:
                findings.append(finding)
        return findings
    base = import_target(node, context.identity)
    if base is None:
        return findings
    base_match = registry.forbidden_for(base)
    if base_match is not None and base_match.module_entry is not None:
        findings.extend(_from_forbidden_module(context, node, base, base_match))
        return findings
    for alias in node.names:
        if alias.name == "*":
            findings.extend(_star_findings(context, node, base, used_names()))
            continue
        dotted = f"{base}.{alias.name}"
        finding = match_finding(context, node, dotted, registry.forbidden_for(dotted))
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


def _from_forbidden_module(
    context: FileContext, node: ast.ImportFrom, base: str, base_match: Match
) -> Iterator[Finding]:
    """``from <forbidden module> import ...``: one finding for the names the module's own entry
    decides, and one for each name a more specific entry decides (``foo.bar`` under ``foo``)."""
    module_entry = base_match.module_entry
    assert module_entry is not None
    shared = False
    own: List[Finding] = []
    for alias in node.names:
        dotted = f"{base}.{alias.name}"
        match = None if alias.name == "*" else context.registry.forbidden_for(dotted)
        if match is None or match == base_match:
            shared = True
            continue
        finding = match_finding(context, node, dotted, match)
        if finding is not None:
            own.append(finding)
    if shared and not module_entry.exempts(context.identity):
        yield module_finding(node, FORBIDDEN_MODULE_IMPORT, "import from", base, module_entry, base_match.matched)
    yield from own


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
        if last in WILDCARDS:
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
