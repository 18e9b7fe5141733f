"""``flake8-ssot fix``: the command around :mod:`flake8_ssot.fix`.

The files are found, configured and checked exactly as for ``check`` (same discovery, cache and
workers); only files with a finding the fixer may rewrite are read again and handed to
:func:`~flake8_ssot.fix.fix_text`.  A file is written only when its text changed, through a
temporary file in its own directory, keeping its encoding (BOM, coding cookie), line endings and
permissions.

Exit codes: with ``--diff``, 1 when there is something to change, else 0; in place, 1 when
findings that need a person remain, else 0; 2 for usage, configuration, LibCST or write errors.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import stat
import sys
import tokenize
from typing import Callable, List, Sequence, TextIO

from flake8_ssot.cli.fix_workers import Job, Setup, fix_files
from flake8_ssot.cli.selection import Selection
from flake8_ssot.project.analyse import FileResult
from flake8_ssot.project.atomic import write_atomically
from flake8_ssot.project.paths import Shown
from flake8_ssot.project.runner import Progress, default_jobs
from flake8_ssot.project.source import Unreadable, decode, read_bytes
from flake8_ssot.project.settings import Project
from flake8_ssot.codes import CODES, FILE_NOT_ANALYSED
from flake8_ssot.fix import INSTALL_HINT, FileFix, Manual, libcst_available
from flake8_ssot.fix.core import MANUAL_BY_CODE
from flake8_ssot.fix.plan import FIXABLE_CODES
from flake8_ssot.fix.summary import Totals, describe, unified_diff

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

Results = Callable[[argparse.Namespace, Project, Sequence[str], bool, bool], List[FileResult]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--diff",
        action="store_true",
        help="print a unified diff of the changes instead of writing them; exit 1 when there is one",
    )


def run(
    options: argparse.Namespace, project: Project, files: Sequence[str], results_of: Results, chosen: Selection
) -> int:
    """Fix ``files``.  ``results_of`` is the command's checker (findings per file, cached, in parallel,
    only those ``check`` reports); only findings ``chosen`` selects and no ``noqa`` comment drops are
    fixed, as only those are reported.  The files are fixed in worker processes
    (:mod:`~flake8_ssot.cli.fix_workers`), and reported and written in path order."""
    if not libcst_available():
        sys.stderr.write(f"flake8-ssot: error: {INSTALL_HINT}\n")
        return EXIT_ERROR
    results = [result for result in results_of(options, project, files, True, False) if result.located]
    jobs = [
        Job(result.path, frozenset(code.code for code in CODES if chosen.reports(result.path, code.code)))
        for result in results
        if _fixable(result)
    ]
    progress = Progress(len(jobs), sys.stderr, "fixing", lines=options.progress)
    setup = Setup(project.registry, noqa=not options.disable_noqa)
    outcomes = fix_files(jobs, setup, options.jobs or default_jobs(), progress)
    shown = Shown(project.root)
    report: TextIO = sys.stderr if options.diff else sys.stdout
    totals = Totals()
    failed_writes = 0
    changed = False
    for result in results:
        outcome = next(outcomes) if _fixable(result) else _unfixable(result)
        if outcome.changed:
            changed = True
            if options.diff:
                progress.clear()
                sys.stdout.write(unified_diff(outcome, _label(shown(outcome.path))))
                sys.stdout.flush()
            else:
                try:
                    write_preserving(outcome.path, outcome.original, outcome.text)
                except (OSError, UnicodeEncodeError, Unreadable) as error:
                    failed_writes += 1
                    outcome = FileFix(
                        outcome.path,
                        outcome.original,
                        outcome.original,
                        manual=outcome.manual,
                        error=f"cannot write it ({_reason(error)})",
                    )
        totals.add(outcome)
        lines = describe(dataclasses.replace(outcome, path=shown(outcome.path)), written=not options.diff)
        if lines:
            progress.clear()
            report.write("".join(line + "\n" for line in lines))
            report.flush()
    for _ in outcomes:  # every outcome was taken: this counts the last step and closes the progress
        pass
    report.write(totals.sentence(diff=options.diff) + "\n")
    sys.stdout.flush()
    if failed_writes:
        return EXIT_ERROR
    if options.diff:
        return EXIT_FINDINGS if changed else EXIT_CLEAN
    return EXIT_FINDINGS if totals.manual or totals.refused else EXIT_CLEAN


def _fixable(result: FileResult) -> bool:
    """Does the file hold a finding the fixer may rewrite (and was it analysed)?"""
    codes = {item.finding.code for item in result.located}
    return bool(codes & FIXABLE_CODES) and FILE_NOT_ANALYSED not in codes


def _unfixable(result: FileResult) -> FileFix:
    manual = []
    for item in result.located:
        reason = MANUAL_BY_CODE.get(item.finding.code, "not in a form the fixer rewrites; edit it by hand")
        if item.finding.code == FILE_NOT_ANALYSED:
            reason = "the file could not be analysed, so nothing in it was fixed"
        manual.append(Manual(item.finding, reason))
    return FileFix(result.path, "", "", manual=tuple(manual))


def _label(shown: str) -> str:
    """A diff header's path: the path as shown, without a leading ``./``."""
    return shown if os.path.isabs(shown) else os.path.normpath(shown).replace(os.sep, "/")


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


def encoding_of(data: bytes) -> str:
    """The encoding Python read ``data`` with (``utf-8-sig`` keeps a BOM when writing back)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return "utf-8"
    return encoding


def write_preserving(path: str, original: str, text: str) -> None:
    """Replace ``path``'s content with ``text`` in the file's own encoding, atomically.

    The file is re-read first: if it no longer holds ``original`` (edited meanwhile), nothing is
    written.  A symlink is followed, so the link stays a link.  Permissions are kept.
    """
    target = os.path.realpath(path)
    data = read_bytes(target) if os.path.exists(target) else b""
    if decode(data) != original:
        raise OSError(0, "it changed while being fixed")
    encoded = text.encode(encoding_of(data))
    mode = stat.S_IMODE(os.stat(target).st_mode)
    write_atomically(target, encoded, mode=mode, prefix=".flake8-ssot-fix-")
