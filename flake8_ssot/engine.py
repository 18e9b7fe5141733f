"""The rule engine shared by the flake8 plugin and the command line.

Per file: a cheap text prefilter decides which rules can report at all; one walk collects the
node types those rules declared (only the statement lists when no rule needs expressions); then
each rule reads its nodes.  A failure inside a rule becomes one SOT900 finding for this file; it
never propagates to the caller (flake8 would lose every file's findings).
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
import unicodedata
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    List,
    Optional,
    Sequence,
    Tuple,
    Type,
    Union,
)

from flake8_ssot.findings import Finding
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.registry import Registry
from flake8_ssot.syntax import STATEMENT_FIELDS, Bindings, numbers_lines_as_parsed

if TYPE_CHECKING:
    from flake8_ssot.resolution import FileResolution

NodeTypes = Tuple[Type[ast.AST], ...]
# What a file's text must contain: a substring, or a pattern that must match somewhere.
Fragment = Union[str, "re.Pattern[str]"]
# A fragment, or several fragments that must all occur.
Word = Union[Fragment, Tuple[Fragment, ...]]

# A relative import (``from . import x``, ``from ..a import b``), however its line is continued.
# Patterns here start with a literal where they can: the regex engine then skips ahead to it.
RELATIVE_IMPORT: "re.Pattern[str]" = re.compile(r"from(?<![\w.]from)[ \t\f]*(?:\\(?:\r\n?|\n)[ \t\f]*)*\.")
# What may stand between two characters of one folded string constant: the end of a literal and
# the start of the next (``"a." "b"``, ``"a." + ("b")``, across lines and comments: closing
# quotes, whitespace, comments, parentheses, '+', line continuations, a string prefix, opening
# quotes), or a backslash-newline inside a literal.  A comment must run to its line's end, so
# that the repetition cannot split one comment many ways (no exponential backtracking).
_LITERAL_GAP = r"""(?:["']{1,3}(?:[\s()+\\]|#[^\r\n]*[\r\n])*[A-Za-z]{0,2}["']{1,3}|\\(?:\r\n?|\n))?"""


def identifier_word(word: str) -> Tuple[Fragment, ...]:
    """``word`` as a whole identifier or dotted-name segment: the substring (a cheap first test),
    then the word with no identifier character on either side (``_base``, not ``self._base_url``)."""
    literal = re.escape(word)
    return (word, re.compile(literal + r"(?<!\w" + literal + r")(?!\w)"))


def _escapes(char: str) -> List[str]:
    """Patterns (after the backslash) of the escapes producing ``char`` in a string literal."""
    code = ord(char)
    forms = [r"N\{[^}\r\n]*\}"]
    if code < 0x100:
        forms.append("x" + "".join(f"[{d.lower()}{d.upper()}]" for d in f"{code:02x}"))
    if code <= 0o777:
        forms.append(r"0{0,%d}%s" % (3 - len(f"{code:o}"), f"{code:o}"))
    forms.append("u" + "".join(f"[{d.lower()}{d.upper()}]" for d in f"{code:04x}"))
    forms.append("U" + "".join(f"[{d.lower()}{d.upper()}]" for d in f"{code:08x}"))
    return forms


def _escaped(char: str) -> str:
    """A pattern for ``char`` in a string literal: itself, or an escape producing it."""
    return "(?:" + "|".join([re.escape(char)] + [r"\\" + form for form in _escapes(char)]) + ")"


def string_words(*words: str) -> Tuple[Tuple[Fragment, ...], ...]:
    """Alternatives, any one of which a text needs for string constants in it to contain every
    one of ``words``.

    A string literal's value is its source text except for escapes, and constants are folded
    from several literals (:func:`flake8_ssot.syntax.constant_string`).  So the text spells each
    word; or spells each with literal boundaries between characters (``"mess" "age"``); or has a
    backslash and spells each with any characters escaped (``"me\\x73sage"``) as well.
    """
    longest_first = sorted(words, key=len, reverse=True)  # patterns are tried in this order
    split = tuple(re.compile(_LITERAL_GAP.join(re.escape(char) for char in word)) for word in longest_first)
    escaped = tuple(re.compile(_LITERAL_GAP.join(_escaped(char) for char in word)) for word in longest_first)
    # Spelt with escapes, some character is escaped: a cheap test (it starts with the backslash).
    chars = sorted({char for word in words for char in word})
    some_escape = re.compile(r"\\(?:" + "|".join(sorted({form for char in chars for form in _escapes(char)})) + ")")
    return (tuple(words), split, ("\\", some_escape, *escaped))


# Node types that only ever occur in statement lists: collecting them needs no walk through
# expressions, which are most of a tree's nodes.
STATEMENT_TYPES: FrozenSet[Type[ast.AST]] = frozenset(
    {
        ast.Import,
        ast.ImportFrom,
        ast.ClassDef,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Assign,
        ast.AnnAssign,
    }
)


_UNSET = object()


class FileContext:
    """Everything a rule may read about one file.  Built per file, never shared."""

    def __init__(
        self,
        tree: ast.AST,
        identity: ModuleIdentity,
        registry: Registry,
        nodes: Dict[Type[ast.AST], List[ast.AST]],
        filename: Optional[str] = None,
        text: Optional[str] = None,
    ) -> None:
        self.tree = tree
        self.identity = identity
        self.registry = registry
        self.filename = filename
        self.text = text
        self._nodes = nodes
        self._bindings: Optional[Bindings] = None
        self._searchable: Optional[str] = None
        self._resolution: Any = _UNSET

    def nodes(self, *types: Type[ast.AST]) -> List[ast.AST]:
        """The collected nodes of ``types``; within one type, parents come before children."""
        if len(types) == 1:
            return self._nodes.get(types[0], [])
        return [node for node_type in types for node in self._nodes.get(node_type, [])]

    @property
    def searchable(self) -> Optional[str]:
        """The text as the prefilter searches it (NFKC-normalised too); None without a text."""
        if self._searchable is None and self.text is not None:
            self._searchable = Interest.searchable(self.text)
        return self._searchable

    @property
    def bindings(self) -> Bindings:
        if self._bindings is None:
            self._bindings = Bindings(self.nodes(ast.Import, ast.ImportFrom), self.identity)
        return self._bindings

    @property
    def resolution(self) -> Optional["FileResolution"]:
        """Cross-file name resolution for this file; None when switched off or impossible."""
        if self._resolution is _UNSET:
            from flake8_ssot.resolution import for_file

            self._resolution = for_file(self.registry, self.identity, self.tree, self.filename)
        return self._resolution  # type: ignore[no-any-return]


def _always(context: FileContext) -> bool:
    return True


class Rule:
    """A rule: the node types it reads, when it is active, and the check itself.

    ``words(registry)`` lists what a file's text must contain for the rule to report there: each
    item a word, or a tuple of words that must all occur; None means "cannot tell".  ``refine``
    may look at the file's statements (imports, definitions) before expression nodes are
    collected, and return False when the rule cannot report in this file after all.
    """

    def __init__(
        self,
        name: str,
        node_types: NodeTypes,
        check: Callable[[FileContext], Iterable[Finding]],
        active: Callable[[Registry], bool],
        words: Callable[[Registry], Optional[Iterable[Word]]],
        refine: Callable[[FileContext], bool] = _always,
    ) -> None:
        self.name = name
        self.node_types = node_types
        self.check = check
        self.active = active
        self.words = words
        self.refine = refine

    @property
    def needs_expressions(self) -> bool:
        return any(node_type not in STATEMENT_TYPES for node_type in self.node_types)


class Interest:
    """What a file's text must contain for a rule to report in it.

    Lossless by construction: a rule lists every identifier or string fragment without which it
    cannot match.  Identifiers are NFKC-normalised by the parser, so a non-ASCII text is searched
    in its normalised form too (``ｌｅｇａｃｙ`` is ``legacy``).
    """

    def __init__(self, words: Optional[Iterable[Word]]) -> None:
        if words is None:
            self.alternatives: Optional[Tuple[Tuple[Fragment, ...], ...]] = None
        else:
            found = {(word,) if isinstance(word, (str, re.Pattern)) else tuple(word) for word in words}
            ordered = (_cheapest_first(alt) for alt in found if alt and all(alt))
            self.alternatives = tuple(sorted(ordered, key=repr))

    @staticmethod
    def searchable(text: str) -> str:
        if text.isascii():
            return text
        return text + "\n" + unicodedata.normalize("NFKC", text)

    def might_match(self, searchable: str, seen: Optional[Dict[Fragment, bool]] = None) -> bool:
        """``searchable`` as returned by :meth:`searchable`; ``seen`` remembers fragments looked up
        in the same text (shared by every rule's interest)."""
        if self.alternatives is None:
            return True
        if seen is None:
            seen = {}
        for alternative in self.alternatives:
            for fragment in alternative:
                present = seen.get(fragment)
                if present is None:
                    if isinstance(fragment, str):
                        present = fragment in searchable
                    else:
                        present = fragment.search(searchable) is not None
                    seen[fragment] = present
                if not present:
                    break
            else:
                return True
        return False


def _cheapest_first(alternative: Tuple[Fragment, ...]) -> Tuple[Fragment, ...]:
    """Substrings first, longer (rarer) ones first; then patterns, in the order given."""
    substrings = sorted((fragment for fragment in alternative if isinstance(fragment, str)), key=lambda s: (-len(s), s))
    return (*substrings, *(fragment for fragment in alternative if not isinstance(fragment, str)))


def internal_error(where: str, error: BaseException) -> Finding:
    # One line, whatever the exception's text holds: editors parse flake8's output line by line.
    detail = " ".join(f"{type(error).__name__}: {error}".split()).rstrip(":")
    if len(detail) > 200:
        detail = detail[:197] + "..."
    return Finding(
        1,
        0,
        "SOT900",
        f"flake8-ssot could not finish {where} ({detail}); "
        "the file's other findings are still reported, please report this",
    )


class Engine:
    """The rules active for one registry.  Build once per process, use for every file."""

    def __init__(self, registry: Registry, rules: Optional[Sequence[Rule]] = None) -> None:
        if rules is None:
            from flake8_ssot.rules import ALL_RULES

            rules = ALL_RULES
        self.registry = registry
        self.rules: Tuple[Rule, ...] = tuple(rule for rule in rules if rule.active(registry))
        self.interests: Tuple[Interest, ...] = tuple(Interest(rule.words(registry)) for rule in self.rules)
        # The last text filtered and its rules: the command asks might_report, then check_tree.
        self._last: Tuple[Optional[str], Tuple[Rule, ...]] = (None, ())

    def disable_prefilter(self) -> None:
        """Check every file with every rule (the prefilter's equivalence tests use this)."""
        self.interests = tuple(Interest(None) for _ in self.rules)
        self._last = (None, ())

    def _rules_for(self, text: Optional[str]) -> List[Rule]:
        if text is None:
            return list(self.rules)
        last_text, last_rules = self._last
        if text is last_text:
            return list(last_rules)
        searchable = Interest.searchable(text)
        seen: Dict[Fragment, bool] = {}
        rules = [rule for rule, interest in zip(self.rules, self.interests) if interest.might_match(searchable, seen)]
        self._last = (text, tuple(rules))
        return rules

    def might_report(self, text: str) -> bool:
        """False when ``text`` cannot produce any finding: it need not be parsed or walked."""
        return bool(self._rules_for(text))

    def check_tree(
        self,
        tree: ast.AST,
        identity: ModuleIdentity,
        text: Optional[str] = None,
        filename: Optional[str] = None,
    ) -> List[Finding]:
        """Every finding in one parsed file, sorted.  Never raises.

        ``text`` is the file's source; when given, rules that cannot report in it are skipped.
        ``filename`` (as flake8 names it) lets resolution find the project's other modules when
        no source roots are configured.
        """
        try:
            rules = self._rules_for(text)
            if not rules:
                return []
            # The imports first (every rule may read the file's bindings; refining reads only
            # them and the text), then what the rules still interested want.
            nodes = collect_imports(tree, text)
            context = FileContext(tree, identity, self.registry, nodes, filename, text)
            rules = [rule for rule in rules if rule.refine(context)]
            wanted = {node_type for rule in rules for node_type in rule.node_types}.difference(nodes)
            statement_types = wanted & STATEMENT_TYPES
            if statement_types:
                nodes.update(collect_statements(tree, statement_types))
            if wanted - statement_types:
                nodes.update(collect_nodes(tree, wanted - statement_types))
        except Exception as error:  # noqa: BLE001 - contain everything, report it per file
            return [internal_error("reading this file's syntax tree", error)]
        findings: List[Finding] = []
        for rule in rules:
            produced: List[Finding] = []
            try:
                produced.extend(rule.check(context))
            except Exception as error:  # noqa: BLE001
                findings.append(internal_error(f"rule '{rule.name}'", error))
            findings.extend(produced)
        return sorted(set(findings))


IMPORT_TYPES: Tuple[Type[ast.AST], ...] = (ast.Import, ast.ImportFrom)


def lines_containing(text: str, word: str) -> Optional[List[int]]:
    """The numbers, as the parser counts lines, of the lines on which ``word`` starts, in order;
    None when ``text`` ends a line with a lone carriage return (then they are not counted)."""
    if not numbers_lines_as_parsed(text):
        return None
    lines: List[int] = []
    line, counted = 1, 0
    position = text.find(word)
    while position != -1:
        line += text.count("\n", counted, position)
        counted = position
        if not lines or lines[-1] != line:
            lines.append(line)
        position = text.find(word, position + len(word))
    return lines


def collect_imports(tree: ast.AST, text: Optional[str]) -> Dict[Type[ast.AST], List[ast.AST]]:
    """The ``import`` and ``from ... import`` statements, as :func:`collect_statements` finds them.

    Each spans a line holding the keyword ``import`` (a keyword is never spelt otherwise), so only
    statements whose lines include such a line are entered: most function and class bodies are
    never looked at.
    """
    lines = lines_containing(text, "import") if text is not None else None
    if lines is None:
        return collect_statements(tree, IMPORT_TYPES)
    nodes: Dict[Type[ast.AST], List[ast.AST]] = {node_type: [] for node_type in IMPORT_TYPES}
    if not lines:
        return nodes
    count = len(lines)
    pending = [tree]
    while pending:
        node = pending.pop()
        found = nodes.get(node.__class__)
        if found is not None:
            found.append(node)
            continue
        for field in STATEMENT_FIELDS:
            children = getattr(node, field, None)
            if not children:
                continue
            for child in reversed(children):
                start = getattr(child, "lineno", None)
                if start is None:  # a match case: no position of its own
                    pending.append(child)
                    continue
                index = bisect_left(lines, start)
                if index < count and lines[index] <= child.end_lineno:
                    pending.append(child)
    return nodes


def collect_statements(tree: ast.AST, wanted: Iterable[Type[ast.AST]]) -> Dict[Type[ast.AST], List[ast.AST]]:
    """Statement nodes of ``wanted`` types, walking statement lists only (iteratively)."""
    nodes: Dict[Type[ast.AST], List[ast.AST]] = {node_type: [] for node_type in wanted}
    if not nodes:
        return nodes
    pending = [tree]
    while pending:
        node = pending.pop()
        found = nodes.get(type(node))
        if found is not None:
            found.append(node)
        for field in STATEMENT_FIELDS:
            children = getattr(node, field, None)
            if children:
                pending.extend(reversed(children))
    return nodes


# Fields that never hold a node a rule reads: expression contexts and operators.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
# Fields that hold identifiers, numbers or constants, by node type name (types a Python version
# lacks are simply never met).  Not looking into them saves most of the walk's attribute reads.
_SCALAR_FIELDS: Dict[str, FrozenSet[str]] = {
    name: frozenset(fields)
    for name, fields in {
        "Name": ("id",),
        "Attribute": ("attr",),
        "Constant": ("value", "kind"),
        "keyword": ("arg",),
        "arg": ("arg", "type_comment"),
        "alias": ("name", "asname"),
        "ImportFrom": ("module", "level"),
        "FunctionDef": ("name", "type_comment"),
        "AsyncFunctionDef": ("name", "type_comment"),
        "ClassDef": ("name",),
        "ExceptHandler": ("name",),
        "Global": ("names",),
        "Nonlocal": ("names",),
        "comprehension": ("is_async",),
        "FormattedValue": ("conversion",),
        "AnnAssign": ("simple",),
        "Assign": ("type_comment",),
        "For": ("type_comment",),
        "AsyncFor": ("type_comment",),
        "With": ("type_comment",),
        "AsyncWith": ("type_comment",),
        "MatchAs": ("name",),
        "MatchStar": ("name",),
        "MatchMapping": ("rest",),
        "MatchClass": ("kwd_attrs",),
        "Module": ("type_ignores",),
    }.items()
}
# Node types with no child a rule reads (given the fields above): not even pushed unless wanted.
_LEAF_TYPES: FrozenSet[Type[ast.AST]] = frozenset({ast.Name, ast.Constant})
_CHILD_FIELDS: Dict[Type[ast.AST], Tuple[str, ...]] = {}


def _child_fields(node_type: Type[ast.AST]) -> Tuple[str, ...]:
    skipped = _LEAF_FIELDS | _SCALAR_FIELDS.get(node_type.__name__, frozenset())
    return tuple(field for field in node_type._fields if field not in skipped)


def collect_nodes(tree: ast.AST, wanted: Iterable[Type[ast.AST]]) -> Dict[Type[ast.AST], List[ast.AST]]:
    """Nodes of ``wanted`` types anywhere in the tree, each before its descendants.

    An explicit stack instead of ``ast.walk``: no recursion whatever the depth, and a fraction of
    the cost (no generator per node, no look into contexts, operators, identifiers or constants,
    names and constants not even pushed unless wanted).
    """
    nodes: Dict[Type[ast.AST], List[ast.AST]] = {node_type: [] for node_type in wanted}
    found_for = nodes.get
    child_fields = _CHILD_FIELDS
    skip = _LEAF_TYPES.difference(nodes)
    node_class = ast.AST
    pending: List[ast.AST] = [tree]
    push = pending.append
    pop = pending.pop
    while pending:
        node = pop()
        node_type = node.__class__
        found = found_for(node_type)
        if found is not None:
            found.append(node)
        fields = child_fields.get(node_type)
        if fields is None:
            fields = child_fields[node_type] = _child_fields(node_type)
        for field in fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if item.__class__ not in skip and isinstance(item, node_class):
                        push(item)
            elif value.__class__ not in skip and isinstance(value, node_class):
                push(value)
    return nodes
