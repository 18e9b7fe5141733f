"""The ban lists of flake8-tidy-imports and Ruff, read and translated into registry entries.

flake8-tidy-imports (``banned-modules`` in the ``[flake8]`` section flake8 reads) bans the names it
lists exactly; an entry ending in ``.*`` (and nothing else wild) bans the module and everything
below it; any other ``*`` segment matches zero or more segments, except a leading one, which matches
one or more.  Ruff (``banned-api`` of ``[lint.flake8-tidy-imports]``, or of the deprecated
``[flake8-tidy-imports]``, in ``.ruff.toml``, ``ruff.toml`` or ``pyproject.toml``'s ``[tool.ruff]``)
bans a name and everything below it, with no wildcards.

A translated entry is a forbidden module, or a forbidden name when its last segment has an
upper-case letter (a class or a constant, by PEP 8's naming), and carries the peer's message as its
reason.  Whatever cannot be expressed is returned as a :class:`Skipped`, never dropped.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from flake8_ssot.config.ini import config_files, line_of, read_section
from flake8_ssot.config.problems import Problems, Where, display_path
from flake8_ssot.names import DEEP_WILDCARD, WILDCARD, is_dotted_name, normalise, pattern_problem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11
    import tomli as tomllib

TIDY = "flake8-tidy-imports"
RUFF = "Ruff"
TIDY_KEY = "banned-modules"
RUFF_TABLE = "flake8-tidy-imports"
RUFF_KEY = "banned-api"
RUFF_FILES = (".ruff.toml", "ruff.toml", "pyproject.toml")  # Ruff's order within one directory
_MAX_EXTENDS = 16


@dataclass(frozen=True)
class Ban:
    """One translated entry: ``kind`` is ``"module"`` or ``"name"``.  ``widened`` when the peer
    bans the name itself only and the entry forbids what lies below it too."""

    key: str
    kind: str
    reason: Optional[str]
    where: Where
    source: str
    widened: bool = False


@dataclass(frozen=True)
class Skipped:
    """Something of a peer's configuration that is not carried over, and why.  A ``note`` is
    left out on purpose (the peer ignores it too, or it is no ban list); anything else is a ban
    flake8-ssot cannot express."""

    where: Where
    value: str
    message: str
    note: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.value!r}: {'note' if self.note else 'not carried over'}: {self.message}"


@dataclass
class Translation:
    """What one peer's configuration file gave."""

    path: str
    tool: str
    table: str
    bans: List[Ban] = field(default_factory=list)
    skipped: List[Skipped] = field(default_factory=list)


class Unreadable(Exception):
    """A configuration file that cannot be read or parsed at all."""


# -- finding the files ------------------------------------------------------------------------


def find_sources(start: str) -> List[Tuple[str, str]]:
    """(tool, path) of the configuration each peer reads when run from ``start``: flake8's INI
    file (as flake8 finds it), and Ruff's nearest ``.ruff.toml`` / ``ruff.toml`` / ``pyproject.toml``
    with a ``[tool.ruff]`` table."""
    found: List[Tuple[str, str]] = []
    flake8 = config_files(start, None, (), False)
    if flake8:
        found.append((TIDY, flake8[0]))
    ruff = find_ruff_config(start)
    if ruff is not None:
        found.append((RUFF, ruff))
    return found


def find_ruff_config(start: str) -> Optional[str]:
    path = os.path.abspath(start)
    while True:
        for name in RUFF_FILES:
            candidate = os.path.join(path, name)
            if os.path.isfile(candidate) and (name != "pyproject.toml" or _has_ruff_table(candidate)):
                return candidate
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def _has_ruff_table(path: str) -> bool:
    try:
        document = _load_toml(path)
    except Unreadable:
        return False
    tool = document.get("tool")
    return isinstance(tool, dict) and isinstance(tool.get("ruff"), dict)


def tool_of(path: str) -> str:
    """Which peer's configuration a file named on the command line is."""
    return RUFF if path.endswith(".toml") else TIDY


# -- flake8-tidy-imports --------------------------------------------------------------------------


