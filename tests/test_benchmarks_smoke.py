"""The benchmark harness cannot rot: its generator is deterministic and seeds exactly the findings
it claims, and a quick run of ``benchmarks/run.py`` prints every table with the documented
headers and flake8-ssot finding what was seeded, through the plugin, flake8 and the command.

No timing is asserted anywhere: the numbers are the harness's business, not the suite's.
"""

from __future__ import annotations

import ast
import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List

import pytest

from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.engine import Engine
from flake8_ssot.location import identify
from flake8_ssot.resolution import reset_shared_cache

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import generate_tree  # noqa: E402
import run as harness  # noqa: E402

QUICK_FILES = 150


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _engine_counts(root: Path, resolve: bool) -> Dict[str, int]:
    """Findings per code, checking every generated file with the engine as the plugin does."""
    corpus_config = root / "setup.cfg"
    text = corpus_config.read_text(encoding="utf-8")
    corpus_config.write_text(text.replace("ssot-resolve = true", f"ssot-resolve = {str(resolve).lower()}"))
    registry = load_registry(ConfigRequest(cwd=str(root)))
    engine = Engine(registry)
    reset_shared_cache()
    counts: Counter = Counter()
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        identity = identify(str(path), registry.source_roots)
        counts.update(f.code for f in engine.check_tree(ast.parse(source), identity, engine.select(source), str(path)))
    return dict(counts)


def test_the_generator_is_deterministic_and_seeds_exactly_what_it_claims(tmp_path):
    first = generate_tree.generate(str(tmp_path / "a"), files=90, seed=7)
    second = generate_tree.generate(str(tmp_path / "b"), files=90, seed=7)
    assert first.files == second.files == 90 == len(list((tmp_path / "a").rglob("*.py")))
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert first.expected() == second.expected()
    # Every code is seeded, SOT303 only when duplicates are reported, SOT105 and the resolved
    # SOT202 calls only with resolution.
    assert set(first.expected()) == {code for code in generate_tree.CODES if code != "SOT303"}
    assert first.expected(duplicates=True)["SOT303"] >= 2
    assert "SOT105" not in first.expected(resolve=False)
    assert first.expected(resolve=False)["SOT202"] < first.expected()["SOT202"]
    for resolve in (True, False):
        assert _engine_counts(tmp_path / "a", resolve) == first.expected(resolve=resolve)


def _tables(output: str) -> Dict[str, List[List[str]]]:
    """Markdown tables by their header line: rows of cells."""
    tables: Dict[str, List[List[str]]] = {}
    header = None
    for line in output.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = line
            tables[header] = []
        elif not set(line) <= set("|-"):
            tables[header].append(cells)
    return tables


def _header(columns) -> str:
    return "| " + " | ".join(columns) + " |"


@pytest.mark.slow
def test_a_quick_run_prints_every_table_and_finds_what_was_seeded(tmp_path):
    report = tmp_path / "report.md"
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--files", str(QUICK_FILES), "--output", str(report)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=str(tmp_path),
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert report.read_text(encoding="utf-8") == result.stdout
    tables = _tables(result.stdout)
    headers = [
        harness.PER_FILE_HEADER,
        harness.FLAKE8_HEADER,
        harness.COMMAND_HEADER,
        harness.GROWTH_HEADER,
        harness.FINDINGS_HEADER,
    ]
    assert list(tables) == [_header(columns) for columns in headers]
    for columns in headers:
        for row in tables[_header(columns)]:
            assert len(row) == len(columns), row

    expected = generate_tree.generate(str(tmp_path / "same"), files=QUICK_FILES, seed=0).expected()
    findings = {row[1]: row[2:-1] for row in tables[_header(harness.FINDINGS_HEADER)]}
    ssot_rows = ["flake8-ssot checker, in process", "flake8 --select SOT", "flake8-ssot check"]
    for label in ssot_rows:
        cells = dict(zip(generate_tree.CODES, findings[label]))
        assert cells == {code: f"{expected.get(code, 0)}/{expected.get(code, 0)}" for code in generate_tree.CODES}
    # Other tools' rows: counted when installed, a clear row when not.
    for label, module in (
        ("flake8-tidy-imports checker, in process", "flake8_tidy_imports"),
        ("flake8 --select I251", "flake8_tidy_imports"),
        ("ruff --select TID251", "ruff"),
    ):
        row = next(row for row in tables[_header(harness.FINDINGS_HEADER)] if row[1] == label)
        if harness.installed(module) or (module == "ruff" and harness.ruff_command()):
            assert row[-1].startswith(("I251 ", "TID251 ")), row
        else:
            assert row[-1] == harness.SKIPPED
    growth = tables[_header(harness.GROWTH_HEADER)]
    assert [row[1] for row in growth if row[0] == "flake8-ssot check --no-cache"] == [
        str(QUICK_FILES // 2),
        str(QUICK_FILES),
    ]


def test_the_stage_profile_accounts_for_every_stage_of_a_small_run():
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "engine_stages.py"), "--corpus", "generated", "--files", "60", "--no-gc"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 0, result.stderr
    title, _, table = result.stdout.partition("\n\n")
    assert title.startswith("generated: 60 files, ssot-resolve = true, garbage collector off, Python ")
    rows = _tables(table)["| stage | seconds | share of ast.parse |"]
    stages = [row[0].strip() for row in rows]
    assert stages[:2] == ["ast.parse (the floor)", "checker, all stages"] and stages[-1] == "other"
    # A tree seeded with every kind of finding runs the filter, the import lookup and the rules.
    assert {"text filter", "imports", "rule reexports", "rule constructors"} <= set(stages)
    # "other" is what the listed stages leave of the checker's time (each printed to 0.01 s).
    checker = float(rows[1][1])
    assert sum(float(row[1]) for row in rows[2:]) == pytest.approx(checker, abs=0.005 * len(rows))
    assert rows[0][2] == "1.000x"
