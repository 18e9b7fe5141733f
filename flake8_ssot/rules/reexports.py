"""SOT105: a name that, followed through re-exports, comes from a forbidden module or is a forbidden name.

``from app.services import UserMessageHandler`` names no legacy module, yet ``app/services/__init__.py``
may re-export the class from one.  The import is followed (``from .legacy import X``, star imports
with or without ``__all__``, ``X = Y`` aliases, chains of modules) to where the name is defined.
Also attribute chains through an imported package (``import app.services`` then
``app.services.UserMessageHandler``), names a consumer's own star import brings in, and base
classes written as such chains.  Imports SOT101 / SOT102 already report, and uses through them,
are not reported again.  Only names that can matter are followed (see
:class:`~flake8_ssot.resolution.Relevance`); what cannot be resolved yields no finding.
"""

from __future__ import annotations

import ast
from typing import Dict, Iterator, List, Optional, Set, Tuple

from flake8_ssot.checking.closure import CLOSED
from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.rule import Rule
from flake8_ssot.checking.words import Word, package_import_words
from flake8_ssot.codes import FORBIDDEN_REEXPORT
from flake8_ssot.findings import Finding
from flake8_ssot.names import WILDCARDS, is_within
from flake8_ssot.registry import Registry
from flake8_ssot.resolution import FileResolution, relevance_for, resolution_of
from flake8_ssot.resolution.model import MODULE, Outcome, Target
from flake8_ssot.rules.imports import module_phrase
from flake8_ssot.syntax import bound_names, dotted_parts, import_target


Verdict = Tuple[str, str, str]


def verdict(context: FileContext, outcome: Outcome) -> Optional[Verdict]:
    """(what the target is, what to do instead, the deciding entry's ref) when ``outcome`` is
    legacy for this file."""
    if not isinstance(outcome, Target):
        return None
    registry = context.registry
    match = registry.forbidden_for(outcome.qualified)
    if match is None:  # a re-export on the way may be a forbidden name
        for module, name in outcome.path:
            step = registry.forbidden_for(f"{module}.{name}")
            if step is not None and step.name_entry is not None:
                match = step
                break
    if match is None or match.entry.exempts(context.identity):
        return None
    module_entry = match.module_entry
    if module_entry is None:
        assert match.name_entry is not None
        return f"is legacy name '{match.name_entry.name}'", match.name_entry.advice(), match.name_entry.ref
    if is_within(outcome.module, match.matched):
        place = module_phrase(outcome.module, module_entry, match.matched)
        what = f"is {place}" if outcome.kind == MODULE else f"is defined in {place}"
    else:  # a module entry spelling the definition itself
        what = f"is {module_phrase(outcome.qualified, module_entry, match.matched)}"
    return what, module_entry.advice(), module_entry.ref


def _textual(registry: Registry, dotted: str) -> bool:
    """True when the text alone names a forbidden module or name (SOT101 / SOT102 / SOT104)."""
    return registry.forbidden_for(dotted) is not None


def imported_verdict(
    context: FileContext, resolution: FileResolution, base: str, name: str
) -> Optional[Verdict]:
    """SOT105's verdict on ``from base import name`` when the text names nothing forbidden: the
    name is followed only when it or ``base`` can matter and the project's closure (when known)
    says it may carry a legacy meaning."""
    relevance = resolution.relevance
    if not (relevance.name(name) or relevance.module(base)):
        return None
    if context.closure is not None and not context.closure.may_carry(name, base):
        return None
    return verdict(context, resolution.imported(base, name))


_ASSIGNMENTS = (ast.Assign, ast.AnnAssign)
_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_BINDING_STATEMENTS = (*_ASSIGNMENTS, *_DEFINITIONS)


def _chain(node: ast.Attribute, inner: Set[int]) -> Optional[str]:
    parts = dotted_parts(node, inner)
    return ".".join(parts) if parts is not None else None


