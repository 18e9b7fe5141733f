"""Worker processes: a worker that dies is found and reported, never a hang; results are sorted."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import List

import pytest

from flake8_ssot.project import runner
from flake8_ssot.project.analyse import FileResult
from flake8_ssot.config import ConfigRequest, load_registry

SETUP_CFG = "[flake8]\nssot-forbidden-modules =\n    app.legacy = app.core\n"
FORKS = multiprocessing.get_start_method() == "fork"


def make_tree(root: Path, count: int) -> List[str]:
    (root / "setup.cfg").write_text(SETUP_CFG, encoding="utf-8")
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    paths = []
    for index in range(count):
        path = root / "app" / f"m{index:02d}.py"
        path.write_text("import app.legacy\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def summary(results: List[FileResult]) -> List[tuple]:
    return [(Path(r.path).name, [item.finding.code for item in r.located]) for r in results]


@pytest.mark.skipif(not FORKS, reason="the patched worker reaches the pool only through fork")
def test_a_worker_that_dies_is_reported_at_its_file_and_the_others_are_still_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = make_tree(tmp_path, 30)
    registry = load_registry(ConfigRequest(cwd=str(tmp_path)))
    original = runner.Worker.check

    def check(self: runner.Worker, path: str) -> FileResult:
        if path.endswith("m17.py"):
            os._exit(3)  # a crash, as a segfault or an out-of-memory kill would be
        return original(self, path)

    monkeypatch.setattr(runner.Worker, "check", check)
    results = runner.check_files(paths, runner.make_plan(registry, None), jobs=2)
    assert summary(results) == [
        (f"m{index:02d}.py", ["SOT900"] if index == 17 else ["SOT101"]) for index in range(30)
    ]
    assert "the worker process checking it died" in results[17].located[0].finding.text


@pytest.mark.skipif(not FORKS, reason="the patched worker reaches the pool only through fork")
def test_a_worker_that_cannot_start_reports_every_file_instead_of_hanging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = make_tree(tmp_path, 5)
    registry = load_registry(ConfigRequest(cwd=str(tmp_path)))

    def broken_init(self: runner.Worker, plan: runner.Plan) -> None:
        raise RuntimeError("no engine today")

    monkeypatch.setattr(runner.Worker, "__init__", broken_init)
    results = runner.check_files(paths, runner.make_plan(registry, None), jobs=2)
    assert [codes for _, codes in summary(results)] == [["SOT900"]] * 5
    assert "RuntimeError: no engine today" in results[0].located[0].finding.text


def test_results_are_sorted_whatever_the_completion_order(tmp_path: Path) -> None:
    paths = make_tree(tmp_path, 12)
    registry = load_registry(ConfigRequest(cwd=str(tmp_path)))
    plan = runner.make_plan(registry, None)
    assert summary(runner.check_files(list(reversed(paths)), plan, jobs=2)) == summary(
        runner.check_files(paths, plan, jobs=1)
    )
