"""``flake8-ssot fix`` in worker processes: the same output and files for any ``-j``, a dying
worker costs only its file, and progress lines for CI logs."""

from __future__ import annotations

import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Sequence

import pytest

from flake8_ssot.cli import fix_workers
from flake8_ssot.cli.main import main

pytest.importorskip("libcst")

SETUP_CFG = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core [pure-move]
ssot-legacy-parameters =
    *Handler = supervisor
"""
FIXED = "./app/m{0}.py:1:1: fixed SOT101 import from legacy module 'app.legacy'; use 'app.core'"
MANUAL = [
    "./app/manual.py:2:24: needs a human: SOT202 'QueueHandler(...)' passes legacy parameter 'supervisor'; remove"
    " 'supervisor' (legacy for classes matching '*Handler')",
    "    why: constructor calls are not rewritten; stop passing the legacy parameter by hand",
]
COUNT = 6


def project(root: Path) -> Path:
    files: Dict[str, str] = {
        "setup.cfg": SETUP_CFG,
        "app/__init__.py": "",
        "app/core.py": "class Router:\n    pass\n",
        "app/legacy.py": "from app.core import *\n",
        "app/manual.py": "from app.core import QueueHandler\nhandler = QueueHandler(supervisor=None)\n",
    }
    for index in range(COUNT):
        files[f"app/m{index}.py"] = f"from app.legacy import Router\n\nROUTE_{index} = Router()\n"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def cli(args: Sequence[str], cwd: Path) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-m", "flake8_ssot", *args], cwd=str(cwd), capture_output=True, text=True, timeout=300
    )


def texts(root: Path) -> Dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted((root / "app").glob("*.py"))}


@pytest.mark.slow
def test_any_number_of_workers_gives_the_same_diff_report_and_files(tmp_path: Path) -> None:
    assert COUNT >= fix_workers.POOL_THRESHOLD  # so that -j 2 runs a pool
    runs = {}
    for jobs in ("1", "2", "3"):
        root = project(tmp_path / f"j{jobs}")
        runs[jobs] = (cli(["fix", "--diff", "--no-cache", "-j", jobs], root), cli(["fix", "--no-cache", "-j", jobs], root))
        runs[jobs] += (texts(root),)  # type: ignore[assignment]
    diff, written, files = runs["1"]
    assert diff.returncode == 1 and written.returncode == 1
    assert diff.stdout.count("\n+++ b/app/m") == COUNT and diff.stdout.startswith("--- a/app/m0.py\n")
    assert written.stdout.splitlines() == [
        *(FIXED.format(index) for index in range(COUNT)),
        *MANUAL,
        f"flake8-ssot: fixed {COUNT} findings in {COUNT} files; 1 finding needs a human",
    ]
    assert files["m3.py"] == "from app.core import Router\n\nROUTE_3 = Router()\n"
    for jobs in ("2", "3"):
        other_diff, other_written, other_files = runs[jobs]
        assert (other_diff.returncode, other_diff.stdout, other_diff.stderr) == (1, diff.stdout, diff.stderr)
        assert (other_written.returncode, other_written.stdout) == (1, written.stdout)
        assert other_files == files


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the patched fixer must reach the workers")
def test_a_worker_that_dies_costs_only_the_file_it_was_fixing(tmp_path, monkeypatch, capsys):
    root = project(tmp_path)
    parent = os.getpid()
    real = fix_workers.fix_file

    def dies_on_m2(job, setup, engine):  # type: ignore[no-untyped-def]
        if job.path.endswith("m2.py") and os.getpid() != parent:
            os._exit(70)  # as a worker killed by a crash in LibCST's native parser
        return real(job, setup, engine)

    monkeypatch.setattr(fix_workers, "fix_file", dies_on_m2)
    monkeypatch.chdir(root)
    code = main(["fix", "--no-cache", "-j", "2"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines() == [
        FIXED.format(0),
        FIXED.format(1),
        "./app/m2.py:1:1: not fixed: the worker process fixing it died",
        *(FIXED.format(index) for index in range(3, COUNT)),
        *MANUAL,
        f"flake8-ssot: fixed {COUNT - 1} findings in {COUNT - 1} files; 1 finding needs a human; 1 file could not be"
        " rewritten",
    ]
    assert texts(root)["m2.py"] == "from app.legacy import Router\n\nROUTE_2 = Router()\n"
    assert texts(root)["m4.py"] == "from app.core import Router\n\nROUTE_4 = Router()\n"


@pytest.mark.slow
def test_progress_lines_for_a_log_and_none_without_the_flag(tmp_path: Path) -> None:
    root = project(tmp_path)
    quiet = cli(["fix", "--diff", "--no-cache"], root)
    assert not [line for line in quiet.stderr.splitlines() if "files" in line and "checking" in line]
    logged = cli(["fix", "--diff", "--no-cache", "--progress"], root)
    progress: List[str] = [line for line in logged.stderr.splitlines() if re.match(r"flake8-ssot: (checking|fixing) ", line)]
    # (How many rounds a run takes is the runner's business: Progress's own tests count them.)
    shown = [re.sub(r"\d+\.\d s$", "<t> s", re.sub(r", round \d+: \d+/\d+", "", line)) for line in progress]
    assert shown == [
        f"flake8-ssot: checking {COUNT + 4} files",
        f"flake8-ssot: checking {COUNT + 4}/{COUNT + 4} files, done in <t> s",
        f"flake8-ssot: fixing {COUNT} files",
        f"flake8-ssot: fixing {COUNT}/{COUNT} files, done in <t> s",
    ]
    assert logged.stdout == quiet.stdout
    checked = cli(["check", "--no-cache", "--progress", "app/m0.py"], root)
    assert checked.returncode == 1
    assert re.fullmatch(
        r"flake8-ssot: checking 1 file\nflake8-ssot: checking 1/1 file(, round \d+: \d+/\d+)?, done in \d+\.\d s\n",
        checked.stderr,
    )
