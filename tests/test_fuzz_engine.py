"""Property tests: whatever the program, the engine, the plugin and the command's per-file
pipeline never raise, no rule fails (no SOT900), and plugin and command agree on every finding.

Short, derandomized runs (the same examples on every run of a given interpreter) keep CI
deterministic; benchmarks/fuzz_long.py runs the same targets for as long as one likes.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flake8_ssot.engine import Engine
from fuzzing import (
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
)

SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("layout")


@pytest.fixture(scope="module")
def names(layout: Path) -> List[str]:
    return make_layout(layout)


@pytest.fixture(scope="module")
def generated_engine(layout: Path) -> Engine:
    return Engine(registry_in(layout, GENERATED_REGISTRY))


@pytest.fixture(scope="module")
def stdlib_engine(tmp_path_factory: pytest.TempPathFactory, names: List[str]) -> Engine:
    return Engine(registry_in(tmp_path_factory.mktemp("stdlib"), STDLIB_REGISTRY))


def test_programs_from_the_grammar(generated_engine: Engine, names: List[str]) -> None:
    # hypothesmith.from_node() is far slower per example; benchmarks/fuzz_long.py runs it.
    @settings(max_examples=30, **SETTINGS)  # type: ignore[arg-type]
    @given(source=hypothesmith.from_grammar(), filename=st.sampled_from(names))
    def run(source: str, filename: str) -> None:
        check_text(generated_engine, source, filename)

    run()


# Small standard-library modules, so an example costs milliseconds; the long run takes them all.
STDLIB = [str(path) for path in stdlib_files(limit_bytes=12_000)][::3]


def test_mutated_standard_library_modules(stdlib_engine: Engine, names: List[str]) -> None:
    assert len(STDLIB) >= 10
    outcomes = {"parsed": 0, "syntax error": 0}

    @settings(max_examples=50, **SETTINGS)  # type: ignore[arg-type]
    @given(
        path=st.sampled_from(STDLIB),
        mutations=st.lists(
            st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=3
        ),
        filename=st.sampled_from(names),
    )
    def run(path: str, mutations: List[Mutation], filename: str) -> None:
        text, spans = read_spans(path)
        found = check_text(stdlib_engine, mutate(text, spans, mutations), filename)
        outcomes["parsed" if found is not None else "syntax error"] += 1

    run()
    # Both kinds of input were exercised: mutations that still parse, and ones that do not.
    assert outcomes["parsed"] > 0 and outcomes["syntax error"] > 0, outcomes


def test_unmutated_standard_library_modules_report_the_same_through_both_hosts(
    stdlib_engine: Engine, names: List[str]
) -> None:
    findings = 0
    for path in STDLIB:
        text, _ = read_spans(path)
        found = check_text(stdlib_engine, text, names[0])
        findings += len(found or ())
    assert findings > 0  # the registry matches real code, so the rules really ran


def test_arbitrary_bytes_with_coding_cookies(stdlib_engine: Engine, names: List[str]) -> None:
    prefixes = [b"", b"\xef\xbb\xbf", b"# coding: latin-1\n", b"# -*- coding: utf-16 -*-\n", b"# coding: bogus\n"]

    @settings(max_examples=60, **SETTINGS)  # type: ignore[arg-type]
    @given(prefix=st.sampled_from(prefixes), body=st.binary(max_size=200))
    def run(prefix: bytes, body: bytes) -> None:
        check_bytes(stdlib_engine, prefix + b"import os.path\n" + body, names[0])

    run()


def test_mutate_edits_only_token_spans() -> None:
    text = "import a\nx = b(c)\n"
    tokens = [(0, 6), (7, 8), (9, 10), (11, 12), (13, 14), (14, 15), (15, 16), (16, 17)]
    assert mutate(text, tokens, [("delete", 1, 0)]) == "import \nx = b(c)\n"
    assert mutate(text, tokens, [("duplicate", 4, 0)]) == "import a\nx = b b(c)\n"
    assert mutate(text, tokens, [("swap", 5, 6)]) == "import a\nx = bc()\n"
    assert mutate(text, tokens, [("swap", 0, 0)]) == text
