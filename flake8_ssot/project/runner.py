"""Checking many files: the project-level pass, in this process or in a pool of workers, with the cache.

A run is a few *rounds* over the files.  The first round reads every file, scans its bytes for
the engine's anchors (:mod:`flake8_ssot.project.scan`) and decodes, parses and checks only the
files that hold one; files naming a token of the project's closure also report their bindings.
From those the parent computes the next closure (:mod:`flake8_ssot.project.reach`); a later round
looks again only at files naming a token the closure gained, until it gains none.  Files that
resolution may read but that are not being checked (the *universe*) take part in the closure
only.  The result is what checking every file with every rule would report: the prefilter only
ever rules out files that cannot hold a finding.

Workers receive paths and return :class:`~flake8_ssot.project.analyse.FileResult` objects
(findings, bindings and small facts, never syntax trees); each builds its engine from the pickled
plan once.  Results are sorted by path, so the output does not depend on ``-j``.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, Generator, Iterable, List, Optional, Sequence, Set, TextIO, Tuple

from flake8_ssot.checking.closure import Closure
from flake8_ssot.engine import Engine
from flake8_ssot.findings import Finding, internal_error
from flake8_ssot.location import ModuleIdentity, identify
from flake8_ssot.project import reach
from flake8_ssot.project.analyse import (
    NOT_ANALYSED,
    FileResult,
    Located,
    analyse_text,
    locate,
    not_analysed,
)
from flake8_ssot.project.cache import Cache, Manifest, code_digest, content_digest, manifest_key, stamp_of
from flake8_ssot.project.facts import Facts
from flake8_ssot.checking.tokens import Words, identifiers
from flake8_ssot.project.scan import byte_scan, plain
from flake8_ssot.project.source import Unreadable, decode, read_bytes, split_lines
from flake8_ssot.registry import Registry
from flake8_ssot.resolution import dependency_validator
from flake8_ssot.resolution.index import Validator

# Below this many files one process finishes sooner than starting workers would let it.
POOL_THRESHOLD = 200
# Seconds between two progress lines in a log (``--progress`` when stderr is not a terminal).
PROGRESS_INTERVAL = 10.0


@dataclass(frozen=True)
class Plan:
    """What every worker needs; picklable."""

    registry: Registry
    cache_dir: Optional[str]
    tool_digest: str
    want_findings: bool = True
    want_facts: bool = False
    prefilter: bool = True
    noqa: bool = True
    # Compute only the project's closure, over every file of the project (see project_closure).
    closure_only: bool = False
    every_directory: bool = False
    roots: Tuple[str, ...] = ()  # with closure_only: where the project's files are


def make_plan(
    registry: Registry,
    cache_dir: Optional[str],
    want_findings: bool = True,
    want_facts: bool = False,
    noqa: bool = True,
) -> Plan:
    tool = code_digest() if cache_dir else ""
    return Plan(registry, cache_dir, tool, want_findings, want_facts, True, noqa)


@dataclass(frozen=True)
class Round:
    """What one round looks for.  ``closure`` None: no cross-file rule to narrow.  ``new``: in a
    later round, the tokens the closure gained."""

    closure: Optional[Closure] = None
    new: Optional[FrozenSet[str]] = None
    new_packages: bool = False  # a later round where some carrier became a package


# How a file is looked at in a round: every file in the first; later, a file is looked at again
# when it names a token the closure gained (``IF_NEW``), or checked again because the closure
# now answers differently a question it asked (``AGAIN``).
FIRST, IF_NEW, AGAIN = "first", "if-new", "again"


def default_jobs(files: Optional[int] = None) -> int:
    """All cores; one process when there are too few ``files`` to be worth starting workers."""
    if files is not None and files < POOL_THRESHOLD:
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class Worker:
    """Looks at one file at a time for one plan, in the round it was last given."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.engine = Engine(plan.registry)
        self.packages: Dict[str, Tuple[str, ...]] = {}  # directory -> the package it is, for identify
        self.checking = True  # False: a file resolution may read, looked at for the closure only
        self.mode = FIRST
        self.new: Optional[FrozenSet[bytes]] = None
        self.use(Round())

    def use(
        self, round_: Round, checking: bool = True, mode: str = FIRST, new: Optional[FrozenSet[str]] = None
    ) -> None:
        """Look at the next files for ``round_`` (``new``: with ``IF_NEW``, the tokens to look for)."""
        self.checking = checking
        self.mode = mode
        self.new = None if new is None else frozenset(token.encode("ascii", "replace") for token in new)
        if getattr(self, "round", None) == round_:
            return
        self.round = round_
        closure = round_.closure
        self.round_engine = self.engine.with_closure(closure)
        static = self.round_engine.anchors() if self.plan.prefilter else None
        # Literals a text needs for some rule without the closure, and the closure's own tokens
        # (its names and carriers; legacy parameters too, which make a class's binding carry).
        self.static = None if static is None else byte_scan(static)
        self.tokens: FrozenSet[str] = frozenset()
        if closure is not None:
            self.tokens = closure.tokens() | closure.parameters
        self.words = Words(self.tokens)

    def check(self, path: str) -> FileResult:
        plan = self.plan
        result = FileResult(path)
        if plan.cache_dir:
            result.stamp = stamp_of(path)  # before reading: a later change shows in the next run
        try:
            data = read_bytes(path)
        except Unreadable as error:
            result.stamp = None
            if self.mode != FIRST or not self.checking:
                result.touched = False  # reported in the first round, and only for a checked file
                return result
            result.located = [Located(not_analysed(str(error)), "")]
            result.facts = Facts(None, (), ()) if plan.want_facts else None
            return result
        if plan.cache_dir:
            result.digest = content_digest(data)
        is_plain = plain(data)
        if self.mode == IF_NEW and not self._names_new(path, data, is_plain):
            result.touched = False
            return result
        want_facts = plan.want_facts and self.checking
        hits: Optional[FrozenSet[str]] = None
        if is_plain and plan.prefilter and not want_facts:
            hits = frozenset(self.words.in_bytes(data))
            if not hits and self.static is not None and not self.static.any_in(data) and not self._below_carrier(path):
                return result  # holds no anchor of any rule: cannot hold a finding
        identity = identify(path, plan.registry.source_roots, self.packages)
        result.identity = identity
        try:
            text = decode(data)
        except Unreadable as error:
            if self.checking:
                lines = split_lines(data.decode("utf-8", "replace"))
                source = lines[error.line - 1] if error.line <= len(lines) else ""
                result.located = [Located(not_analysed(str(error), error.line), source)]
            result.facts = Facts.empty(identity) if want_facts else None
            return result
        closure = self.round.closure
        want_edges = False
        present = None
        if closure is not None:
            # The closure's names, carriers and legacy parameters the file spells as whole words.
            found = hits if hits is not None else frozenset(self.words.in_text(text))
            present = found & closure.tokens()
            # A legacy parameter's name carries only in a class's own ``def __init__`` (what
            # ``edges_of`` reads): elsewhere (a variable, a call's keyword) it binds nothing.
            carrying = found if found != present and (not is_plain or _may_declare_init(data)) else present
            want_edges = closure.mentioned_in(text, carrying, path)
        analysis = analyse_text(
            self.round_engine,
            text,
            path,
            identity,
            plan.want_findings and self.checking,
            want_facts,
            plan.prefilter,
            plan.noqa,
            present,
            want_edges,
        )
        if plan.want_findings and self.checking:
            result.located = locate(analysis.findings, split_lines(text)) if analysis.findings else []
        elif want_facts:
            result.located = [
                item for item in locate(analysis.findings, split_lines(text)) if item.finding.code == NOT_ANALYSED
            ]
        result.facts = (analysis.facts or Facts.empty(identity)) if want_facts else None
        result.parsed = analysis.parsed
        result.dependencies = analysis.dependencies
        result.edges, result.missed, result.unmentioned = analysis.edges, analysis.missed, analysis.unmentioned
        result.referenced = analysis.referenced
        return result

    def _names_new(self, path: str, data: bytes, is_plain: bool) -> bool:
        """In a later round: does the file name a token the closure just gained?"""
        if not is_plain:
            return True  # decoded text may spell a token differently (NFKC): look again
        if self.round.new_packages and self._below_carrier(path):
            return True
        return self.new is not None and not self.new.isdisjoint(identifiers(data))

    def _below_carrier(self, path: str) -> bool:
        closure = self.round.closure
        return closure is not None and closure.below_package_carrier(path)


