"""SOT303: class names defined at module level in more than one module.

Computed from per-file :class:`~flake8_ssot.project.facts.Facts` after every file was checked, so it
is project-wide but only over the files of one run.  Names already in ``ssot-canonical-classes``
are left to SOT301.  Test files are left out unless asked for.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Tuple

from flake8_ssot.project.analyse import Located
from flake8_ssot.project.facts import Facts
from flake8_ssot.codes import DUPLICATE_CLASS_DEFINITION
from flake8_ssot.findings import Finding
from flake8_ssot.registry import Registry

CODE = DUPLICATE_CLASS_DEFINITION
CODES = frozenset({CODE})  # what this module reports
_TEST_DIRECTORIES = {"tests", "test"}
_MAX_NAMED = 5


def is_test_path(path: str, root: str) -> bool:
    """Any directory ``tests`` / ``test``, or a file ``test_*.py``, ``*_test.py``, ``conftest.py``.

    Judged on the path relative to the project root, so where the project lives does not matter.
    """
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, root) if absolute.startswith(root.rstrip(os.sep) + os.sep) else absolute
    parts = [part for part in relative.replace(os.sep, "/").split("/") if part not in ("", ".", "..")]
    if not parts:
        return False
    name = parts[-1]
    stem = name[:-3] if name.endswith(".py") else os.path.splitext(name)[0]
    return (
        any(part in _TEST_DIRECTORIES for part in parts[:-1])
        or stem.startswith("test_")
        or stem.endswith("_test")
        or name == "conftest.py"
    )


@dataclass(frozen=True)
class Definition:
    module: str
    path: str
    line: int
    col: int
    source: str
    is_test: bool
    noqa: bool = False


@dataclass(frozen=True)
class Group:
    """One class name and every module-level definition of it, sorted by module then path."""

    name: str
    definitions: Tuple[Definition, ...]

    @property
    def modules(self) -> Tuple[str, ...]:
        return tuple(sorted({definition.module for definition in self.definitions}))


def find_groups(
    facts: Iterable[Tuple[str, Facts]], registry: Registry, root: str, include_tests: bool
) -> List[Group]:
    """Duplicated names, ranked: most modules first, then by name."""
    by_name: Dict[str, List[Definition]] = {}
    for path, file_facts in facts:
        if file_facts.module is None:
            continue
        is_test = is_test_path(path, root)
        if is_test and not include_tests:
            continue
        for item in file_facts.classes:
            if item.name in registry.canonical_classes:
                continue
            by_name.setdefault(item.name, []).append(
                Definition(file_facts.module, path, item.line, item.col, item.source, is_test, item.noqa)
            )
    groups = [
        Group(name, tuple(sorted(definitions, key=lambda d: (d.module, d.path, d.line))))
        for name, definitions in by_name.items()
        if len({definition.module for definition in definitions}) > 1
    ]
    groups.sort(key=lambda group: (-len(group.modules), group.name))
    return groups


def _listed(modules: Sequence[str]) -> str:
    named = ", ".join(f"'{module}'" for module in modules[:_MAX_NAMED])
    if len(modules) > _MAX_NAMED:
        named += f" and {len(modules) - _MAX_NAMED} more"
    return named


def duplicate_findings(groups: Iterable[Group]) -> Dict[str, List[Located]]:
    """SOT303 at each definition, by path, naming the other modules."""
    found: Dict[str, List[Located]] = {}
    for group in groups:
        for definition in group.definitions:
            if definition.noqa:
                continue
            others = [module for module in group.modules if module != definition.module]
            text = (
                f"class '{group.name}' is also defined in {_listed(others)}; declare its one canonical "
                "module in ssot-canonical-classes (see 'flake8-ssot duplicates --suggest')"
            )
            found.setdefault(definition.path, []).append(
                Located(Finding(definition.line, definition.col, CODE, text), definition.source)
            )
    return found


def describe(groups: Sequence[Group], root: str) -> str:
    """The plain listing: each name, its modules and where they define it."""
    lines: List[str] = []
    for group in groups:
        lines.append(f"{group.name}: defined in {len(group.modules)} modules")
        for definition in group.definitions:
            where = f"{definition.path}:{definition.line}:{definition.col + 1}"
            lines.append(f"    {definition.module}  ({where}){'  [test]' if definition.is_test else ''}")
    return "\n".join(lines) + ("\n" if lines else "")
