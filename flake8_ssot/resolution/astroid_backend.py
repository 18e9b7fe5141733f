"""The one module that knows astroid's API: parse a module file, digest it, drop the tree.

astroid parses; it is never asked to import.  Building a module normally lets astroid follow star
imports and ``x.attr = ...`` assignments through its own import machinery (``sys.path`` of this
process, a process-wide cache that only grows); :class:`_Builder` switches both off, transforms
are off, and the built module is taken back out of astroid's cache.  Every name resolution then
walks the digest (:class:`~flake8_ssot.resolution.model.ModuleSummary`), never the tree.

Every failure (syntax errors, encodings, ``RecursionError`` on deeply nested code, node types an
older astroid does not know) makes :func:`summarise_file` return None: "not resolved".
"""

from __future__ import annotations

import ast
import gc
import io
import tokenize
import warnings
from typing import Any, Iterable, List, Optional, Set, Tuple

from astroid import nodes
from astroid.builder import AstroidBuilder
from astroid.manager import AstroidManager

from flake8_ssot.names import resolve_relative
from flake8_ssot.resolution.buffers import buffer_text
from flake8_ssot.resolution.model import (
    CLASS,
    FUNCTION,
    OPAQUE,
    VALUE,
    Alias,
    AllSpec,
    Binding,
    ClassDefinition,
    ClassInfo,
    Definition,
    Event,
    FromImport,
    InitSignature,
    ModuleImport,
    ModuleSummary,
)
from flake8_ssot.syntax import STATEMENT_FIELDS, numbers_lines_as_parsed

__all__ = ["summarise_file", "summarise_source", "CLASS"]

# Decorators (last segment) that write a class's ``__init__``: dataclasses, attrs.
INIT_DECORATORS = frozenset({"dataclass", "s", "attrs", "define", "frozen", "mutable"})
_CONDITIONAL_BLOCKS = ("body", "orelse", "handlers", "finalbody")
_MAX_STATEMENTS = 50_000


class _Builder(AstroidBuilder):  # type: ignore[misc]
    """An AstroidBuilder that never imports: no star-import locals, no delayed attribute inference."""

    def add_from_names_to_locals(self, node: Any, *args: Any, **kwargs: Any) -> None:
        return None

    def delayed_assattr(self, node: Any, *args: Any, **kwargs: Any) -> None:
        return None


_builder: Optional[_Builder] = None


def _get_builder() -> _Builder:
    global _builder
    if _builder is None:
        _builder = _Builder(AstroidManager(), apply_transforms=False)
        _forget(_builder.string_build("", "flake8_ssot_bootstrap"))  # astroid builds its builtins once
        _freeze_heap()
    return _builder


def _freeze_heap() -> None:
    """Move every object alive now into the garbage collector's permanent generation.

    astroid's one-time bootstrap leaves about a hundred thousand long-lived objects; every later
    full collection would traverse them again, and parsing (flake8's own included) allocates
    enough to trigger many: parsing the standard library took a third longer.  Frozen objects are
    still freed when nothing refers to them; only cycles among them are never collected, a
    one-time cost bounded by what is alive at this moment.
    """
    freeze = getattr(gc, "freeze", None)
    if freeze is not None:
        gc.collect()
        freeze()


def summarise_file(path: str, modname: str, is_package: bool) -> Optional[ModuleSummary]:
    """The digest of the module in ``path`` (its open buffer's text, if any), or None when it cannot
    be read or parsed."""
    source = buffer_text(path)
    if source is None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            source = data.decode(encoding)
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
            return None
    return summarise_source(source, modname, is_package, path)


def summarise_source(
    source: str, modname: str, is_package: bool, path: Optional[str] = None
) -> Optional[ModuleSummary]:
    """The digest of ``source`` as module ``modname``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings of the analysed code are not ours
            slim = without_function_bodies(source)
            module = _get_builder().string_build(slim, modname, path)
        _forget(module)
        return _Digest(modname, is_package).summary(module)
    except (Exception, RecursionError):  # noqa: BLE001 - any failure means "not resolved"
        return None


def without_function_bodies(source: str) -> str:
    """``source`` with the body of every function replaced by ``pass`` and blank lines.

    The digest reads module and class level only (a function is a name, ``__init__`` a
    signature), and function bodies hold most of a module's nodes: astroid then builds a fraction
    of the tree.  The standard parser (much cheaper than astroid's tree) finds the bodies; line
    numbers do not change.  A body on its function's header line is kept.  Raises SyntaxError (and
    whatever else the parser raises) when ``source`` does not parse.
    """
    tree = ast.parse(source)
    if not numbers_lines_as_parsed(source):
        return source  # the parser's line numbers would not index source.split("\n")
    lines = source.split("\n")
    pending: List[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        for field in STATEMENT_FIELDS:
            for child in getattr(node, field, None) or ():
                if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    pending.append(child)
                    continue
                first, last = child.body[0], child.body[-1]
                decorators = getattr(first, "decorator_list", None)
                start = (decorators[0] if decorators else first).lineno - 1
                end = (last.end_lineno or last.lineno) - 1
                line = lines[start]
                indent = line[: len(line) - len(line.lstrip(" \t\f"))]
                if not decorators and len(indent) != first.col_offset:
                    continue  # a body sharing its header's line: kept (a decorated one never does)
                lines[start] = indent + "pass"
                for number in range(start + 1, end + 1):
                    lines[number] = ""
    return "\n".join(lines)


def _forget(module: Any) -> None:
    """Take the module back out of astroid's process-wide cache: our own cache bounds memory."""
    cache = AstroidManager().astroid_cache
    name = getattr(module, "name", None)
    if name is not None and cache.get(name) is module:
        del cache[name]