def _may_declare_init(data: bytes) -> bool:
    """Whether a plain ASCII file (see :func:`~flake8_ssot.project.scan.plain`) can hold a class
    statement with its own ``__init__``.  Other files are decoded and may spell an identifier in
    letters NFKC folds to these, so they are always looked at."""
    return b"__init__" in data and b"class" in data


def _finding_row(finding: Finding) -> List[Any]:
    return [finding.line, finding.col, finding.code, finding.text]


def _rows(located: Sequence[Located]) -> List[List[Any]]:
    return [[*_finding_row(item.finding), item.source, item.finding.entry] for item in located]


def _ref(entry: Any) -> Optional[str]:
    return None if entry is None else str(entry)


def _load_located(value: Any) -> Optional[List[Located]]:
    if not isinstance(value, list):
        return None
    try:
        return [
            Located(Finding(int(line), int(col), str(code), str(text), _ref(entry)), str(source))
            for line, col, code, text, source, entry in value
        ]
    except (TypeError, ValueError):
        return None


def _load_facts(value: Any) -> Tuple[Optional[Facts], List[Located]]:
    if not isinstance(value, dict):
        return None, []
    try:
        failures = _load_located(value["failures"])
        if failures is None:
            return None, []
        return Facts.from_json(value["facts"]), failures
    except (TypeError, ValueError, KeyError):
        return None, []


