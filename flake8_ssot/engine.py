"""The rule engine shared by the flake8 plugin and the command line.

One cheap text prefilter, one walk over the tree collecting the node types the active rules
declared, then each rule reads its nodes.  A failure inside a rule becomes one SOT900 finding for
this file; it never propagates to the caller (flake8 would lose every file's findings).
"""

from __future__ import annotations

import ast
import unicodedata
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Type

from flake8_ssot.findings import Finding
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.registry import Registry
from flake8_ssot.syntax import Bindings


class FileContext:
    """Everything a rule may read about one file.  Built per file, never shared."""

    def __init__(
        self,
        tree: ast.AST,
        identity: ModuleIdentity,
        registry: Registry,
        nodes: Dict[Type[ast.AST], List[ast.AST]],
    ) -> None:
        self.tree = tree
        self.identity = identity
        self.registry = registry
        self._nodes = nodes
        self._bindings: Optional[Bindings] = None

    def nodes(self, *types: Type[ast.AST]) -> List[ast.AST]:
        """The collected nodes of ``types``, in walk order (parents before children)."""
        if len(types) == 1:
            return self._nodes.get(types[0], [])
        return [node for node_type in types for node in self._nodes.get(node_type, [])]

    @property
    def bindings(self) -> Bindings:
        if self._bindings is None:
            self._bindings = Bindings(self.nodes(ast.Import, ast.ImportFrom), self.identity)
        return self._bindings


class Rule:
    """A rule: the node types it reads, when it is active, and the check itself."""

    def __init__(
        self,
        name: str,
        node_types: Tuple[Type[ast.AST], ...],
        check: Callable[[FileContext], Iterable[Finding]],
        active: Callable[[Registry], bool],
        words: Callable[[Registry], Optional[Iterable[str]]],
    ) -> None:
        self.name = name
        self.node_types = node_types
        self.check = check
        self.active = active
        self.words = words


class Interest:
    """The words a file must contain for any active rule to report in it.

    Lossless by construction: each rule lists every identifier or string fragment without which
    it cannot match (None means "cannot tell", which disables the prefilter).
    """

    def __init__(self, words: Optional[FrozenSet[str]]) -> None:
        self.words = words

    def might_match(self, text: str) -> bool:
        if self.words is None:
            return True
        if not text.isascii():
            # Identifiers are NFKC-normalised by the parser: ``ｌｅｇａｃｙ`` is ``legacy``.
            text = text + "\n" + unicodedata.normalize("NFKC", text)
        return any(word in text for word in self.words)


def internal_error(where: str, error: BaseException) -> Finding:
    detail = f"{type(error).__name__}: {error}".strip().rstrip(":")
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
        self.node_types: FrozenSet[Type[ast.AST]] = frozenset(
            node_type for rule in self.rules for node_type in rule.node_types
        )
        self.interest = Interest(self._words())

    def _words(self) -> Optional[FrozenSet[str]]:
        words: set = set()
        for rule in self.rules:
            rule_words = rule.words(self.registry)
            if rule_words is None:
                return None
            words.update(rule_words)
        return frozenset(word for word in words if word)

    def might_report(self, text: str) -> bool:
        """False when ``text`` cannot produce any finding: it need not be parsed or walked."""
        return bool(self.rules) and self.interest.might_match(text)

    def check_tree(
        self,
        tree: ast.AST,
        identity: ModuleIdentity,
        text: Optional[str] = None,
    ) -> List[Finding]:
        """Every finding in one parsed file, sorted.  Never raises."""
        if not self.rules:
            return []
        try:
            if text is not None and not self.interest.might_match(text):
                return []
            context = FileContext(tree, identity, self.registry, self._collect(tree))
        except Exception as error:  # noqa: BLE001 - contain everything, report it per file
            return [internal_error("reading this file's syntax tree", error)]
        findings: List[Finding] = []
        for rule in self.rules:
            produced: List[Finding] = []
            try:
                produced.extend(rule.check(context))
            except Exception as error:  # noqa: BLE001
                findings.append(internal_error(f"rule '{rule.name}'", error))
            findings.extend(produced)
        return sorted(set(findings))

    def _collect(self, tree: ast.AST) -> Dict[Type[ast.AST], List[ast.AST]]:
        wanted = self.node_types
        nodes: Dict[Type[ast.AST], List[ast.AST]] = {node_type: [] for node_type in wanted}
        for node in ast.walk(tree):
            node_type = type(node)
            if node_type in wanted:
                nodes[node_type].append(node)
        return nodes
