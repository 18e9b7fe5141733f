"""SOT106: a string whose whole value is a forbidden module or name, or lies below one.

``'a.legacy'``, ``'a.legacy.Name'``, ``'a.legacy.sub'`` and the entry-point form
``'a.legacy:Name'`` (``'a.legacy:Name.attr'``, and as an entry-point specification
``'run = a.legacy:main'``), wherever the string stands: a list of modules a test imports one by
one, a plugin table, a ``-m`` argument, a logger name.  A string at one of
SOT103's call sites is SOT103's (one finding per string).  Only a whole value counts, so prose
that mentions a module is never read; docstrings and other string statements are left out.

A value of one segment (``'imp'``) is a word as often as a module name (``'string'``, ``'code'``,
``'signal'``), so it counts only where a module name is expected: an argument of a call whose
callee's name says it imports or finds modules (``import_helper.import_module('imp')``,
``pytest.importorskip('imp')``, ``find_spec('imp')``), the argument after ``"-m"``, or a
comparison with a module name (``obj.__module__ == 'imp'``, ``modname in ('imp', 'sys')``).
Two segments under a top-level forbidden module whose second is a file extension
(``'random.avi'``, ``'code.py'``) are a file name.
"""

from __future__ import annotations

import ast
import re
from typing import Iterator, List, Optional, Set, Tuple

from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.rule import Rule
from flake8_ssot.checking.words import Word, string_words
from flake8_ssot.codes import FORBIDDEN_DOTTED_STRING
from flake8_ssot.findings import Finding
from flake8_ssot.names import is_dotted_name
from flake8_ssot.registry import Registry
from flake8_ssot.rules.literals import STRING_NODE_TYPES, quoted, string_expressions
from flake8_ssot.rules.strings import TARGET_NODE_TYPES, string_finding, string_targets, target_words
from flake8_ssot.syntax import constant_string

# Callees whose string arguments are module names, by their last name (lower case).
_MODULE_CALLEE = re.compile(r"import|module|find_spec")
# Names and attributes holding a module name, compared with strings (lower case).
_MODULE_NAME = re.compile(r"module|mod_?names?$|__package__$")
_MODULE_FLAG = "-m"
FILE_EXTENSIONS = frozenset(
    """py pyi pyc pyd pyw pyx pxd so dll dylib exe bat cmd sh txt md rst json yaml yml toml ini cfg conf
    csv tsv xml html htm css js ts log lock zip gz bz2 xz tar tgz whl egg png jpg jpeg gif svg ico pdf
    avi mp3 mp4 wav db sqlite sqlite3 pickle pkl tmp bak out err c h cpp hpp pem key crt""".split()
)


def _last_name(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _items(node: ast.AST) -> List[ast.AST]:
    """The node, or the elements of a literal list, tuple or set."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return list(node.elts)
    return [node]


def module_positions(context: FileContext) -> Set[int]:
    """Ids of the expressions where a module name is expected (see the module's docstring)."""
    found: Set[int] = set()
    for call in context.nodes(ast.Call):
        callee = _last_name(call.func)
        if callee is not None and _MODULE_CALLEE.search(callee.lower()):
            for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
                found.update(id(item) for item in _items(argument))
        found.update(_after_module_flag(call.args))
    for sequence in context.nodes(ast.List, ast.Tuple):
        found.update(_after_module_flag(sequence.elts))
    for compare in context.nodes(ast.Compare):
        operands = [compare.left, *compare.comparators]
        for operand in operands:
            name = _last_name(operand)
            if name is not None and _MODULE_NAME.search(name.lower()):
                found.update(id(item) for other in operands if other is not operand for item in _items(other))
    return found


def _after_module_flag(items: List[ast.expr]) -> Iterator[int]:
    for index, item in enumerate(items[:-1]):
        if constant_string(item) == _MODULE_FLAG:
            yield id(items[index + 1])


# An entry-point specification (``console_scripts`` in setup.py): ``name = module:attr [extras]``.
# Each repetition is followed by a character it cannot match: no backtracking beyond linear.
_ENTRY_POINT = re.compile(r"(\s*[\w.+-]+\s*=\s*)([^\s=\[\]]+)(\s*(?:\[[\w\s,.-]*\]\s*)?)\Z")


def reference_part(value: str) -> Tuple[str, str, str]:
    """``(head, reference, tail)``: the part of a string's value that may name a module or name,
    and what stands around it (only in an entry-point specification)."""
    match = _ENTRY_POINT.match(value)
    if match is None:
        return "", value, ""
    head, reference, tail = match.groups()
    return head, reference, tail


def dotted_value(value: str) -> Optional[str]:
    """The dotted name a string's whole value is (``a.b:C.d`` is ``a.b.C.d``, and so is
    ``run = a.b:C.d [extra]``), else None."""
    reference = reference_part(value)[1]
    if is_dotted_name(reference):
        return reference
    module, colon, attribute = reference.partition(":")
    if colon and is_dotted_name(module) and is_dotted_name(attribute):
        return f"{module}.{attribute}"
    return None


def _file_name(context: FileContext, dotted: str) -> bool:
    """``name.ext`` below a top-level forbidden module: a file name."""
    module, _, extension = dotted.partition(".")
    if extension not in FILE_EXTENSIONS:
        return False
    match = context.registry.forbidden_for(dotted)
    return match is not None and match.module_entry is not None and match.matched == module


def check_dotted_strings(context: FileContext) -> Iterator[Finding]:
    targets: Set[int] = {id(node) for _, node, _ in string_targets(context)}
    expected: Optional[Set[int]] = None
    for node, value in string_expressions(context, skip=targets):
        dotted = dotted_value(value)
        if dotted is None or _file_name(context, dotted):
            continue
        if "." not in dotted:
            if expected is None:
                expected = module_positions(context)
            if id(node) not in expected:
                continue
        finding = string_finding(context, FORBIDDEN_DOTTED_STRING, "string", node, dotted, shown=value)
        if finding is not None:
            yield finding


def _words(registry: Registry) -> List[Word]:
    """Strings that can hold every segment of a forbidden module or name: spelt out, split across
    folded literals, or written with escapes (each alternative with a literal, see ``quoted``)."""
    words: List[Word] = []
    for segments in target_words(registry):
        words.extend(quoted(string_words(*segments)))
    return words


RULE = Rule(
    name="dotted-strings",
    node_types=(*TARGET_NODE_TYPES, ast.List, ast.Tuple, *STRING_NODE_TYPES),
    check=check_dotted_strings,
    active=lambda registry: bool(registry.forbidden_modules or registry.forbidden_names),
    words=_words,
    codes=(FORBIDDEN_DOTTED_STRING,),
)