def _entry(result: FileResult) -> Optional[Dict[str, Any]]:
    """The manifest entry of a file's result (None: not to be kept, e.g. unreadable)."""
    if result.stamp is None or result.digest is None:
        return None
    entry: Dict[str, Any] = {"s": list(result.stamp), "h": result.digest}
    if result.identity is not None and (result.located or result.facts or result.analysed or result.referenced):
        # Only what was found depends on the module's name (a file ruled out by its bytes does not);
        # so do the entries its findings referred to, noqa comments or not.
        entry["i"] = [result.identity.name, result.identity.is_package]
    if result.located:
        entry["l"] = _rows(result.located)
    if result.facts is not None:
        entry["f"] = result.facts.to_json()
    if result.dependencies is not None:
        entry["d"] = result.dependencies
    if result.edges is not None:
        entry["e"] = result.edges.to_json()
    elif result.cached_edges is not None:
        entry["e"] = result.cached_edges
    if result.missed:
        entry["m"] = sorted(result.missed)
    if result.unmentioned:
        entry["u"] = True
    if result.referenced:
        entry["r"] = sorted(result.referenced)
    return entry


def _from_entry(path: str, entry: Dict[str, Any], want_facts: bool) -> Optional[FileResult]:
    """A file's result as the manifest kept it (None: malformed, or lacking what is wanted)."""
    try:
        result = FileResult(path, touched=False)
        result.stamp = (int(entry["s"][0]), int(entry["s"][1]))
        result.digest = str(entry["h"])
        located = _load_located(entry.get("l", []))
        if located is None:
            return None
        result.located = located
        if want_facts:
            if "f" not in entry:
                return None
            result.facts = Facts.from_json(entry["f"])
        if "i" in entry:
            name, is_package = entry["i"]
            result.identity = ModuleIdentity(None if name is None else str(name), bool(is_package))
        result.dependencies = entry.get("d")
        if "e" in entry:
            result.cached_edges = entry["e"]
        result.missed = frozenset(str(name) for name in entry.get("m", ()))
        result.unmentioned = bool(entry.get("u", False))
        result.referenced = frozenset(str(ref) for ref in entry.get("r", ()))
        return result
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None


