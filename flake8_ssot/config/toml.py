"""The pyproject form: the ``[tool.flake8-ssot]`` table of the nearest pyproject.toml."""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from dataclasses import replace
from typing import Any, List, Optional, Set, Tuple

from flake8_ssot.codes import ERROR
from flake8_ssot.config.keys import ALLOW, BY_NAME, FLAG, PATH, PATHS, TOML_TABLE, did_you_mean, meant
from flake8_ssot.config.problems import Problems, Where, display_path, undecodable_line
from flake8_ssot.config.raw import RawConfig, RawEntry
from flake8_ssot.registry import SEVERITIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11
    import tomli as tomllib

PYPROJECT = "pyproject.toml"
ALLOW_FORM = f'a key each in [{TOML_TABLE}.{ALLOW}]: "entry" = ["module.glob", ...]'
_ENTRY_FIELDS = {
    "forbidden-modules": ("replacement", {"replacement", "reason", "pure-move", "severity"}),
    "forbidden-names": ("replacement", {"replacement", "reason", "pure-move", "severity"}),
    "canonical-classes": ("module", {"module", "reason", "severity"}),
    "legacy-parameters": ("parameters", {"parameters", "reason", "severity"}),
    "allow": ("modules", {"modules"}),
}


def find_pyproject(start: str) -> Optional[str]:
    """The nearest pyproject.toml from ``start`` upwards (the project root's)."""
    path = os.path.abspath(start)
    while True:
        candidate = os.path.join(path, PYPROJECT)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def read_pyproject(path: str, problems: Problems) -> Optional[RawConfig]:
    """The flake8-ssot table of ``path``, or None when it has none."""
    where = Where(path, f"[{TOML_TABLE}]")
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        problems.add(where, path, f"cannot read the file: {error.strerror}")
        return None
    if b"flake8-ssot" not in data:
        return None
    try:
        text = data.decode("utf-8-sig")
        document = tomllib.loads(text)
    except UnicodeDecodeError as error:
        line, content = undecodable_line(data, error.start)
        problems.add(Where(path, where.key, line), content, f"the file is not UTF-8 (byte 0x{data[error.start]:02x})")
        return None
    except tomllib.TOMLDecodeError as error:
        problems.add(where, display_path(path), f"invalid TOML: {error}")
        return None
    table = document.get("tool", {}).get("flake8-ssot")
    if table is None:
        return None
    raw = RawConfig(file=path, base_dir=os.path.dirname(os.path.abspath(path)))
    if not isinstance(table, dict):
        problems.add(where, table, "must be a table")
        return raw
    for name, value in table.items():
        key_where = Where(path, f"[{TOML_TABLE}] {name}")
        if name not in BY_NAME:
            suggestion = did_you_mean(meant(name), str, ALLOW_FORM)
            hint = f"; {suggestion}" if suggestion else f"; known keys: {', '.join(BY_NAME)}"
            problems.add(key_where, name, f"unknown key{hint}")
            continue
        kind = BY_NAME[name].kind
        if kind == PATHS:
            raw.paths[name] = [(item, key_where) for item in _string_list(value, key_where, problems)]
            continue
        if kind == FLAG:
            if isinstance(value, bool):
                raw.scalars[name] = (value, key_where)
            else:
                problems.add(key_where, value, f"must be true or false, not {_type(value)}")
            continue
        if kind == PATH:
            if isinstance(value, str) and value.strip():
                raw.scalars[name] = (value.strip(), key_where)
            else:
                problems.add(key_where, value, f"must be a non-empty string, not {_type(value)}")
            continue
        entries = raw.entries.setdefault(name, [])
        if not isinstance(value, dict):
            problems.add(key_where, value, f"must be a table ([{TOML_TABLE}.{name}]), not {_type(value)}")
            continue
        if not value:
            problems.add(key_where, value, "empty table; remove it or give it entries")
        for entry_key, entry_value in value.items():
            entry = _entry(name, entry_key, entry_value, Where(path, f"[{TOML_TABLE}.{name}] {entry_key!r}"), problems)
            if entry is not None:
                entries.append(replace(entry, line=entry_line(text, name, entry_key)))
    return raw


def _key_pattern(key: str) -> str:
    """A TOML key as it may be written: bare, or in double or single quotes."""
    return "(?:" + "|".join((f'"{re.escape(key)}"', f"'{re.escape(key)}'", re.escape(key))) + ")"


