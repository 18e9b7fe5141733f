"""Per-file facts for project-wide analysis: module-level class definitions and what is imported.

Collected from the same parse as the findings and small enough to cache; the ``duplicates``
command and SOT303 are computed from these facts alone, never from syntax trees.

- ``classes``: module-level ``class`` statements (also inside module-level ``if`` / ``try`` /
  ``with`` blocks), with their bases and whether they sit under an ``except ImportError`` handler.
- ``aliases``: module-level ``Name = Other`` bindings of a class-like name to another class-like
  name this file defines or imports (``X = _Impl``), with what ``Other`` is (``"pkg.mod._Impl"``).
- ``imports``: the dotted names this file reads from other modules: ``from m import N`` is
  ``"m.N"`` and ``m.N`` after ``import m`` is ``"m.N"`` (attribute uses only for a capitalised
  ``N``, as class names are).
- ``exports``: the class-like names the module re-exports: ``from m import N as B`` at module
  level (not under an ``except ImportError`` handler) is ``("B", "m.N")``, ``from m import *`` is
  ``("*", "m")`` and ``N = m.N`` is ``("N", "m.N")``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from flake8_ssot.project.noqa import Noqa
from flake8_ssot.codes import DUPLICATE_CLASS_DEFINITION
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.names import resolve_relative
from flake8_ssot.syntax import dotted_text

_BLOCKS = (ast.If, ast.Try, ast.With, ast.AsyncWith) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


@dataclass(frozen=True)
class ClassDefinition:
    """A class statement, or (with ``alias``) a binding of the name to another class."""

    name: str
    line: int
    col: int
    source: str
    noqa: bool = False  # a noqa comment drops SOT303 here
    bases: Tuple[str, ...] = ()  # as imported where the file imports them ("enum.Enum"), else as written
    fallback: bool = False  # under an ``except ImportError`` / ``except ModuleNotFoundError`` handler
    alias: Optional[str] = None  # for ``Name = Other``: the dotted name ``Other`` stands for

    def to_json(self) -> List[Any]:
        return [self.name, self.line, self.col, self.source, self.noqa, list(self.bases), self.fallback, self.alias]

    @classmethod
    def from_json(cls, data: Any) -> "ClassDefinition":
        name, line, col, source, noqa, bases, fallback, alias = data
        if not isinstance(bases, list) or (alias is not None and not isinstance(alias, str)):
            raise ValueError("class")
        return cls(
            str(name), int(line), int(col), str(source), bool(noqa), tuple(str(b) for b in bases), bool(fallback), alias
        )


@dataclass(frozen=True)
class Facts:
    module: Optional[str]
    classes: Tuple[ClassDefinition, ...]
    imports: Tuple[str, ...]
    aliases: Tuple[ClassDefinition, ...] = ()
    exports: Tuple[Tuple[str, str], ...] = ()

    @classmethod
    def empty(cls, identity: ModuleIdentity) -> "Facts":
        return cls(identity.name, (), ())

    def to_json(self) -> Dict[str, Any]:
        return {
            "module": self.module,
            "classes": [item.to_json() for item in self.classes],
            "imports": list(self.imports),
            "aliases": [item.to_json() for item in self.aliases],
            "exports": [list(pair) for pair in self.exports],
        }

    @classmethod
    def from_json(cls, data: Any) -> "Facts":
        """Raises ``ValueError`` / ``TypeError`` / ``KeyError`` for a malformed cache entry."""
        module = data["module"]
        if module is not None and not isinstance(module, str):
            raise ValueError("module")
        classes = tuple(ClassDefinition.from_json(item) for item in data["classes"])
        imports = tuple(str(item) for item in data["imports"])
        aliases = tuple(ClassDefinition.from_json(item) for item in data["aliases"])
        exports = tuple((str(bound), str(origin)) for bound, origin in data["exports"])
        return cls(module, classes, imports, aliases, exports)


def is_class_like(name: str) -> bool:
    """Spelt as classes are: capitalised after any leading underscores (``Handler``, ``_Impl``)."""
    stripped = name.lstrip("_")
    return bool(stripped) and stripped[0].isupper()


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((dotted_text(kind) or "").rpartition(".")[2] in _IMPORT_ERRORS for kind in kinds)


def _module_level(body: Sequence[ast.stmt]) -> Iterator[Tuple[ast.stmt, bool]]:
    """Statements run at import time (the module body and the blocks of its if / try / with), each
    with whether it sits under an ``except ImportError`` handler."""
    pending = [(node, False) for node in reversed(body)]
    while pending:
        node, fallback = pending.pop()
        yield node, fallback
        if isinstance(node, _BLOCKS):
            children: List[Tuple[ast.stmt, bool]] = []
            for name in ("body", "orelse", "finalbody"):
                children.extend((child, fallback) for child in getattr(node, name, []))
            for handler in getattr(node, "handlers", []):
                inner = fallback or _catches_import_error(handler)
                children.extend((child, inner) for child in handler.body)
            pending.extend(reversed(children))


class _Reader:
    """Collects the facts of one parsed file."""

    def __init__(self, tree: ast.Module, identity: ModuleIdentity) -> None:
        self.tree = tree
        self.identity = identity
        self.bound: Dict[str, str] = {}  # name -> what an import binds it to, anywhere in the file
        self.imports: Set[str] = set()
        attributes: List[ast.Attribute] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                if is_class_like(node.attr):
                    attributes.append(node)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.bound.setdefault(alias.asname, alias.name)
                    else:
                        head = alias.name.partition(".")[0]
                        self.bound.setdefault(head, head)
            elif isinstance(node, ast.ImportFrom):
                base = self.base(node)
                for alias in node.names if base is not None else ():
                    if alias.name != "*":
                        self.imports.add(f"{base}.{alias.name}")
                        self.bound.setdefault(alias.asname or alias.name, f"{base}.{alias.name}")
        for attribute in attributes:
            resolved = self.resolve(attribute, {})
            if resolved is not None and "." in resolved:
                self.imports.add(resolved)

    def base(self, node: ast.ImportFrom) -> Optional[str]:
        return resolve_relative(self.identity.package, node.level or 0, node.module)

    def resolve(self, node: Optional[ast.expr], local: Dict[str, str]) -> Optional[str]:
        """What a name chain stands for: ``local`` names first, then the file's imports."""
        dotted = dotted_text(node)
        if dotted is None:
            return None
        head, dot, rest = dotted.partition(".")
        origin = local.get(head, self.bound.get(head))
        if origin is None:
            return None
        return origin + dot + rest


