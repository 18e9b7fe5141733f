"""The checked file's own names, read from the ``ast`` flake8 parsed (never modified).

Flow-insensitive and conservative: every statement anywhere in the file that binds a name counts
(imports inside functions, class attributes, parameters, loop targets, ``global``).  A name
resolves only when every one of its bindings resolves, and to the same thing; a parameter or a
loop variable of the same name anywhere makes it unresolved.  The file is read from the tree
flake8 handed over, so an editor buffer is analysed as it is, not as saved.
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Set, Tuple, Type, Union

# The engine's iterative walk (no recursion, about half the cost of ast.walk).
from flake8_ssot.checking.collect import collect_nodes, nodes_of
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.resolution.model import (
    ABSENT,
    CLASS,
    FUNCTION,
    OPAQUE,
    UNKNOWN,
    VALUE,
    Alias,
    Binding,
    ClassDefinition,
    ClassInfo,
    Definition,
    FromImport,
    InitSignature,
    ModuleImport,
    Outcome,
    Target,
)
from flake8_ssot.resolution.resolver import Resolver
from flake8_ssot.syntax import dotted_text, import_target

# Kept in step with the astroid backend's list: decorators that write a class's ``__init__``.
INIT_DECORATORS = frozenset({"dataclass", "s", "attrs", "define", "frozen", "mutable"})
# Pattern nodes that bind a name (Python 3.10+): ``case x``, ``case [*rest]``, ``case {**rest}``.
_MATCH_TYPES: Tuple[Type[ast.AST], ...] = tuple(
    getattr(ast, name) for name in ("MatchAs", "MatchStar", "MatchMapping") if hasattr(ast, name)
)
_BINDING_TYPES: Tuple[Type[ast.AST], ...] = (
    ast.Import,
    ast.ImportFrom,
    ast.Assign,
    ast.AnnAssign,
    ast.ClassDef,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.arg,
    ast.Name,
    ast.ExceptHandler,
    ast.Global,
    ast.Nonlocal,
    *_MATCH_TYPES,
)


def class_info(node: ast.ClassDef, module: str) -> ClassInfo:
    """What resolution needs of a class statement of the checked file."""
    bases: List[Optional[str]] = []
    for base in node.bases:
        if isinstance(base, ast.Subscript):
            base = base.value
        bases.append(dotted_text(base))
    generates_init = any(keyword.arg == "metaclass" for keyword in node.keywords)
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call):
            decorator = decorator.func
        text = dotted_text(decorator)
        if text is None or text.rpartition(".")[2] in INIT_DECORATORS:
            generates_init = True
    return ClassInfo(module, node.name, tuple(bases), _init(node), generates_init, local=True)


def _init(node: ast.ClassDef) -> Optional[InitSignature]:
    found: Optional[ast.FunctionDef] = None
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            found = item
    if found is None:
        return None
    if found.decorator_list:
        return InitSignature((), opaque=True)
    names = [arg.arg for arg in [*found.args.posonlyargs, *found.args.args]]
    if not names:
        return InitSignature((), opaque=True)
    return InitSignature(tuple(names[1:]))


class LocalScope:
    """Every binding of every name in one file, and what each name resolves to."""

    def __init__(self, tree: ast.AST, identity: ModuleIdentity, resolver: Resolver) -> None:
        self.identity = identity
        self.module = identity.name or ""
        self.resolver = resolver
        self.sites: Dict[str, List[Binding]] = {}
        self.stars: List[Optional[str]] = []
        self.used: Set[str] = set()
        self._busy: Set[str] = set()
        self._memo: Dict[str, Outcome] = {}
        self._read(tree)

    def _bind(self, name: str, binding: Binding) -> None:
        self.sites.setdefault(name, []).append(binding)

    def _read(self, tree: ast.AST) -> None:
        nodes = collect_nodes(tree, _BINDING_TYPES)
        for node in nodes_of(nodes, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self._bind(alias.asname, ModuleImport(alias.name))
                else:
                    head = alias.name.partition(".")[0]
                    self._bind(head, ModuleImport(head))
        for import_from in nodes_of(nodes, ast.ImportFrom):
            base = import_target(import_from, self.identity)
            for alias in import_from.names:
                if alias.name == "*":
                    self.stars.append(base)
                else:
                    self._bind(alias.asname or alias.name, FromImport(base, alias.name))
        handled: Set[int] = set()
        assignments: List[Union[ast.Assign, ast.AnnAssign]] = [
            *nodes_of(nodes, ast.Assign),
            *nodes_of(nodes, ast.AnnAssign),
        ]
        for assignment in assignments:
            targets = assignment.targets if isinstance(assignment, ast.Assign) else [assignment.target]
            value = assignment.value
            for target in targets:
                if isinstance(target, ast.Name):
                    handled.add(id(target))
                    if value is None:
                        continue  # an annotation binds nothing
                    dotted = dotted_text(value)
                    self._bind(target.id, Alias(dotted) if dotted else Definition(VALUE))
        for class_node in nodes_of(nodes, ast.ClassDef):
            self._bind(class_node.name, ClassDefinition(class_info(class_node, self.module)))
        functions: List[Union[ast.FunctionDef, ast.AsyncFunctionDef]] = [
            *nodes_of(nodes, ast.FunctionDef),
            *nodes_of(nodes, ast.AsyncFunctionDef),
        ]
        for function in functions:
            self._bind(function.name, Definition(FUNCTION))
        for arg in nodes_of(nodes, ast.arg):
            self._bind(arg.arg, OPAQUE)
        for name_node in nodes_of(nodes, ast.Name):
            if isinstance(name_node.ctx, ast.Load):
                self.used.add(name_node.id)
            elif id(name_node) not in handled:
                self._bind(name_node.id, OPAQUE)
        for handler in nodes_of(nodes, ast.ExceptHandler):
            if handler.name:
                self._bind(handler.name, OPAQUE)
        declarations: List[Union[ast.Global, ast.Nonlocal]] = [
            *nodes_of(nodes, ast.Global),
            *nodes_of(nodes, ast.Nonlocal),
        ]
        for declaration in declarations:
            for name in declaration.names:
                self._bind(name, OPAQUE)
        for node_type in _MATCH_TYPES:
            for pattern in nodes[node_type]:
                captured = getattr(pattern, "name", None) or getattr(pattern, "rest", None)
                if captured:
                    self._bind(captured, OPAQUE)

    def lookup(self, name: str) -> Outcome:
        """What ``name`` stands for throughout this file."""
        if name in self._memo:
            return self._memo[name]
        if name in self._busy:
            return UNKNOWN
        self._busy.add(name)
        cuts = self.resolver.cuts
        try:
            outcome = self._lookup(name)
        finally:
            self._busy.discard(name)
        if self.resolver.cuts == cuts:
            self._memo[name] = outcome
        return outcome

    def _lookup(self, name: str) -> Outcome:
        sites = self.sites.get(name, [])
        outcomes: List[Outcome] = []
        for binding in sites:
            if isinstance(binding, ClassDefinition):
                outcomes.append(Target(CLASS, self.module, name, binding.info))
            else:
                outcomes.append(self.resolver.follow(binding, self.module, name, self.lookup))
        starred: List[Outcome] = []
        for base in self.stars:
            starred.append(UNKNOWN if base is None else self.resolver.star(base, name))
        if sites:
            # Explicit bindings win; a star import counts only where it certainly binds the name.
            outcomes.extend(outcome for outcome in starred if isinstance(outcome, Target))
        else:
            outcomes = [outcome for outcome in starred if outcome is not ABSENT]
            if not outcomes:
                return ABSENT
        first = outcomes[0]
        if not isinstance(first, Target) or not all(first.same(outcome) for outcome in outcomes):
            return UNKNOWN
        return first

    def star_provider(self, base: str, name: str) -> Outcome:
        """What ``from base import *`` in this file binds as ``name``."""
        return self.resolver.star(base, name)

    def expression(self, dotted: str) -> List[Outcome]:
        """The outcome of the head name and after each attribute (stopping at a non-module)."""
        head, *rest = dotted.split(".")
        first = self.lookup(head)
        return self.resolver.attributes(first, rest)