class _Check:
    def __init__(self, context: FileContext, resolution: FileResolution) -> None:
        self.context = context
        self.resolution = resolution
        self.relevance = resolution.relevance
        self.registry = context.registry
        self.reported: Set[str] = set()  # local names bound by an import that is itself a finding
        self.findings: List[Finding] = []
        self._assigned: Optional[Set[str]] = None
        self.closure = context.closure

    def may_carry(self, name: str, module: Optional[str] = None) -> bool:
        """False only when the project's closure shows that ``name`` (an attribute of ``module``)
        cannot be legacy: it is none of its names, and ``module`` re-exports no forbidden module
        by a star import."""
        return self.closure is None or self.closure.may_carry(name, module)

    @property
    def assigned(self) -> Set[str]:
        """Names some statement binds other than an import: a chain through them is not followed."""
        if self._assigned is None:
            names: Set[str] = set()
            for definition in self.context.nodes(*_DEFINITIONS):
                names.add(definition.name)
            for assignment in self.context.nodes(*_ASSIGNMENTS):
                targets = assignment.targets if isinstance(assignment, ast.Assign) else [assignment.target]
                for target in targets:
                    names.update(bound_names(target))
            self._assigned = names
        return self._assigned

    def imports(self) -> List[Tuple[ast.ImportFrom, str]]:
        """Report ``from base import name``; return the star imports for later."""
        stars: List[Tuple[ast.ImportFrom, str]] = []
        for statement in self.context.nodes(ast.Import):
            for alias in statement.names:
                bound = alias.name if alias.asname else alias.name.partition(".")[0]
                if _textual(self.registry, bound):
                    self.reported.add(alias.asname or bound)
        for node in self.context.nodes(ast.ImportFrom):
            base = import_target(node, self.context.identity)
            if base is None:
                continue
            if _textual(self.registry, base):
                self.reported.update(alias.asname or alias.name for alias in node.names)
                continue
            for alias in node.names:
                if alias.name == "*":
                    stars.append((node, base))
                    continue
                local = alias.asname or alias.name
                if _textual(self.registry, f"{base}.{alias.name}"):
                    self.reported.add(local)
                    continue
                found = imported_verdict(self.context, self.resolution, base, alias.name)
                if found is not None:
                    self.reported.add(local)
                    what, advice, ref = found
                    self.findings.append(
                        Finding(
                            node.lineno,
                            node.col_offset,
                            FORBIDDEN_REEXPORT,
                            f"'{alias.name}' imported from '{base}' {what}; {advice}",
                            ref,
                        )
                    )
        return stars

    def star_imports(self, stars: List[Tuple[ast.ImportFrom, str]]) -> None:
        """``from pkg import *`` brings in a legacy name the file uses."""
        if not any(self.relevance.module(base) for _, base in stars) and not self.relevance.mentioned_in(
            self.context.searchable
        ):
            return  # only registry names could matter, and the file names none
        local = self.resolution.local
        used = sorted(name for name in local.used if name not in local.sites)
        for node, base in stars:
            base_matters = self.relevance.module(base)
            for name in used:
                if not (base_matters or self.relevance.name(name)):
                    continue
                if not self.may_carry(name, base):
                    continue
                found = verdict(self.context, self.resolution.star(base, name))
                if found is not None:
                    what, advice, ref = found
                    self.findings.append(
                        Finding(
                            node.lineno,
                            node.col_offset,
                            FORBIDDEN_REEXPORT,
                            f"star import of '{base}' brings in '{name}', which {what}; {advice}",
                            ref,
                        )
                    )

    def _last_relevant(self, text: str) -> int:
        """How many attributes of ``text`` to follow: up to the last lookup that can matter.

        The lookups that count are those beyond what the head's import itself names: with
        ``import app`` the chain ``app.services.X`` looks ``services`` up in ``app``, then ``X`` in
        ``app.services``.  Each can matter when the module is a package holding a forbidden module,
        or the name is a registry name.  0 when the chain need not be followed at all.
        """
        head, *rest = text.split(".")
        if not rest or head in self.reported or head in self.assigned:
            return 0
        targets = self.context.bindings.targets(head)
        last = 0
        for target in targets:
            qualified = ".".join([target, *rest])
            parts = qualified.split(".")
            if any(_textual(self.registry, ".".join(parts[:size])) for size in range(1, len(parts) + 1)):
                return 0  # SOT101 / SOT104 report what the text names
            prefix = target
            for position, attribute in enumerate(rest, start=1):
                if (self.relevance.module(prefix) or self.relevance.name(attribute)) and self.may_carry(
                    attribute, prefix
                ):
                    last = max(last, position)
                prefix = f"{prefix}.{attribute}"
        return last

    def _chain_verdict(self, text: str) -> Optional[Verdict]:
        last = self._last_relevant(text)
        if last == 0:
            return None
        head, *rest = text.split(".")
        targets = self.context.bindings.targets(head)
        if len(targets) != 1:
            return None  # bound to several things: not resolved
        (target,) = targets
        qualified = ".".join([target, *rest[:last]])
        steps = self.resolution.qualified(qualified)
        for outcome in steps[target.count(".") + 1 :]:
            found = verdict(self.context, outcome)
            if found is not None:
                return found
        return None

    def base_classes(self) -> Set[int]:
        """Report base classes written as attribute chains; return those chains' node ids."""
        inner: Set[int] = set()
        for node in self.context.nodes(ast.ClassDef):
            for base in node.bases:
                expression = base.value if isinstance(base, ast.Subscript) else base
                if not isinstance(expression, ast.Attribute):
                    continue
                text = _chain(expression, inner)
                if text is None:
                    continue
                found = self._chain_verdict(text)
                if found is not None:
                    what, advice, ref = found
                    self.findings.append(
                        Finding(
                            expression.lineno,
                            expression.col_offset,
                            FORBIDDEN_REEXPORT,
                            f"class '{node.name}' inherits from '{text}', which {what}; {advice}",
                            ref,
                        )
                    )
        return inner

    def chains(self, inner: Set[int]) -> None:
        """Report attribute chains (other than base classes) reaching a legacy definition."""
        memo: Dict[str, Optional[Verdict]] = {}
        for node in self.context.nodes(ast.Attribute):
            if id(node) in inner:
                continue
            text = _chain(node, inner)
            if text is None:
                continue
            if text not in memo:
                memo[text] = self._chain_verdict(text)
            found = memo[text]
            if found is not None:
                what, advice, ref = found
                self.findings.append(
                    Finding(node.lineno, node.col_offset, FORBIDDEN_REEXPORT, f"'{text}' {what}; {advice}", ref)
                )


