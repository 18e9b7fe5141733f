"""``flake8-ssot``: argument parsing, the commands, and exit codes.

Exit codes: 0 nothing to report, 1 findings (or duplicates), 2 usage, configuration or I/O error.
Errors are one clean message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import sys
from typing import Dict, List, Optional, Sequence, Set, TextIO, Tuple

from flake8_ssot import __version__
from flake8_ssot.project import baseline as baselines
from flake8_ssot.cli import fixing, migrate, selection, serving
from flake8_ssot.project import duplicates, suggest
from flake8_ssot.project.analyse import FileResult, Located
from flake8_ssot.project.cache import Cache, code_digest
from flake8_ssot.cli.discovery import discover, load_file_options
from flake8_ssot.cli.selection import Selection, load_selection
from flake8_ssot.project.formats import FORMATS, Writer, writers
from flake8_ssot.project.registry_check import References, check_registry
from flake8_ssot.project.reach import resolution_roots
from flake8_ssot.project.report import Reported, assemble
from flake8_ssot.project.paths import Shown
from flake8_ssot.project.settings import Project, load_project
from flake8_ssot.project.runner import PROGRESS_INTERVAL, Progress, check_files, default_jobs, make_plan
from flake8_ssot.config import ConfigError, ConfigRequest
from flake8_ssot.config.problems import display_path
from flake8_ssot.codes import ERROR, PREFIX, WARNING

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
COMMANDS = ("check", "duplicates", "baseline", "fix", "migrate", "server")


class UsageError(Exception):
    """A problem with the command line or the files it names; the message is shown as is."""


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value!r}")
    return number


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("paths", nargs="*", metavar="PATH", help="files and directories (default: .)")
    group = common.add_argument_group("configuration (as in flake8)")
    group.add_argument("--config", metavar="FILE", help="the INI file to read instead of discovering one")
    group.add_argument("--append-config", metavar="FILE", action="append", default=[], help="an extra INI file")
    group.add_argument("--isolated", action="store_true", help="read no configuration file")
    group.add_argument("--exclude", metavar="PATTERNS", help="comma-separated globs replacing the configured exclude")
    group.add_argument(
        "--extend-exclude", metavar="PATTERNS", action="append", default=[], help="comma-separated globs to exclude too"
    )  # read by flake8's own option parser, like --exclude: a second flag replaces the first
    run = common.add_argument_group("running")
    run.add_argument("-j", "--jobs", type=_positive, metavar="N", help="worker processes (default: all cores)")
    run.add_argument("--no-cache", action="store_true", help="neither read nor write .flake8-ssot-cache/")
    run.add_argument("-v", "--verbose", action="store_true", help="statistics (files, cache hits) on stderr")
    run.add_argument(
        "--progress",
        action="store_true",
        help="progress on stderr even when it is not a terminal: a line every "
        f"{PROGRESS_INTERVAL:.0f} seconds (for CI logs)",
    )
    run.add_argument("--disable-noqa", action="store_true", help="report findings on '# noqa' lines too (as flake8)")

    parser = argparse.ArgumentParser(
        prog="flake8-ssot",
        description="Check a whole project against its single-source-of-truth registry. "
        "The command defaults to 'check': 'flake8-ssot src' is 'flake8-ssot check src'.",
    )
    parser.add_argument("--version", action="version", version=f"flake8-ssot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", parents=[common], help="report findings (the default)")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    check.add_argument("--output-file", metavar="FILE", help="write the report to FILE (overwritten), not stdout")
    check.add_argument("--baseline", metavar="FILE", help="report only findings not in this baseline file")
    check.add_argument("--no-baseline", action="store_true", help="ignore the configured ssot-baseline")
    _add_fail_on_warnings(check, "exit 1 for findings of entries marked [warn] too")
    selection.add_arguments(check)

    dupes = commands.add_parser("duplicates", parents=[common], help="class names defined in several modules")
    dupes.add_argument("--include-tests", action="store_true", help="count definitions in test files too")
    dupes.add_argument("--suggest", action="store_true", help="print a ready-to-paste ssot-canonical-classes block")
    dupes.add_argument(
        "--top", type=_positive, metavar="N", help="only the N most widespread names (with --suggest: best supported)"
    )

    base = commands.add_parser("baseline", parents=[common], help="record the current findings as accepted")
    base.add_argument(
        "--output",
        metavar="FILE",
        help=f"baseline file (default: the configured ssot-baseline, else {baselines.DEFAULT_NAME})",
    )
    _add_fail_on_warnings(base, "record findings of entries marked [warn] too, as check then fails on them")
    selection.add_arguments(base)

    fixer = commands.add_parser("fix", parents=[common], help="rewrite legacy references to their replacements")
    fixing.add_arguments(fixer)
    selection.add_arguments(fixer)

    migrating = commands.add_parser(
        "migrate",
        help="print the registry equivalent to flake8-tidy-imports' banned-modules or Ruff's banned-api",
        description="Print the flake8-ssot registry equivalent to the ban lists of flake8-tidy-imports "
        "(banned-modules) and Ruff (flake8-tidy-imports banned-api). Exit codes: 0 every ban translated, "
        "1 some could not be (named on stderr), 2 usage or read error, or no ban list found.",
    )
    migrate.add_arguments(migrating)

    lsp = commands.add_parser("server", help="run the language server for editors (LSP over stdio)")
    serving.add_arguments(lsp)
    return parser


def _add_fail_on_warnings(parser: argparse.ArgumentParser, meaning: str) -> None:
    parser.add_argument(
        "--fail-on-warnings",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"{meaning} (default: the configured ssot-fail-on-warnings, else no)",
    )


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    arguments = list(argv)
    if not arguments or (arguments[0] not in COMMANDS and arguments[0] not in ("-h", "--help", "--version")):
        arguments.insert(0, "check")
    return build_parser().parse_args(arguments)


def main(argv: Optional[Sequence[str]] = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # A character the terminal's encoding lacks (a reason in the configuration, a file name)
        # is printed escaped, never a traceback.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    options = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        if options.command == "server":
            return serving.run(options)
        return _run(options)
    except (UsageError, baselines.BaselineError) as error:
        _error(str(error))
    except ConfigError as error:
        sys.stderr.write(error.report() + "\n")
    except OSError as error:
        _error(f"{error.filename or ''}: {error.strerror or error}".lstrip(": "))
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except Exception as error:  # noqa: BLE001 - a bug must still end in one message, not a traceback
        _error(f"internal error: {type(error).__name__}: {error}; please report this")
    return EXIT_ERROR


def _error(message: str) -> None:
    sys.stderr.write(f"flake8-ssot: error: {message}\n")


def _run(options: argparse.Namespace) -> int:
    if options.command == "migrate":
        return migrate.run(options)  # reads the peers' configuration, not the registry
    request = ConfigRequest.from_options(options)
    project = load_project(request)
    chosen = None if options.command == "duplicates" else load_selection(request, options)
    patterns = load_file_options(request, options)
    missing = [path for path in options.paths if not os.path.lexists(path)]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    files = discover(options.paths, patterns.exclude, patterns.filename)
    if options.command == "duplicates":
        return _duplicates(options, project, files)
    assert chosen is not None
    if chosen.reports_nothing:
        sys.stderr.write(
            f"flake8-ssot: note: flake8's selection reports no {PREFIX} code ({chosen.describe()}), so nothing "
            f"is reported; add {PREFIX} to 'select' or 'extend-select'\n"
        )
    if options.command == "baseline":
        return _baseline(options, project, files, chosen)
    if options.command == "fix":
        return fixing.run(options, project, files, functools.partial(_results, chosen=chosen), chosen)
    return _check(options, project, files, chosen)


def _results(
    options: argparse.Namespace,
    project: Project,
    files: Sequence[str],
    findings: bool,
    facts: bool,
    chosen: Optional[Selection] = None,
    references: Optional[References] = None,
) -> List[FileResult]:
    """Every file's result; with ``chosen``, only the findings flake8's selection reports.
    ``references``, when given, receives what every file refers to, before the selection."""
    cache_dir = None if options.no_cache else Cache.in_project(project.root).directory
    plan = make_plan(project.registry, cache_dir, findings, facts, noqa=not options.disable_noqa)
    jobs = options.jobs or default_jobs(len(files))
    progress = Progress(len(files), sys.stderr, "checking", lines=options.progress)
    results = check_files(files, plan, jobs, progress=progress)
    if references is not None:
        for result in results:
            references.add(result)
    if chosen is not None:
        for result in results:
            result.located = [item for item in result.located if chosen.reports(result.path, item.finding.code)]
    if options.verbose:
        parsed = sum(result.parsed for result in results)
        hits = sum(result.cache_hits for result in results)
        misses = sum(result.cache_misses for result in results)
        sys.stderr.write(
            f"flake8-ssot: files={len(results)} parsed={parsed} cache-hits={hits} cache-misses={misses} "
            f"jobs={jobs} cache={'off' if cache_dir is None else cache_dir}\n"
        )
    return results


def _located(
    project: Project, results: Sequence[FileResult], chosen: Selection
) -> List[Tuple[str, List[Located]]]:
    """Each file's findings, SOT303 added when configured and selected, sorted per file."""
    extra: Dict[str, List[Located]] = {}
    if project.registry.report_duplicates:
        facts = [(result.path, result.facts) for result in results if result.facts is not None]
        groups = duplicates.find_groups(facts, project.registry, project.root, include_tests=False)
        extra = duplicates.duplicate_findings(groups)
    combined = []
    for result in results:
        located = result.located + [
            item for item in extra.get(result.path, []) if chosen.reports(result.path, item.finding.code)
        ]
        if located:
            combined.append((result.path, sorted(located, key=lambda item: item.finding)))
    return combined


