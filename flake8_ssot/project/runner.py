"""Checking many files: in this process or in a pool of workers, with the cache.

Workers receive paths and return :class:`~flake8_ssot.project.analyse.FileResult` objects (findings
and small facts only, never syntax trees).  Each worker builds its own engine from the pickled
registry once.  Results are returned sorted by path, so the output does not depend on ``-j``.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable, Dict, Generator, Iterable, List, Optional, Sequence, TextIO, Tuple

from flake8_ssot.project.analyse import (
    FileResult,
    NOT_ANALYSED,
    Located,
    analyse_text,
    locate,
    not_analysed,
)
from flake8_ssot.project.source import Unreadable, decode, read_bytes, split_lines
from flake8_ssot.project.cache import Cache, code_digest, entry_key
from flake8_ssot.project.facts import Facts
from flake8_ssot.engine import Engine
from flake8_ssot.findings import internal_error
from flake8_ssot.findings import Finding
from flake8_ssot.location import ModuleIdentity, identify
from flake8_ssot.registry import Registry
from flake8_ssot.resolution import dependency_validator
from flake8_ssot.resolution.index import Validator


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


def make_plan(
    registry: Registry,
    cache_dir: Optional[str],
    want_findings: bool = True,
    want_facts: bool = False,
    noqa: bool = True,
) -> Plan:
    tool = code_digest() if cache_dir else ""
    return Plan(registry, cache_dir, tool, want_findings, want_facts, True, noqa)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class Worker:
    """Checks one file at a time for one plan."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.engine = Engine(plan.registry)
        self.cache = Cache(plan.cache_dir)
        self.packages: Dict[str, Tuple[str, ...]] = {}  # directory -> the package it is, for identify
        salt = f"{plan.tool_digest}\0{plan.registry!r}\0{plan.noqa}"
        self.findings_salt = hashlib.sha256(salt.encode()).hexdigest()
        self.facts_salt = f"{plan.tool_digest}\0{plan.noqa}"
        self._validator: Optional[Validator] = None

    def _still_valid(self, dependencies: Any) -> bool:
        """A cached result that read other modules is valid while they are unchanged."""
        if dependencies is None:
            return True
        if self._validator is None:
            self._validator = dependency_validator()
            if self._validator is None:
                return False
        return self._validator.still_valid(dependencies)

    def check(self, path: str) -> FileResult:
        plan = self.plan
        result = FileResult(path)
        try:
            data = read_bytes(path)
        except Unreadable as error:
            result.located = [Located(not_analysed(str(error)), "")]
            result.facts = Facts(None, (), ()) if plan.want_facts else None
            return result
        identity = identify(path, plan.registry.source_roots, self.packages)
        findings_key = facts_key = ""  # no cache (--no-cache): nothing to hash
        if self.cache.directory:
            data_digest = hashlib.sha256(data).hexdigest()
            findings_key = entry_key(self.findings_salt, "findings", data_digest, repr(identity))
            facts_key = entry_key(self.facts_salt, "facts", data_digest, repr(identity))
        located = self._load_findings(self.cache.get(findings_key)) if plan.want_findings else []
        facts, failures = _load_facts(self.cache.get(facts_key)) if plan.want_facts else (None, [])
        need_findings = located is None
        need_facts = plan.want_facts and facts is None
        if self.cache.directory:
            result.cache_hits, result.cache_misses = (0, 1) if need_findings or need_facts else (1, 0)
        if need_findings or need_facts:
            fresh, fresh_facts, result.parsed, dependencies = self._analyse(
                data, path, identity, need_findings, need_facts
            )
            if need_findings:
                located = fresh
                self.cache.put(findings_key, {"located": _rows(fresh), "dependencies": dependencies})
            if need_facts:
                facts = fresh_facts
                failures = [item for item in fresh if item.finding.code == NOT_ANALYSED]
                self.cache.put(facts_key, {"facts": facts.to_json(), "failures": _rows(failures)})
        result.located = located if plan.want_findings and located is not None else failures
        result.facts = facts
        return result

    def _load_findings(self, value: Any) -> Optional[List[Located]]:
        """A cached file's findings, or None when there are none or they may be out of date."""
        if not isinstance(value, dict) or not self._still_valid(value.get("dependencies")):
            return None
        return _load_located(value.get("located"))

    def _analyse(
        self, data: bytes, path: str, identity: ModuleIdentity, want_findings: bool, want_facts: bool
    ) -> Tuple[List[Located], Facts, bool, Optional[Dict[str, object]]]:
        try:
            text = decode(data)
        except Unreadable as error:
            lines = split_lines(data.decode("utf-8", "replace"))
            source = lines[error.line - 1] if error.line <= len(lines) else ""
            return [Located(not_analysed(str(error), error.line), source)], Facts.empty(identity), False, None
        plan = self.plan
        analysis = analyse_text(self.engine, text, path, identity, want_findings, want_facts, plan.prefilter, plan.noqa)
        located = locate(analysis.findings, split_lines(text)) if analysis.findings else []
        return located, analysis.facts or Facts.empty(identity), analysis.parsed, analysis.dependencies


