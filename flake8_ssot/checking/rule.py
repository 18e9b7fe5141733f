"""What a rule is: the codes it reports, the nodes it reads, when it is active, and its check."""

from __future__ import annotations

import ast
from typing import Callable, FrozenSet, Iterable, Optional, Tuple, Type

from flake8_ssot.checking.collect import STATEMENT_TYPES
from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.words import Word
from flake8_ssot.findings import Finding
from flake8_ssot.registry import Registry

NodeTypes = Tuple[Type[ast.AST], ...]


def _always(context: FileContext) -> bool:
    return True


class Rule:
    """A rule: the codes it reports, the node types it reads, when it is active, and the check.

    ``codes`` are the rule's vocabulary: every finding it produces carries one of them (the
    engine's own SOT900 aside), and together the rules' codes are the table of
    :mod:`flake8_ssot.codes`.

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
        *,
        codes: Iterable[str],
    ) -> None:
        self.name = name
        self.codes: FrozenSet[str] = frozenset(codes)
        self.node_types = node_types
        self.check = check
        self.active = active
        self.words = words
        self.refine = refine

    @property
    def needs_expressions(self) -> bool:
        return any(node_type not in STATEMENT_TYPES for node_type in self.node_types)
