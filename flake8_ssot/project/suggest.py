"""``flake8-ssot duplicates --suggest``: a canonical module for each class name several modules define.

The evidence is where the rest of the project imports the class from: ``from m import Name`` and
``m.Name`` after ``import m``, followed through re-exports (``from .core import Name`` in a
package's ``__init__``, ``Name = core.Name``, ``from .core import *`` when only one star import
provides the name), counted once per importing file.  How popular a module is overall does not
count.  Computed from per-file :class:`~flake8_ssot.project.facts.Facts` alone.

A *definition* is a module-level class statement or an alias (``Name = _Impl``).  Not candidates,
each counted per reason when it leaves a name out: private names, enums (by base name, also through
the project's own enum classes), test doubles (by name, base or test-support module), definitions
in test files, ``except ImportError`` fallbacks, subclasses of the class of the same name in
another candidate module, and second aliases of one class.  A name is proposed when candidates in
two or more modules remain and one of them is imported from; the most imported wins.  README
"Suggesting canonical homes" is the user's account of the same rules.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from flake8_ssot.project.duplicates import is_test_path
from flake8_ssot.project.facts import ClassDefinition, Facts
from flake8_ssot.project.origins import ENUM_BASES, Origins
from flake8_ssot.registry import Registry

DOUBLE_WORDS = frozenset({"Mock", "Fake", "Stub", "Dummy", "Spy"})
TEST_BASES = frozenset({"TestCase", "IsolatedAsyncioTestCase", "AsyncTestCase"})
SUPPORT_WORDS = frozenset(
    {"test", "tests", "testing", "testutils", "mock", "mocks", "fake", "fakes", "stub", "stubs", "doubles"}
)
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+")
_MAX_CANDIDATES = 5
_MAX_IMPORTERS = 3

# Reasons a name is left out, in the order the summary names them.
ENUM = "enums"
DOUBLE = "test doubles"
TESTS_ONLY = "defined only in tests"
FALLBACK = "defined only under 'except ImportError'"
EXTENDS = "subclasses of a class of the same name in another module"
SAME_OBJECT = "aliases of one class"
PRIVATE = "private (leading underscore)"
UNIMPORTED = "imported from none of the modules defining them"
REASONS = (ENUM, DOUBLE, TESTS_ONLY, FALLBACK, EXTENDS, SAME_OBJECT, PRIVATE)


@dataclass(frozen=True)
class Importer:
    """A file that imports the class from a candidate; ``via``: the module it imports it from, when
    that re-exports it."""

    name: str
    via: Optional[str] = None

    def __str__(self) -> str:
        return self.name if self.via is None else f"{self.name} via {self.via}"


@dataclass(frozen=True)
class Candidate:
    module: str
    definition: ClassDefinition
    importers: Tuple[Importer, ...]

    def describe(self) -> str:
        what = "class" if self.definition.alias is None else f"alias of {self.definition.alias}"
        head = f"{self.module} ({what}, line {self.definition.line})"
        if not self.importers:
            return f"{head}: imported by none"
        shown = ", ".join(str(item) for item in self.importers[:_MAX_IMPORTERS])
        more = len(self.importers) - _MAX_IMPORTERS
        return f"{head}: imported by {len(self.importers)}: {shown}{f' and {more} more' if more > 0 else ''}"


@dataclass(frozen=True)
class Suggestion:
    name: str
    candidates: Tuple[Candidate, ...]  # best first
    tests: Tuple[str, ...] = ()  # test modules defining the name too (with --include-tests)

    @property
    def evidence(self) -> int:
        return len(self.candidates[0].importers)

    @property
    def tied(self) -> bool:
        return self.evidence > 0 and len(self.candidates[1].importers) == self.evidence


@dataclass
class Proposals:
    suggestions: List[Suggestion] = field(default_factory=list)  # imported: strongest evidence first
    unimported: List[Suggestion] = field(default_factory=list)  # no candidate is imported from
    left_out: "Counter[str]" = field(default_factory=Counter)


def words(name: str) -> List[str]:
    """``MockLLMManager`` -> ``["Mock", "LLM", "Manager"]``."""
    return _WORD.findall(name)


def is_double(name: str) -> bool:
    return any(word in DOUBLE_WORDS for word in words(name))


def is_test_support(module: str) -> bool:
    """A module of test support: a segment with the word ``test(s)``, ``testing``, ``mock(s)``, ``fake(s)``,
    ``stub(s)``, ``doubles`` or ``testutils`` (``app.testing.clients``, ``test_framework.x``, ``app.mock_llm``)."""
    return any(word in SUPPORT_WORDS for part in module.split(".") for word in part.split("_"))


def _excluded(
    project: Origins, module: str, definition: ClassDefinition, enums: FrozenSet[str], candidates: Set[str]
) -> Optional[str]:
    """Why a definition is no candidate home (None: it is one)."""
    if definition.fallback:
        return FALLBACK
    target = project.class_of(definition.alias) if definition.alias is not None else definition
    bases = target.bases if target is not None else ()
    origin = project.origin(definition.alias) if definition.alias is not None else (module, definition.name)
    if ".".join(origin) in enums or any(base.rpartition(".")[2] in ENUM_BASES for base in bases):
        return ENUM
    names = [definition.name] + ([target.name] if target is not None else [])
    last = [base.rpartition(".")[2] for base in bases]
    if is_test_support(module) or any(is_double(name) for name in names + last) or set(last) & TEST_BASES:
        return DOUBLE
    if definition.alias is None:
        for owner, name in project.ancestors(module, definition.name):
            if name == definition.name and owner != module and owner in candidates:
                return EXTENDS
    return None


def propose(
    facts: Sequence[Tuple[str, Facts]], registry: Registry, root: str, include_tests: bool
) -> Proposals:
    """The proposals for every class name defined in several modules, strongest evidence first."""
    project = Origins(facts)
    enums = project.enums()
    testing = {path for path, _ in facts if is_test_path(path, root)}
    by_name: Dict[str, List[Tuple[str, ClassDefinition, bool]]] = {}
    for path, item in facts:
        if item.module is None or (path in testing and not include_tests):
            continue
        for definition in item.classes + item.aliases:
            if definition.name not in registry.canonical_classes:
                by_name.setdefault(definition.name, []).append((item.module, definition, path in testing))
    proposals = Proposals()
    chosen: Dict[str, List[Tuple[str, ClassDefinition]]] = {}
    tests: Dict[str, Tuple[str, ...]] = {}
    for name, found in by_name.items():
        if len({module for module, _, _ in found}) < 2:
            continue
        if name.startswith("_"):
            proposals.left_out[PRIVATE] += 1
            continue
        kept, reasons = _candidates(project, found, enums)
        if len({module for module, _ in kept}) >= 2:
            chosen[name] = kept
            tests[name] = tuple(sorted({module for module, _, is_test in found if is_test}))
        elif reasons:
            proposals.left_out[reasons.most_common(1)[0][0]] += 1
    importers = _importers(project, facts, {(module, name) for name, kept in chosen.items() for module, _ in kept})
    for name, kept in chosen.items():
        candidates = sorted(
            (Candidate(module, definition, importers.get((module, name), ())) for module, definition in kept),
            key=lambda c: (-len(c.importers), len(c.module), c.module),
        )
        suggestion = Suggestion(name, tuple(candidates), tests[name])
        (proposals.suggestions if suggestion.evidence else proposals.unimported).append(suggestion)
    proposals.suggestions.sort(key=lambda s: (-s.evidence, s.name))
    proposals.unimported.sort(key=lambda s: (-len(s.candidates), s.name))
    return proposals


def _candidates(
    project: Origins, found: Sequence[Tuple[str, ClassDefinition, bool]], enums: FrozenSet[str]
) -> Tuple[List[Tuple[str, ClassDefinition]], "Counter[str]"]:
    """The definitions of one name that are candidate homes (one per module), and why the others are not."""
    reasons: "Counter[str]" = Counter()
    modules = {module for module, _, is_test in found if not is_test}
    kept: Dict[str, ClassDefinition] = {}
    for module, definition, is_test in found:
        if is_test:
            reasons[TESTS_ONLY] += 1
        if is_test or module in kept:
            continue
        reason = _excluded(project, module, definition, enums, modules)
        if reason is None:
            kept[module] = definition
        else:
            reasons[reason] += 1
    # Aliases of one object are one home: keep the definition itself (else the first).
    by_origin: Dict[Tuple[str, str], List[str]] = {}
    for module, definition in kept.items():
        origin = project.origin(definition.alias) if definition.alias is not None else (module, definition.name)
        by_origin.setdefault(origin, []).append(module)
    for origin, modules_of in by_origin.items():
        if len(modules_of) > 1:
            keep = origin[0] if origin[0] in modules_of else sorted(modules_of)[0]
            for module in modules_of:
                if module != keep:
                    del kept[module]
                    reasons[SAME_OBJECT] += 1
    return sorted(kept.items()), reasons


def _importers(
    project: Origins, facts: Iterable[Tuple[str, Facts]], wanted: Set[Tuple[str, str]]
) -> Dict[Tuple[str, str], Tuple[Importer, ...]]:
    """For each wanted (module, name): the files importing it from there, directly or via re-exports."""
    found: Dict[Tuple[str, str], Dict[str, Importer]] = {}
    for path, item in facts:
        who = item.module or path
        for dotted in item.imports:
            hops = project.hops(dotted)
            for index, hop in enumerate(hops):
                if hop in wanted and hop[0] != item.module:
                    via = hops[0][0] if index else None
                    known = found.setdefault(hop, {})
                    if who not in known or known[who].via is not None:
                        known[who] = Importer(who, via)
    return {key: tuple(sorted(value.values(), key=lambda i: (i.name, i.via or ""))) for key, value in found.items()}


def render(proposals: Proposals, top: Optional[int] = None) -> str:
    """A ready-to-paste ``ssot-canonical-classes`` block with the evidence as comments."""
    if not (proposals.suggestions or proposals.unimported or proposals.left_out):
        return "# flake8-ssot: no class name is defined at module level in more than one module\n"
    shown = proposals.suggestions if top is None else proposals.suggestions[:top]
    lines = [
        "# Proposed by 'flake8-ssot duplicates --suggest': for each class name defined in several",
        "# modules, the module the rest of the project imports it from ('from m import Name', 'm.Name',",
        "# through re-exports), most imported first. Review, then paste into the [flake8] section (or",
        "# translate to [tool.flake8-ssot.canonical-classes]).",
    ]
    left = [f"{reason}: {proposals.left_out[reason]}" for reason in REASONS if proposals.left_out[reason]]
    if proposals.unimported:
        listed = " (listed at the end)" if top is None else ""
        left.append(f"{UNIMPORTED}: {len(proposals.unimported)}{listed}")
    if top is not None and len(proposals.suggestions) > top:
        left.append(f"less evidence than the top {top}: {len(proposals.suggestions) - top}")
    if left:
        lines.append("# Class names left out:")
        lines.extend(f"#   {line}" for line in left)
    if shown:
        lines.append("ssot-canonical-classes =")
    else:  # an empty value would be a configuration error
        lines.append("# Nothing to propose: no class name defined in several modules is imported from any of them.")
    for suggestion in shown:
        lines.extend(_evidence(suggestion))
        lines.append(f"    {suggestion.name} = {suggestion.candidates[0].module}")
    if top is None and proposals.unimported:
        lines.append(f"# {UNIMPORTED[0].upper()}{UNIMPORTED[1:]} (no proposal):")
        for suggestion in proposals.unimported:
            lines.append(f"#   {suggestion.name}: {', '.join(sorted(c.module for c in suggestion.candidates))}")
    return "\n".join(lines) + "\n"


def _evidence(suggestion: Suggestion) -> List[str]:
    candidates = suggestion.candidates
    lines = [f"    # {suggestion.name}: defined in {len(candidates)} modules"]
    lines.extend(f"    #   {candidate.describe()}" for candidate in candidates[:_MAX_CANDIDATES])
    if len(candidates) > _MAX_CANDIDATES:
        rest = candidates[_MAX_CANDIDATES:]
        count = sum(1 for candidate in rest if candidate.importers)
        lines.append(f"    #   and {len(rest)} more modules, {count} of them imported from")
    if suggestion.tests:
        lines.append(f"    #   also defined in tests: {', '.join(suggestion.tests)}")
    if suggestion.tied:
        lines.append("    #   tied: the shorter module name decides; review")
    return lines