_WORKER: Optional[Worker] = None
_WORKER_ERROR: Optional[str] = None


def _initialise(plan: Plan) -> None:
    """Never raises: a pool whose initializer fails would only ever break or respawn."""
    global _WORKER, _WORKER_ERROR
    try:
        _WORKER = Worker(plan)
    except Exception as error:  # noqa: BLE001 - reported per file instead
        _WORKER_ERROR = f"{type(error).__name__}: {error}"


def _check_many(round_: Round, chunk: "Chunk") -> List[FileResult]:
    if _WORKER is None:
        failure = internal_error("starting a worker process", RuntimeError(_WORKER_ERROR or "not initialised"))
        return [FileResult(path, [Located(failure, "")], touched=chunk.mode == FIRST) for path in chunk.paths]
    _WORKER.use(round_, chunk.checking, chunk.mode, chunk.new)
    return [_WORKER.check(path) for path in chunk.paths]


def _died(path: str) -> FileResult:
    failure = internal_error("checking this file", RuntimeError("the worker process checking it died"))
    return FileResult(path, [Located(failure, "")])


class Progress:
    """The progress of one stage of a run (``checking``, ``fixing``) over ``total`` files.

    On a terminal: one line rewritten in place (``flake8-ssot: checking 4000/10018 files``),
    cleared at the end.  With ``lines`` (``--progress``) on a stream that is not a terminal (a CI
    log): one line when the stage starts, one every ``interval`` seconds while it runs and one
    when it ends.  Otherwise nothing.  A run's later rounds (:meth:`again`) are counted on the
    same line: ``checking 10018/10018 files, round 2: 120/540``.  ``clock`` is for tests.
    """

    def __init__(
        self,
        total: int,
        stream: TextIO,
        label: str = "checking",
        lines: bool = False,
        interval: float = PROGRESS_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.stream = stream
        self.label = label
        self.interval = interval
        self.clock = clock
        self.done = 0
        self.round = 1
        self.again_done = self.again_total = 0
        terminal = _isatty(stream)
        self.enabled = total > 0 and terminal
        self.logging = total > 0 and lines and not terminal
        self._started = clock()
        self._shown = self._started if self.logging else float("-inf")  # a terminal shows the first step
        if self.logging:
            self._write(f"flake8-ssot: {label} {_files(total)}\n")

    def advance(self) -> None:
        """One more file done (in a later round: one more file looked at again)."""
        if self.round == 1:
            self.done += 1
        else:
            self.again_done += 1
        self._show()

    def again(self, count: int) -> None:
        """A later round starts, looking at ``count`` files again."""
        if count:
            self.round += 1
            self.again_done, self.again_total = 0, count

    def clear(self) -> None:
        """Before other output on the terminal: clear the counter (the next step shows it again)."""
        if self.enabled and self.done:
            self._write("\r\033[K")
            self._shown = float("-inf")

    def close(self) -> None:
        if self.enabled:
            self._write("\r\033[K")
        elif self.logging:
            self._write(f"flake8-ssot: {self._status()}, done in {self.clock() - self._started:.1f} s\n")

    def _show(self) -> None:
        if not (self.enabled or self.logging):
            return
        now = self.clock()
        if self.enabled:
            if now - self._shown >= 0.1 or (self.round == 1 and self.done == self.total):
                self._shown = now
                self._write(f"\rflake8-ssot: {self._status()}\033[K")
        elif now - self._shown >= self.interval:
            self._shown = now
            self._write(f"flake8-ssot: {self._status()}, {now - self._started:.0f} s\n")

    def _status(self) -> str:
        status = f"{self.label} {self.done}/{_files(self.total)}"
        if self.round > 1:
            status += f", round {self.round}: {self.again_done}/{self.again_total}"
        return status

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def check_files(
    paths: Sequence[str],
    plan: Plan,
    jobs: int,
    progress_stream: Optional[TextIO] = None,
    progress: Optional[Progress] = None,
) -> List[FileResult]:
    """Every file's result, sorted by path.  ``jobs`` workers (1: in this process).  ``progress``
    (over ``len(paths)`` files; else a counter on ``progress_stream``'s terminal) is closed here."""
    progress = progress or Progress(len(paths), progress_stream or sys.stderr)
    try:
        run = _Run(paths, plan, jobs, progress)
        results = run.results()
    finally:
        progress.close()
    if results:  # the cache statistics of the run, on its first result (for --verbose)
        results[0].cache_hits, results[0].cache_misses = run.hits, run.misses
    return results


@dataclass(frozen=True)
class Chunk:
    """Files looked at the same way in one round (see :data:`FIRST`); ``new``: with ``IF_NEW``,
    the tokens to look for."""

    checking: bool
    mode: str
    paths: List[str]
    new: Optional[FrozenSet[str]] = None


def project_closure(
    registry: Registry, roots: Sequence[str], cache_dir: Optional[str], every_directory: bool = True
) -> Optional[Closure]:
    """The closure of the project under ``roots`` (every file of it, whatever is checked), for a
    caller that checks files one at a time (the flake8 plugin).  Served from the cache while no
    file changed; None when no rule follows names into other files."""
    if not reach.needs_closure(registry):
        return None
    plan = Plan(
        registry,
        cache_dir,
        code_digest() if cache_dir else "",
        want_findings=False,
        closure_only=True,
        every_directory=every_directory,
        roots=tuple(os.path.abspath(root) for root in roots),
    )
    run = _Run([], plan, default_jobs(), Progress(0, sys.stderr))
    run.results()
    return run.closure


class _Run:
    """The rounds of one run over ``paths``, starting from what the cache kept."""

    def __init__(self, paths: Sequence[str], plan: Plan, jobs: int, progress: Progress) -> None:
        self.paths = list(paths)
        self._checked = frozenset(self.paths)
        cwd = os.getcwd()  # once: os.path.abspath asks for it again for every path
        self.absolute = {path: os.path.normpath(os.path.join(cwd, path)) for path in self.paths}
        self.plan = plan
        self.jobs = jobs
        self.progress = progress
        registry = plan.registry
        self.reach: Optional[reach.Reach] = None
        self.extra: List[str] = []  # files resolution may read that are not checked
        self.roots: Tuple[str, ...] = ()
        if (plan.want_findings or plan.closure_only) and plan.prefilter and reach.needs_closure(registry):
            roots = self.roots = reach.resolution_roots(registry, self.paths) if self.paths else plan.roots
            checked = set(self.absolute.values())
            universe = reach.universe(roots, plan.every_directory)
            self.extra = [path for path in universe if path not in checked]
            covered = reach.covered_modules(registry, [*checked, *self.extra], roots)
            self.reach = reach.Reach(registry, reach.seeds_for(registry, covered), frozenset(covered))
        self.cache = Cache(plan.cache_dir)
        key = manifest_key(
            plan.tool_digest,
            repr(registry),
            str(plan.noqa),
            str(plan.want_findings),
            str(plan.want_facts),
            str(plan.closure_only),
            repr(plan.roots),
        )
        self.manifest = self.cache.load(key) if self.cache.directory else Manifest(key)
        self.hits = self.misses = 0
        self.closure: Optional[Closure] = None

    def results(self) -> List[FileResult]:
        latest: Dict[str, FileResult] = {}  # every file's result from the last round that looked at it
        against: Dict[str, FrozenSet[str]] = {}  # the closure tokens each result was found with
        dirty = self._from_cache(latest, against)
        closure = None
        if self.reach is not None:
            stored = self._stored_closure() if not any(paths for _, paths in dirty) else None
            closure = stored if stored is not None else self.reach.closure()
        round_ = Round(closure)
        tokens = closure.tokens() if closure is not None else frozenset()
        work = [Chunk(checking, FIRST, paths) for checking, paths in dirty if paths]
        changed = bool(work)
        looked_at: Set[str] = set()
        while work:
            # Workers only when there is enough to look at: a warm run's few changed files, or a
            # later round's, are looked at sooner in this process than workers would start.
            total = sum(len(chunk.paths) for chunk in work)
            jobs = self.jobs if total >= min(POOL_THRESHOLD, len(self.paths) + len(self.extra)) else 1
            for result in _results(work, round_, self.plan, jobs):
                against[result.path] = tokens  # looked at, or found naming nothing new
                if round_.new is not None:
                    self.progress.advance()  # a file looked at again
                if not result.touched:
                    continue
                if result.edges is not None and result.identity is not None and self.reach is not None:
                    self.reach.learn(result.path, result.edges, result.identity)
                if result.path in self._checked:
                    if round_.new is None:
                        self.progress.advance()
                    looked_at.add(result.path)
                latest[result.path] = result
            if self.reach is None or round_.closure is None:
                break
            closure = self.reach.closure()
            new_packages = bool(closure.packages - round_.closure.packages)
            round_ = Round(closure, frozenset(closure.tokens() - tokens), new_packages)
            tokens = closure.tokens()
            work = self._next(latest, against, round_)
            self.progress.again(sum(len(chunk.paths) for chunk in work))
            changed = changed or bool(work)
        self.closure = round_.closure
        if self.cache.directory:
            self.misses = len(looked_at)
            self.hits = len(self.paths) - self.misses
            if changed or tokens != self.manifest.tokens:
                self._save(latest, tokens)
        return sorted((result for path, result in latest.items() if path in self._checked), key=lambda r: r.path)

    def _from_cache(
        self, latest: Dict[str, FileResult], against: Dict[str, FrozenSet[str]]
    ) -> List[Tuple[bool, List[str]]]:
        """Fill ``latest`` with every file the manifest still describes; the others, to look at."""
        dirty: List[Tuple[bool, List[str]]] = [(True, []), (False, [])]
        validator: Optional[Validator] = None
        packages: Dict[str, Tuple[str, ...]] = {}
        registry = self.plan.registry
        for checking, paths in ((True, self.paths), (False, self.extra)):
            for path in paths:
                result = None
                if self.cache.directory:
                    entry = self.manifest.entry(self._absolute(path), stamp_of(path))
                    if entry is not None:
                        result = _from_entry(path, entry, self.plan.want_facts and checking)
                if result is not None and result.identity is not None:
                    if identify(path, registry.source_roots, packages) != result.identity:
                        result = None  # a package gained or lost its __init__.py
                if result is not None and result.dependencies is not None:
                    validator = validator or dependency_validator()
                    if not validator.still_valid(result.dependencies):
                        result = None  # a module its resolution read has changed
                if result is None:
                    dirty[0 if checking else 1][1].append(path)
                    continue
                if checking:
                    self.progress.advance()
                latest[path] = result
                against[path] = self.manifest.tokens
                if result.cached_edges is not None and result.identity is not None and self.reach is not None:
                    self.reach.learn(path, result.cached_edges, result.identity)
        return dirty

    def _absolute(self, path: str) -> str:
        """A checked file's absolute path (the others are absolute already)."""
        return self.absolute.get(path, path)

    def _stored_closure(self) -> Optional[Closure]:
        """The closure the manifest kept, when nothing it was computed from changed."""
        if self.manifest.closure is None:
            return None
        try:
            return Closure.from_json(self.manifest.closure)
        except (KeyError, TypeError, ValueError):
            return None

    def _save(self, latest: Dict[str, FileResult], tokens: FrozenSet[str]) -> None:
        files: Dict[str, Any] = {}
        for path, result in latest.items():
            entry = _entry(result)
            if entry is not None:
                files[self._absolute(path)] = entry
        closure = None if self.closure is None else self.closure.to_json()
        self.cache.save(Manifest(self.manifest.key, files, tokens, closure=closure))

    def _next(self, latest: Dict[str, FileResult], against: Dict[str, FrozenSet[str]], round_: Round) -> List[Chunk]:
        """Which files the next round looks at, and how: each file against the tokens the closure
        gained since that file was last looked at."""
        current = round_.closure.tokens() if round_.closure is not None else frozenset()
        gained: Dict[int, FrozenSet[str]] = {}
        groups: Dict[Tuple[bool, str, Optional[FrozenSet[str]]], List[str]] = {}
        for checking, paths in ((True, self.paths), (False, self.extra)):
            for path in paths:
                base = against.get(path, frozenset())
                new = gained.get(id(base))
                if new is None:
                    new = gained[id(base)] = frozenset(current - base)
                if not new and not round_.new_packages:
                    continue
                found = latest.get(path)
                mode: Optional[str] = None
                if found is not None and found.analysed:  # parsed (now or when cached)
                    if not found.missed.isdisjoint(new):
                        mode = AGAIN
                    elif found.unmentioned or round_.new_packages:
                        mode = IF_NEW
                elif found is None or not found.located:
                    mode = IF_NEW  # not parsed: it may name a new token
                if mode is not None:
                    groups.setdefault((checking, mode, new if mode == IF_NEW else None), []).append(path)
        return [Chunk(checking, mode, paths, new) for (checking, mode, new), paths in groups.items()]


def _results(work: Sequence[Chunk], round_: Round, plan: Plan, jobs: int) -> Iterable[FileResult]:
    total = sum(len(chunk.paths) for chunk in work)
    if jobs <= 1 or total <= 1:
        worker = Worker(plan)
        for chunk in work:
            worker.use(round_, chunk.checking, chunk.mode, chunk.new)
            check: Callable[[str], FileResult] = worker.check
            for path in chunk.paths:
                yield check(path)
        return
    Engine(plan.registry)  # fail here, cleanly, if the registry cannot make an engine at all
    jobs = min(jobs, total)
    size = max(1, min(32, total // (jobs * 8)))
    chunks = [
        Chunk(chunk.checking, chunk.mode, chunk.paths[start : start + size], chunk.new)
        for chunk in work
        for start in range(0, len(chunk.paths), size)
    ]
    retry = yield from _pool_round(chunks, round_, plan, jobs)
    while retry:
        # A worker died (a crash or a kill, not an exception: those are findings).  Every file of
        # the broken round is checked again, one at a time in one worker, so that the file that
        # kills it is found and reported, and the others are still checked.
        pending = retry
        retry = []
        unchecked = yield from _pool_round(pending, round_, plan, 1)
        if unchecked:
            dead = unchecked[0]
            if dead.checking:
                yield _died(dead.paths[0])  # the one file that was running when the worker died
            retry = unchecked[1:]


def _pool_round(
    chunks: Sequence[Chunk], round_: Round, plan: Plan, jobs: int
) -> Generator[FileResult, None, List[Chunk]]:
    """Run ``chunks`` in a fresh pool; the files left unchecked when the pool broke, one per
    chunk, in order."""
    # Imported here: a run in one process (small projects, warm caches) never loads them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    broken: List[int] = []
    context = multiprocessing.get_context()
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_initialise, initargs=(plan,)) as pool:
        futures = {pool.submit(_check_many, round_, chunk): index for index, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            try:
                results = future.result()
            except BrokenProcessPool:
                broken.append(futures[future])
                continue
            yield from results
    return [
        Chunk(chunks[index].checking, chunks[index].mode, [path], chunks[index].new)
        for index in sorted(broken)
        for path in chunks[index].paths
    ]
