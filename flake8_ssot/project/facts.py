"""Per-file facts for project-wide analysis: module-level class definitions and imported modules.

Collected from the same parse as the findings and small enough to cache; the ``duplicates``
command and SOT303 are computed from these facts alone, never from syntax trees.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from flake8_ssot.project.noqa import Noqa
from flake8_ssot.codes import DUPLICATE_CLASS_DEFINITION
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.names import resolve_relative

_BLOCKS = (ast.If, ast.Try, ast.With, ast.AsyncWith)


@dataclass(frozen=True)
class ClassDefinition:
    name: str
    line: int
    col: int
    source: str
    noqa: bool = False  # a noqa comment drops SOT303 here


@dataclass(frozen=True)
class Facts:
    module: Optional[str]
    classes: Tuple[ClassDefinition, ...]
    imports: Tuple[str, ...]

    @classmethod
    def empty(cls, identity: ModuleIdentity) -> "Facts":
        return cls(identity.name, (), ())

    def to_json(self) -> Dict[str, Any]:
        return {
            "module": self.module,
            "classes": [[c.name, c.line, c.col, c.source, c.noqa] for c in self.classes],
            "imports": list(self.imports),
        }

    @classmethod
    def from_json(cls, data: Any) -> "Facts":
        """Raises ``ValueError`` / ``TypeError`` / ``KeyError`` for a malformed cache entry."""
        module = data["module"]
        if module is not None and not isinstance(module, str):
            raise ValueError("module")
        classes = tuple(
            ClassDefinition(str(name), int(line), int(col), str(source), bool(noqa))
            for name, line, col, source, noqa in data["classes"]
        )
        imports = tuple(str(item) for item in data["imports"])
        return cls(module, classes, imports)


def _module_level(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements run at import time: the module body and the blocks of its if / try / with."""
    pending = list(reversed(body))
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, _BLOCKS):
            children: List[ast.stmt] = []
            for name in ("body", "orelse", "finalbody"):
                children.extend(getattr(node, name, []))
            for handler in getattr(node, "handlers", []):
                children.extend(handler.body)
            pending.extend(reversed(children))


def _imports(tree: ast.AST, identity: ModuleIdentity) -> Tuple[str, ...]:
    found: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(identity.package, node.level or 0, node.module)
            if base is None:
                continue
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    if identity.name is not None:
        found.discard(identity.name)
    return tuple(sorted(found))


def collect_facts(
    tree: ast.AST, identity: ModuleIdentity, lines: Sequence[str], comments: Optional[Noqa] = None
) -> Facts:
    classes = []
    if isinstance(tree, ast.Module):
        for node in _module_level(tree.body):
            if isinstance(node, ast.ClassDef):
                source = lines[node.lineno - 1] if 0 < node.lineno <= len(lines) else ""
                noqa = comments is not None and comments.suppresses(node.lineno, DUPLICATE_CLASS_DEFINITION)
                classes.append(ClassDefinition(node.name, node.lineno, node.col_offset, source, noqa))
    return Facts(identity.name, tuple(classes), _imports(tree, identity))
