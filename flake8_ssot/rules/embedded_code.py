"""SOT107: import statements in Python code that a string holds.

Code in a string is read where the program hands it to Python: the argument after ``"-c"`` in an
argument list or call (``[sys.executable, "-c", code]``, ``assert_python_ok("-c", code)``), the
code of a ``python -c "..."`` command string (any string holding ``-c``, split as a POSIX shell
splits it, also inside ``bash -c "..."``), the source given to ``exec`` or ``compile``, and the
text of a ``textwrap.dedent`` call.  A name bound exactly once in the file, by assigning it such a
string, stands for the string.  The code is parsed, never run; what does not parse is no code.
Each absolute import in it is checked as SOT101 / SOT102 check an import statement and reported at
the string, quoting the import.  Docstrings and other string statements are never read.
"""

from __future__ import annotations

import ast
import re
import shlex
import textwrap
import warnings
from typing import Dict, Iterator, List, Optional, Set, Tuple, Union

from flake8_ssot.checking.collect import collect_nodes
from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.rule import Rule
from flake8_ssot.checking.words import Word, string_words
from flake8_ssot.codes import FORBIDDEN_EMBEDDED_IMPORT
from flake8_ssot.findings import Finding
from flake8_ssot.registry import Registry
from flake8_ssot.rules.imports import statement_findings
from flake8_ssot.rules.literals import STRING_NODE_TYPES, quoted, spelling, string_expressions
from flake8_ssot.rules.strings import target_words
from flake8_ssot.syntax import bound_names, constant_string, dotted_text

_RUNS_CODE = {"exec", "builtins.exec", "compile", "builtins.compile"}
_DEDENT = {"textwrap.dedent"}
_FLAG = "-c"
# Identifiers without one of which no code context above can be recognised, or the flag spelt in a
# string (whole, split or escaped); and the keyword every import holds, spelt in any of those ways.
CONTEXT = re.compile("|".join(("exec", "compile", "dedent", spelling(_FLAG).pattern)))
KEYWORD = spelling("import")
NODE_TYPES = (ast.Call, ast.List, ast.Tuple, *STRING_NODE_TYPES)
_MAX_CODE = 1 << 20  # characters: larger strings are not read as code
_MAX_COMMAND = 1 << 17  # characters: Linux passes no longer argument to a program (MAX_ARG_STRLEN)
_MAX_DEPTH = 3  # code in a command in a command ..., code in code in code
_QUOTED = 100  # characters of an import quoted in the message

Import = Union[ast.Import, ast.ImportFrom]


def _callee(context: FileContext, func: ast.AST) -> Set[str]:
    """The callee qualified through the file's imports, else as written."""
    text = dotted_text(func)
    if text is None:
        return set()
    return context.bindings.qualify(text) or {text}


def _argument(call: ast.Call, keyword: str) -> Optional[ast.expr]:
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return None


