"""One decoded file, start to finish: prefilter, parse, check, and collect the facts.

The same steps as the plugin, with the same :class:`~flake8_ssot.engine.Engine`: the decoded text
goes through ``engine.select`` first and is parsed only when some rule could report in it.
Reading and decoding are :mod:`flake8_ssot.project.source`'s.  A file that cannot be read, decoded
or parsed yields one SOT901 finding (:func:`not_analysed`); nothing here raises.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field
from typing import AbstractSet, Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

from flake8_ssot.checking.closure import ClosureView, Edges, edges_of

from flake8_ssot.project.facts import Facts, collect_facts
from flake8_ssot.project.noqa import Noqa
from flake8_ssot.project.source import line_text, split_lines
from flake8_ssot.codes import FILE_NOT_ANALYSED, INTERNAL_ERROR
from flake8_ssot.engine import Engine
from flake8_ssot.findings import internal_error
from flake8_ssot.findings import Finding
from flake8_ssot.location import ModuleIdentity, identify
from flake8_ssot.newer_syntax import read_newer
from flake8_ssot.resolution import dependencies_of

NOT_ANALYSED = FILE_NOT_ANALYSED
# The codes this module reports itself (the engine reports the rules' codes).
CODES = frozenset({FILE_NOT_ANALYSED, INTERNAL_ERROR})
# In a file's references (:attr:`Analysis.referenced`): the file was not checked through, so it may
# reference any entry (it does not parse, or a rule failed on it).
UNKNOWN_REFERENCES = "*"


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
    # For the project's closure: the file's bindings (when it named one of the closure's tokens)
    # and its module identity; ``touched`` False when a later round had nothing new to look at.
    edges: Optional[Edges] = None
    cached_edges: Optional[object] = None  # the same, as the cache kept them (JSON, read lazily)
    identity: Optional[ModuleIdentity] = None
    touched: bool = True
    missed: FrozenSet[str] = frozenset()
    unmentioned: bool = False
    # For the cache: the file's stamp and digest when it was read, what resolution read.
    stamp: Optional[Tuple[int, int]] = None
    digest: Optional[str] = None
    dependencies: Optional[Dict[str, object]] = None
    # The registry entries the file's findings refer to, before noqa comments drop any (a reference
    # on a noqa line is still a reference), for the registry check's unreferenced entries.
    referenced: FrozenSet[str] = frozenset()

    @property
    def analysed(self) -> bool:
        """Parsed for the project's closure (now, or when the cache kept it)."""
        return self.edges is not None or self.cached_edges is not None


def not_analysed(reason: str, line: int = 1, col: int = 0) -> Finding:
    return Finding(line, col, NOT_ANALYSED, f"file could not be analysed: {reason}; it was not checked")


def parse(text: str, path: str) -> ast.AST:
    try:
        with warnings.catch_warnings():
            # The analysed code's SyntaxWarnings (invalid escapes, '1if') are not ours to print,
            # and under PYTHONWARNINGS=error they would turn a valid file into a SyntaxError.
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=path)
    except SyntaxError as error:
        newer = read_newer(text)  # a newer Python's syntax: its tree, or which Python it needs
        if newer.tree is not None:
            return newer.tree
        if newer.needs is not None:
            raise _ParseFailure(not_analysed(newer.needs.reason, newer.needs.line)) from None
        error = newer.error or error
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
    # For the project's closure, when the engine has one and the file parsed: its bindings, the
    # names the closure said were not legacy, whether it said the text names none of its names.
    edges: Optional[Edges] = None
    missed: FrozenSet[str] = frozenset()
    unmentioned: bool = False
    # The registry entries the findings refer to, noqa comments or not (UNKNOWN_REFERENCES: any).
    referenced: FrozenSet[str] = frozenset()


def analyse_text(
    engine: Engine,
    text: str,
    path: str,
    identity: ModuleIdentity,
    want_findings: bool = True,
    want_facts: bool = False,
    prefilter: bool = True,
    noqa: bool = True,
    present: Optional[AbstractSet[str]] = None,
    want_edges: bool = False,
) -> Analysis:
    """Check one decoded file.  ``prefilter=False`` exists to prove the prefilter lossless.

    A syntax error is a SOT901 finding whenever the file had to be parsed; a file the prefilter
    rules out (and whose facts and bindings are not wanted) is not parsed at all.  With ``noqa``,
    flake8's ``# noqa`` / ``# flake8: noqa`` comments drop findings as they would under flake8.
    ``present``: the closure's tokens a byte scan found in the file (see ``Engine.select``).
    ``want_edges``: the file's bindings are wanted for the project's closure (it names one of
    its tokens); a syntax error is then reported only if findings were wanted too.
    """
    selection = engine.select(text if prefilter else None, present, path) if want_findings else None
    check = bool(selection)
    unmentioned = selection is not None and selection.unmentioned
    if not (check or want_facts or want_edges):
        return Analysis([], None, False, unmentioned=unmentioned)  # most files: no split, no noqa, no parse
    lines = split_lines(text)
    # A ``# flake8: noqa`` file is still checked (its findings are all dropped below): what it
    # references counts for the registry check.
    comments = Noqa(text, lines) if noqa else None
    try:
        tree = parse(text, path)
    except _ParseFailure as failure:
        found = [failure.finding] if check or want_facts else []
        if comments is not None and comments.whole_file:
            found = []
        unknown = frozenset({UNKNOWN_REFERENCES}) if check else frozenset()
        return Analysis(
            found, Facts.empty(identity) if want_facts else None, False, unmentioned=unmentioned, referenced=unknown
        )
    edges = edges_of(tree) if engine.closure is not None else None
    derived: Dict[str, Any] = {}
    findings: List[Finding] = []
    if check and selection:
        findings = engine.check_tree(tree, identity, selection, path, derived)
    facts: Optional[Facts] = None
    if want_facts:
        try:
            facts = collect_facts(tree, identity, lines, comments)
        except Exception as error:  # noqa: BLE001 - never a traceback
            facts = Facts.empty(identity)
            findings.append(internal_error("collecting class definitions", error))
    referenced = frozenset(
        UNKNOWN_REFERENCES if finding.entry is None else finding.entry
        for finding in findings
        if finding.entry is not None or finding.code == INTERNAL_ERROR
    )
    if comments is not None:
        findings = [finding for finding in findings if not comments.suppresses(finding.line, finding.code)]
    view = derived.get("closure")
    missed = frozenset(view.missed) if isinstance(view, ClosureView) else frozenset()
    return Analysis(findings, facts, True, dependencies_of(derived), edges, missed, unmentioned, referenced)


def locate(findings: Sequence[Finding], lines: Sequence[str]) -> List[Located]:
    return [Located(finding, line_text(lines, finding.line)) for finding in sorted(findings)]


def identity_of(path: str, source_roots: Optional[Tuple[str, ...]]) -> ModuleIdentity:
    return identify(path, source_roots)