def entry_line(text: str, name: str, key: str) -> Optional[int]:
    """The 1-based line declaring entry ``key`` of ``[tool.flake8-ssot.<name>]`` in ``text``.

    tomllib gives no positions, so the line is looked for as the entry is usually written: a
    ``key = ...`` line under the table's own header, else the first line after the
    ``[tool.flake8-ssot`` header that holds the key followed by ``=`` (a dotted key or an inline
    table), else the header of the table; None when nothing is found.
    """
    lines = text.splitlines()
    tool = r"\s*tool\s*\.\s*" + _key_pattern("flake8-ssot")
    own = re.compile(r"^\s*\[" + tool + r"\s*\.\s*" + _key_pattern(name) + r"\s*\]")
    table = re.compile(r"^\s*\[" + tool + r"\s*[\].]")
    header = re.compile(r"^\s*\[")
    assignment = re.compile(r"^\s*" + _key_pattern(key) + r"\s*=")
    anywhere = re.compile(r"(?:^|[\s{,.])" + _key_pattern(key) + r"\s*=")
    start = next((number for number, line in enumerate(lines) if own.match(line)), None)
    if start is not None:
        for number in range(start + 1, len(lines)):
            if header.match(lines[number]):
                break
            if assignment.match(lines[number]):
                return number + 1
    first = next((number for number, line in enumerate(lines) if table.match(line)), None)
    if first is not None:
        for number in range(first, len(lines)):
            if anywhere.search(lines[number]):
                return number + 1
    if start is not None:
        return start + 1
    return None if first is None else first + 1


def _type(value: Any) -> str:
    return {
        str: "a string",
        list: "a list",
        dict: "a table",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _string_list(value: Any, where: Where, problems: Problems) -> List[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.add(where, value, f"must be a list of strings, not {_type(value)}")
        return []
    if not value or any(not item.strip() for item in value):
        problems.add(where, value, "empty value")
        return []
    return [item.strip() for item in value]


def _unknown_field(section: str, field: str, key: str, fields: Set[str]) -> str:
    """Why a field of an entry's table is refused, and what was probably meant: a close field, or
    the allow table (an entry's exemptions are not a field of the entry)."""
    if section != ALLOW and meant(field) == (ALLOW,):
        return f"unknown field; exemptions go in [{TOML_TABLE}.{ALLOW}]: {_toml_key(key)} = [\"module.glob\", ...]"
    close = difflib.get_close_matches(field, sorted(fields), n=1, cutoff=0.8)
    hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(sorted(fields))}"
    return f"unknown field; {hint}"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _entry(name: str, key: str, value: Any, where: Where, problems: Problems) -> Optional[RawEntry]:
    main_field, fields = _ENTRY_FIELDS[name]
    list_valued = name in ("legacy-parameters", "allow")
    reason: Optional[str] = None
    pure_move = False
    severity = ERROR
    if isinstance(value, dict):
        unknown = sorted(set(value) - fields)
        if unknown:
            problems.add(where, unknown[0], _unknown_field(name, unknown[0], key, fields))
            return None
        reason_value = value.get("reason")
        if reason_value is not None and (not isinstance(reason_value, str) or not reason_value.strip()):
            problems.add(where, reason_value, "reason must be a non-empty string")
            return None
        reason = reason_value.strip() if isinstance(reason_value, str) else None
        move_value = value.get("pure-move", False)
        if not isinstance(move_value, bool):
            problems.add(where, move_value, f"pure-move must be true or false, not {_type(move_value)}")
            return None
        pure_move = move_value
        severity_value = value.get("severity", ERROR)
        if severity_value not in SEVERITIES:
            problems.add(where, severity_value, "severity must be 'error' or 'warning'")
            return None
        severity = severity_value
        if main_field not in value:
            if name.startswith("forbidden"):
                return RawEntry(key, (), where, reason, pure_move, severity)
            problems.add(where, value, f"missing '{main_field}'")
            return None
        value = value[main_field]
    values: Tuple[str, ...]
    if list_valued:
        values = tuple(_string_list(value, where, problems))
        if not values:
            return None
    else:
        if not isinstance(value, str):
            problems.add(where, value, f"must be a string, not {_type(value)}")
            return None
        if not value.strip():
            problems.add(where, value, "empty value")
            return None
        values = (value.strip(),)
    return RawEntry(key, values, where, reason, pure_move, severity)
