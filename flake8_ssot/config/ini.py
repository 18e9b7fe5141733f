"""The INI form: ``ssot-*`` keys in the ``[flake8]`` section of setup.cfg, tox.ini or .flake8.

Discovery mirrors flake8's own: ``--config`` if given, else the first of setup.cfg / tox.ini /
.flake8 with a flake8 section, from the working directory up to the home directory; then
``--append-config`` files; nothing with ``--isolated``.
"""

from __future__ import annotations

import codecs
import configparser
import difflib
import os
import re
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from flake8_ssot.codes import ERROR, WARNING
from flake8_ssot.config.keys import BY_INI, FLAG, INI_PREFIX, KEYS, PATH, PATHS, Key, did_you_mean, meant
from flake8_ssot.config.problems import Problems, Where, display_path, undecodable_line
from flake8_ssot.config.raw import RawConfig, RawEntry

SECTION = "flake8"
_CANDIDATES = ("setup.cfg", "tox.ini", ".flake8")
KNOWN_TAGS = {"pure-move", "warn"}
# Markers are known words in brackets, wherever they stand (``a.old = a.new [pure-move]``).  Other
# brackets are glob syntax (``[A-Z]*Handler``), except bracketed text standing alone after the
# entry's first word, which can only be a misspelt marker (``a.old = a.new [pure]``).
_KNOWN_TAG = re.compile(r"\[\s*(" + "|".join(re.escape(tag) for tag in sorted(KNOWN_TAGS)) + r")\s*\]")
_LONE_BRACKETS = re.compile(r"(?<=\s)\[([^\[\]]*)\](?=\s|$)")
_LIST_KEYS = {"legacy-parameters", "allow", "canonical-classes"}
_FLAGS = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False, "off": False, "0": False}


def find_config_file(start: str) -> Optional[str]:
    """The INI file flake8 would read when run from ``start``.

    A candidate flake8 cannot parse (not UTF-8, a byte-order mark, broken syntax) is skipped by
    flake8 with a log line; when it mentions ``ssot`` we return it anyway, so that the problem is
    reported instead of the registry silently disappearing.
    """
    home = os.path.expanduser("~")
    path = os.path.abspath(start)
    while True:
        for candidate in _CANDIDATES:
            cfg_path = os.path.join(path, candidate)
            if os.path.isfile(cfg_path) and _is_flake8_config(cfg_path):
                return cfg_path
        parent = os.path.dirname(path)
        if parent == path or parent == home:
            return None
        path = parent


def _is_flake8_config(cfg_path: str) -> bool:
    try:
        with open(cfg_path, "rb") as handle:
            data = handle.read()
    except OSError:
        return False
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(data.decode("utf-8"), source=cfg_path)
    except (UnicodeDecodeError, configparser.Error):
        return b"ssot" in data
    return SECTION in parser or "flake8:local-plugins" in parser


def ignored_siblings(chosen: str) -> List[Tuple[str, str, str, str]]:
    """``ssot`` keys in the other candidate files next to ``chosen``, which flake8 never reads.

    flake8 reads only the first of setup.cfg / tox.ini / .flake8 with a ``[flake8]`` section: a
    registry written into another one would silently do nothing.  Returns (file, key, value, text).
    """
    found: List[Tuple[str, str, str, str]] = []
    directory = os.path.dirname(os.path.abspath(chosen))
    for candidate in _CANDIDATES:
        path = os.path.join(directory, candidate)
        if os.path.samefile(path, chosen) if os.path.isfile(path) else True:
            continue
        section, text = read_section(path, Problems())
        found.extend(
            (path, key, value, text) for key, value in section.items() if key.replace("_", "-").startswith("ssot")
        )
    return found


def config_files(start: str, config: Optional[str], append: Sequence[str], isolated: bool) -> List[str]:
    if isolated:
        return []
    files: List[str] = []
    primary = config if config is not None else find_config_file(start)
    if primary is not None:
        files.append(primary)
    files.extend(append)
    return files


