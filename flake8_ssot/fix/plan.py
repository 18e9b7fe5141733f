"""Which findings can be rewritten, and into what: decided on the ``ast`` the engine checked.

The planner starts from the engine's findings (so ``fix`` and ``check`` agree on what is wrong),
finds the node each finding is about, asks :func:`~flake8_ssot.fix.resolve.resolve` what it
becomes, and records an edit keyed by the node's position, or a note saying why it is left for a
person.  It knows nothing about LibCST; :mod:`flake8_ssot.fix.apply` carries the edits out.

Positions are ``(line, column)`` with the column counted in characters (``ast`` counts bytes).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

from flake8_ssot.codes import (
    FORBIDDEN_ATTRIBUTE_REFERENCE,
    FORBIDDEN_DOTTED_STRING,
    FORBIDDEN_MODULE_IMPORT,
    FORBIDDEN_NAME_IMPORT,
    FORBIDDEN_STRING_REFERENCE,
)
from flake8_ssot.findings import Finding
from flake8_ssot.fix.resolve import Refusal, Rewrite, resolve
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.registry import Registry
from flake8_ssot.resolution.homes import Homes
from flake8_ssot.rules.dotted_strings import reference_part
from flake8_ssot.syntax import Bindings, bound_names, constant_string, dotted_parts, import_target

Position = Tuple[int, int]
FIXABLE_CODES = frozenset(
    {
        FORBIDDEN_MODULE_IMPORT,
        FORBIDDEN_NAME_IMPORT,
        FORBIDDEN_STRING_REFERENCE,
        FORBIDDEN_ATTRIBUTE_REFERENCE,
        FORBIDDEN_DOTTED_STRING,
    }
)
# Codes whose finding is at a string naming a forbidden module or name, rewritten alike.
STRING_CODES = (FORBIDDEN_STRING_REFERENCE, FORBIDDEN_DOTTED_STRING)
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Target:
    """Where a ``from``-imported name now lives: ``from module import name``."""

    module: str
    name: str


@dataclass(frozen=True)
class ImportSpec:
    """An import the fixer adds: ``import module`` (``name`` None) or ``from module import name``."""

    module: str
    name: Optional[str] = None

    @property
    def binds(self) -> str:
        return self.name if self.name is not None else self.module.partition(".")[0]


@dataclass(frozen=True)
class ImportEdit:
    """New dotted names for ``import`` aliases, or new targets for ``from`` aliases, by index.

    ``names`` holds, per alias in source order, what it is as written (``a.legacy`` / ``Name`` /
    ``*``) so the edit is applied only to the statement it was planned for.  ``module`` is the
    resolved module of a ``from`` import.
    """

    names: Tuple[str, ...]
    new: Tuple[Union[str, Target, None], ...]
    module: Optional[str] = None


@dataclass
class Plan:
    imports: Dict[Position, ImportEdit] = field(default_factory=dict)
    chains: Dict[Tuple[Position, str], str] = field(default_factory=dict)
    strings: Dict[Position, Tuple[str, str]] = field(default_factory=dict)
    additions: Dict[Position, List[ImportSpec]] = field(default_factory=dict)
    notes: Dict[Position, List[str]] = field(default_factory=dict)

    @property
    def has_edits(self) -> bool:
        return bool(self.imports or self.chains or self.strings)

    def note(self, position: Position, reason: str) -> None:
        reasons = self.notes.setdefault(position, [])
        if reason not in reasons:
            reasons.append(reason)


class Columns:
    """Converts ``ast`` byte columns to character columns, line by line."""

    def __init__(self, text: str) -> None:
        self.lines = _NEWLINE.split(text)

    def position(self, line: int, byte_col: int) -> Position:
        if 1 <= line <= len(self.lines):
            source = self.lines[line - 1]
            if not source.isascii():
                return line, len(source.encode("utf-8")[:byte_col].decode("utf-8", "replace"))
        return line, byte_col

    def of(self, node: Union[ast.stmt, ast.expr]) -> Position:
        return self.position(node.lineno, node.col_offset)


class _Scopes:
    """Which function or class body each node runs in (None: the module)."""

    _SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)

    def __init__(self, tree: ast.AST) -> None:
        self._parent: Dict[int, Optional[ast.AST]] = {id(tree): None}
        for node in ast.walk(tree):
            scope = node if isinstance(node, self._SCOPES) else self._parent.get(id(node))
            for child in ast.iter_child_nodes(node):
                self._parent[id(child)] = scope

    def scope_of(self, node: ast.AST) -> Optional[ast.AST]:
        return self._parent.get(id(node))

    def visible_from(self, node: ast.AST) -> List[Optional[ast.AST]]:
        """The scopes whose names ``node`` sees, innermost first; class bodies only directly."""
        scopes: List[Optional[ast.AST]] = []
        scope = self.scope_of(node)
        while scope is not None:
            if not isinstance(scope, ast.ClassDef) or not scopes:
                scopes.append(scope)
            scope = self.scope_of(scope)
        scopes.append(None)
        return scopes


def bound_identifiers(tree: ast.AST, imports: bool = True) -> Set[str]:
    """Every identifier the file binds or reads anywhere: a name the fixer must not introduce.

    With ``imports=False``, only names bound by something other than an import (assignments,
    definitions, parameters, ...) and read names are left out too.
    """
    found: Set[str] = set()
    for node in ast.walk(tree):
        if imports and isinstance(node, ast.Name):
            found.add(node.id)  # read names too
        else:
            found.update(bound_names(node, nested=False, imports=imports))
    return found


class Planner:
    """Plans the edits for one file."""

    def __init__(
        self, tree: ast.Module, text: str, identity: ModuleIdentity, registry: Registry, homes: Optional[Homes] = None
    ) -> None:
        self.tree = tree
        self.identity = identity
        self.registry = registry
        self.homes = homes  # where replacements are in the project: a wrong one is never rewritten to
        self.columns = Columns(text)
        self.plan = Plan()
        self._bindings: Optional[Bindings] = None
        self._identifiers: Optional[Set[str]] = None
        self._claimed: Dict[str, str] = {}
        self._imports = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
        self._module_level = {id(node) for node in _module_level_imports(tree)}
        self._imported: Set[str] = set()  # modules imported at module level, after the planned edits
        self._assigned_names: Optional[Set[str]] = None
        self._existing: Dict[Tuple[str, str], Optional[str]] = {}
        self._scope_of: Dict[int, Optional[ast.AST]] = {}

    # -- the entry point -------------------------------------------------------------------------

    def run(self, findings: Sequence[Finding]) -> Plan:
        wanted: Dict[str, Set[Tuple[int, int]]] = {}
        for finding in findings:
            if finding.code in FIXABLE_CODES:
                wanted.setdefault(finding.code, set()).add((finding.line, finding.col))
        statements = wanted.get(FORBIDDEN_MODULE_IMPORT, set()) | wanted.get(FORBIDDEN_NAME_IMPORT, set())
        for node in self._imports:
            if (node.lineno, node.col_offset) in statements:
                self._plan_import(node)
        self._imported = self._imported_modules()
        strings = {position for code in STRING_CODES for position in wanted.get(code, ())}
        if strings:
            self._plan_strings(strings)
        chains = wanted.get(FORBIDDEN_ATTRIBUTE_REFERENCE, set()) | self._uses_of_rewritten_imports()
        if chains:
            self._plan_chains(chains)
        return self.plan

    # -- import statements -----------------------------------------------------------------------

    def _plan_import(self, node: Union[ast.Import, ast.ImportFrom]) -> None:
        position = self.columns.of(node)
        if isinstance(node, ast.Import):
            new_names: List[Union[str, Target, None]] = []
            for alias in node.names:
                new_names.append(self._plain_alias(position, alias))
            if any(new is not None for new in new_names):
                names = tuple(alias.name for alias in node.names)
                self.plan.imports[position] = ImportEdit(names, tuple(new_names))
            return
        base = import_target(node, self.identity)
        if base is None:
            return
        targets: List[Union[str, Target, None]] = []
        for alias in node.names:
            if alias.name == "*":
                targets.append(self._star(position, base))
            else:
                targets.append(self._from_alias(position, f"{base}.{alias.name}"))
        if any(target is not None for target in targets):
            names = tuple(alias.name for alias in node.names)
            self.plan.imports[position] = ImportEdit(names, tuple(targets), base)

    def _uses_of_rewritten_imports(self) -> Set[Tuple[int, int]]:
        """Chains used through a plain ``import a.legacy`` this plan rewrites (``a.legacy.X``).

        SOT104 does not report them (the import's finding already covers them), yet once the import
        becomes ``import a.canonical`` they must follow, or they would name what is no longer
        imported.  These are exactly the chains that rule leaves out: the same entry decides the
        chain and the import.
        """
        rewritten: Dict[str, Set[str]] = {}
        for node in self._imports:
            edit = self.plan.imports.get(self.columns.of(node))
            if edit is None or not isinstance(node, ast.Import):
                continue
            for alias, new in zip(node.names, edit.new):
                if alias.asname is None and isinstance(new, str):
                    rewritten.setdefault(alias.name.partition(".")[0], set()).add(alias.name)
        found: Set[Tuple[int, int]] = set()
        if not rewritten:
            return found
        for chain in _maximal_chains(self.tree):
            parts = dotted_parts(chain)
            if parts is None or parts[0] not in rewritten:
                continue
            match = self.registry.forbidden_for(".".join(parts))
            if match is not None and any(
                self.registry.forbidden_for(imported) == match for imported in rewritten[parts[0]]
            ):
                found.add((chain.lineno, chain.col_offset))
        return found

    def _plain_alias(self, position: Position, alias: ast.alias) -> Optional[str]:
        resolution = resolve(self.registry, self.identity, alias.name, self.homes)
        if isinstance(resolution, Refusal):
            self.plan.note(position, resolution.reason)
            return None
        if resolution is None:
            return None
        new = resolution.apply(alias.name)
        head, new_head = alias.name.partition(".")[0], new.partition(".")[0]
        if alias.asname is None and head != new_head:
            self.plan.note(
                position,
                f"'import {alias.name}' binds '{head}', and its replacement '{new}' lies in another "
                f"top-level package; write 'import {new} as ...' by hand",
            )
            return None
        return new

    def _star(self, position: Position, base: str) -> Optional[Target]:
        resolution = resolve(self.registry, self.identity, base, self.homes)
        if isinstance(resolution, Rewrite) and resolution.module == resolution.new:
            return Target(resolution.apply(base), "*")
        if isinstance(resolution, Refusal):
            self.plan.note(position, resolution.reason)
        elif isinstance(resolution, Rewrite):
            self.plan.note(position, f"a star import from '{base}' cannot be moved to '{resolution.new}'")
        else:
            self.plan.note(position, f"a star import from '{base}' brings the legacy name in; import it explicitly")
        return None

    def _from_alias(self, position: Position, dotted: str) -> Optional[Target]:
        resolution = resolve(self.registry, self.identity, dotted, self.homes)
        if isinstance(resolution, Refusal):
            self.plan.note(position, resolution.reason)
            return None
        if resolution is None:
            return None
        new = resolution.apply(dotted)
        module, _, name = new.rpartition(".")
        if not module:
            self.plan.note(position, f"its replacement '{new}' is a top-level module; write 'import {new}' by hand")
            return None
        return Target(module, name)

    def _imported_modules(self) -> Set[str]:
        """Modules the file imports at module level once the planned import edits are made."""
        modules: Set[str] = set()
        for node in self._imports:
            if id(node) not in self._module_level:
                continue
            edit = self.plan.imports.get(self.columns.of(node))
            if isinstance(node, ast.Import):
                for index, alias in enumerate(node.names):
                    new = edit.new[index] if edit is not None else None
                    modules.add(new if isinstance(new, str) else alias.name)
                continue
            base = import_target(node, self.identity)
            if base is None:
                continue
            for index, alias in enumerate(node.names):
                new = edit.new[index] if edit is not None else None
                if isinstance(new, Target):
                    modules.add(new.module)
                    if new.name != "*":
                        modules.add(f"{new.module}.{new.name}")
                else:
                    modules.add(base)
                    if alias.name != "*":
                        modules.add(f"{base}.{alias.name}")
        expanded: Set[str] = set()
        for module in modules:
            parts = module.split(".")
            expanded.update(".".join(parts[:size]) for size in range(1, len(parts) + 1))
        return expanded

    # -- strings ---------------------------------------------------------------------------------

    def _plan_strings(self, wanted: Set[Tuple[int, int]]) -> None:
        seen: Set[Tuple[int, int]] = set()
        for node in ast.walk(self.tree):  # breadth first: the outermost string expression comes first
            if not isinstance(node, ast.expr):
                continue
            key = (node.lineno, node.col_offset)
            if key not in wanted or key in seen or constant_string(node) is None:
                continue
            seen.add(key)
            position = self.columns.of(node)
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                self.plan.note(position, "the string is built from several parts; edit it by hand")
                continue
            new = self._new_string(position, node.value)
            if new is not None:
                self.plan.strings[position] = (node.value, new)

    def _new_string(self, position: Position, value: str) -> Optional[str]:
        head, reference, tail = reference_part(value)
        new = self._new_reference(position, reference)
        return None if new is None else f"{head}{new}{tail}"

    def _new_reference(self, position: Position, value: str) -> Optional[str]:
        if value.startswith("."):
            self.plan.note(position, "a relative module name; edit it by hand")
            return None
        module, colon, obj = value.partition(":")
        dotted = f"{module}.{obj}" if colon else value
        resolution = resolve(self.registry, self.identity, dotted, self.homes)
        if isinstance(resolution, Refusal):
            self.plan.note(position, resolution.reason)
            return None
        if resolution is None:
            self.plan.note(position, "the legacy reference is split across several arguments; edit it by hand")
            return None
        if not colon:
            return resolution.apply(value)
        old_size, module_size = resolution.old.count(".") + 1, module.count(".") + 1
        if old_size <= module_size:
            new_module = resolution.new + module[len(resolution.old) :]
            return f"{new_module}:{obj}"
        if old_size == module_size + 1:
            new_module, _, name = resolution.new.rpartition(".")
            rest = dotted[len(resolution.old) :]
            return f"{new_module}:{name}{rest}"
        self.plan.note(position, "the 'module:name' string cannot be split around the replacement; edit it by hand")
        return None

    # -- attribute chains ------------------------------------------------------------------------

    @property
    def bindings(self) -> Bindings:
        if self._bindings is None:
            self._bindings = Bindings(self._imports, self.identity)
        return self._bindings

    @property
    def identifiers(self) -> Set[str]:
        if self._identifiers is None:
            self._identifiers = bound_identifiers(self.tree)
        return self._identifiers

    def _plan_chains(self, wanted: Set[Tuple[int, int]]) -> None:
        scopes = _Scopes(self.tree)
        self._scope_of = {id(node): scopes.scope_of(node) for node in self._imports}
        for node in _maximal_chains(self.tree):
            if (node.lineno, node.col_offset) not in wanted:
                continue
            parts = dotted_parts(node)
            if parts is None:
                continue
            self._plan_chain(self.columns.of(node), parts, node, scopes)

    def _plan_chain(self, position: Position, parts: List[str], node: ast.Attribute, scopes: "_Scopes") -> None:
        head, rest = parts[0], parts[1:]
        for bound in sorted(self.bindings.targets(head)):
            qualified = ".".join([bound, *rest])
            resolution = resolve(self.registry, self.identity, qualified, self.homes)
            if resolution is None:
                continue
            if isinstance(resolution, Refusal):
                self.plan.note(position, resolution.reason)
                return
            if not resolution.old.startswith(bound + "."):
                continue
            size = 1 + resolution.old.count(".") - bound.count(".")
            written = ".".join(parts[:size])
            binder = self._binder(head, bound, scopes.visible_from(node))
            if binder is None:
                self.plan.note(position, f"'{head}' is not imported where the chain is used; edit it by hand")
                return
            replacement = self._chain_replacement(position, head, bound, resolution, binder)
            if replacement is None:
                return
            if size == len(parts) and "." not in replacement and not isinstance(node.ctx, ast.Load):
                self.plan.note(position, "the chain is assigned to or deleted; edit it by hand")
                return
            self.plan.chains[(position, written)] = replacement
            return

    def _chain_replacement(
        self, position: Position, head: str, bound: str, rewrite: Rewrite, binder: Union[ast.Import, ast.ImportFrom]
    ) -> Optional[str]:
        where = self.columns.of(binder)
        plain = isinstance(binder, ast.Import) and bound == head
        if plain and rewrite.new.partition(".")[0] == head:
            # ``import a.x`` then ``a.legacy.X``: keep the head, make sure the new module is imported.
            if rewrite.module not in self._imported:
                self._add(where, ImportSpec(rewrite.module))
            return rewrite.new
        module, _, name = rewrite.new.rpartition(".")
        spec = ImportSpec(module, name) if module else ImportSpec(name)
        local = spec.binds
        owner = self._claimed.get(local)
        if owner is not None:
            if owner != rewrite.new:
                self.plan.note(position, f"'{local}' would stand for two replacements; edit it by hand")
                return None
        else:
            existing = self._existing_local(rewrite.new, local)
            if existing is not None:
                return existing  # the file already imports the replacement (once fixed) under that name
        if owner is None and local in self.identifiers:
            self.plan.note(
                position,
                f"the replacement would be imported as '{local}', a name this file already uses; edit it by hand",
            )
            return None
        self._claimed[local] = rewrite.new
        self._add(where, spec)
        return local

    def _existing_local(self, target: str, preferred: str) -> Optional[str]:
        """A name the file binds to ``target`` by module-level imports only, ``preferred`` first."""
        key = (target, preferred)
        if key not in self._existing:
            self._existing[key] = self._find_existing_local(target, preferred)
        return self._existing[key]

    def _find_existing_local(self, target: str, preferred: str) -> Optional[str]:
        candidates = {
            local
            for node in self._imports
            if id(node) in self._module_level
            for local, bound in self._post_edit_bindings(node).items()
            if bound == target
        }
        for local in sorted(candidates, key=lambda name: (name != preferred, name)):
            if self._imports_exactly(local, target):
                return local
        return None

    def _imports_exactly(self, local: str, target: str) -> bool:
        """``local`` is bound only by module-level imports of ``target`` (once the planned import
        edits are made), and by nothing else."""
        if local in self._assigned:
            return False
        targets: Set[str] = set()
        for node in self._imports:
            bound = self._post_edit_bindings(node).get(local)
            if bound is None:
                continue
            if id(node) not in self._module_level:
                return False
            targets.add(bound)
        return targets == {target}

    def _post_edit_bindings(self, node: Union[ast.Import, ast.ImportFrom]) -> Dict[str, str]:
        """Local name -> what it stands for, for one import statement after the planned edits."""
        edit = self.plan.imports.get(self.columns.of(node))
        found: Dict[str, str] = {}
        if isinstance(node, ast.Import):
            for index, alias in enumerate(node.names):
                new = edit.new[index] if edit is not None else None
                name = new if isinstance(new, str) else alias.name
                if alias.asname:
                    found[alias.asname] = name
                else:
                    found[name.partition(".")[0]] = name.partition(".")[0]
            return found
        base = import_target(node, self.identity)
        if base is None:
            return found
        for index, alias in enumerate(node.names):
            if alias.name == "*":
                continue
            new = edit.new[index] if edit is not None else None
            found[alias.asname or alias.name] = (
                f"{new.module}.{new.name}" if isinstance(new, Target) else f"{base}.{alias.name}"
            )
        return found

    @property
    def _assigned(self) -> Set[str]:
        if self._assigned_names is None:
            self._assigned_names = bound_identifiers(self.tree, imports=False)
        return self._assigned_names

    def _binder(
        self, head: str, bound: str, visible: Sequence[Optional[ast.AST]]
    ) -> Optional[Union[ast.Import, ast.ImportFrom]]:
        """The import binding ``head`` to ``bound`` in the innermost scope visible from the use."""
        found: Dict[int, Union[ast.Import, ast.ImportFrom]] = {}
        for node in sorted(self._imports, key=lambda item: (item.lineno, item.col_offset)):
            if isinstance(node, ast.Import):
                binds = any(
                    (alias.asname or alias.name.partition(".")[0]) == head
                    and (alias.name if alias.asname else head) == bound
                    for alias in node.names
                )
            else:
                base = import_target(node, self.identity)
                binds = base is not None and any(
                    (alias.asname or alias.name) == head and f"{base}.{alias.name}" == bound for alias in node.names
                )
            if binds:
                found.setdefault(id(self._scope_of.get(id(node))), node)
        for scope in visible:
            if id(scope) in found:
                return found[id(scope)]
        return None

    def _add(self, where: Position, spec: ImportSpec) -> None:
        specs = self.plan.additions.setdefault(where, [])
        if spec not in specs:
            specs.append(spec)


def _module_level_imports(tree: ast.Module) -> Iterator[ast.AST]:
    """Import statements that run when the module is imported (not inside functions or classes)."""
    pending: List[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.expr)):
            continue
        else:
            pending.extend(ast.iter_child_nodes(node))


def _maximal_chains(tree: ast.AST) -> Iterator[ast.Attribute]:
    inner: Set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            current: ast.AST = node.value
            while isinstance(current, ast.Attribute):
                inner.add(id(current))
                current = current.value
            yield node
