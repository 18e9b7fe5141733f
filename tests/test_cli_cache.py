"""The result cache: hits, misses, invalidation, corruption, concurrency, and switching it off."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, Sequence, Tuple

import pytest

from flake8_ssot.project.cache import DIRECTORY

from flake8_ssot.registry import Registry

HAS_RESOLUTION = hasattr(Registry(), "resolve")
SETUP_CFG = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core
"""
# Per-file caching is exact only without cross-file resolution (see test_with_resolution_...).
PER_FILE = "ssot-resolve = false\n" if HAS_RESOLUTION else ""
STATS = re.compile(r"^flake8-ssot: files=(\d+) parsed=(\d+) cache-hits=(\d+) cache-misses=(\d+) jobs=\d+ cache=(.*)$", re.M)


def run(args: Sequence[str], cwd: Path) -> Tuple["subprocess.CompletedProcess[str]", Dict[str, str]]:
    result = subprocess.run(
        [sys.executable, "-m", "flake8_ssot", "--verbose", *args], cwd=str(cwd), capture_output=True, text=True,
        timeout=120,
    )
    match = STATS.search(result.stderr)
    assert match, result.stderr
    names = ("files", "parsed", "hits", "misses", "cache")
    return result, dict(zip(names, match.groups()))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "setup.cfg").write_text(SETUP_CFG + PER_FILE, encoding="utf-8")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "legacy.py").write_text("", encoding="utf-8")
    (app / "core").mkdir()  # the replacement exists (a namespace package: no file to count)
    (app / "a.py").write_text("import app.legacy\n", encoding="utf-8")
    (app / "b.py").write_text("x = 1\n", encoding="utf-8")
    return tmp_path


def counts(stats: Dict[str, str]) -> Tuple[int, int, int, int]:
    return int(stats["files"]), int(stats["parsed"]), int(stats["hits"]), int(stats["misses"])


def test_second_run_is_served_from_the_cache(project: Path) -> None:
    first, stats = run(["-j", "1"], project)
    assert counts(stats) == (4, 1, 0, 4)  # only a.py mentions a registry name and is parsed
    assert stats["cache"] == str(project / DIRECTORY)
    assert (project / DIRECTORY / ".gitignore").read_text(encoding="utf-8") == "*\n"
    second, stats = run(["-j", "2"], project)
    assert counts(stats) == (4, 0, 4, 0)
    assert second.stdout == first.stdout == (
        "./app/a.py:1:1: SOT101 import of legacy module 'app.legacy'; use 'app.core'\n"
    )


def test_a_changed_file_or_configuration_misses(project: Path) -> None:
    run([], project)
    (project / "app" / "b.py").write_text("import app.legacy as x\n", encoding="utf-8")
    result, stats = run([], project)
    assert counts(stats) == (4, 1, 3, 1)
    assert result.stdout.count("SOT101") == 2
    (project / "setup.cfg").write_text(SETUP_CFG + "    app.other\n" + PER_FILE, encoding="utf-8")
    result, stats = run([], project)
    assert counts(stats) == (4, 2, 0, 4)
    (project / "setup.cfg").write_text(SETUP_CFG.replace("app.core", "app.core ; a reason") + PER_FILE, encoding="utf-8")
    result, stats = run([], project)
    assert counts(stats)[3] == 4
    assert "(a reason)" in result.stdout


def test_a_changed_module_identity_misses(project: Path) -> None:
    run([], project)
    (project / "app" / "__init__.py").unlink()  # a.py is now module 'a', no longer 'app.a'
    _, stats = run([], project)
    # Only a.py, checked for its findings, depends on its module name; the other two hold no
    # word of the registry, whatever module they are.
    assert counts(stats)[:4] == (3, 1, 2, 1)


def test_a_corrupt_manifest_is_ignored_and_rewritten(project: Path) -> None:
    first, _ = run([], project)
    manifests = sorted((project / DIRECTORY).glob("manifest-*.json"))
    assert len(manifests) == 1
    manifests[0].write_text('{"key": "truncated', encoding="utf-8")
    result, stats = run([], project)
    assert counts(stats)[2:] == (0, 4)
    assert result.stdout == first.stdout
    _, stats = run([], project)
    assert counts(stats)[2:] == (4, 0)


def test_no_cache_reads_and_writes_nothing(project: Path) -> None:
    result, stats = run(["--no-cache"], project)
    assert stats["cache"] == "off"
    assert counts(stats)[2:] == (0, 0)
    assert not (project / DIRECTORY).exists()