def collect_facts(
    tree: ast.AST, identity: ModuleIdentity, lines: Sequence[str], comments: Optional[Noqa] = None
) -> Facts:
    if not isinstance(tree, ast.Module):
        return Facts(identity.name, (), ())
    reader = _Reader(tree, identity)
    statements = list(_module_level(tree.body))
    module = identity.name
    # Names the module itself binds to classes: a class statement anywhere at module level.
    local: Dict[str, str] = {}
    if module is not None:
        local = {node.name: f"{module}.{node.name}" for node, _ in statements if isinstance(node, ast.ClassDef)}
    classes: List[ClassDefinition] = []
    aliases: List[ClassDefinition] = []
    exports: List[Tuple[str, str]] = []

    def source(line: int) -> str:
        return lines[line - 1] if 0 < line <= len(lines) else ""

    for node, fallback in statements:
        if isinstance(node, ast.ClassDef):
            bases = []
            for base in node.bases:
                head = base.value if isinstance(base, ast.Subscript) else base
                written = dotted_text(head)
                if written is not None:
                    bases.append(reader.resolve(head, local) or written)
            noqa = comments is not None and comments.suppresses(node.lineno, DUPLICATE_CLASS_DEFINITION)
            line, col = node.lineno, node.col_offset
            classes.append(ClassDefinition(node.name, line, col, source(line), noqa, tuple(bases), fallback))
        elif isinstance(node, ast.ImportFrom) and not fallback:  # what a fallback binds is not the export
            origin = reader.base(node)
            for alias in node.names if origin is not None else ():
                if alias.name == "*":
                    exports.append(("*", str(origin)))
                elif is_class_like(alias.asname or alias.name):
                    exports.append((alias.asname or alias.name, f"{origin}.{alias.name}"))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and module is not None and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            written = dotted_text(node.value)
            if written is None or not is_class_like(written.rpartition(".")[2]):
                continue
            origin = reader.resolve(node.value, local)
            if origin is None:
                continue
            for target in targets:
                if not isinstance(target, ast.Name) or not _names_a_class(target.id) or target.id == written:
                    continue
                owner, _, name = origin.rpartition(".")
                if name == target.id and owner != module:
                    exports.append((target.id, origin))  # ``N = m.N``: a re-export, not a definition
                    continue
                aliases.append(
                    ClassDefinition(
                        target.id, node.lineno, node.col_offset, source(node.lineno), False, (), fallback, origin
                    )
                )
                local[target.id] = origin
    return Facts(module, tuple(classes), tuple(sorted(reader.imports)), tuple(aliases), tuple(exports))


def _names_a_class(name: str) -> bool:
    """A class-like name that is not a CONSTANT (``DEFAULT_HANDLER = Handler`` is no alias)."""
    return is_class_like(name) and any(char.islower() for char in name)