def check_reexports(context: FileContext) -> Iterator[Finding]:
    """Imports, star imports and base classes (statements only)."""
    resolution = resolution_of(context)
    if resolution is None:
        return iter(())
    check = _Check(context, resolution)
    stars = check.imports()
    if stars:
        check.star_imports(stars)
    check.base_classes()
    return iter(check.findings)


def check_reexport_chains(context: FileContext) -> Iterator[Finding]:
    """Attribute chains through an imported package (the expression walk)."""
    resolution = resolution_of(context)
    if resolution is None:
        return iter(())
    check = _Check(context, resolution)
    check.imports()  # which imports are findings already: uses through them are not reported
    inner = check.base_classes()
    check.findings = []
    check.chains(inner)
    return iter(check.findings)


def _words(registry: Registry) -> Optional[List[Word]]:
    """What a file needs to contain for SOT105 to follow anything in it (what :func:`_refine` and
    :func:`_refine_chains` look for, in text).

    A followed import, star import or attribute chain starts from an import that names a registry
    name, is relative, or reads from or binds a package holding a forbidden module or name
    (``from a.b import x`` for ``a.b.legacy``, ``import a.c``, which binds ``a``).  A star import
    of any other module matters only when the file names a registry name.

    Besides, with the project's closure known, a followed name is one of its names, or is read
    through a star carrier the file names (:data:`~flake8_ssot.checking.closure.CLOSED`).
    """
    relevance = relevance_for(registry)
    if any(segments[0] in WILDCARDS for segments in relevance.packages()):
        return [("import", CLOSED)]  # any package may hold it
    words: List[Word] = [*relevance.words, *package_import_words(relevance.packages())]
    return [(*(word if isinstance(word, tuple) else (word,)), CLOSED) for word in words]


def _refine(context: FileContext) -> bool:
    """From the statements alone: does the file import anything worth following?"""
    relevance = relevance_for(context.registry)
    imports = context.nodes(ast.Import, ast.ImportFrom)
    for node in imports:
        if isinstance(node, ast.ImportFrom):
            base = import_target(node, context.identity)
            if relevance.module(base):
                return True
            if any(alias.name == "*" or relevance.name(alias.name) for alias in node.names):
                return True
        else:
            for alias in node.names:
                parts = alias.name.split(".")
                if any(relevance.module(".".join(parts[:size])) for size in range(1, len(parts) + 1)):
                    return True
    # A base class written as a chain through an import may still have a registry name as an attribute.
    return bool(imports) and relevance.attribute_mentioned_in(context.searchable)


def _refine_chains(context: FileContext) -> bool:
    """From the statements alone: can an attribute chain lead somewhere worth following?"""
    relevance = relevance_for(context.registry)
    targets = context.bindings.all_targets()
    if any(relevance.module(target) for target in targets):
        return True  # a package holding a forbidden module is bound: its attributes matter
    return bool(targets) and relevance.attribute_mentioned_in(context.searchable)


def reexports_active(registry: Registry) -> bool:
    """Whether SOT105 is checked at all under ``registry``."""
    return bool(getattr(registry, "resolve", True)) and bool(registry.forbidden_modules or registry.forbidden_names)


RULE = Rule(
    name="reexports",
    node_types=(ast.Import, ast.ImportFrom, *_BINDING_STATEMENTS),
    check=check_reexports,
    active=reexports_active,
    words=_words,
    refine=_refine,
    codes=(FORBIDDEN_REEXPORT,),
)

CHAINS_RULE = Rule(
    name="reexport-chains",
    node_types=(ast.Import, ast.ImportFrom, *_BINDING_STATEMENTS, ast.Attribute),
    check=check_reexport_chains,
    active=reexports_active,
    words=_words,
    refine=_refine_chains,
    codes=(FORBIDDEN_REEXPORT,),
)
