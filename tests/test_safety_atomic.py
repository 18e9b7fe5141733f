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
    # The first replace writes the cache's .gitignore, the second the manifest.
    monkeypatch.setattr(atomic.os, "replace", _failing(2, KeyboardInterrupt, os.replace))
    assert _main(["check", "-j", "1"], tmp_path, monkeypatch, capsys)[0] == 130
    monkeypatch.undo()
    assert _temporaries(tmp_path) == []
    assert _main(["check", "-j", "1"], tmp_path, monkeypatch, capsys) == reference
    assert _main(["check", "-j", "1"], tmp_path, monkeypatch, capsys) == reference


def _entries(root: Path) -> List[Path]:
    return sorted((root / DIRECTORY).glob("manifest-*.json"))


def _own_key(manifest: Path) -> bool:
    return json.loads(manifest.read_bytes())["key"][:32] == manifest.stem.split("-", 1)[1]


def test_swapped_truncated_and_stray_cache_files_are_never_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path)
    runs = {
        "plain": ["check", "-j", "1"],
        "no-noqa": ["check", "--disable-noqa", "-j", "1"],  # another configuration: another manifest
    }
    reference = {name: _main([*args, "--no-cache"], tmp_path, monkeypatch, capsys) for name, args in runs.items()}
    for name, args in runs.items():
        assert _main(args, tmp_path, monkeypatch, capsys) == reference[name]
    manifests = _entries(tmp_path)
    assert len(manifests) == 2 and all(_own_key(manifest) for manifest in manifests)
    contents = [manifest.read_bytes() for manifest in manifests]
    document = json.loads(contents[0])
    shapes = [
        contents[1],  # the other configuration's manifest under this name
        contents[0][: len(contents[0]) // 2],  # cut short
        b"",  # emptied
        json.dumps({**document, "files": []}).encode(),  # the wrong shape
        json.dumps({**document, "files": {key: {"s": "x"} for key in document["files"]}}).encode(),
        json.dumps({**document, "files": {key: {**entry, "l": [[1]]} for key, entry in document["files"].items()}}).encode(),
    ]
    for shape in shapes:
        for manifest in manifests:
            manifest.write_bytes(shape)
            (manifest.parent / f".flake8-ssot-{manifest.stem[:8]}.tmp").write_bytes(contents[0][:10])
        for name, args in runs.items():
            assert _main(args, tmp_path, monkeypatch, capsys) == reference[name]
        # Every damaged manifest was written again: the next runs are served from it and agree.
        assert all(_own_key(manifest) for manifest in _entries(tmp_path))
        for name, args in runs.items():
            assert _main([*args[:-1], "2"], tmp_path, monkeypatch, capsys) == reference[name]


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
            if process.poll() is not None or _entries(tmp_path):
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