def _project_path(paths: Sequence[str], root: str) -> Optional[str]:
    """The checked directory that holds the project's root (the configuration file's directory),
    as given on the command line; None when the run checks only part of the project."""
    for path in paths or ["."]:
        absolute = os.path.abspath(path)
        if os.path.isdir(path) and (root == absolute or root.startswith(absolute.rstrip(os.sep) + os.sep)):
            return path
    return None


def _registry_findings(
    options: argparse.Namespace,
    project: Project,
    files: Sequence[str],
    chosen: Selection,
    references: References,
) -> Tuple[List[Tuple[str, List[Located]]], List[str]]:
    """The registry checked against the project (SOT401 to SOT406), and the configuration files
    checked, each shown as discovery shows a file below the checked directory holding it; nothing
    when the run checks only part of the project, which cannot tell."""
    registry = project.registry
    checked = _project_path(options.paths, project.root)
    if checked is None or registry.is_empty:
        return [], []

    def shown(file: str) -> str:
        relative = os.path.relpath(file, os.path.abspath(checked))
        # Outside the checked directory: absolute, placed as the report places any file.
        return file if relative.startswith(os.pardir) else os.path.join(checked, relative)

    roots = registry.source_roots or tuple(dict.fromkeys([*resolution_roots(registry, files), project.root]))
    found = []
    store = None if options.no_cache else Cache.in_project(project.root).directory
    for file, located in check_registry(registry, roots, references, store, code_digest() if store else "").items():
        kept = [item for item in located if chosen.reports(shown(file), item.finding.code)]
        if kept:
            found.append((shown(file), kept))
    configuration = sorted({shown(entry.origin.file) for entry in registry.entries() if entry.origin is not None})
    return found, configuration


