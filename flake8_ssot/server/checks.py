"""One check of one open document, and the diagnostics it becomes.

A document is checked exactly as ``flake8-ssot check`` checks the file it is the buffer of: the
project's registry, the per-file pipeline (prefilter, parse, engine, ``# noqa``) and the baseline,
with the module identity of its real path.  A buffer without a file is checked as flake8 checks
standard input without a display name: with no module.  Configuration problems become
diagnostics on their files here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Tuple

from flake8_ssot.codes import BY_CODE
from flake8_ssot.codes import WARNING as LEVEL_WARNING
from flake8_ssot.config import Problem
from flake8_ssot.findings import Finding
from flake8_ssot.fix import FileFix
from flake8_ssot.location import UNKNOWN, ModuleIdentity, identify
from flake8_ssot.project.analyse import analyse_text
from flake8_ssot.project.baseline import unaccepted
from flake8_ssot.project.formats.sarif import help_uri
from flake8_ssot.project.source import split_lines
from flake8_ssot.server.documents import Lines, Range
from flake8_ssot.server.projects import Loaded
from flake8_ssot.server.settings import ERROR, WARNING, Settings
from flake8_ssot.server.spans import span_of

SOURCE = "flake8-ssot"
UNNAMED = "stdin"  # what a buffer without a file is called, as flake8 calls standard input


@dataclass(frozen=True)
class Diagnostic:
    range: Range
    severity: int
    message: str
    code: Optional[str] = None
    href: Optional[str] = None


@dataclass
class Checked:
    """One check of one document's text, and the fixes computed for it so far."""

    text: str
    version: Optional[int]
    loaded: Loaded
    identity: ModuleIdentity
    filename: str
    analysed: Tuple[Finding, ...]  # after noqa, before the baseline (what `fix` decides on)
    shown: Tuple[Finding, ...]  # after the baseline: the diagnostics
    reads: FrozenSet[str]  # module files resolution read for it
    diagnostics: List[Tuple[Finding, Diagnostic]] = field(default_factory=list)
    # For the fixer, computed when first wanted: every finding as `fix` sees them (None: the text
    # does not parse), whether a rewrite is planned, and the rewrites (None: all the file's).
    found: Optional[List[Finding]] = None
    found_known: bool = False
    plans: Dict[Optional[Finding], bool] = field(default_factory=dict)
    fixes: Dict[Optional[Finding], FileFix] = field(default_factory=dict)


def check_document(loaded: Loaded, text: str, version: Optional[int], path: Optional[str]) -> Checked:
    """The findings of ``text``, the buffer of ``path`` (None: of no file), under ``loaded``."""
    engine = loaded.engine
    filename = path or UNNAMED
    if engine is None:  # a broken configuration: nothing of it is applied
        return Checked(text, version, loaded, UNKNOWN, filename, (), (), frozenset())
    identity = identify(path, engine.registry.source_roots) if path else UNKNOWN
    analysis = analyse_text(engine, text, filename, identity)
    analysed = tuple(sorted(analysis.findings))
    shown = analysed
    if shown and loaded.baseline is not None:
        shown = tuple(unaccepted(loaded.baseline, filename, shown, split_lines(text)))
    modules = (analysis.dependencies or {}).get("modules")
    reads = frozenset(modules) if isinstance(modules, dict) else frozenset()
    return Checked(text, version, loaded, identity, filename, analysed, shown, reads)


def diagnose(checked: Checked, settings: Settings, encoding: str) -> None:
    """Turn the shown findings into diagnostics (``checked.diagnostics``): the range on the
    offending name in the client's units, the configured severity (at most a warning for an entry
    marked ``[warn]``), the code and its README link."""
    lines = Lines(checked.text)
    physical = split_lines(checked.text)
    engine = checked.loaded.engine
    checked.diagnostics = []
    for finding in checked.shown:
        (row, column), (end_row, end_column) = span_of(physical, finding)
        where = (lines.at(row, column, encoding), lines.at(end_row, end_column, encoding))
        code = BY_CODE.get(finding.code)
        severity = settings.severity(finding.code)
        if engine is not None and engine.registry.level_of(finding) == LEVEL_WARNING:
            severity = max(severity, WARNING)
        diagnostic = Diagnostic(
            where,
            severity,
            finding.text,
            finding.code,
            help_uri(code.anchor) if code is not None else None,
        )
        checked.diagnostics.append((finding, diagnostic))


def problem_diagnostic(problem: Problem, encoding: str) -> Diagnostic:
    """One problem of a configuration file, on its line (or the key's), naming key and value."""
    where = problem.where
    try:
        with open(where.file, "rb") as handle:
            lines = Lines(handle.read().decode("utf-8", "replace"))
    except OSError:
        lines = Lines("")
    if where.line:
        row = where.line - 1
    else:
        row = next(
            (number for number in range(len(lines.starts)) if lines.line(number).lstrip().startswith(where.key)), 0
        )
    text = lines.line(row)
    start = len(text) - len(text.lstrip())
    span = (lines.at(row, start, encoding), lines.at(row, len(text.rstrip()), encoding))
    return Diagnostic(span, ERROR, f"{where.key}: {problem.describe()}")