def dotted_text(node: Any) -> Optional[str]:
    """``a.b.c`` for a chain of attributes on a name (iteratively), else None."""
    parts: List[str] = []
    while isinstance(node, nodes.Attribute):
        parts.append(node.attrname)
        node = node.expr
    if not isinstance(node, nodes.Name):
        return None
    parts.append(node.name)
    return ".".join(reversed(parts))


def _strings(node: Any) -> Optional[Set[str]]:
    if isinstance(node, (nodes.List, nodes.Tuple)):
        found: Set[str] = set()
        for element in node.elts:
            if not (isinstance(element, nodes.Const) and isinstance(element.value, str)):
                return None
            found.add(element.value)
        return found
    return None


class _Exports:
    """Accumulates ``__all__`` assignments, augmentations and ``extend`` / ``append`` calls."""

    def __init__(self) -> None:
        self.seen = False
        self.names: Set[str] = set()
        self.bindings: List[str] = []
        self.known = True

    def assign(self, value: Any, conditional: bool) -> None:
        if not conditional:
            self.names, self.bindings, self.known = set(), [], True
        self.seen = True
        self.add(value)

    def add(self, value: Any) -> None:
        pending = [value]
        while pending:
            node = pending.pop()
            literal = _strings(node)
            if literal is not None:
                self.names.update(literal)
            elif isinstance(node, nodes.BinOp) and node.op == "+":
                pending.extend((node.left, node.right))
            elif isinstance(node, nodes.Attribute) and node.attrname == "__all__" and isinstance(node.expr, nodes.Name):
                self.bindings.append(node.expr.name)
            else:
                self.known = False

    def spec(self) -> Optional[AllSpec]:
        if not self.seen:
            return None
        return AllSpec(frozenset(self.names), tuple(dict.fromkeys(self.bindings)), self.known)


