"""SOT103: strings that name a forbidden module or name where Python will import or patch them.

Recognised targets (positional or keyword):

* ``patch`` / ``mock.patch`` / ``unittest.mock.patch`` / ``mocker.patch`` and their ``.dict`` /
  ``.multiple`` forms (``target=``, ``in_dict=``); string keys of a dict literal patched into
  ``sys.modules``;
* ``monkeypatch.setattr`` / ``monkeypatch.delattr`` in their dotted-string form (``target=``);
* ``importlib.import_module`` (``name=``, relative names resolved with ``package=``),
  ``__import__`` (``name=`` and a literal ``fromlist``), ``pkgutil.resolve_name`` (``a.b:Name``);
* ``sys.modules[...]``, ``sys.modules.get/pop/setdefault(...)`` and ``"..." in sys.modules``, also
  through the name a ``with patch('sys.modules') as modules`` (or ``patch.dict(sys.modules)``)
  binds: ``modules['pkg.legacy'] = Mock()``.
"""

from __future__ import annotations

import ast
from typing import AbstractSet, Iterator, List, Optional, Set, Tuple, Type

from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.rule import Rule
from flake8_ssot.checking.words import Word, string_words
from flake8_ssot.codes import FORBIDDEN_STRING_REFERENCE
from flake8_ssot.findings import Finding
from flake8_ssot.names import resolve_relative
from flake8_ssot.registry import Registry
from flake8_ssot.rules.imports import module_phrase
from flake8_ssot.syntax import constant_string, dotted_text

_MOCK_BASES = {"", "mock", "unittest.mock"}
_MOCKER_SUFFIX = "mocker"  # pytest-mock fixtures: mocker, class_mocker, module_mocker, ...
_PATCH_FORMS = {"patch": "target", "patch.dict": "in_dict", "patch.multiple": "target"}
_SYS_MODULES_METHODS = {"get", "pop", "setdefault"}

# Identifiers without which no target above can be recognised.  ``sys.modules`` needs both
# words, however it is imported.
CALLEE_WORDS: Tuple[Tuple[str, ...], ...] = (
    ("patch",),
    ("import_module",),
    ("__import__",),
    ("resolve_name",),
    ("modules", "sys"),
)


# The nodes :func:`string_targets` reads: a rule calling it collects at least these.
TARGET_NODE_TYPES: Tuple[Type[ast.AST], ...] = (ast.Call, ast.Subscript, ast.Compare, ast.With, ast.AsyncWith)


def _callee_names(context: FileContext, func: ast.AST) -> Set[str]:
    """The callee as written and as qualified through the file's imports."""
    text = dotted_text(func)
    if text is None:
        return set()
    return {text} | context.bindings.qualify(text)


def _patch_form(names: Set[str]) -> Optional[str]:
    for name in names:
        for form in _PATCH_FORMS:
            if name == form or name.endswith("." + form):
                base = name[: -len(form)].rstrip(".")
                if base in _MOCK_BASES or base.endswith(_MOCKER_SUFFIX):
                    return form
    return None


def _argument(call: ast.Call, position: int, keyword: str) -> Optional[ast.expr]:
    if len(call.args) > position and not any(isinstance(arg, ast.Starred) for arg in call.args[: position + 1]):
        return call.args[position]
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return None


def _is_sys_modules(context: FileContext, node: ast.AST, stand_ins: AbstractSet[str] = frozenset()) -> bool:
    """``node`` is ``sys.modules`` (however imported), or a name in ``stand_ins`` (see
    :func:`_sys_modules_stand_ins`)."""
    if isinstance(node, ast.Name) and node.id in stand_ins:
        return True
    text = dotted_text(node)
    if text is None:
        return constant_string(node) == "sys.modules"
    return text == "sys.modules" or "sys.modules" in context.bindings.qualify(text)


def _sys_modules_stand_ins(context: FileContext) -> Set[str]:
    """Names a ``with`` statement binds to a patch of ``sys.modules``: ``with patch('sys.modules')
    as modules`` (the mock that replaces it) or ``with patch.dict(sys.modules) as modules`` (the
    patched dict itself).  Keys written through them are ``sys.modules`` keys."""
    names: Set[str] = set()
    for statement in context.nodes(ast.With, ast.AsyncWith):
        for item in statement.items:
            call, bound = item.context_expr, item.optional_vars
            if not (isinstance(call, ast.Call) and isinstance(bound, ast.Name)):
                continue
            form = _patch_form(_callee_names(context, call.func))
            if form in ("patch", "patch.dict"):
                target = _argument(call, 0, _PATCH_FORMS[form])
                if target is not None and _is_sys_modules(context, target):
                    names.add(bound.id)
    return names


