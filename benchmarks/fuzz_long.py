"""The long fuzz run: the targets of tests/test_fuzz_engine.py, for as long as you like.

    python benchmarks/fuzz_long.py --minutes 20

Phases, each given a share of the time:

1. corpus: every module of the running interpreter's standard library (packages included),
   unmutated, through the command's pipeline and the plugin (they must agree, no SOT900);
2. mutated: random standard-library modules with tokens deleted, duplicated and swapped;
3. grammar: programs from ``hypothesmith.from_grammar()``;
4. nodes: programs from ``hypothesmith.from_node()`` (slow to generate, so few);
5. bytes: arbitrary bytes behind coding cookies and byte-order marks.

Random seeds (not derandomized, unlike the test suite).  Prints one line per phase (examples
run, failures) and every failing input; exits 1 when anything failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable, Dict, List, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import hypothesmith  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from flake8_ssot.engine import Engine  # noqa: E402
from fuzzing import (  # noqa: E402
    GENERATED_REGISTRY,
    MUTATIONS,
    STDLIB_REGISTRY,
    Mutation,
    check_bytes,
    check_text,
    make_layout,
    mutate,
    read_spans,
    registry_in,
    stdlib_files,
    walk_files,
)

Result = Dict[str, int]


def _settings(examples: int) -> Callable:  # type: ignore[type-arg]
    return settings(  # type: ignore[no-any-return]
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=True,
    )


def _until(deadline: float, batch: Callable[[], int], result: Result) -> None:
    """Run ``batch`` (which returns how many examples it ran) until ``deadline``."""
    while time.monotonic() < deadline:
        try:
            result["examples"] += batch()
        except Exception:  # noqa: BLE001 - a falsified property: report it and go on
            result["failures"] += 1
            traceback.print_exc()


def corpus(engine: Engine, filename: str, deadline: float) -> Result:
    import sysconfig

    result = {"examples": 0, "failures": 0, "findings": 0}
    for path in walk_files(Path(sysconfig.get_paths()["stdlib"])):
        if time.monotonic() > deadline:
            break
        if "site-packages" in path.parts:
            continue
        try:
            text, _ = read_spans(str(path))
        except Exception:  # noqa: BLE001 - undecodable test data in the standard library
            continue
        try:
            result["findings"] += len(check_text(engine, text, filename) or ())
        except Exception:  # noqa: BLE001
            result["failures"] += 1
            print(f"corpus: {path}", file=sys.stderr)
            traceback.print_exc()
        result["examples"] += 1
    return result


def mutated(engine: Engine, names: List[str], deadline: float) -> Result:
    files = [str(path) for path in stdlib_files()]
    result = {"examples": 0, "failures": 0}

    def batch() -> int:
        count = [0]

        @_settings(200)
        @given(
            path=st.sampled_from(files),
            mutations=st.lists(
                st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10**6), st.integers(0, 10**6)),
                min_size=1,
                max_size=6,
            ),
            filename=st.sampled_from(names),
        )
        def run(path: str, mutations: List[Mutation], filename: str) -> None:
            count[0] += 1
            text, spans = read_spans(path)
            check_text(engine, mutate(text, spans, mutations), filename)

        run()
        return count[0]

    _until(deadline, batch, result)
    return result


def generated(engine: Engine, names: List[str], deadline: float, strategy: st.SearchStrategy[str], size: int) -> Result:
    result = {"examples": 0, "failures": 0}

    def batch() -> int:
        count = [0]

        @_settings(size)
        @given(source=strategy, filename=st.sampled_from(names))
        def run(source: str, filename: str) -> None:
            count[0] += 1
            check_text(engine, source, filename)

        run()
        return count[0]

    _until(deadline, batch, result)
    return result


def raw_bytes(engine: Engine, names: List[str], deadline: float) -> Result:
    prefixes = [b"", b"\xef\xbb\xbf", b"# coding: latin-1\n", b"# -*- coding: utf-16 -*-\n", b"# coding: bogus\n"]
    result = {"examples": 0, "failures": 0}

    def batch() -> int:
        count = [0]

        @_settings(500)
        @given(prefix=st.sampled_from(prefixes), body=st.binary(max_size=400), filename=st.sampled_from(names))
        def run(prefix: bytes, body: bytes, filename: str) -> None:
            count[0] += 1
            check_bytes(engine, prefix + b"import os.path\n" + body, filename)

        run()
        return count[0]

    _until(deadline, batch, result)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="total time budget (default 10)")
    options = parser.parse_args()
    budget = options.minutes * 60
    shares: List[Tuple[str, float]] = [
        ("corpus", 0.15),
        ("mutated", 0.35),
        ("grammar", 0.25),
        ("nodes", 0.10),
        ("bytes", 0.15),
    ]
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        names = make_layout(root / "layout")
        generated_engine = Engine(registry_in(root / "layout", GENERATED_REGISTRY))
        (root / "stdlib").mkdir()
        stdlib_engine = Engine(registry_in(root / "stdlib", STDLIB_REGISTRY))
        failures = 0
        print(f"python {sys.version.split()[0]}, budget {options.minutes:g} min")
        for name, share in shares:
            started = time.monotonic()
            deadline = started + budget * share
            if name == "corpus":
                result = corpus(stdlib_engine, names[0], deadline)
            elif name == "mutated":
                result = mutated(stdlib_engine, names, deadline)
            elif name == "grammar":
                result = generated(generated_engine, names, deadline, hypothesmith.from_grammar(), 100)
            elif name == "nodes":
                result = generated(generated_engine, names, deadline, hypothesmith.from_node(), 5)
            else:
                result = raw_bytes(stdlib_engine, names, deadline)
            failures += result["failures"]
            details = ", ".join(f"{key}={value}" for key, value in result.items())
            print(f"{name:8} {details} ({time.monotonic() - started:.0f} s)", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
