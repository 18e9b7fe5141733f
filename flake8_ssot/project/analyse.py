"""One file, start to finish: read, decode, prefilter, parse, check, and collect the facts.

The same steps as the plugin, with the same :class:`~flake8_ssot.engine.Engine`: the decoded text
goes through ``engine.select`` first and is parsed only when some rule could report in it.
A file that cannot be read, decoded or parsed yields one SOT901 finding; nothing here raises.
"""

from __future__ import annotations

import ast
import io
import os
import re
import stat
import tokenize
import warnings
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from flake8_ssot.project.facts import Facts, collect_facts
from flake8_ssot.project.noqa import Noqa
from flake8_ssot.engine import Engine
from flake8_ssot.findings import internal_error
from flake8_ssot.findings import Finding
from flake8_ssot.location import ModuleIdentity, identify
from flake8_ssot.resolution import dependencies_of

NOT_ANALYSED = "SOT901"
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Located:
    """A finding with the text of its own source line (for fingerprints and SARIF columns)."""

    finding: Finding
    source: str


@dataclass
class FileResult:
    path: str
    located: List[Located] = field(default_factory=list)
    facts: Optional[Facts] = None
    parsed: bool = False
    cache_hits: int = 0
    cache_misses: int = 0


class Unreadable(Exception):
    """The file's bytes or text could not be had; the message says why, ``line`` where."""

    def __init__(self, reason: str, line: int = 1) -> None:
        super().__init__(reason)
        self.line = line


def not_analysed(reason: str, line: int = 1, col: int = 0) -> Finding:
    return Finding(line, col, NOT_ANALYSED, f"file could not be analysed: {reason}; it was not checked")


def read_bytes(path: str) -> bytes:
    """The file's bytes, refusing anything that is not a regular file before opening it."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise Unreadable(f"cannot read it ({error.strerror or error})") from None
    if not stat.S_ISREG(mode):
        raise Unreadable(f"not a regular file ({_kind(mode)})")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise Unreadable(f"cannot read it ({error.strerror or error})") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):  # replaced between stat and open
            raise Unreadable(f"not a regular file ({_kind(mode)})")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read()
    except OSError as error:
        raise Unreadable(f"cannot read it ({error.strerror or error})") from None
    finally:
        os.close(descriptor)


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory that could not be listed"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a file"


def decode(data: bytes) -> str:
    """The text as Python reads it: BOM, then PEP 263 coding cookie, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # unknown encoding, BOM contradicting the cookie
        if not error.msg.startswith("invalid or missing encoding declaration"):
            raise Unreadable(f"cannot decode it ({error.msg})") from None
        encoding = "utf-8"  # no cookie, and line 1 or 2 is not UTF-8: name the byte below
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.start + 1].hex()
        raise Unreadable(f"cannot decode it as {error.encoding} (byte 0x{bad} on line {line})", line) from None


def split_lines(text: str) -> List[str]:
    """Physical lines as the parser and flake8 count them (only CR, LF and CRLF end a line)."""
    return _NEWLINE.split(text)


def parse(text: str, path: str) -> ast.AST:
    try:
        with warnings.catch_warnings():
            # The analysed code's SyntaxWarnings (invalid escapes, '1if') are not ours to print,
            # and under PYTHONWARNINGS=error they would turn a valid file into a SyntaxError.
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=path)
    except SyntaxError as error:
        line = error.lineno if isinstance(error.lineno, int) and error.lineno > 0 else 1
        raise _ParseFailure(not_analysed(f"{type(error).__name__}: {error.msg}", line)) from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise _ParseFailure(not_analysed(f"{type(error).__name__}: {error}")) from None


class _ParseFailure(Exception):
    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.text)
        self.finding = finding


@dataclass
class Analysis:
    """What :func:`analyse_text` found in one decoded file."""

    findings: List[Finding]
    facts: Optional[Facts]
    parsed: bool
    # What the findings read of other modules (resolution's lookups and digests), None if nothing.
    dependencies: Optional[Dict[str, object]] = None


def analyse_text(
    engine: Engine,
    text: str,
    path: str,
    identity: ModuleIdentity,
    want_findings: bool = True,
    want_facts: bool = False,
    prefilter: bool = True,
    noqa: bool = True,
) -> Analysis:
    """Check one decoded file.  ``prefilter=False`` exists to prove the prefilter lossless.

    A syntax error is a SOT901 finding whenever the file had to be parsed; a file the prefilter
    rules out (and whose facts are not wanted) is not parsed at all.  With ``noqa``, flake8's
    ``# noqa`` / ``# flake8: noqa`` comments drop findings as they would under flake8.
    """
    lines = split_lines(text)
    comments = Noqa(text, lines) if noqa else None
    selection = engine.select(text if prefilter else None) if want_findings else None
    check = bool(selection)
    if comments is not None and comments.whole_file:
        check = False
    if not (check or want_facts):
        return Analysis([], None, False)
    try:
        tree = parse(text, path)
    except _ParseFailure as failure:
        found = [] if comments is not None and comments.whole_file else [failure.finding]
        return Analysis(found, Facts.empty(identity) if want_facts else None, False)
    derived: Dict[str, Any] = {}
    findings: List[Finding] = engine.check_tree(tree, identity, selection, path, derived) if selection else []
    facts: Optional[Facts] = None
    if want_facts:
        try:
            facts = collect_facts(tree, identity, lines, comments)
        except Exception as error:  # noqa: BLE001 - never a traceback
            facts = Facts.empty(identity)
            findings.append(internal_error("collecting class definitions", error))
    if comments is not None:
        findings = [finding for finding in findings if not comments.suppresses(finding.line, finding.code)]
    return Analysis(findings, facts, True, dependencies_of(derived))


def locate(findings: Sequence[Finding], lines: Sequence[str]) -> List[Located]:
    from flake8_ssot.project.baseline import line_text

    return [Located(finding, line_text(lines, finding.line)) for finding in sorted(findings)]


def identity_of(path: str, source_roots: Optional[Tuple[str, ...]]) -> ModuleIdentity:
    return identify(path, source_roots)
