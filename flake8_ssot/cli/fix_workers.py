"""Fixing many files in worker processes, as ``check`` checks them.

The pool pattern is the runner's (:mod:`flake8_ssot.project.runner`): each worker builds its
engine once, from the pickled registry, and fixes one file at a time (read it, plan, rewrite with
LibCST, prove the result: :func:`flake8_ssot.fix.fix_text`); only the outcome comes back (the
original and new text, the fixed findings and those that need a person).  Outcomes are yielded in
the order the files were given, so what the command prints and writes does not depend on ``-j``.

A worker that dies (LibCST's native parser overflowing its stack on a pathological file, a kill)
never stops the run: the files of the broken pool are fixed again one at a time in one worker, so
the file that kills it is found and reported as not fixed, and every other file is fixed.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple

from flake8_ssot.engine import Engine
from flake8_ssot.findings import Finding
from flake8_ssot.fix import FileFix, fix_text
from flake8_ssot.fix.core import FixerUnavailable
from flake8_ssot.location import identify
from flake8_ssot.project.noqa import Noqa
from flake8_ssot.project.runner import Progress
from flake8_ssot.project.source import Unreadable, decode, read_bytes, split_lines
from flake8_ssot.registry import Registry

# Below this many files one process finishes sooner than starting workers would let it (a file
# costs LibCST a parse, a print and the engine's proof: tens to hundreds of milliseconds).
POOL_THRESHOLD = 4
DIED = "the worker process fixing it died"


@dataclass(frozen=True)
class Setup:
    """What every worker needs; picklable."""

    registry: Registry
    noqa: bool = True


@dataclass(frozen=True)
class Job:
    """One file to fix, and the codes flake8's selection reports in it (only those are fixed)."""

    path: str
    reported: FrozenSet[str]


def fix_file(job: Job, setup: Setup, engine: Engine) -> FileFix:
    """Fix one file as ``check`` reports it: the codes ``job.reported`` selects, minus ``noqa``.

    Never raises but :class:`~flake8_ssot.fix.core.FixerUnavailable`: a failure is the file's error.
    """
    path = job.path
    try:
        text = decode(read_bytes(path))
    except Unreadable as error:
        return FileFix(path, "", "", error=str(error))
    try:
        identity = identify(path, setup.registry.source_roots)
        comments = Noqa(text, split_lines(text)) if setup.noqa else None

        def reported(finding: Finding) -> bool:
            """What ``check`` reports: selected by flake8's selection, not dropped by a ``noqa`` comment."""
            if finding.code not in job.reported:
                return False
            return comments is None or not comments.suppresses(finding.line, finding.code)

        return fix_text(text, path, setup.registry, identity, engine, keep=reported)
    except FixerUnavailable:
        raise
    except Exception as error:  # noqa: BLE001 - a bug fixing one file must not stop the others
        return FileFix(path, text, text, error=f"internal error: {type(error).__name__}: {error}")


def fix_files(jobs: Sequence[Job], setup: Setup, workers: int, progress: Progress) -> Iterator[FileFix]:
    """Each job's outcome, in the order of ``jobs``; ``workers`` processes (1: this one)."""
    try:
        if workers <= 1 or len(jobs) < POOL_THRESHOLD:
            engine = Engine(setup.registry)
            for job in jobs:
                yield fix_file(job, setup, engine)
                progress.advance()
            return
        Engine(setup.registry)  # fail here, cleanly, if the registry cannot make an engine at all
        yield from _in_pool(jobs, setup, min(workers, len(jobs)), progress)
    finally:
        progress.close()


def _in_pool(jobs: Sequence[Job], setup: Setup, workers: int, progress: Progress) -> Iterator[FileFix]:
    done: Dict[int, FileFix] = {}
    following = 0
    pending = list(range(len(jobs)))
    width = workers
    while pending:
        unfinished = []
        for index, outcome in _pool_round([(index, jobs[index]) for index in pending], setup, width):
            if outcome is None:
                unfinished.append(index)
                continue
            done[index] = outcome
            progress.advance()
            while following in done:
                yield done.pop(following)
                following += 1
        if unfinished and width == 1:
            # One worker fixes one file at a time, in order: the first file left unfinished is the
            # one it was fixing when it died.
            dead = jobs[unfinished[0]]
            done[unfinished[0]] = FileFix(dead.path, "", "", error=DIED)
            progress.advance()
            unfinished = unfinished[1:]
            while following in done:
                yield done.pop(following)
                following += 1
        pending = unfinished
        width = 1
    while following in done:  # pragma: no cover - every index was yielded in the loop
        yield done.pop(following)
        following += 1


def _pool_round(
    jobs: Sequence[Tuple[int, Job]], setup: Setup, workers: int
) -> Iterator[Tuple[int, Optional[FileFix]]]:
    """Fix ``jobs`` in a fresh pool; each index with its outcome as it completes (in order when
    ``workers`` is 1), or with None when the pool broke before it was fixed."""
    context = multiprocessing.get_context()
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_initialise, initargs=(setup,)) as pool:
        futures: List[Tuple[int, "Future[FileFix]"]] = [
            (index, pool.submit(_fix_in_worker, job)) for index, job in jobs
        ]
        if workers == 1:
            for index, future in futures:
                yield index, _outcome(future)
            return
        by_future = {future: index for index, future in futures}
        for future in as_completed(by_future):
            yield by_future[future], _outcome(future)


def _outcome(future: "Future[FileFix]") -> Optional[FileFix]:
    try:
        return future.result()
    except BrokenProcessPool:
        return None


_SETUP: Optional[Setup] = None
_ENGINE: Optional[Engine] = None
_ERROR: Optional[str] = None


def _initialise(setup: Setup) -> None:
    """Never raises: a pool whose initializer fails would only ever break or respawn."""
    global _SETUP, _ENGINE, _ERROR
    try:
        _SETUP, _ENGINE = setup, Engine(setup.registry)
    except Exception as error:  # noqa: BLE001 - reported per file instead
        _ERROR = f"{type(error).__name__}: {error}"


def _fix_in_worker(job: Job) -> FileFix:
    if _SETUP is None or _ENGINE is None:
        return FileFix(job.path, "", "", error=f"starting a worker process failed: {_ERROR or 'not initialised'}")
    return fix_file(job, _SETUP, _ENGINE)
