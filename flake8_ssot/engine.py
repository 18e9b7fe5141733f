"""The rule engine shared by the flake8 plugin, the command line and the fixer.

Per file, in two steps whose result is a value, never state kept between calls:

1. ``selection = engine.select(text)``: the cheap text prefilter picks the rules that can report
   in this text.  An empty selection means the file need not even be parsed.
2. ``engine.check_tree(tree, identity, selection, filename)``: the imports are collected first
   (rules may refine themselves on them), then one walk collects the node types the remaining
   rules declared (only statement lists when none needs expressions); each rule reads its nodes.

A failure inside a rule becomes one SOT900 finding for this file; it never propagates to the
caller (flake8 would lose every file's findings).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

from flake8_ssot.checking.collect import STATEMENT_TYPES, collect_imports, collect_nodes, collect_statements
from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.rule import Rule
from flake8_ssot.checking.words import Fragment, Interest
from flake8_ssot.codes import INTERNAL_ERROR
from flake8_ssot.findings import Finding, internal_error
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.registry import Registry
from flake8_ssot.rules import ALL_RULES

# What the engine reports itself, beside its rules' codes: a failure inside a rule or a tree.
CODES = frozenset({INTERNAL_ERROR})


@dataclass(frozen=True)
class Selection:
    """The rules that can report in one file's text, with that text (None: not known)."""

    rules: Tuple[Rule, ...]
    text: Optional[str] = None

    def __bool__(self) -> bool:
        return bool(self.rules)

    @property
    def codes(self) -> FrozenSet[str]:
        return frozenset(code for rule in self.rules for code in rule.codes)


class Engine:
    """The rules active for one registry.  Build once per process, use for every file.

    ``prefilter=False`` selects every active rule for every text (the prefilter's equivalence
    tests compare the two).
    """

    def __init__(self, registry: Registry, rules: Optional[Sequence[Rule]] = None, prefilter: bool = True) -> None:
        self.registry = registry
        candidates = ALL_RULES if rules is None else rules
        self.rules: Tuple[Rule, ...] = tuple(rule for rule in candidates if rule.active(registry))
        self.interests: Tuple[Interest, ...] = tuple(
            Interest(rule.words(registry) if prefilter else None) for rule in self.rules
        )

    def select(self, text: Optional[str]) -> Selection:
        """The rules that can report in ``text``; every active rule when the text is not known."""
        if text is None:
            return Selection(self.rules)
        searchable = Interest.searchable(text)
        seen: Dict[Fragment, bool] = {}
        chosen = tuple(
            rule for rule, interest in zip(self.rules, self.interests) if interest.might_match(searchable, seen)
        )
        return Selection(chosen, text)

    def check_tree(
        self,
        tree: ast.AST,
        identity: ModuleIdentity,
        selection: Selection,
        filename: Optional[str] = None,
        derived: Optional[Dict[str, Any]] = None,
    ) -> List[Finding]:
        """Every finding the selected rules make in one parsed file, sorted.  Never raises.

        ``filename`` (as flake8 names it) lets resolution find the project's other modules when
        no source roots are configured.  ``derived``, when given, receives what the rules derived
        for this file (the file's resolution, under ``"resolution"``).
        """
        if not selection:
            return []
        text = selection.text
        try:
            # The imports first (every rule may read the file's bindings; refining reads only
            # them and the text), then what the rules still interested want.
            nodes = collect_imports(tree, text)
            context = FileContext(tree, identity, self.registry, nodes, filename, text, derived)
            rules = [rule for rule in selection.rules if rule.refine(context)]
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