def _single_assignments(tree: ast.AST) -> Dict[str, ast.expr]:
    """Names the file binds exactly once, by assigning them a value: name -> the value."""
    count: Dict[str, int] = {}
    assigned: Dict[str, ast.expr] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names = [node.id] if not isinstance(node.ctx, ast.Load) else []
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr, ast.For, ast.AsyncFor)):
            names = []  # their targets are Name nodes of their own
        else:
            names = bound_names(node, nested=False)
        for name in names:
            count[name] = count.get(name, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            assigned[node.target.id] = node.value
    return {name: value for name, value in assigned.items() if count.get(name) == 1}


class _Scan:
    """The strings holding code in one tree (the file's, or code found in a string of it)."""

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self._assignments: Optional[Dict[str, ast.expr]] = None

    def values(self, expr: ast.expr, dedent: bool = False, follow: bool = True) -> List[Tuple[ast.expr, str, str]]:
        """``(string node, its value, the text it holds)`` for an expression standing for code."""
        value = constant_string(expr)
        if value is not None:
            return [(expr, value, textwrap.dedent(value) if dedent else value)]
        if isinstance(expr, ast.Call) and _callee(self.context, expr.func) & _DEDENT:
            inner = _argument(expr, "text")
            return self.values(inner, True, follow) if inner is not None else []
        if isinstance(expr, ast.Name) and follow:
            if self._assignments is None:
                self._assignments = _single_assignments(self.context.tree)
            bound = self._assignments.get(expr.id)
            return self.values(bound, dedent, False) if bound is not None else []
        return []

    def _after_flags(self, items: List[ast.expr]) -> Iterator[Tuple[ast.expr, str, str]]:
        for index, item in enumerate(items[:-1]):
            if constant_string(item) == _FLAG:
                yield from self.values(items[index + 1])

    def code_strings(self) -> Iterator[Tuple[ast.expr, str, str, bool]]:
        """``(string node, its value, the text it holds, whether that is a command)``."""
        context = self.context
        for call in context.nodes(ast.Call):
            names = _callee(context, call.func)
            if names & _RUNS_CODE:
                source = _argument(call, "source")
                if source is not None:
                    yield from ((*found, False) for found in self.values(source))
            elif names & _DEDENT:
                yield from ((*found, False) for found in self.values(call, follow=False))
            yield from ((*found, False) for found in self._after_flags(call.args))
        for sequence in context.nodes(ast.List, ast.Tuple):
            yield from ((*found, False) for found in self._after_flags(sequence.elts))
        for node, value in string_expressions(context, placeholders=True):
            if _FLAG in value and "import" in value:
                yield node, value, value, True


def _parse(code: str) -> Optional[ast.Module]:
    if len(code) > _MAX_CODE or "import" not in code:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(code)
    except Exception:  # noqa: BLE001 - whatever the parser raises, the text is no code it can read
        return None


def _flag_arguments(command: str) -> List[str]:
    """The words after ``-c`` in ``command``, split as a POSIX shell splits it."""
    if _FLAG not in command or len(command) > _MAX_COMMAND:
        return []
    try:
        words = shlex.split(command)
    except ValueError:  # an unclosed quote: no command
        return []
    return [words[index + 1] for index, word in enumerate(words[:-1]) if word == _FLAG]


def _statement_words(node: Import) -> Set[str]:
    """The identifiers of an import statement, and its keyword."""
    words = {"import"}
    if isinstance(node, ast.ImportFrom) and node.module:
        words.update(node.module.split("."))
    for alias in node.names:
        words.update(alias.name.split("."))
        if alias.asname:
            words.add(alias.asname)
    return words


def _quoted(code: str, node: Import) -> str:
    text = ast.get_source_segment(code, node) or ""
    text = " ".join(text.split())
    return text if len(text) <= _QUOTED else text[: _QUOTED - 3] + "..."


class _Checker:
    def __init__(self, context: FileContext) -> None:
        self.context = context
        self.seen: Set[Tuple[int, str, bool]] = set()

    def check(self, scan: _Scan, outer: Optional[Tuple[ast.expr, str]], depth: int) -> Iterator[Finding]:
        for node, raw, text, command in scan.code_strings():
            where = outer or (node, raw)
            if (id(where[0]), text, command) in self.seen:
                continue
            self.seen.add((id(where[0]), text, command))
            if command:
                yield from self._command(where, text, depth)
                continue
            tree = _parse(text)
            if tree is not None:
                yield from self._code(where, text, tree, depth)

    def _command(self, where: Tuple[ast.expr, str], command: str, depth: int) -> Iterator[Finding]:
        """The code after each ``-c`` of a command; an argument that is no code may be a command
        itself (``bash -c "python -c '...'"``)."""
        for argument in _flag_arguments(command):
            tree = _parse(argument)
            if tree is not None:
                yield from self._code(where, argument, tree, depth)
            elif depth < _MAX_DEPTH:
                yield from self._command(where, argument, depth + 1)

    def _code(self, where: Tuple[ast.expr, str], code: str, tree: ast.Module, depth: int) -> Iterator[Finding]:
        node, raw = where
        nodes = collect_nodes(tree, (ast.Import, ast.ImportFrom, *NODE_TYPES))
        for statement in [*nodes[ast.Import], *nodes[ast.ImportFrom]]:
            assert isinstance(statement, (ast.Import, ast.ImportFrom))
            if isinstance(statement, ast.ImportFrom) and statement.level:
                continue  # relative to a package the text does not know
            # Only what the string spells out: the prefilter looks for these words in the text.
            if not all(word in raw for word in _statement_words(statement)):
                continue
            for finding in statement_findings(self.context, statement, set):
                yield Finding(
                    node.lineno,
                    node.col_offset,
                    FORBIDDEN_EMBEDDED_IMPORT,
                    f"code in a string holds '{_quoted(code, statement)}': {finding.text}",
                    finding.entry,
                )
        if depth < _MAX_DEPTH:
            inner = FileContext(tree, self.context.identity, self.context.registry, nodes, None, code)
            yield from self.check(_Scan(inner), where, depth + 1)


def check_embedded_imports(context: FileContext) -> Iterator[Finding]:
    yield from _Checker(context).check(_Scan(context), None, 0)


def _words(registry: Registry) -> List[Word]:
    """A string that can hold every segment of a forbidden module or name (SOT106's alternatives),
    a code context (a callee, or the flag spelt in a string) and the keyword ``import``.

    A reported import's string spells out the keyword and every segment (see ``_statement_words``).
    The context and the keyword are one pattern each, tried after SOT106's fragments: those are
    known already when SOT106 was selected, and rule most texts out at no cost.
    """
    words: List[Word] = []
    for segments in target_words(registry):
        words.extend(spelt + (CONTEXT, KEYWORD) for spelt in quoted(string_words(*segments)))
    return words


RULE = Rule(
    name="embedded-imports",
    node_types=NODE_TYPES,
    check=check_embedded_imports,
    active=lambda registry: bool(registry.forbidden_modules or registry.forbidden_names),
    words=_words,
    codes=(FORBIDDEN_EMBEDDED_IMPORT,),
)