def _fails_on(options: argparse.Namespace, project: Project) -> Set[str]:
    """The levels that make ``check`` exit 1 (and that ``baseline`` records)."""
    fail_on_warnings = options.fail_on_warnings
    if fail_on_warnings is None:
        fail_on_warnings = project.registry.fail_on_warnings
    return {ERROR, WARNING} if fail_on_warnings else {ERROR}


def _check(options: argparse.Namespace, project: Project, files: Sequence[str], chosen: Selection) -> int:
    baseline_path = options.baseline or (None if options.no_baseline else project.registry.baseline)
    baseline = baselines.Baseline.load(baseline_path, project.root) if baseline_path else None
    writer = writers()[options.format]
    references = References()
    results = _results(options, project, files, True, project.registry.report_duplicates, chosen, references)
    registry_found, configuration = _registry_findings(options, project, files, chosen, references)
    report = assemble(
        _located(project, results, chosen) + registry_found, project.root, baseline, project.registry.level_of
    )
    _write(options.output_file, writer, report.items)
    if baseline is not None:
        _baseline_summary(baseline, report.matched, report.suppressed, results, options.paths, configuration)
    fails = _fails_on(options, project)
    return EXIT_FINDINGS if any(item.level in fails for item in report.items) else EXIT_CLEAN