def _targets(
    context: FileContext, call: ast.Call, stand_ins: AbstractSet[str] = frozenset()
) -> Iterator[Tuple[str, ast.expr, str]]:
    """(kind, node, dotted string) for every string target of ``call``."""
    names = _callee_names(context, call.func)
    if not names:
        return
    form = _patch_form(names)
    if form is not None:
        target = _argument(call, 0, _PATCH_FORMS[form])
        if target is not None:
            yield "patch target", target, constant_string(target) or ""
            if form == "patch.dict" and _is_sys_modules(context, target):
                values = _argument(call, 1, "values")
                if isinstance(values, ast.Dict):
                    for key in values.keys:
                        if key is not None:
                            yield "sys.modules key", key, constant_string(key) or ""
        return
    if any(n.endswith("monkeypatch.setattr") or n.endswith("monkeypatch.delattr") for n in names):
        target = _argument(call, 0, "target")
        if target is not None:
            yield "monkeypatch target", target, constant_string(target) or ""
        return
    if names & {"importlib.import_module", "import_module"}:
        target = _argument(call, 0, "name")
        if target is not None:
            name = constant_string(target) or ""
            if name.startswith("."):
                package = _argument(call, 1, "package")
                package_name = constant_string(package) if package is not None else None
                level = len(name) - len(name.lstrip("."))
                name = resolve_relative(package_name, level, name.lstrip(".") or None) or ""
            yield "import_module name", target, name
        return
    if names & {"__import__", "builtins.__import__"}:
        target = _argument(call, 0, "name")
        if target is not None:
            module = constant_string(target) or ""
            yield "__import__ name", target, module
            fromlist = _argument(call, 3, "fromlist")
            if module and isinstance(fromlist, (ast.List, ast.Tuple)):
                for item in fromlist.elts:
                    member = constant_string(item)
                    if member:
                        yield "__import__ fromlist entry", item, f"{module}.{member}"
        return
    if names & {"pkgutil.resolve_name", "resolve_name"}:
        target = _argument(call, 0, "name")
        if target is not None:
            yield "resolve_name target", target, (constant_string(target) or "").replace(":", ".")
        return
    func = call.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in _SYS_MODULES_METHODS
        and _is_sys_modules(context, func.value, stand_ins)
    ):
        target = _argument(call, 0, "key")
        if target is not None:
            yield "sys.modules key", target, constant_string(target) or ""


def string_finding(
    context: FileContext, code: str, kind: str, node: ast.expr, dotted: str, shown: Optional[str] = None
) -> Optional[Finding]:
    """The finding for a string naming ``dotted``, when that is forbidden here (``shown``: the
    string as the message quotes it, ``dotted`` by default)."""
    if not dotted or any(not part for part in dotted.split(".")):
        return None
    match = context.registry.forbidden_for(dotted)
    if match is None or match.entry.exempts(context.identity):
        return None
    line, col = node.lineno, node.col_offset
    quoted = dotted if shown is None else shown
    module_entry = match.module_entry
    if module_entry is not None:
        phrase = module_phrase(match.matched, module_entry, match.matched)
        return Finding(
            line, col, code, f"{kind} '{quoted}' refers to {phrase}; {module_entry.advice()}", module_entry.ref
        )
    assert match.name_entry is not None
    name = match.name_entry
    return Finding(line, col, code, f"{kind} '{quoted}' refers to legacy name '{name.name}'; {name.advice()}", name.ref)


def string_targets(context: FileContext) -> List[Tuple[str, ast.expr, str]]:
    """(kind, node, dotted string) for every string target of the known call sites in the file."""
    candidates: List[Tuple[str, ast.expr, str]] = []
    stand_ins = _sys_modules_stand_ins(context)
    for call in context.nodes(ast.Call):
        candidates.extend(_targets(context, call, stand_ins))
    for subscript in context.nodes(ast.Subscript):
        if _is_sys_modules(context, subscript.value, stand_ins):
            key = subscript.slice
            candidates.append(("sys.modules key", key, constant_string(key) or ""))
    for compare in context.nodes(ast.Compare):
        if (
            len(compare.ops) == 1
            and isinstance(compare.ops[0], (ast.In, ast.NotIn))
            and _is_sys_modules(context, compare.comparators[0], stand_ins)
        ):
            candidates.append(("sys.modules key", compare.left, constant_string(compare.left) or ""))
    return candidates


def check_strings(context: FileContext) -> Iterator[Finding]:
    for kind, node, dotted in string_targets(context):
        finding = string_finding(context, FORBIDDEN_STRING_REFERENCE, kind, node, dotted)
        if finding is not None:
            yield finding


def target_words(registry: Registry) -> List[Tuple[str, ...]]:
    """For each forbidden module or name, the segments every string naming it contains."""
    words = []
    for module_entry in registry.forbidden_modules:
        words.append(module_entry.pattern.literal_segments)
    for name_entry in registry.forbidden_names:
        words.append(tuple(name_entry.name.split(".")))
    return words


def _words(registry: Registry) -> List[Word]:
    """A callee word, and strings that can hold every segment of a forbidden module or name:
    spelt out, split across folded literals, or written with escapes."""
    words: List[Word] = []
    for callee in CALLEE_WORDS:
        for segments in target_words(registry):
            words.extend(callee + alternative for alternative in string_words(*segments))
    return words


RULE = Rule(
    name="strings",
    node_types=TARGET_NODE_TYPES,
    check=check_strings,
    active=lambda registry: bool(registry.forbidden_modules or registry.forbidden_names),
    words=_words,
    codes=(FORBIDDEN_STRING_REFERENCE,),
)