class _Digest:
    """Reads the module-level statements of one astroid module into a ModuleSummary."""

    def __init__(self, modname: str, is_package: bool) -> None:
        self.modname = modname
        self.is_package = is_package
        self.package = modname if is_package else modname.rpartition(".")[0]
        self.events: List[Event] = []
        self.exports = _Exports()
        self.has_getattr = False

    def summary(self, module: Any) -> ModuleSummary:
        pending: List[Tuple[Any, bool]] = [(statement, False) for statement in reversed(module.body)]
        count = 0
        while pending:
            statement, conditional = pending.pop()
            count += 1
            if count > _MAX_STATEMENTS:
                raise ValueError("module too large to digest")
            nested = self._statement(statement, conditional)
            pending.extend((child, True) for child in reversed(nested))
        return ModuleSummary(
            self.modname, self.is_package, tuple(self.events), self.exports.spec(), self.has_getattr
        )

    def _bind(self, name: str, binding: Binding, conditional: bool) -> None:
        self.events.append(Event(name, binding, None, conditional))

    def _statement(self, node: Any, conditional: bool) -> List[Any]:
        """Record what ``node`` binds; return the statements of its nested blocks."""
        kind = type(node).__name__
        if kind == "ImportFrom":
            base = resolve_relative(self.package, node.level or 0, node.modname or None)
            for name, asname in node.names:
                if name == "*":
                    self.events.append(Event(None, None, base, conditional))
                else:
                    self._bind(asname or name, FromImport(base, name), conditional)
        elif kind == "Import":
            for name, asname in node.names:
                if asname:
                    self._bind(asname, ModuleImport(name), conditional)
                else:
                    head = name.partition(".")[0]
                    self._bind(head, ModuleImport(head), conditional)
        elif kind == "ClassDef":
            self._bind(node.name, ClassDefinition(class_info(node, self.modname)), conditional)
        elif kind in ("FunctionDef", "AsyncFunctionDef"):
            if node.name == "__getattr__":
                self.has_getattr = True
            self._bind(node.name, Definition(FUNCTION), conditional)
        elif kind in ("Assign", "AnnAssign"):
            self._assign(node, conditional)
        elif kind == "AugAssign":
            target = node.target
            if isinstance(target, nodes.AssignName) and target.name == "__all__":
                self.exports.seen = True
                if node.op == "+=":
                    self.exports.add(node.value)
                else:
                    self.exports.known = False
            else:
                self._targets([target], conditional)
        elif kind == "Expr":
            self._exports_call(node.value)
        elif kind == "TypeAlias":
            self._targets([node.name], conditional)
        elif kind in ("Delete",):
            self._targets(node.targets, conditional)
        else:
            return self._blocks(node, kind)
        return []

    def _blocks(self, node: Any, kind: str) -> List[Any]:
        nested: List[Any] = []
        if kind in ("For", "AsyncFor"):
            self._targets([node.target], True)
        elif kind in ("With", "AsyncWith"):
            self._targets([target for _, target in node.items if target is not None], True)
        elif kind == "ExceptHandler" and node.name is not None:
            self._targets([node.name], True)
        elif kind == "Match":
            for case in node.cases:
                nested.extend(case.body)
            return nested
        elif kind not in ("If", "Try", "TryExcept", "TryFinally", "TryStar", "While", "ExceptHandler"):
            return nested
        for field in _CONDITIONAL_BLOCKS:
            nested.extend(getattr(node, field, None) or ())
        return nested

    def _assign(self, node: Any, conditional: bool) -> None:
        value = node.value
        targets = node.targets if type(node).__name__ == "Assign" else [node.target]
        if value is None:
            return  # an annotation binds nothing
        for target in targets:
            if isinstance(target, nodes.AssignName):
                if target.name == "__all__":
                    self.exports.assign(value, conditional)
                    self._bind(target.name, Definition(VALUE), conditional)
                    continue
                dotted = dotted_text(value)
                binding: Binding = Alias(dotted) if dotted is not None else Definition(VALUE)
                self._bind(target.name, binding, conditional)
            else:
                self._targets([target], conditional)

    def _targets(self, targets: Iterable[Any], conditional: bool) -> None:
        """Names bound in ways resolution does not follow: each becomes an opaque binding."""
        pending = list(targets)
        while pending:
            target = pending.pop()
            if isinstance(target, (nodes.AssignName, nodes.DelName)):
                if target.name == "__all__":
                    self.exports.seen = True
                    self.exports.known = False
                self._bind(target.name, OPAQUE, conditional)
            elif isinstance(target, (nodes.Tuple, nodes.List)):
                pending.extend(target.elts)
            elif isinstance(target, nodes.Starred):
                pending.append(target.value)

    def _exports_call(self, value: Any) -> None:
        """``__all__.extend([...])`` / ``__all__.append("x")``."""
        if not isinstance(value, nodes.Call) or not isinstance(value.func, nodes.Attribute):
            return
        func = value.func
        if not (isinstance(func.expr, nodes.Name) and func.expr.name == "__all__"):
            return
        self.exports.seen = True
        if func.attrname == "extend" and len(value.args) == 1:
            self.exports.add(value.args[0])
        elif func.attrname == "append" and len(value.args) == 1:
            argument = value.args[0]
            if isinstance(argument, nodes.Const) and isinstance(argument.value, str):
                self.exports.names.add(argument.value)
            else:
                self.exports.known = False
        else:
            self.exports.known = False


def class_info(node: Any, modname: str) -> ClassInfo:
    bases: List[Optional[str]] = []
    for base in node.bases:
        if isinstance(base, nodes.Subscript):
            base = base.value
        bases.append(dotted_text(base))
    # astroid keeps ``metaclass=`` out of ``keywords`` (in ``_metaclass``, 3.0 through 4.x).
    generates_init = getattr(node, "_metaclass", None) is not None or any(
        keyword.arg == "metaclass" for keyword in (node.keywords or ())
    )
    for decorator in node.decorators.nodes if node.decorators else ():
        if isinstance(decorator, nodes.Call):
            decorator = decorator.func
        text = dotted_text(decorator)
        if text is None or text.rpartition(".")[2] in INIT_DECORATORS:
            generates_init = True
    return ClassInfo(modname, node.name, tuple(bases), _init(node), generates_init)


def _init(node: Any) -> Optional[InitSignature]:
    found = None
    for item in node.body:
        if isinstance(item, nodes.FunctionDef) and item.name == "__init__":
            found = item
    if found is None:
        return None
    if found.decorators is not None and found.decorators.nodes:
        return InitSignature((), opaque=True)
    arguments = found.args
    names = [arg.name for arg in [*(arguments.posonlyargs or ()), *(arguments.args or ())]]
    if not names:
        return InitSignature((), opaque=True)
    return InitSignature(tuple(names[1:]))
