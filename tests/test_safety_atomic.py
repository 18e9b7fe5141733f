"""Cache and baseline writes are atomic; an interrupted run leaves nothing a later run trusts.

Interruptions are injected where they hurt most: between writing a temporary file and renaming
it (Ctrl-C), in the middle of writing (a full disk), and anywhere at all (SIGKILL of a running
check).  Afterwards the old baseline is intact, no temporary file is left by a clean exit, and
a later run reports exactly what a run without any cache reports.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, List, Tuple

import pytest

from flake8_ssot.project import atomic
from flake8_ssot.cli import main as cli_main
from flake8_ssot.project.cache import DIRECTORY

CONFIG = """\
[flake8]
ssot-forbidden-modules = app.legacy = app.core
ssot-legacy-parameters = *Handler = supervisor
"""
BASELINE = ".flake8-ssot-baseline.json"


def _project(root: Path, files: int = 12) -> Path:
    (root / "setup.cfg").write_text(CONFIG, encoding="utf-8")
    app = root / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    for index in range(files):
        body = "import app.legacy\n" if index % 2 else f"x = {index}\nQueueHandler(supervisor)\n"
        (app / f"m{index:03d}.py").write_text(body, encoding="utf-8")
    return root


def _main(args: List[str], root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.chdir(root)
    code = cli_main.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _temporaries(root: Path) -> List[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob(".flake8-ssot-*.tmp"))


def _failing(after: int, error: Callable[[], BaseException], real: Callable[..., Any]) -> Callable[..., Any]:
    """``real`` that raises ``error()`` from its ``after``-th call on."""
    calls = [0]

    def replacement(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] >= after:
            raise error()
        return real(*args, **kwargs)

    return replacement


@pytest.mark.parametrize(
    "where,error,code",
    [
        ("rename", lambda: KeyboardInterrupt(), 130),
        ("write", lambda: OSError(errno.ENOSPC, "No space left on device"), 2),
    ],
)
def test_an_interrupted_baseline_write_keeps_the_old_baseline(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
    error: Callable[[], BaseException],
    code: int,
) -> None:
    _project(tmp_path)
    assert _main(["baseline", "--no-cache"], tmp_path, monkeypatch, capsys)[0] == 0
    old = (tmp_path / BASELINE).read_bytes()
    (tmp_path / "app" / "new.py").write_text("import app.legacy\n", encoding="utf-8")
    if where == "rename":
        monkeypatch.setattr(atomic.os, "replace", _failing(1, error, os.replace))
    else:
        monkeypatch.setattr(atomic.os, "fsync", _failing(1, error, os.fsync))
    result = _main(["baseline", "--no-cache"], tmp_path, monkeypatch, capsys)
    assert result[0] == code
    assert "Traceback" not in result[2]
    assert (tmp_path / BASELINE).read_bytes() == old
    assert _temporaries(tmp_path) == []
    monkeypatch.undo()
    # The old baseline still loads and still accepts what it listed.
    code, out, _ = _main(["check", "--no-cache", "--baseline", BASELINE], tmp_path, monkeypatch, capsys)
    assert (code, out) == (1, "./app/new.py:1:1: SOT101 import of legacy module 'app.legacy'; use 'app.core'\n")


def test_a_run_interrupted_while_writing_the_cache_leaves_nothing_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path)
    reference = _main(["check", "--no-cache", "-j", "1"], tmp_path, monkeypatch, capsys)
    monkeypatch.setattr(atomic.os, "replace", _failing(5, KeyboardInterrupt, os.replace))
    assert _main(["check", "-j", "1"], tmp_path, monkeypatch, capsys)[0] == 130
    monkeypatch.undo()
    assert _temporaries(tmp_path) == []
    assert _main(["check", "-j", "1"], tmp_path, monkeypatch, capsys) == reference
    assert _main(["check", "-j", "1"], tmp_path, monkeypatch, capsys) == reference


def _entries(root: Path) -> List[Path]:
    return sorted((root / DIRECTORY).glob("*/*.json"))


def test_swapped_truncated_and_stray_cache_files_are_never_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path)
    reference = _main(["check", "--no-cache", "-j", "1"], tmp_path, monkeypatch, capsys)
    assert _main(["check", "-j", "1"], tmp_path, monkeypatch, capsys) == reference
    entries = _entries(tmp_path)
    assert len(entries) >= 4
    contents = [entry.read_bytes() for entry in entries]
    # Another file's entry under this name (a well-formed document for the wrong key) ...
    entries[0].write_bytes(contents[1])
    entries[1].write_bytes(contents[0])
    # ... one cut short, one emptied, one of the wrong shape, and leftovers of a killed writer.
    entries[2].write_bytes(contents[2][: len(contents[2]) // 2])
    entries[3].write_bytes(b"")
    if len(entries) > 4:
        document = json.loads(contents[4])
        document["value"] = {"unexpected": True}
        entries[4].write_text(json.dumps(document), encoding="utf-8")
    for entry in entries[:3]:
        (entry.parent / f".flake8-ssot-{entry.stem[:8]}.tmp").write_bytes(contents[0][:10])
    assert _main(["check", "-j", "1"], tmp_path, monkeypatch, capsys) == reference
    # Every damaged entry was rewritten: the next run is served from the cache and still agrees.
    assert all(json.loads(entry.read_bytes())["key"] == entry.stem for entry in _entries(tmp_path))
    assert _main(["check", "-j", "2"], tmp_path, monkeypatch, capsys) == reference


def _run(args: List[str], root: Path) -> Tuple[int, str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "flake8_ssot", *args],
        cwd=str(root), capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    return result.returncode, result.stdout, result.stderr


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_run_leaves_a_cache_the_next_run_can_use(tmp_path: Path) -> None:
    _project(tmp_path, files=400)
    reference = _run(["check", "--no-cache", "-j", "1"], tmp_path)
    assert reference[0] == 1
    process = subprocess.Popen(
        [sys.executable, "-m", "flake8_ssot", "check", "-j", "2"],
        cwd=str(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        # Kill it once it has written some entries (or when it ends by itself: the property holds either way).
        for _ in range(3000):
            if process.poll() is not None or len(_entries(tmp_path)) >= 20:
                break
            time.sleep(0.01)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the workers too
        except ProcessLookupError:
            pass
        process.wait(timeout=60)
    assert _run(["check", "-j", "2"], tmp_path) == reference
    assert _run(["check", "-j", "1"], tmp_path) == reference
