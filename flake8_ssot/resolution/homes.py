"""Where registry entries point, looked up in the project: canonical modules and classes, replacements.

The look-up is resolution's own (:func:`~flake8_ssot.resolution.index.find_module` under the source
roots, then the modules' digests), so nothing is imported or executed.  A dotted name whose
top-level package is not in the project at all (the standard library, an installed package, or a
misspelt top-level name) cannot be judged from the project's files: nothing is said about it.  A
name the digests cannot settle (a module that does not parse, bindings that disagree, a
module-level ``__getattr__``) is not judged either: never a guess.

The registry check of ``flake8-ssot check`` reports what :class:`Homes` finds, and the fixer
refuses to rewrite a reference to a replacement it finds wrong, in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple, Union

from flake8_ssot.registry import CanonicalClass, ForbiddenModule, ForbiddenName
from flake8_ssot.resolution.index import ModuleIndex
from flake8_ssot.resolution.model import ABSENT, FUNCTION, MODULE, Outcome, Target
from flake8_ssot.resolution.resolver import Resolver

# What is wrong with where an entry points.
MODULE_MISSING = "module-missing"  # the module is not in the project
NAME_MISSING = "name-missing"  # the module exists and binds no such name
IS_MODULE = "is-module"  # a name that must be a class (or any non-module name) is a module
IS_FUNCTION = "is-function"  # a canonical class name bound to a function


@dataclass(frozen=True)
class Mismatch:
    """What is wrong: its kind, and a clause saying it (``module 'a.core' does not exist ...``)."""

    kind: str
    text: str


def _files(dotted: str) -> str:
    path = "/".join(dotted.split("."))
    return f"no {path}.py or {path}/__init__.py under the source roots"


class Homes:
    """Answers about one project (one list of source roots).  Build one per run or per file: its
    answers are remembered, and a later edit of the project is not seen by an existing one."""

    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self.resolver = Resolver(index)
        self._memo: Dict[Tuple[str, str], Optional[Mismatch]] = {}

    def in_project(self, dotted: str) -> bool:
        """Whether the top-level package (or module) of ``dotted`` is in the project."""
        return self.index.locate(dotted.partition(".")[0]) is not None

    def exists(self, module: str) -> bool:
        return self.index.locate(module) is not None

    def bound(self, module: str, name: str) -> Outcome:
        """What ``from module import name`` binds, as resolution follows it."""
        return self.resolver.name_in(module, name)

    def canonical(self, entry: CanonicalClass) -> Optional[Mismatch]:
        """What is wrong with ``entry``'s module: missing, or not binding the class."""
        key = (entry.ref, "")
        if key not in self._memo:
            self._memo[key] = self._canonical(entry.module, entry.name)
        return self._memo[key]

    def replacement(self, entry: Union[ForbiddenModule, ForbiddenName]) -> Optional[Mismatch]:
        """What is wrong with ``entry``'s replacement (None without one): a module replacement
        that is no module of the project; a name replacement whose module is missing, that its
        module does not bind, or that is a module."""
        if not entry.replacement:
            return None
        key = (entry.ref, entry.replacement)
        if key not in self._memo:
            if isinstance(entry, ForbiddenName):
                self._memo[key] = self._name(entry.replacement, entry.attribute)
            else:
                self._memo[key] = self._module(entry.replacement)
        return self._memo[key]

    def _canonical(self, module: str, name: str) -> Optional[Mismatch]:
        if not self.exists(module):
            if not self.in_project(module):
                return None
            return Mismatch(MODULE_MISSING, f"canonical module '{module}' does not exist ({_files(module)})")
        outcome = self.bound(module, name)
        if outcome is ABSENT:
            return Mismatch(NAME_MISSING, f"canonical module '{module}' neither defines nor imports '{name}'")
        if isinstance(outcome, Target) and outcome.kind in (MODULE, FUNCTION):
            kind = IS_MODULE if outcome.kind == MODULE else IS_FUNCTION
            what = f"{outcome.kind} '{outcome.qualified}'"
            return Mismatch(kind, f"canonical module '{module}' binds '{name}' to {what}, not to a class")
        return None

    def _module(self, replacement: str) -> Optional[Mismatch]:
        if self.exists(replacement) or not self.in_project(replacement):
            return None
        parent, _, last = replacement.rpartition(".")
        what = ""
        if parent and self.exists(parent):
            outcome = self.bound(parent, last)
            if isinstance(outcome, Target) and outcome.kind != MODULE:
                what = f"; '{outcome.qualified}' is a {outcome.kind}, not a module"
        files = _files(replacement)
        return Mismatch(MODULE_MISSING, f"replacement module '{replacement}' does not exist ({files}){what}")

    def _name(self, replacement: str, attribute: str) -> Optional[Mismatch]:
        module, _, name = replacement.rpartition(".")
        if not module:
            return None
        if not self.exists(module):
            if not self.in_project(module):
                return None
            return Mismatch(
                MODULE_MISSING, f"the module of replacement '{replacement}' does not exist ({_files(module)})"
            )
        outcome = self.bound(module, name)
        if outcome is ABSENT:
            return Mismatch(NAME_MISSING, f"replacement '{replacement}' does not exist: '{module}' binds no '{name}'")
        if isinstance(outcome, Target) and outcome.kind == MODULE:
            what = "a module" if outcome.module == replacement else f"module '{outcome.module}'"
            hint = ""
            inside = self.bound(outcome.module, attribute)
            if isinstance(inside, Target) and inside.kind != MODULE:
                hint = f" (did you mean '{outcome.module}.{attribute}'?)"
            return Mismatch(
                IS_MODULE,
                f"replacement '{replacement}' is {what}, not a name: importing it in place of "
                f"'{attribute}' would bind a module to that name{hint}",
            )
        return None