def read_section(path: str, problems: Problems) -> Tuple[Dict[str, str], str]:
    """The raw ``[flake8]`` key -> value of one file, and the file's text (for line numbers)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        problems.add(Where(path, "[flake8]"), path, f"cannot read the config file: {error.strerror}")
        return {}, ""
    if data.startswith(codecs.BOM_UTF8):
        problems.add(
            Where(path, "[flake8]"),
            display_path(path),
            "the file starts with a UTF-8 byte-order mark, which flake8 cannot read (it ignores "
            "the whole file); save it without the mark",
        )
        return {}, ""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, content = undecodable_line(data, error.start)
        problems.add(Where(path, "[flake8]", line), content, f"the file is not UTF-8 (byte 0x{data[error.start]:02x})")
        return {}, ""
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=path)
    except configparser.Error as error:
        _parser_problem(path, text, error, problems)
        return {}, text
    if not parser.has_section(SECTION):
        return {}, text
    return dict(parser.items(SECTION)), text


def _parser_problem(path: str, text: str, error: configparser.Error, problems: Problems) -> None:
    """One problem naming the line, key and text configparser refused (flake8 itself stops with a
    traceback on duplicates, or skips a file it cannot parse, so the message must be ours)."""
    lines = text.splitlines()

    def shown(line: Optional[int]) -> str:
        return lines[line - 1].strip() if line and 0 < line <= len(lines) else display_path(path)

    if isinstance(error, configparser.DuplicateOptionError):
        line = error.lineno
        problems.add(
            Where(path, error.option, line), shown(line), f"key given twice in section [{error.section}]; keep one"
        )
    elif isinstance(error, configparser.DuplicateSectionError):
        line = error.lineno
        problems.add(Where(path, f"[{error.section}]", line), shown(line), "section given twice; merge the two")
    elif isinstance(error, configparser.MissingSectionHeaderError):
        problems.add(Where(path, "[flake8]", error.lineno), shown(error.lineno), "line before any [section] header")
    elif isinstance(error, configparser.ParsingError) and error.errors:
        for line, _ in error.errors:
            problems.add(Where(path, "[flake8]", line), shown(line), "not 'key = value', a comment or a continuation")
    else:
        problems.add(Where(path, "[flake8]"), display_path(path), " ".join(str(error).split()))


def line_of(text: str, key: str, fragment: Optional[str] = None) -> Optional[int]:
    """1-based line of ``key`` in ``text`` (or of ``fragment`` in the key's value lines)."""
    lines = text.splitlines()
    pattern = re.compile(r"^\s*" + re.escape(key).replace(r"\-", "[-_]") + r"\s*[=:]", re.IGNORECASE)
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            if fragment is None:
                return number
            block: List[Tuple[int, str]] = []
            for offset, value_line in enumerate(lines[number - 1 :]):
                if offset and value_line[:1] not in (" ", "\t"):
                    break
                block.append((number + offset, pattern.sub("", value_line, count=1) if not offset else value_line))
            # The line that is the fragment, else the first holding it ('a.b' is in 'x.a.b' too).
            for found, value_line in block:
                if value_line.strip() == fragment:
                    return found
            for found, value_line in block:
                if fragment in value_line:
                    return found
            return number
    return None


# What an INI key misspelling our prefix starts with (``ssot-``, ``sot-``, ``ssot_``, ``ssot``).
_PREFIX = re.compile(r"^s?sot-?")
ALLOW_FORM = "a line each: 'entry = module.glob, ...'"


def unknown_keys(keys: Iterable[str], known_elsewhere: Set[str]) -> List[Tuple[str, Optional[str]]]:
    """``ssot-`` keys that flake8-ssot does not know, with the key that was probably meant
    (``did you mean ...?``, see :func:`~flake8_ssot.config.keys.meant`) when one is.

    Any key starting with ``ssot``, and any key close to one of ours that nothing else claims,
    is an error: flake8 ignores unknown keys, and a typo must not silently turn a rule off.
    """
    ours = [key.ini for key in KEYS]
    found: List[Tuple[str, Optional[str]]] = []
    for raw in keys:
        key = raw.replace("_", "-").lower()
        if key in BY_INI or key in known_elsewhere:
            continue
        close = difflib.get_close_matches(key, ours, n=1, cutoff=0.8)
        if key.startswith("ssot") or key.startswith("sot-") or close:
            candidates = meant(_PREFIX.sub("", key)) or tuple(name[len(INI_PREFIX) :] for name in close)
            found.append((raw, did_you_mean(candidates, lambda name: INI_PREFIX + name, ALLOW_FORM)))
    return found


def parse_values(values: Mapping[str, str], origins: Mapping[str, Tuple[str, str]], problems: Problems) -> RawConfig:
    """Turn ``ssot-*`` values (flake8's or our own reading) into a :class:`RawConfig`.

    ``origins`` maps each INI key to the (file, file text) it was read from, for messages.
    """
    first = next(iter(origins.values()), ("command line", ""))[0]
    raw = RawConfig(file=first, base_dir=os.path.dirname(os.path.abspath(first)))
    for key in KEYS:
        value = values.get(key.ini)
        if value is None:
            continue
        file, text = origins.get(key.ini, ("command line", ""))
        where = Where(file, key.ini, line_of(text, key.ini))
        if not value.strip():
            problems.add(where, value, "empty value; remove the key or give it entries")
            continue
        if key.kind == PATHS:
            raw.paths[key.name] = [
                (item, Where(file, key.ini, line_of(text, key.ini, item))) for item in _split_list(value)
            ]
            continue
        if key.kind == FLAG:
            flag = _FLAGS.get(value.strip().lower())
            if flag is None:
                problems.add(where, value, "must be true or false")
            else:
                raw.scalars[key.name] = (flag, where)
            continue
        if key.kind == PATH:
            raw.scalars[key.name] = (value.strip(), where)
            continue
        entries = raw.entries.setdefault(key.name, [])
        for line in value.splitlines():
            if line.strip():
                entry = _parse_line(
                    key, line.strip(), Where(file, key.ini, line_of(text, key.ini, line.strip())), problems
                )
                if entry is not None:
                    entries.append(entry)
    return raw


def _split_list(value: str) -> List[str]:
    return [item.strip() for item in re.split(r"[,\n]", value) if item.strip()]


def _parse_line(key: Key, line: str, where: Where, problems: Problems) -> Optional[RawEntry]:
    main, has_reason, reason = line.partition(";")
    reason = reason.strip()
    if has_reason and not reason:
        problems.add(where, line, "empty reason after ';'")
        return None
    tags = [tag.strip() for tag in _KNOWN_TAG.findall(main)]
    main = _KNOWN_TAG.sub("", main)
    for unknown in _LONE_BRACKETS.findall(main):
        known = ", ".join(f"[{tag}]" for tag in sorted(KNOWN_TAGS))
        problems.add(where, line, f"unknown marker '[{unknown.strip()}]'; known: {known}")
        return None
    left, has_value, right = main.partition("=")
    left = left.strip()
    right = right.strip()
    if not left:
        problems.add(where, line, "missing the entry name before '='")
        return None
    if has_value and not right:
        problems.add(
            where,
            line,
            "empty value after '='"
            + ("; omit '=' to declare a module or name removed" if key.name.startswith("forbidden") else ""),
        )
        return None
    if key.name in _LIST_KEYS:
        values = tuple(item.strip() for item in right.split(",")) if has_value else ()
        if any(not item for item in values):
            problems.add(where, line, "empty item in a comma-separated list")
            return None
    else:
        values = (right,) if has_value else ()
    severity = WARNING if "warn" in tags else ERROR
    return RawEntry(left, values, where, reason or None, "pure-move" in tags, severity)


def read_files(files: Sequence[str], problems: Problems) -> Tuple[Dict[str, str], Dict[str, Tuple[str, str]]]:
    """Every ``[flake8]`` key -> value across ``files`` (later files win), and key -> (file, text)."""
    merged: Dict[str, str] = {}
    origins: Dict[str, Tuple[str, str]] = {}
    for path in files:
        section, text = read_section(path, problems)
        spelt: Dict[str, str] = {}
        for key, value in section.items():
            normal = key.replace("_", "-").lower()
            if normal in spelt and normal.startswith("ssot"):
                problems.add(
                    Where(path, key, line_of(text, key)),
                    value,
                    f"key given twice in section [{SECTION}], also as '{spelt[normal]}'; keep one",
                )
            spelt[normal] = key
            merged[normal] = value
            origins[normal] = (path, text)
    return merged, origins
