"""The rule engine shared by the flake8 plugin, the command line and the fixer.

Per file, in two steps whose result is a value, never state kept between calls:

1. ``selection = engine.select(text)``: the cheap text prefilter picks the rules that can report
   in this text.  An empty selection means the file need not even be parsed.  An engine built
   with the project's :class:`~flake8_ssot.checking.closure.Closure` narrows the cross-file rules
   to texts naming one of its names; :meth:`Engine.anchors` are literals one of which a text must
   hold for any rule to be selected (for a byte scan before decoding).
2. ``engine.check_tree(tree, identity, selection, filename)``: the imports are collected first
   (rules may refine themselves on them), then one walk collects the node types the remaining
   rules declared (only statement lists when none needs expressions); each rule reads its nodes.

A failure inside a rule becomes one SOT900 finding for this file; it never propagates to the
caller (flake8 would lose every file's findings).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from flake8_ssot.checking.closure import CLOSED, Closure, ClosureView, edges_of
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
    # The closure was asked whether the text names one of its names, and said no: a closure that
    # grew since may select more rules.
    unmentioned: bool = False

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

    def __init__(
        self,
        registry: Registry,
        rules: Optional[Sequence[Rule]] = None,
        prefilter: bool = True,
        closure: Optional[Closure] = None,
    ) -> None:
        self.registry = registry
        self.closure = closure
        candidates = ALL_RULES if rules is None else rules
        self.rules: Tuple[Rule, ...] = tuple(rule for rule in candidates if rule.active(registry))
        self.interests: Tuple[Interest, ...] = tuple(
            Interest(rule.words(registry) if prefilter else None) for rule in self.rules
        )

    def with_closure(self, closure: Optional[Closure]) -> "Engine":
        """The same rules and prefilter, narrowed by ``closure``."""
        engine = Engine.__new__(Engine)
        engine.registry, engine.rules, engine.interests, engine.closure = (
            self.registry,
            self.rules,
            self.interests,
            closure,
        )
        return engine

    def anchors(self) -> Optional[FrozenSet[str]]:
        """Literals one of which an ASCII text must contain for :meth:`select` to pick any rule,
        besides the closure's tokens (which a caller scans for itself): None when some rule cannot
        say; an empty set when none is active."""
        closure = self.closure
        tokens: Optional[FrozenSet[str]] = None
        if closure is not None:
            # An alternative needing the closure is anchored by its tokens, scanned separately
            # (a file below a package carrier is looked at whatever it holds).
            tokens = frozenset()
        found: Set[str] = set()
        for interest in self.interests:
            anchors = interest.anchors(tokens)
            if anchors is None:
                return None
            found.update(anchors)
        return frozenset(found)

    def select(
        self, text: Optional[str], present: Optional[Iterable[str]] = None, filename: Optional[str] = None
    ) -> Selection:
        """The rules that can report in ``text``; every active rule when the text is not known.

        ``present``: the closure's tokens known to occur in the text (from a byte scan), so that
        only those are looked for; by default every token is.  ``filename``: where the text is
        (a relative import's reach); unknown by default.

        The closure decides only whether a file is worth parsing: once some rule is selected,
        the rules it held back are selected too (their own checks still consult the closure,
        name by name, and remember what they asked), so that a closure which grows later does
        not force the file to be parsed again.
        """
        if text is None:
            return Selection(self.rules)
        searchable = Interest.searchable(text)
        seen: Dict[Fragment, bool] = {}
        closure = self.closure
        answers: List[bool] = []
        mentions: Optional[Callable[[], bool]] = None
        if closure is not None:
            tokens = None if present is None or not text.isascii() else present

            def ask() -> bool:
                answers.append(closure.mentioned_in(searchable, tokens, filename))
                return answers[-1]

            mentions = ask

        chosen = tuple(
            rule
            for rule, interest in zip(self.rules, self.interests)
            if interest.might_match(searchable, seen, mentions)
        )
        if chosen and answers == [False]:
            seen.pop(CLOSED, None)
            chosen = tuple(
                rule for rule, interest in zip(self.rules, self.interests) if interest.might_match(searchable, seen)
            )
            return Selection(chosen, text)
        return Selection(chosen, text, answers == [False])

    def check_tree(
        self,
        tree: ast.AST,
        identity: ModuleIdentity,
        selection: Selection,
        filename: Optional[str] = None,
        derived: Optional[Dict[str, Any]] = None,
        extend_closure: bool = False,
    ) -> List[Finding]:
        """Every finding the selected rules make in one parsed file, sorted.  Never raises.

        ``filename`` (as flake8 names it) lets resolution find the project's other modules when
        no source roots are configured.  ``derived``, when given, receives what the rules derived
        for this file (the file's resolution, under ``"resolution"``).  ``extend_closure``: the
        file's text may differ from what the closure was computed from (an editor buffer), so its
        own bindings are added to the closure first.
        """
        if not selection:
            return []
        text = selection.text
        try:
            # The imports first (every rule may read the file's bindings; refining reads only
            # them and the text), then what the rules still interested want.
            nodes = collect_imports(tree, text)
            view: Optional[ClosureView] = None
            if self.closure is not None:
                closure = self.closure.extended(edges_of(tree)) if extend_closure else self.closure
                view = ClosureView(closure)
                if derived is not None:
                    derived["closure"] = view
            context = FileContext(tree, identity, self.registry, nodes, filename, text, derived, view)
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