def read_tidy_imports(path: str) -> Translation:
    problems = Problems()
    section, text = read_section(path, problems)
    if problems.items:
        raise Unreadable("; ".join(f"{problem.where}: {problem.message}" for problem in problems.items))
    translation = Translation(path, TIDY, "[flake8]")
    value = section.get(TIDY_KEY, section.get(TIDY_KEY.replace("-", "_")))
    for option in sorted(section):
        if option.replace("_", "-") == "ban-relative-imports":
            translation.skipped.append(
                Skipped(
                    Where(path, option, line_of(text, option)),
                    section[option],
                    "a rule of its own (I252), not a ban list; flake8-ssot has no equivalent, keep it",
                    note=True,
                )
            )
    if value is None:
        return translation
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    exact = {normalise(line.partition("=")[0]) for line in lines if "*" not in line.partition("=")[0]}
    for line in lines:
        where = Where(path, TIDY_KEY, line_of(text, TIDY_KEY, line))
        if line == "{python2to3}":
            translation.skipped.append(
                Skipped(
                    where,
                    line,
                    "flake8-ssot has no such preset; list the modules it bans explicitly (flake8-tidy-imports' "
                    "documentation names them)",
                )
            )
            continue
        if "=" not in line:
            translation.skipped.append(Skipped(where, line, "no '=' (flake8-tidy-imports itself stops on it)"))
            continue
        module, _, message = line.partition("=")
        module = normalise(module)
        key, widened, problem = _tidy_pattern(module, exact)
        if key is None:
            translation.skipped.append(Skipped(where, module, problem or "cannot be expressed"))
            continue
        kind = _kind(key)
        reason = _reason(message, where, translation.skipped)
        translation.bans.append(Ban(key, kind, reason, where, TIDY, widened and kind == "module"))
    return translation


def _tidy_pattern(module: str, exact: "set[str]") -> Tuple[Optional[str], bool, Optional[str]]:
    """(registry key, widened, problem) for one ``banned-modules`` entry, as flake8-tidy-imports
    reads it."""
    if WILDCARD not in module:
        if not is_dotted_name(module):
            return None, False, "not a dotted module name: flake8-tidy-imports can never match it"
        return module, True, None
    if module.endswith(".*") and WILDCARD not in module[:-2]:
        prefix = module[:-2]
        if not is_dotted_name(prefix):
            return None, False, "not a dotted module name: flake8-tidy-imports can never match it"
        # Bans the module and everything below; when the module is also banned on its own line,
        # that line's message stays the module's and this one goes to what lies below.
        return (f"{prefix}.*" if prefix in exact else prefix), False, None
    parts = module.split(".")
    for part in parts:
        if part != WILDCARD and not is_dotted_name(part):
            return None, False, (
                f"segment '{part}' is matched literally by flake8-tidy-imports, so the entry matches no module"
            )
    if all(part == WILDCARD for part in parts):
        return None, False, "matches every module: flake8-ssot forbids named modules only"
    segments: List[str] = []
    index = 0
    while index < len(parts):
        if parts[index] != WILDCARD:
            segments.append(parts[index])
            index += 1
            continue
        start = index
        while index < len(parts) and parts[index] == WILDCARD:
            index += 1
        if start == 0:
            segments.extend([WILDCARD, DEEP_WILDCARD])  # leading: one or more segments
        elif index < len(parts):
            segments.append(DEEP_WILDCARD)  # between names: zero or more
        # trailing: zero or more segments below, which a forbidden module covers anyway
    key = ".".join(segments)
    problem = pattern_problem(key)
    if problem is not None:  # pragma: no cover - the segments above are always a valid pattern
        return None, False, problem
    return key, parts[-1] != WILDCARD, None


# -- Ruff -----------------------------------------------------------------------------------------


def read_ruff(path: str) -> Translation:
    """The ``banned-api`` Ruff uses for ``path``: of ``[lint.flake8-tidy-imports]`` when that table
    exists (Ruff then ignores the deprecated top-level one), else of ``[flake8-tidy-imports]``;
    a file without it takes its ``extend``-ed file's, as Ruff does."""
    return _read_ruff(path, 0, [])


