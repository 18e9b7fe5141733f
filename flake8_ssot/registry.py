"""The registry of single sources of truth: one frozen, validated model of the configuration.

Built once per process by :mod:`flake8_ssot.config` and shared read-only by every rule.  Nothing
here knows about flake8, INI or TOML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Dict, FrozenSet, Iterator, List, Mapping, Optional, Tuple, Union

from flake8_ssot.codes import BY_CODE, ENTRY_UNREFERENCED, ERROR, WARNING
from flake8_ssot.findings import Finding
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.names import LITERAL, DottedPattern, class_glob, glob_matches

SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True)
class Origin:
    """Where an entry is declared: the configuration file, the key as the file spells it
    (``ssot-forbidden-modules``, ``[tool.flake8-ssot.forbidden-modules]``) and the entry's line
    (None when not known)."""

    file: str
    key: str
    line: Optional[int] = None


@dataclass(frozen=True)
class Entry:
    """What every registry entry has: the key as written, a reason, an allow-list, a severity
    (``error``, or ``warning`` for an entry marked ``[warn]``) and where it is declared."""

    key: str
    reason: Optional[str] = None
    allowed_in: Tuple[str, ...] = ()
    severity: str = ERROR
    origin: Optional[Origin] = field(default=None, compare=False, repr=False)
    section: ClassVar[str] = "entries"  # the configuration key this kind of entry is declared under

    @property
    def ref(self) -> str:
        """The entry's identity, which findings about it carry (:attr:`Finding.entry`)."""
        return f"{self.section}:{self.key}"

    def intrinsically_exempts(self, module: str) -> bool:
        """Modules exempt from this entry whatever the allow-list says."""
        return False

    @property
    def has_intrinsic_exemption(self) -> bool:
        return False

    def exempts(self, identity: ModuleIdentity) -> bool:
        """True when findings for this entry must not be reported in ``identity``.

        When the file's module is unknown (stdin without a display name), any entry that could
        exempt some module is treated as exempting this one: no guess, no false positive.
        """
        if not identity.known:
            return self.has_intrinsic_exemption or bool(self.allowed_in)
        module = identity.name
        if module is None:
            return False
        if self.intrinsically_exempts(module):
            return True
        return any(glob_matches(glob, module) for glob in self.allowed_in)

    def explain(self) -> str:
        return f" ({self.reason})" if self.reason else ""


@dataclass(frozen=True)
class Forbidden(Entry):
    """What forbidden modules and names share: the replacement, if any, and whether it is marked
    ``[pure-move]`` (equivalent, only moved).  The legacy code itself is always exempt, as each
    kind's :meth:`intrinsically_exempts` says."""

    replacement: Optional[str] = None
    pure_move: bool = False

    @property
    def has_intrinsic_exemption(self) -> bool:
        return True

    def advice(self) -> str:
        """What to do instead, ending the finding's sentence."""
        if self.replacement:
            return f"use '{self.replacement}'{self.explain()}"
        return f"it has been removed{self.explain()}"


@dataclass(frozen=True)
class ForbiddenModule(Forbidden):
    """A legacy module (pattern) that nothing outside it may reference."""

    pattern: DottedPattern = DottedPattern("_")
    section: ClassVar[str] = "forbidden-modules"

    def intrinsically_exempts(self, module: str) -> bool:
        return self.pattern.covers(module)


@dataclass(frozen=True)
class ForbiddenName(Forbidden):
    """A legacy name ``module.Name`` that nothing outside its module may reference."""

    name: str = "_"
    section: ClassVar[str] = "forbidden-names"

    @property
    def module(self) -> str:
        return self.name.rpartition(".")[0]

    @property
    def attribute(self) -> str:
        return self.name.rpartition(".")[2]

    def intrinsically_exempts(self, module: str) -> bool:
        return module == self.module


@dataclass(frozen=True)
class CanonicalClass(Entry):
    """A class name whose one definition lives in ``module``."""

    module: str = "_"
    section: ClassVar[str] = "canonical-classes"

    @property
    def name(self) -> str:
        return self.key

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.key}"

    def intrinsically_exempts(self, module: str) -> bool:
        return module == self.module

    @property
    def has_intrinsic_exemption(self) -> bool:
        return True


@dataclass(frozen=True)
class LegacyParameters(Entry):
    """Constructor parameters that classes whose name matches ``key`` (a glob) no longer take."""

    parameters: Tuple[str, ...] = ()
    section: ClassVar[str] = "legacy-parameters"

    def matches_class(self, class_name: str) -> bool:
        return glob_matches(self.key, class_name)

    @property
    def literals(self) -> Tuple[str, ...]:
        """The glob's literal parts (``('Handler',)`` for ``[A-Z]*Handler``): every matching name holds them."""
        return class_glob(self.key).literals

    @property
    def followed(self) -> bool:
        """Whether resolution follows calls for this entry: only a glob with a literal part, which a
        file's text must spell to name a matching class.  A glob without one (``*``, ``[A-Z]*``)
        matches every class, so the entry is applied by name only: where the text names a parameter."""
        return bool(self.literals)


@dataclass(frozen=True)
class Match:
    """What decides for a dotted reference: a forbidden module entry and the module it matched (a
    prefix of the reference), or a forbidden name entry and its name."""

    entry: Union[ForbiddenModule, ForbiddenName]
    matched: str

    @property
    def module_entry(self) -> Optional[ForbiddenModule]:
        return self.entry if isinstance(self.entry, ForbiddenModule) else None

    @property
    def name_entry(self) -> Optional[ForbiddenName]:
        return self.entry if isinstance(self.entry, ForbiddenName) else None


