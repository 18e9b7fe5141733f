"""Validate a :class:`RawConfig` and build the frozen :class:`Registry`.

Every problem is collected; a registry is returned only when there is none, so nothing of a
broken configuration is ever half-applied.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, Generic, List, Optional, Tuple, Type, TypeVar

from flake8_ssot.codes import ERROR
from flake8_ssot.config.keys import BY_NAME, INI_PREFIX, PATH, TOML_TABLE
from flake8_ssot.config.problems import Problems, Where
from flake8_ssot.config.raw import RawConfig, RawEntry
from flake8_ssot.names import (
    DottedPattern,
    class_glob,
    is_dotted_name,
    is_identifier,
    is_module_glob,
    normalise,
    pattern_problem,
)
from flake8_ssot.registry import (
    CanonicalClass,
    Forbidden,
    ForbiddenModule,
    ForbiddenName,
    LegacyParameters,
    Origin,
    Registry,
)

_F = TypeVar("_F", bound=Forbidden)


def build_registry(raw: RawConfig, problems: Problems) -> Registry:
    wheres = {
        (section, normalise(entry.key)): entry.where for section, entries in raw.entries.items() for entry in entries
    }
    for entries in raw.entries.values():
        for entry in entries:
            if entry.reason is not None and not entry.reason.isprintable():
                problems.add(entry.where, entry.reason, "a reason must be one line of printable text")
    allow = _allow_lists(raw.entries.get("allow", []), problems)
    modules = _forbidden(raw.entries.get("forbidden-modules", []), allow, problems, _MODULES)
    names = _forbidden(raw.entries.get("forbidden-names", []), allow, problems, _NAMES)
    classes = _canonical_classes(raw.entries.get("canonical-classes", []), allow, problems)
    parameters = _legacy_parameters(raw.entries.get("legacy-parameters", []), allow, problems)
    _cross_check(modules, names, classes, wheres, problems)
    known = {e.key for e in modules} | {e.key for e in names} | set(classes) | {e.key for e in parameters}
    for key, (_, entry) in allow.items():
        if key not in known:
            problems.add(
                entry.where,
                entry.key,
                "names no forbidden module, forbidden name, canonical class or legacy-parameters pattern",
            )
    settings: Dict[str, Any] = {}
    for name, (value, _) in raw.scalars.items():
        setting = BY_NAME[name]
        if setting.kind == PATH and isinstance(value, str):
            value = os.path.normpath(os.path.join(raw.base_dir, os.path.expanduser(value)))
        settings[setting.field] = value
    return Registry(
        forbidden_modules=tuple(modules),
        forbidden_names=tuple(names),
        canonical_classes=classes,
        legacy_parameters=tuple(parameters),
        source_roots=_directories(raw.paths.get("source-roots", []), raw.base_dir, problems),
        origin=raw.file,
        **settings,
    )


def _unique(entry: RawEntry, seen: Dict[str, RawEntry], problems: Problems, what: str) -> bool:
    previous = seen.get(entry.key)
    if previous is not None:
        if previous.values != entry.values:
            problems.add(
                entry.where,
                entry.key,
                f"{what} declared twice, as {', '.join(previous.values) or '(removed)'} "
                f"and as {', '.join(entry.values) or '(removed)'}",
            )
        else:
            problems.add(entry.where, entry.key, f"{what} declared twice")
        return False
    seen[entry.key] = entry
    return True


def _normalised(entry: RawEntry) -> RawEntry:
    return RawEntry(
        normalise(entry.key),
        tuple(normalise(value) for value in entry.values),
        entry.where,
        entry.reason,
        entry.pure_move,
        entry.severity,
        entry.line,
    )


def _origin(entry: RawEntry, section: str) -> Origin:
    """Where ``entry`` is declared: its file, its key as the file spells it, its line."""
    key = f"[{TOML_TABLE}.{section}]" if entry.where.key.startswith("[") else INI_PREFIX + section
    return Origin(entry.where.file, key, entry.line if entry.line is not None else entry.where.line)


def _allow_lists(entries: List[RawEntry], problems: Problems) -> Dict[str, Tuple[Tuple[str, ...], RawEntry]]:
    allow: Dict[str, Tuple[Tuple[str, ...], RawEntry]] = {}
    seen: Dict[str, RawEntry] = {}
    for entry in map(_normalised, entries):
        if not _unique(entry, seen, problems, "allow-list"):
            continue
        if not entry.values:
            problems.add(entry.where, entry.key, "needs at least one module glob after '='")
            continue
        bad = [glob for glob in entry.values if not is_module_glob(glob)]
        for glob in bad:
            problems.add(entry.where, glob, "not a valid module glob (dotted name, '*' and '?' allowed)")
        if entry.reason:
            problems.add(entry.where, entry.reason, "allow entries take no reason")
        if entry.severity != ERROR:
            problems.add(entry.where, entry.key, "allow entries take no [warn]: mark the entry they exempt from")
        if not bad:
            allow[entry.key] = (entry.values, entry)
    return allow


def _allowed(key: str, allow: Dict[str, Tuple[Tuple[str, ...], RawEntry]]) -> Tuple[str, ...]:
    found = allow.get(key)
    return found[0] if found else ()


@dataclass(frozen=True)
class _ForbiddenKind(Generic[_F]):
    """How the entries of one forbidden section are validated and built."""

    entry_type: Type[_F]
    what: str  # the entry as problems name it
    key_problem: Callable[[str], Optional[str]]  # what is wrong with a key, None when nothing
    invalid_replacement: str
    fields: Callable[[str], Dict[str, Any]]  # the entry type's own fields, from the key


_MODULES = _ForbiddenKind(
    ForbiddenModule,
    "forbidden module",
    pattern_problem,
    "replacement is not a valid dotted module name",
    lambda key: {"pattern": DottedPattern(key)},
)
_NAMES = _ForbiddenKind(
    ForbiddenName,
    "forbidden name",
    lambda key: None if is_dotted_name(key) and "." in key else "not a valid dotted name 'package.module.Name'",
    "replacement is not a valid dotted name",
    lambda key: {"name": key},
)


def _forbidden(
    entries: List[RawEntry],
    allow: Dict[str, Tuple[Tuple[str, ...], RawEntry]],
    problems: Problems,
    kind: _ForbiddenKind[_F],
) -> List[_F]:
    result: List[_F] = []
    seen: Dict[str, RawEntry] = {}
    for entry in map(_normalised, entries):
        if not _unique(entry, seen, problems, kind.what):
            continue
        ok = True
        problem = kind.key_problem(entry.key)
        if problem is not None:
            problems.add(entry.where, entry.key, problem)
            ok = False
        replacement = entry.values[0] if entry.values else None
        if replacement is not None and not is_dotted_name(replacement):
            problems.add(entry.where, replacement, kind.invalid_replacement)
            ok = False
        if entry.pure_move and replacement is None:
            problems.add(entry.where, entry.key, "[pure-move] needs a replacement to move to")
        if ok:
            result.append(
                kind.entry_type(
                    key=entry.key,
                    reason=entry.reason,
                    allowed_in=_allowed(entry.key, allow),
                    replacement=replacement,
                    pure_move=entry.pure_move,
                    severity=entry.severity,
                    origin=_origin(entry, kind.entry_type.section),
                    **kind.fields(entry.key),
                )
            )
    return result


def _canonical_classes(
    entries: List[RawEntry], allow: Dict[str, Tuple[Tuple[str, ...], RawEntry]], problems: Problems
) -> Dict[str, CanonicalClass]:
    result: Dict[str, CanonicalClass] = {}
    seen: Dict[str, RawEntry] = {}
    for entry in map(_normalised, entries):
        if entry.key in seen and seen[entry.key].values != entry.values:
            problems.add(
                entry.where,
                entry.key,
                f"class mapped to two modules, '{', '.join(seen[entry.key].values)}' and '{', '.join(entry.values)}'",
            )
            continue
        if not _unique(entry, seen, problems, "canonical class"):
            continue
        ok = True
        if not is_identifier(entry.key):
            problems.add(entry.where, entry.key, "not a valid class name")
            ok = False
        if len(entry.values) != 1:
            problems.add(
                entry.where,
                ", ".join(entry.values) or entry.key,
                "needs exactly one canonical module: 'ClassName = package.module'",
            )
            ok = False
        elif not is_dotted_name(entry.values[0]):
            problems.add(entry.where, entry.values[0], "canonical module is not a valid dotted module name")
            ok = False
        if entry.pure_move:
            problems.add(entry.where, entry.key, "[pure-move] applies to forbidden modules and names only")
            ok = False
        if ok:
            result[entry.key] = CanonicalClass(
                key=entry.key,
                reason=entry.reason,
                allowed_in=_allowed(entry.key, allow),
                module=entry.values[0],
                severity=entry.severity,
                origin=_origin(entry, CanonicalClass.section),
            )
    return result


def _legacy_parameters(
    entries: List[RawEntry], allow: Dict[str, Tuple[Tuple[str, ...], RawEntry]], problems: Problems
) -> List[LegacyParameters]:
    result: List[LegacyParameters] = []
    seen: Dict[str, RawEntry] = {}
    for entry in map(_normalised, entries):
        if not _unique(entry, seen, problems, "legacy-parameters pattern"):
            continue
        ok = True
        problem = class_glob(entry.key).problem
        if problem is not None:
            problems.add(entry.where, entry.key, problem)
            ok = False
        if not entry.values:
            problems.add(entry.where, entry.key, "needs at least one parameter name after '='")
            ok = False
        for parameter in entry.values:
            if not is_identifier(parameter):
                problems.add(entry.where, parameter, "not a valid parameter name")
                ok = False
        if entry.pure_move:
            problems.add(entry.where, entry.key, "[pure-move] applies to forbidden modules and names only")
            ok = False
        if ok:
            result.append(
                LegacyParameters(
                    key=entry.key,
                    reason=entry.reason,
                    allowed_in=_allowed(entry.key, allow),
                    parameters=tuple(dict.fromkeys(entry.values)),
                    severity=entry.severity,
                    origin=_origin(entry, LegacyParameters.section),
                )
            )
    return result


def _cross_check(
    modules: List[ForbiddenModule],
    names: List[ForbiddenName],
    classes: Dict[str, CanonicalClass],
    wheres: Dict[Tuple[str, str], Where],
    problems: Problems,
) -> None:
    """Contradictions between entries: a canonical or replacement module that is forbidden."""
    for module in modules:
        if module.replacement is not None:
            for other in modules:
                if other.pattern.covers(module.replacement):
                    problems.add(
                        wheres[("forbidden-modules", module.key)],
                        module.replacement,
                        f"replacement is itself forbidden by '{other.key}'",
                    )
    for name in names:
        if name.replacement is not None:
            for other in modules:
                if other.pattern.covers(name.replacement):
                    problems.add(
                        wheres[("forbidden-names", name.key)],
                        name.replacement,
                        f"replacement is inside forbidden module '{other.key}'",
                    )
            for other_name in names:
                if other_name.key == name.replacement:
                    problems.add(
                        wheres[("forbidden-names", name.key)],
                        name.replacement,
                        "replacement is itself a forbidden name",
                    )
    for entry in classes.values():
        for module in modules:
            if module.pattern.covers(entry.module):
                problems.add(
                    wheres[("canonical-classes", entry.key)],
                    entry.module,
                    f"module is both canonical (for '{entry.key}') and forbidden (by '{module.key}')",
                )
        for name in names:
            if name.name == entry.qualified:
                problems.add(
                    wheres[("canonical-classes", entry.key)],
                    entry.qualified,
                    "canonical class is also a forbidden name",
                )


def _directories(items: List[Tuple[str, Where]], base_dir: str, problems: Problems) -> Optional[Tuple[str, ...]]:
    if not items:
        return None
    roots: List[str] = []
    for item, where in items:
        path = os.path.normpath(os.path.join(base_dir, os.path.expanduser(item)))
        if not os.path.isdir(path):
            problems.add(where, item, f"source root does not exist (looked for directory {path})")
            continue
        roots.append(path)
    return tuple(dict.fromkeys(roots))