def test_the_cache_lives_next_to_the_config_file(project: Path) -> None:
    _, stats = run(["."], project / "app")
    assert stats["cache"] == str(project / DIRECTORY)


@pytest.mark.slow
def test_concurrent_runs_agree_and_leave_a_valid_cache(project: Path) -> None:
    for index in range(30):
        (project / "app" / f"m{index}.py").write_text(f"import app.legacy\nx = {index}\n", encoding="utf-8")
    command = [sys.executable, "-m", "flake8_ssot", "-j", "2"]
    processes = [
        subprocess.Popen(command, cwd=str(project), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert len({out for out, _ in outputs}) == 1
    assert all(err == "" for _, err in outputs)
    assert not list((project / DIRECTORY).rglob(".flake8-ssot-*.tmp"))
    result, stats = run([], project)
    assert counts(stats)[2:] == (34, 0)
    assert result.stdout == outputs[0][0]


def _reexporting(project: Path) -> None:
    """Resolution on (the default); app/user.py reaches the legacy module through the package's
    ``__init__.py``, which re-exports it."""
    (project / "setup.cfg").write_text(SETUP_CFG, encoding="utf-8")
    (project / "app" / "legacy.py").write_text("class Handler:\n    pass\n", encoding="utf-8")
    (project / "app" / "__init__.py").write_text(
        "from app.legacy import Handler  # noqa: SOT101\n\n\ndef helper():\n    return 1\n", encoding="utf-8"
    )
    (project / "app" / "user.py").write_text("from app import Handler\n", encoding="utf-8")


USER_FINDING = "./app/user.py:1:1: SOT105 'Handler' imported from 'app' is defined in legacy module 'app.legacy'"


def test_with_resolution_an_edit_rechecks_only_that_file_when_nothing_read_it(project: Path) -> None:
    _reexporting(project)
    first, _ = run([], project)
    _, stats = run([], project)
    assert counts(stats)[2:] == (5, 0)
    (project / "app" / "b.py").write_text("x = 2\n", encoding="utf-8")
    second, stats = run([], project)
    assert counts(stats)[2:] == (4, 1)
    assert second.stdout == first.stdout


def test_with_resolution_editing_a_module_rechecks_the_files_that_read_it(project: Path) -> None:
    _reexporting(project)
    first, _ = run([], project)
    assert [line for line in first.stdout.splitlines() if "user.py" in line] == [
        line for line in first.stdout.splitlines() if line.startswith(USER_FINDING)
    ] != []
    (project / "app" / "__init__.py").write_text("Handler = None\n", encoding="utf-8")  # no longer a re-export
    second, stats = run([], project)
    assert counts(stats)[2:] == (3, 2)  # __init__.py, and user.py, which read its digest
    assert "user.py" not in second.stdout


def test_with_resolution_an_edit_that_keeps_the_digest_keeps_the_dependents(project: Path) -> None:
    _reexporting(project)
    first, _ = run([], project)
    # A function body is not part of a module's digest: user.py's findings still hold.
    (project / "app" / "__init__.py").write_text(
        "from app.legacy import Handler  # noqa: SOT101\n\n\ndef helper():\n    return 2\n", encoding="utf-8"
    )
    second, stats = run([], project)
    assert counts(stats)[2:] == (4, 1)
    assert second.stdout == first.stdout


def test_with_resolution_a_new_module_that_makes_a_name_legacy_rechecks_its_importer(project: Path) -> None:
    _reexporting(project)
    init = project / "app" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "from app.extra import Old\n", encoding="utf-8")
    (project / "app" / "user.py").write_text("from app import Handler, Old\n", encoding="utf-8")
    first, _ = run([], project)
    _, stats = run([], project)
    assert counts(stats)[2:] == (5, 0)
    # The package re-exports app.extra.Old, which did not exist; now it is the legacy class.
    (project / "app" / "extra.py").write_text("from app.legacy import Handler as Old  # noqa: SOT101\n", encoding="utf-8")
    second, stats = run([], project)
    assert counts(stats)[2:] == (4, 2)  # the new file, and user.py, which imports the name it binds
    assert second.stdout == first.stdout + (
        "./app/user.py:1:1: SOT105 'Old' imported from 'app' is defined in legacy module 'app.legacy'; "
        "use 'app.core'\n"
    )
    assert second.stdout == run(["--no-cache"], project)[0].stdout