@dataclass(frozen=True)
class Registry:
    """The whole configuration, validated.  An empty registry reports nothing."""

    forbidden_modules: Tuple[ForbiddenModule, ...] = ()
    forbidden_names: Tuple[ForbiddenName, ...] = ()
    canonical_classes: Mapping[str, CanonicalClass] = field(default_factory=dict)
    legacy_parameters: Tuple[LegacyParameters, ...] = ()
    source_roots: Optional[Tuple[str, ...]] = None
    origin: Optional[str] = None
    baseline: Optional[str] = None
    report_duplicates: bool = False
    resolve: bool = True
    fail_on_warnings: bool = False
    report_warnings: bool = True
    # Derived from the entries: the look-up behind forbidden_for (not part of the configuration).
    _index: "_ForbiddenIndex" = field(init=False, repr=False, compare=False)
    _by_ref: Dict[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _ForbiddenIndex(self.forbidden_modules, self.forbidden_names))
        object.__setattr__(self, "_by_ref", {entry.ref: entry for entry in self.entries()})

    def entries(self) -> Iterator[Entry]:
        """Every entry, in the order of the configuration keys, each kind in declaration order."""
        yield from self.forbidden_modules
        yield from self.forbidden_names
        yield from self.canonical_classes.values()
        yield from self.legacy_parameters

    def entry(self, ref: Optional[str]) -> Optional[Entry]:
        """The entry a finding is about (:attr:`Finding.entry`), if it is one of this registry's."""
        return self._by_ref.get(ref) if ref is not None else None

    def level_of(self, finding: Finding) -> str:
        """The level ``finding`` is reported at: its code's, lowered to ``warning`` when its entry
        is marked ``[warn]`` (an informational code stays informational)."""
        level = BY_CODE[finding.code].level if finding.code in BY_CODE else ERROR
        entry = self.entry(finding.entry)
        if level == ERROR and entry is not None and entry.severity == WARNING and finding.code != ENTRY_UNREFERENCED:
            return WARNING
        return level

    @property
    def is_empty(self) -> bool:
        return not (
            self.forbidden_modules
            or self.forbidden_names
            or self.canonical_classes
            or self.legacy_parameters
        )

    def forbidden_for(self, dotted: str) -> Optional[Match]:
        """The entry that decides for ``dotted``: the most specific forbidden module or name
        covering it, and what it matched; None when nothing forbidden covers it.

        The longest match wins; between matches of equal length, the first segment where they
        differ decides (a literal segment beats ``*``, ``*`` beats ``**``); then a forbidden name
        beats a forbidden module, then the entry declared first.  Every rule and the fixer ask
        this one question, so they always name the same entry.
        """
        return self._index.lookup(dotted)

    def legacy_parameters_for(self, class_name: str, followed: bool = False) -> Dict[str, LegacyParameters]:
        """Legacy parameter name -> the entry that declares it, for a class name (``followed``: only
        entries resolution follows, see :attr:`LegacyParameters.followed`)."""
        found: Dict[str, LegacyParameters] = {}
        for entry in self.legacy_parameters:
            if (entry.followed or not followed) and entry.matches_class(class_name):
                for parameter in entry.parameters:
                    found.setdefault(parameter, entry)
        return found

    @property
    def all_legacy_parameters(self) -> FrozenSet[str]:
        return frozenset(p for entry in self.legacy_parameters for p in entry.parameters)


_Rank = Tuple[int, Tuple[int, ...], int, int]
_MEMO_SIZE = 4096


class _ForbiddenIndex:
    """:meth:`Registry.forbidden_for`, fast whatever the number of entries: literal modules and
    names are looked up by each prefix of the reference; only wildcard patterns are matched one
    by one.  Answers are remembered (the registry never changes)."""

    def __init__(self, modules: Tuple[ForbiddenModule, ...], names: Tuple[ForbiddenName, ...]) -> None:
        self.literal: Dict[str, Tuple[int, ForbiddenModule]] = {}
        self.wild: List[Tuple[int, ForbiddenModule]] = []
        for position, module_entry in enumerate(modules):
            if module_entry.pattern.has_wildcard:
                self.wild.append((position, module_entry))
            else:
                self.literal.setdefault(module_entry.pattern.text, (position, module_entry))
        self.names: Dict[str, Tuple[int, ForbiddenName]] = {}
        for position, name_entry in enumerate(names):
            self.names.setdefault(name_entry.name, (position, name_entry))
        self.memo: Dict[str, Optional[Match]] = {}

    def lookup(self, dotted: str) -> Optional[Match]:
        if dotted in self.memo:
            return self.memo[dotted]
        best: Optional[Match] = None
        best_rank: _Rank = (0, (), 0, 0)
        if self.literal or self.names:
            prefix = ""
            for size, part in enumerate(dotted.split("."), start=1):
                prefix = f"{prefix}.{part}" if prefix else part
                module_hit = self.literal.get(prefix)
                if module_hit is not None:
                    best, best_rank = Match(module_hit[1], prefix), (size, (LITERAL,) * size, 0, -module_hit[0])
                name_hit = self.names.get(prefix)
                if name_hit is not None:
                    best, best_rank = Match(name_hit[1], prefix), (size, (LITERAL,) * size, 1, -name_hit[0])
        for position, module_entry in self.wild:
            found = module_entry.pattern.match(dotted)
            if found is not None:
                matched, ranks = found
                rank = (len(ranks), ranks, 0, -position)
                if best is None or rank > best_rank:
                    best, best_rank = Match(module_entry, matched), rank
        if len(self.memo) >= _MEMO_SIZE:
            self.memo.clear()
        self.memo[dotted] = best
        return best
