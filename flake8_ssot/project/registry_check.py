"""The registry checked against the project: entries pointing nowhere, and entries nothing uses.

``flake8-ssot check`` runs this once per run that checks the whole project (the directory of the
configuration file), after every file has been checked:

* SOT401 to SOT405: an entry points where the project has nothing of the kind (a canonical module
  that does not exist or does not bind its class, a replacement module or name that does not
  exist, a name replacement that is a module).  Looked up with resolution's module look-up and
  digests (:mod:`flake8_ssot.resolution.homes`), never by importing anything;
* SOT406, informational: nothing in the checked files refers to a forbidden module, forbidden name
  or legacy-parameters entry any more (no finding of it, ``noqa`` lines, deselected codes and the
  baseline included), so its migration is finished and the entry can be retired.  It needs every
  file's findings, so only the command can know; it is not reported while some file could not be
  checked through (SOT900, SOT901), which may hold the last reference.

Each finding is reported at the configuration file, on the entry's line, and names the key and
the entry; its level is the entry's (``[warn]``), SOT406's always ``note``.  The answers of SOT401
to SOT405 are kept in the cache directory with what they read (resolution's
:class:`~flake8_ssot.resolution.index.Reads`), and reused while all of it is unchanged.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set, Tuple

from flake8_ssot.codes import (
    CANONICAL_CLASS_MISSING,
    CANONICAL_MODULE_MISSING,
    ENTRY_UNREFERENCED,
    FILE_NOT_ANALYSED,
    INTERNAL_ERROR,
    REPLACEMENT_MODULE_MISSING,
    REPLACEMENT_NAME_IS_MODULE,
    REPLACEMENT_NAME_MISSING,
)
from flake8_ssot.findings import Finding
from flake8_ssot.project.analyse import UNKNOWN_REFERENCES, FileResult, Located
from flake8_ssot.project.atomic import write_atomically
from flake8_ssot.project.cache import manifest_key
from flake8_ssot.registry import (
    CanonicalClass,
    Entry,
    ForbiddenModule,
    ForbiddenName,
    LegacyParameters,
    Registry,
)
from flake8_ssot.resolution import dependency_validator, homes_in
from flake8_ssot.resolution.homes import IS_MODULE, MODULE_MISSING, NAME_MISSING, Homes
from flake8_ssot.resolution.index import Reads

# The codes this module reports.
CODES = frozenset(
    {
        CANONICAL_MODULE_MISSING,
        CANONICAL_CLASS_MISSING,
        REPLACEMENT_MODULE_MISSING,
        REPLACEMENT_NAME_MISSING,
        REPLACEMENT_NAME_IS_MODULE,
        ENTRY_UNREFERENCED,
    }
)
# What a replacement's mismatch is reported as.
_REPLACEMENT_CODES = {
    MODULE_MISSING: REPLACEMENT_MODULE_MISSING,
    NAME_MISSING: REPLACEMENT_NAME_MISSING,
    IS_MODULE: REPLACEMENT_NAME_IS_MODULE,
}


@dataclass
class References:
    """The registry entries the checked files refer to, and whether every file was checked through."""

    entries: Set[str] = field(default_factory=set)
    complete: bool = True

    def add(self, result: FileResult) -> None:
        """Count ``result``'s references; call it before flake8's selection drops any finding."""
        if UNKNOWN_REFERENCES in result.referenced or any(
            item.finding.code in (FILE_NOT_ANALYSED, INTERNAL_ERROR) for item in result.located
        ):
            self.complete = False
        self.entries.update(result.referenced)
        self.entries.update(item.finding.entry for item in result.located if item.finding.entry is not None)

    def refers_to(self, entry: Entry) -> bool:
        return entry.ref in self.entries


def check_registry(
    registry: Registry,
    roots: Iterable[str],
    references: Optional[References],
    store: Optional[str] = None,
    tool: str = "",
) -> Dict[str, List[Located]]:
    """The registry's findings, by configuration file (absolute path), each file's sorted.

    ``roots`` are where the project's modules are looked up; ``references``, when given, what the
    whole project's files refer to (SOT406 is reported only then, and only when complete).
    ``store``, a cache directory, keeps the answers (with ``tool``, the tool's code digest, in their
    key) and what they read, so that a run in an unchanged project reuses them without digesting
    any module.
    """
    roots = tuple(dict.fromkeys(roots))
    reads = Reads(roots)
    homes = homes_in(roots, reads)
    # Keyed as the runner keys its manifest (the tool's code, the registry), and by the roots.
    key = manifest_key("registry", tool, repr(registry), *roots)
    known = _load(store, key)
    if known is None:
        known = {entry.ref: _mismatches(entry, homes) for entry in registry.entries()}
        _save(store, key, reads, known)
    by_file: Dict[str, List[Located]] = {}
    lines: Dict[str, List[str]] = {}
    for entry in registry.entries():
        origin = entry.origin
        if origin is None:
            continue  # an entry built in code, not read from a file: nowhere to report at
        file = os.path.abspath(origin.file)
        if file not in lines:
            lines[file] = _lines(file)
        line = origin.line or 1
        source = lines[file][line - 1] if line <= len(lines[file]) else ""
        problems = list(known.get(entry.ref, []))
        if references is not None and references.complete and not isinstance(entry, CanonicalClass):
            if not references.refers_to(entry):
                problems.append((ENTRY_UNREFERENCED, _unreferenced(entry, homes), entry.key))
        for code, problem, at in problems:
            message = f"{origin.key}: '{entry.key}': {problem}"
            finding = Finding(line, _column(source, entry.key, at), code, message, entry.ref)
            by_file.setdefault(file, []).append(Located(finding, source))
    return {file: sorted(located, key=lambda item: item.finding) for file, located in by_file.items()}


# A problem with an entry: its code, what is wrong, and the text on the entry's line to point at.
_Problem = Tuple[str, str, str]


def _mismatches(entry: Entry, homes: Optional[Homes]) -> List[_Problem]:
    """Where ``entry`` points that the project lacks (SOT401 to SOT405)."""
    if homes is None:
        return []
    if isinstance(entry, CanonicalClass):
        mismatch = homes.canonical(entry)
        if mismatch is None:
            return []
        if mismatch.kind == MODULE_MISSING:
            return [(CANONICAL_MODULE_MISSING, mismatch.text, entry.module)]
        return [(CANONICAL_CLASS_MISSING, mismatch.text, entry.key)]
    if isinstance(entry, (ForbiddenModule, ForbiddenName)) and entry.replacement is not None:
        mismatch = homes.replacement(entry)
        if mismatch is not None:
            return [(_REPLACEMENT_CODES[mismatch.kind], mismatch.text, entry.replacement)]
    return []


def _store_path(store: str, key: str) -> str:
    return os.path.join(store, f"registry-{key[:32]}.json")


def _load(store: Optional[str], key: str) -> Optional[Dict[str, List[_Problem]]]:
    """The answers a previous run stored for ``key``, when everything they read is unchanged."""
    if store is None:
        return None
    try:
        with open(_store_path(store, key), "rb") as handle:
            document = json.loads(handle.read().decode("utf-8"))
        if document["key"] != key or not dependency_validator().still_valid(document["reads"]):
            return None
        return {
            str(ref): [(str(code), str(text), str(at)) for code, text, at in problems]
            for ref, problems in document["problems"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _save(store: Optional[str], key: str, reads: Reads, known: Dict[str, List[_Problem]]) -> None:
    if store is None:
        return
    document = {"key": key, "reads": reads.to_json(), "problems": known}
    try:
        write_atomically(_store_path(store, key), json.dumps(document, separators=(",", ":")))
    except (OSError, ValueError):
        pass  # a cache that cannot be written is not used


def _unreferenced(entry: Entry, homes: Optional[Homes]) -> str:
    retire = "retire the entry, or keep it to stop new references"
    if isinstance(entry, LegacyParameters):
        parameters = ", ".join(f"'{parameter}'" for parameter in entry.parameters)
        return f"no class matching it takes or is passed {parameters} any more; {retire}"
    if isinstance(entry, ForbiddenModule):
        if homes is not None and not entry.pattern.has_wildcard and homes.exists(entry.pattern.text):
            return f"nothing references legacy module '{entry.key}' any more; delete the module, then {retire}"
        return f"nothing references legacy module '{entry.key}' any more; {retire}"
    assert isinstance(entry, ForbiddenName)
    return f"nothing references legacy name '{entry.name}' any more; {retire}"


def _column(source: str, key: str, at: str) -> int:
    """The UTF-8 byte offset on the entry's line of ``at`` (after the key when ``at`` is not the
    key), 0 when the line does not spell it."""
    start = source.find(key)
    if at != key:
        after = source.find(at, start + len(key)) if start >= 0 else -1
        start = after if after >= 0 else source.find(at)
    return len(source[: max(start, 0)].encode("utf-8"))


def _lines(path: str) -> List[str]:
    """The configuration file's lines, numbered as the configuration loader numbers them (none when
    it cannot be read any more)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return handle.read().splitlines()
    except OSError:
        return []
