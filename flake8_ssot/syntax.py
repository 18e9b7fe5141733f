"""Small readers of ``ast`` nodes shared by the rules.  They never recurse without bound."""

from __future__ import annotations

import ast
import re
from typing import Dict, Iterable, Iterator, List, Optional, Set, Union

from flake8_ssot.location import ModuleIdentity
from flake8_ssot.names import resolve_relative

# The fields holding statement lists: bodies, else and finally blocks, except handlers, match cases.
STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
# A carriage return not starting a "\r\n": the parser ends a line there, str.split("\n") does not.
_LONE_CARRIAGE_RETURN = re.compile(r"\r(?!\n)")


def numbers_lines_as_parsed(text: str) -> bool:
    """True when line ``n`` of the parser is ``text.split("\n")[n - 1]`` (and counting ``"\n"``
    gives its line numbers): no line of ``text`` ends with a lone carriage return."""
    return "\r" not in text or _LONE_CARRIAGE_RETURN.search(text) is None


def dotted_parts(node: ast.AST, consumed: Optional[Set[int]] = None) -> Optional[List[str]]:
    """``["a", "b", "c"]`` for a chain of attributes on a name, else None (iteratively).

    ``consumed`` collects the ids of the chain's attribute links, so a caller walking every
    ``Attribute`` node can skip the inner links of a chain it already read.
    """
    parts: List[str] = []
    while isinstance(node, ast.Attribute):
        if consumed is not None:
            consumed.add(id(node))
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    parts.reverse()
    return parts


def _bound(node: ast.AST, nested: bool, imports: bool) -> Iterator[Union[ast.Name, str]]:
    """What ``node`` binds, in source order: the ``Name`` nodes, or the identifier where the
    binding has no ``Name`` of its own.  The one reader of bindings behind the functions below."""
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, ast.Name):
            if not isinstance(current.ctx, ast.Load):
                yield current
        elif isinstance(current, (ast.Tuple, ast.List)):
            if nested:
                pending.extend(reversed(current.elts))
        elif isinstance(current, ast.Starred):
            if nested:
                pending.append(current.value)
        elif isinstance(current, ast.arg):
            yield current.arg
        elif isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield current.name
        elif isinstance(current, (ast.Global, ast.Nonlocal)):
            yield from current.names
        elif isinstance(current, ast.ExceptHandler):
            if current.name:
                yield current.name
        elif isinstance(current, ast.alias):
            if imports:
                yield current.asname or current.name.partition(".")[0]
        elif type(current).__name__.startswith("Match"):  # patterns (3.10+): MatchAs, MatchStar, MatchMapping
            for attribute in ("name", "rest"):
                value = getattr(current, attribute, None)
                if isinstance(value, str):
                    yield value


def bound_names(node: ast.AST, nested: bool = True, imports: bool = True) -> List[str]:
    """The names ``node`` binds, in source order.

    For an assignment target: ``a``, ``a, (b, *c)``; ``a.b`` and ``a[0]`` bind none.  Otherwise a
    definition binds its name, a parameter its own, ``global`` / ``nonlocal`` their names, an
    except handler and a match pattern their capture, an import alias its local name (not with
    ``imports=False``).  ``nested=False`` reads the node alone, for a caller walking every node:
    a tuple or starred target then binds nothing itself (its names are nodes of their own).
    """
    return [found.id if isinstance(found, ast.Name) else found for found in _bound(node, nested, imports)]


def bound_name_nodes(target: ast.AST) -> List[ast.Name]:
    """The ``Name`` nodes of :func:`bound_names` for an assignment target, with their positions."""
    return [found for found in _bound(target, True, True) if isinstance(found, ast.Name)]


def dotted_text(node: Optional[ast.AST]) -> Optional[str]:
    """``a.b.c`` for a chain of attributes on a name, else None (also for no node)."""
    parts = dotted_parts(node) if node is not None else None
    return ".".join(parts) if parts is not None else None


def constant_string(node: ast.AST) -> Optional[str]:
    """The value of a constant string expression.

    Adjacent literals (``"a." "legacy"``) are one constant in the ``ast`` already; explicit
    ``+`` of constant strings and placeholder-free f-strings are folded too.
    """
    pending = [node]
    pieces: List[str] = []
    while pending:
        current = pending.pop()
        if isinstance(current, ast.Constant) and isinstance(current.value, str):
            pieces.append(current.value)
        elif isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
            pending.append(current.right)
            pending.append(current.left)
        elif isinstance(current, ast.JoinedStr):
            pending.extend(reversed(current.values))
        else:
            return None
    return "".join(pieces)


def import_target(node: ast.ImportFrom, identity: ModuleIdentity) -> Optional[str]:
    """The absolute module a ``from ... import`` reads from, or None when not resolvable."""
    return resolve_relative(identity.package, node.level or 0, node.module)


class Bindings:
    """Names bound by import statements anywhere in the file, to the dotted names they stand for.

    Flow-insensitive on purpose: an import inside a function binds for the whole file.  This is
    what lets ``mock.patch`` or ``a.legacy`` be recognised whatever the import style.
    """

    def __init__(self, imports: Iterable[ast.AST], identity: ModuleIdentity) -> None:
        self._targets: Dict[str, Set[str]] = {}
        self._plain: Dict[str, Set[str]] = {}
        for node in imports:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self._bind(alias.asname, alias.name)
                    else:
                        head = alias.name.partition(".")[0]
                        self._bind(head, head)
                        self._plain.setdefault(head, set()).add(alias.name)
            elif isinstance(node, ast.ImportFrom):
                base = import_target(node, identity)
                if base is None:
                    continue
                for alias in node.names:
                    if alias.name != "*":
                        self._bind(alias.asname or alias.name, f"{base}.{alias.name}")

    def _bind(self, local: str, target: str) -> None:
        self._targets.setdefault(local, set()).add(target)

    def all_targets(self) -> Set[str]:
        return {target for targets in self._targets.values() for target in targets}

    def targets(self, local: str) -> Set[str]:
        return self._targets.get(local, set())

    def plain_imports(self, head: str) -> Set[str]:
        """The dotted names of ``import a.b`` statements (no ``as``) binding ``head``."""
        return self._plain.get(head, set())

    def qualify(self, dotted: str) -> Set[str]:
        """Every fully qualified reading of ``dotted`` through the file's imports."""
        head, _, rest = dotted.partition(".")
        return {f"{target}.{rest}" if rest else target for target in self.targets(head)}