def _read_ruff(path: str, depth: int, seen: List[str]) -> Translation:
    document = _load_toml(path)
    pyproject = os.path.basename(path) == "pyproject.toml"
    root: Any = document.get("tool", {}).get("ruff", {}) if pyproject else document
    prefix = "tool.ruff." if pyproject else ""
    if not isinstance(root, dict):
        root = {}
    lint = root.get("lint")
    lint_table = lint.get(RUFF_TABLE) if isinstance(lint, dict) else None
    legacy_table = root.get(RUFF_TABLE)
    table: Any
    if lint_table is not None:
        table, name = lint_table, f"[{prefix}lint.{RUFF_TABLE}]"
    else:
        table, name = legacy_table, f"[{prefix}{RUFF_TABLE}]"
    translation = Translation(path, RUFF, name)
    if lint_table is not None and legacy_table is not None:
        translation.skipped.append(
            Skipped(
                Where(path, f"[{prefix}{RUFF_TABLE}]"),
                "",
                f"Ruff ignores this deprecated table when {name} exists; not read",
                note=True,
            )
        )
    if not isinstance(table, dict):
        table = {}
    fields = dict(table)
    extend = root.get("extend")
    if RUFF_KEY not in fields and isinstance(extend, str):
        base = os.path.normpath(os.path.join(os.path.dirname(path), os.path.expanduser(extend)))
        if depth >= _MAX_EXTENDS or base in seen:
            raise Unreadable(f"{display_path(path)}: 'extend' chain too long or circular at {display_path(base)}")
        inherited = _read_ruff(base, depth + 1, [*seen, path])
        translation.bans.extend(inherited.bans)
        translation.skipped.extend(inherited.skipped)
        return _other_fields(translation, fields, name, path)
    banned = fields.get(RUFF_KEY)
    if banned is not None:
        where = Where(path, f"{name[:-1]}.{RUFF_KEY}]")
        if not isinstance(banned, dict):
            translation.skipped.append(Skipped(where, str(banned), "must be a table (Ruff itself stops on it)"))
        else:
            for key, value in banned.items():
                entry_where = Where(path, f"{name[:-1]}.{RUFF_KEY}] {key!r}")
                translation.bans.extend(_ruff_ban(key, value, entry_where, translation.skipped))
    return _other_fields(translation, fields, name, path)


def _other_fields(translation: Translation, fields: Dict[str, Any], name: str, path: str) -> Translation:
    for key in sorted(fields):
        if key == RUFF_KEY:
            continue
        where = Where(path, f"{name[:-1]}] {key}")
        value = fields[key]
        if key == "banned-module-level-imports" and isinstance(value, list):
            for module in value:
                translation.skipped.append(
                    Skipped(
                        where,
                        str(module),
                        "banned at module level only (TID253); flake8-ssot cannot ban an import in one place "
                        "and allow it in another, keep Ruff's rule for it",
                    )
                )
            continue
        translation.skipped.append(
            Skipped(where, str(value), "not a ban list flake8-ssot has; keep Ruff's rule for it", note=True)
        )
    return translation


def _ruff_ban(key: str, value: Any, where: Where, skipped: List[Skipped]) -> List[Ban]:
    message = value.get("msg") if isinstance(value, dict) else None
    if not isinstance(message, str):
        skipped.append(Skipped(where, str(value), "must be a table with a string 'msg' (Ruff itself stops on it)"))
        return []
    name = normalise(key)
    if not is_dotted_name(name):
        skipped.append(Skipped(where, key, "not a dotted name: Ruff matches names literally, so it never matches"))
        return []
    return [Ban(name, _kind(name), _reason(message, where, skipped), where, RUFF)]


# -- shared -----------------------------------------------------------------------------------------


def _kind(key: str) -> str:
    """A forbidden name when the last segment has an upper-case letter (``decimal.Decimal``,
    ``tarfile.S_IFBLK``), else a forbidden module."""
    if "." not in key or WILDCARD in key:
        return "module"
    last = key.rpartition(".")[2]
    return "name" if any(char.isupper() for char in last) else "module"


def _reason(message: str, where: Where, skipped: List[Skipped]) -> Optional[str]:
    """The peer's message as a reason: one line (whitespace runs become one space), characters a
    reason cannot hold written as escapes (with a note saying so)."""
    text = " ".join(message.split())
    if not text.isprintable():
        escaped = "".join(
            char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text
        )
        message = f"the message holds unprintable characters; carried over as {escaped!r}"
        skipped.append(Skipped(where, text, message, note=True))
        text = escaped
    return text or None


def _load_toml(path: str) -> Dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise Unreadable(f"{display_path(path)}: cannot read it ({error.strerror})") from None
    try:
        document: Dict[str, Any] = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise Unreadable(f"{display_path(path)}: not UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise Unreadable(f"{display_path(path)}: invalid TOML: {error}") from None
    return document
