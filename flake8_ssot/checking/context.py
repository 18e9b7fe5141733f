"""Everything a rule may read about one file, built per file and never shared."""

from __future__ import annotations

import ast
from typing import Any, Callable, Dict, List, Optional, Type, TypeVar, Union, overload

from flake8_ssot.checking.closure import ClosureView
from flake8_ssot.checking.collect import Nodes
from flake8_ssot.checking.words import Interest
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.registry import Registry
from flake8_ssot.syntax import Bindings

A = TypeVar("A", bound=ast.AST)
B = TypeVar("B", bound=ast.AST)
C = TypeVar("C", bound=ast.AST)
T = TypeVar("T")


class FileContext:
    """One parsed file: its tree, module identity, registry, collected nodes and text.

    Layers above the rule protocol attach what they derive from a file (cross-file resolution)
    through :meth:`derived`, computed once per file and only when a rule asks; a caller that passes
    its own ``derived`` store sees them afterwards (the command records what resolution read).
    ``closure``, when the project's closure is known, lets rules skip names that cannot carry a
    legacy meaning (None: every name may).
    """

    def __init__(
        self,
        tree: ast.AST,
        identity: ModuleIdentity,
        registry: Registry,
        nodes: Nodes,
        filename: Optional[str] = None,
        text: Optional[str] = None,
        derived: Optional[Dict[str, Any]] = None,
        closure: Optional[ClosureView] = None,
    ) -> None:
        self.tree = tree
        self.closure = closure
        self.identity = identity
        self.registry = registry
        self.filename = filename
        self.text = text
        self._nodes = nodes
        self._bindings: Optional[Bindings] = None
        self._searchable: Optional[str] = None
        self._derived: Dict[str, Any] = {} if derived is None else derived

    @overload
    def nodes(self, first: Type[A], /) -> List[A]: ...

    @overload
    def nodes(self, first: Type[A], second: Type[B], /) -> List[Union[A, B]]: ...

    @overload
    def nodes(self, first: Type[A], second: Type[B], third: Type[C], /) -> List[Union[A, B, C]]: ...

    @overload
    def nodes(self, *types: Type[ast.AST]) -> List[ast.AST]: ...

    def nodes(self, *types: Type[ast.AST]) -> List[Any]:
        """The collected nodes of ``types``, type by type; within one type, parents first."""
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

    def derived(self, key: str, make: Callable[[], T]) -> T:
        """``make()``, computed at most once per file under ``key``."""
        if key not in self._derived:
            self._derived[key] = make()
        value: T = self._derived[key]
        return value