def _finding_row(finding: Finding) -> List[Any]:
    return [finding.line, finding.col, finding.code, finding.text]


def _rows(located: Sequence[Located]) -> List[List[Any]]:
    return [[*_finding_row(item.finding), item.source] for item in located]


def _load_located(value: Any) -> Optional[List[Located]]:
    if not isinstance(value, list):
        return None
    try:
        return [
            Located(Finding(int(line), int(col), str(code), str(text)), str(source))
            for line, col, code, text, source in value
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


_WORKER: Optional[Worker] = None
_WORKER_ERROR: Optional[str] = None


def _initialise(plan: Plan) -> None:
    """Never raises: a pool whose initializer fails would only ever break or respawn."""
    global _WORKER, _WORKER_ERROR
    try:
        _WORKER = Worker(plan)
    except Exception as error:  # noqa: BLE001 - reported per file instead
        _WORKER_ERROR = f"{type(error).__name__}: {error}"


def _check_many(paths: Sequence[str]) -> List[FileResult]:
    if _WORKER is None:
        failure = internal_error("starting a worker process", RuntimeError(_WORKER_ERROR or "not initialised"))
        return [FileResult(path, [Located(failure, "")]) for path in paths]
    return [_WORKER.check(path) for path in paths]


def _died(path: str) -> FileResult:
    failure = internal_error("checking this file", RuntimeError("the worker process checking it died"))
    return FileResult(path, [Located(failure, "")])


class Progress:
    """A one-line counter on a terminal; silent when the stream is not a TTY."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.enabled = total > 0 and _isatty(stream)
        self.done = 0
        self._shown = 0.0

    def advance(self) -> None:
        self.done += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._shown >= 0.1 or self.done == self.total:
            self._shown = now
            self.stream.write(f"\rflake8-ssot: {self.done}/{self.total} files")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()


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
) -> List[FileResult]:
    """Every file's result, sorted by path.  ``jobs`` workers (1: in this process)."""
    progress = Progress(len(paths), progress_stream or sys.stderr)
    results: List[FileResult] = []
    try:
        for result in _results(paths, plan, jobs):
            results.append(result)
            progress.advance()
    finally:
        progress.close()
    results.sort(key=lambda item: item.path)
    return results


def _results(paths: Sequence[str], plan: Plan, jobs: int) -> Iterable[FileResult]:
    if jobs <= 1 or len(paths) <= 1:
        worker = Worker(plan)
        check: Callable[[str], FileResult] = worker.check
        for path in paths:
            yield check(path)
        return
    Engine(plan.registry)  # fail here, cleanly, if the registry cannot make an engine at all
    jobs = min(jobs, len(paths))
    size = max(1, min(32, len(paths) // (jobs * 8)))
    chunks = [list(paths[start : start + size]) for start in range(0, len(paths), size)]
    retry = yield from _pool_round(chunks, plan, jobs)
    while retry:
        # A worker died (a crash or a kill, not an exception: those are findings).  Every file of
        # the broken round is checked again, one at a time in one worker, so that the file that
        # kills it is found and reported, and the others are still checked.
        paths = retry
        retry = []
        unchecked = yield from _pool_round([[path] for path in paths], plan, 1)
        if unchecked:
            yield _died(unchecked[0])  # the one file that was running when the worker died
            retry = unchecked[1:]


def _pool_round(
    chunks: Sequence[List[str]], plan: Plan, jobs: int
) -> Generator[FileResult, None, List[str]]:
    """Run ``chunks`` in a fresh pool; the paths left unchecked when the pool broke, in order."""
    broken: List[int] = []
    context = multiprocessing.get_context()
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_initialise, initargs=(plan,)) as pool:
        futures = {pool.submit(_check_many, chunk): index for index, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            try:
                results = future.result()
            except BrokenProcessPool:
                broken.append(futures[future])
                continue
            yield from results
    return [path for index in sorted(broken) for path in chunks[index]]