def _write(output_file: Optional[str], writer: Writer, reported: Sequence[Reported]) -> None:
    if output_file is None:
        writer(reported, sys.stdout)
        sys.stdout.flush()
        return
    with open(output_file, "w", encoding="utf-8", newline="\n") as stream:
        writer(reported, stream)


def _baseline_summary(
    baseline: baselines.Baseline,
    matched: Set[baselines.Fingerprint],
    suppressed: int,
    results: Sequence[FileResult],
    paths: Sequence[str],
    configuration: Sequence[str] = (),
) -> None:
    checked = {baseline.key(path) for path in [*(result.path for result in results), *configuration]}
    gone = baselines.stale(baseline, matched, checked, [os.path.abspath(path) for path in (paths or ["."])])
    err = sys.stderr
    plural = "s" if suppressed != 1 else ""
    err.write(f"flake8-ssot: {suppressed} finding{plural} accepted by baseline {display_path(baseline.path)}\n")
    if gone:
        err.write(
            f"flake8-ssot: {len(gone)} baseline entr{'ies' if len(gone) != 1 else 'y'} no longer occur; "
            "run 'flake8-ssot baseline' to drop them:\n"
        )
        for fingerprint in gone:
            # A whole-file entry (SOT900, SOT901) has no line text: its message says what it was.
            what = fingerprint.source or baseline.entries[fingerprint]
            err.write(f"  {fingerprint.path}: {fingerprint.code} {what}\n")


def _baseline(options: argparse.Namespace, project: Project, files: Sequence[str], chosen: Selection) -> int:
    output = options.output or project.registry.baseline or os.path.join(project.root, baselines.DEFAULT_NAME)
    references = References()
    results = _results(options, project, files, True, project.registry.report_duplicates, chosen, references)
    keys = baselines.Baseline(output, {}, project.root)
    fails = _fails_on(options, project)
    entries: List[Tuple[baselines.Fingerprint, str]] = []
    registry_found, _ = _registry_findings(options, project, files, chosen, references)
    for path, located in _located(project, results, chosen) + registry_found:
        prints = baselines.fingerprints(keys.key(path), [(item.finding, item.source) for item in located])
        entries.extend(
            (fingerprint, item.finding.text)
            for item, fingerprint in zip(located, prints)
            # a warning check does not fail on, or a note: nothing to accept
            if project.registry.level_of(item.finding) in fails
        )
    count = baselines.save(output, entries)
    sys.stderr.write(f"flake8-ssot: wrote {count} finding{'s' if count != 1 else ''} to {display_path(output)}\n")
    return EXIT_CLEAN


def _duplicates(options: argparse.Namespace, project: Project, files: Sequence[str]) -> int:
    results = _results(options, project, files, False, True)
    shown = Shown(project.root)
    for result in results:
        for item in result.located:
            finding = item.finding
            sys.stderr.write(f"{shown(result.path)}:{finding.line}:{finding.col + 1}: {finding.message}\n")
    facts = [(result.path, result.facts) for result in results if result.facts is not None]
    out: TextIO = sys.stdout
    if options.suggest:
        proposals = suggest.propose(facts, project.registry, project.root, options.include_tests)
        out.write(suggest.render(proposals, options.top))
        return EXIT_CLEAN
    groups = duplicates.find_groups(facts, project.registry, project.root, options.include_tests)
    listed = [
        dataclasses.replace(
            group, definitions=tuple(dataclasses.replace(d, path=shown(d.path)) for d in group.definitions)
        )
        for group in groups[: options.top]
    ]
    out.write(duplicates.describe(listed, project.root))
    return EXIT_FINDINGS if groups else EXIT_CLEAN
