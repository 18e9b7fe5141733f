"""Hostile sources and file systems through ``flake8-ssot check``: every file is either checked
or reported as SOT901, other files' findings are all reported, the run never blocks or crashes,
and the output does not depend on ``-j`` or on the cache being warm or cold."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import List, Sequence

import pytest

from flake8_ssot.cli import main as cli_main
from hostile_inputs import CONFIG, big_cases, by_file, command_outcome, matches, source_cases, write_cases

CASES = source_cases()
POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symlinks")


def run_cli(args: Sequence[str], cwd: Path, timeout: float = 300) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-m", "flake8_ssot", *args],
        cwd=str(cwd),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


# Special files next to the battery: (path, expected SOT901 message fragment).
SPECIAL = [
    ("app/fifo.py", "not a regular file (a FIFO)"),
    ("app/self_loop.py", "cannot read it (Too many levels of symbolic links)"),
    ("app/dangling.py", "cannot read it (No such file or directory)"),
    ("app/device.py", "not a regular file (a character device)"),
]


def _special_files(root: Path) -> None:
    app = root / "app"
    os.mkfifo(app / "fifo.py")  # opening it for reading would block forever
    os.symlink("self_loop.py", app / "self_loop.py")
    os.symlink("missing.py", app / "dangling.py")
    os.symlink(os.devnull, app / "device.py")
    os.symlink("..", app / "loop")  # a directory symlink loop: never followed
    (app / "dir.py").mkdir()  # a directory named like a module file is walked, not read
    (app / "dir.py" / "inner.py").write_text("import app.legacy\n", encoding="utf-8")
    (app / "linked_good.py").symlink_to("good.py")  # a file symlink is read through


@pytest.fixture(scope="module")
def battery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile_command")
    write_cases(root, CASES)
    if hasattr(os, "mkfifo"):
        _special_files(root)
    return root


def _assert_battery(output: str) -> None:
    reported = by_file(output)
    wrong = {}
    for case in CASES:
        outcome = command_outcome(case)
        found = reported.pop(os.path.normpath(case.path), [])
        if not matches(outcome, found):
            wrong[case.path] = (outcome, [item[:3] for item in found], [item[3] for item in found if item[2] == "SOT901"])
    assert wrong == {}
    if hasattr(os, "mkfifo"):
        for path, fragment in SPECIAL:
            found = reported.pop(path)
            assert [item[:3] for item in found] == [(1, 1, "SOT901")], path
            assert fragment in found[0][3], path
        assert [item[:3] for item in reported.pop("app/dir.py/inner.py")] == [(1, 1, "SOT101")]
        assert [item[:3] for item in reported.pop("app/linked_good.py")] == [(1, 1, "SOT101")]
    assert reported == {}
    assert "SOT900" not in output


def test_every_file_is_checked_or_reported_and_nothing_blocks(battery: Path) -> None:
    result = run_cli(["check", "--no-cache", "-j", "2"], battery)
    assert (result.returncode, result.stderr) == (1, "")
    _assert_battery(result.stdout)


def test_output_does_not_depend_on_jobs_or_the_cache(battery: Path) -> None:
    """-j 1 / 3, cold cache, warm cache, no cache: byte-identical reports, in every format."""
    reference = run_cli(["check", "--no-cache", "-j", "1"], battery)
    _assert_battery(reference.stdout)
    runs = {
        "cold -j3": run_cli(["check", "-j", "3"], battery),
        "warm -j1": run_cli(["check", "-j", "1"], battery),
    }
    for name, result in runs.items():
        assert (result.returncode, result.stderr, result.stdout) == (1, "", reference.stdout), name
    sarif = {jobs: run_cli(["check", "--format", "sarif", "-j", jobs], battery).stdout for jobs in ("1", "2")}
    assert sarif["1"] == sarif["2"]


def _main(args: List[str], root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.chdir(root)
    code = cli_main.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _small_project(root: Path) -> None:
    write_cases(root, [case for case in CASES if case.path in ("app/__init__.py", "app/good.py", "app/crlf.py")])


def test_an_unreadable_file_is_reported_and_the_others_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The suite may run as root, who can read a mode-000 file: refuse the open instead.
    _small_project(tmp_path)
    real_open = os.open

    def refusing(path: str, flags: int, *args: object) -> int:
        if os.path.basename(path) == "crlf.py":
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing)
    code, out, err = _main(["check", "--no-cache", "-j", "1"], tmp_path, monkeypatch, capsys)
    assert (code, err) == (1, "")
    assert out == (
        "./app/crlf.py:1:1: SOT901 file could not be analysed: cannot read it (Permission denied); it was not checked\n"
        "./app/good.py:1:1: SOT101 import of legacy module 'app.legacy'; use 'app.core'\n"
    )


def test_a_file_removed_during_the_run_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _small_project(tmp_path)
    discover = cli_main.discover

    def discover_then_remove(*args: object, **kwargs: object) -> List[str]:
        files = discover(*args, **kwargs)  # type: ignore[arg-type]
        os.remove(tmp_path / "app" / "crlf.py")
        return files

    monkeypatch.setattr(cli_main, "discover", discover_then_remove)
    code, out, err = _main(["check", "--no-cache", "-j", "1"], tmp_path, monkeypatch, capsys)
    assert (code, err) == (1, "")
    assert out == (
        "./app/crlf.py:1:1: SOT901 file could not be analysed: cannot read it (No such file or directory); "
        "it was not checked\n"
        "./app/good.py:1:1: SOT101 import of legacy module 'app.legacy'; use 'app.core'\n"
    )


def test_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """1 when any file has a finding, SOT901 included; 0 for a clean tree; 2 for a usage error."""
    (tmp_path / "setup.cfg").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "clean.py").write_text("x = 1\n", encoding="utf-8")
    assert _main(["check", "--no-cache"], tmp_path, monkeypatch, capsys) == (0, "", "")
    (tmp_path / "broken.py").write_bytes(b"x = '\xff'\n")
    assert _main(["check", "--no-cache"], tmp_path, monkeypatch, capsys) == (
        1,
        "./broken.py:1:1: SOT901 file could not be analysed: cannot decode it as utf-8 (byte 0xff on line 1); "
        "it was not checked\n",
        "",
    )
    # A file that cannot hold a finding (no registry name in its text) is not parsed, so its
    # syntax error is not the command's to report (flake8 reports it as E999).
    (tmp_path / "broken.py").write_bytes(b"def f(:\n")
    assert _main(["check", "--no-cache"], tmp_path, monkeypatch, capsys) == (0, "", "")
    assert _main(["check", "--no-cache", "nowhere.py"], tmp_path, monkeypatch, capsys) == (
        2,
        "",
        "flake8-ssot: error: no such file or directory: nowhere.py\n",
    )


@pytest.mark.slow
def test_big_files(tmp_path: Path) -> None:
    cases = big_cases()
    write_cases(tmp_path, cases)
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    result = run_cli(["check", "--no-cache", "-j", "2"], tmp_path, timeout=600)
    assert result.stderr == ""
    reported = by_file(result.stdout)
    for case in cases:
        assert sorted(item[:3] for item in reported.get(case.path, [])) == list(case.findings), case.path


@pytest.mark.parametrize("warnings_setting", ["default", "error"])
def test_the_analysed_codes_syntax_warnings_are_neither_printed_nor_fatal(tmp_path: Path, warnings_setting: str) -> None:
    """Invalid escapes and '1if' are SyntaxWarnings (DeprecationWarnings before 3.12) of the analysed
    code: the command does not print them, and PYTHONWARNINGS=error does not make the file SOT901."""
    (tmp_path / "setup.cfg").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "warned.py").write_text('import re\nimport app.legacy\nx = re.compile("\\d+")\ny = 1if x else 2\n', encoding="utf-8")
    env = dict(os.environ, PYTHONWARNINGS=warnings_setting)
    result = subprocess.run(
        [sys.executable, "-m", "flake8_ssot", "check", "--no-cache", "warned.py"],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL,
    )
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == "warned.py:2:1: SOT101 import of legacy module 'app.legacy'; use 'app.core'\n"


def _run_env(args: Sequence[str], cwd: Path, **env: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-m", "flake8_ssot", *args],
        cwd=str(cwd), capture_output=True, text=True, timeout=120, env=dict(os.environ, **env),
        stdin=subprocess.DEVNULL, errors="replace",
    )


def test_file_names_that_are_not_utf8_and_terminals_that_are_not_either(tmp_path: Path) -> None:
    """A file name with invalid UTF-8 bytes, a non-ASCII name and reason, on a strict UTF-8 or an
    ASCII stdout: every format, the cache and the baseline work; unprintable bytes are escaped."""
    (tmp_path / "setup.cfg").write_text(CONFIG.replace("app.core", "app.core ; déplacé"), encoding="utf-8")
    try:
        (tmp_path / os.fsdecode(b"bad\xffname.py")).write_text("import app.legacy\n", encoding="utf-8")
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    (tmp_path / "café.py").write_text("import app.legacy\n", encoding="utf-8")
    message = "SOT101 import of legacy module 'app.legacy'; use 'app.core' (déplacé)"
    expected = f"./bad\\xffname.py:1:1: {message}\n./café.py:1:1: {message}\n"
    for encoding, cache in (("utf-8", "--no-cache"), ("ascii", "-j1")):  # -j1: with the cache
        result = _run_env(["check", cache], tmp_path, PYTHONIOENCODING=encoding)
        assert (result.returncode, result.stderr) == (1, ""), encoding
        assert result.stdout == (expected if encoding == "utf-8" else expected.replace("é", "\\xe9"))
    for fmt in ("json", "sarif", "github"):
        result = _run_env(["check", "--format", fmt], tmp_path, PYTHONIOENCODING="utf-8")
        assert (result.returncode, result.stderr) == (1, ""), fmt
        shown = {"json": "bad\\\\xffname.py", "sarif": "bad%5Cxffname.py", "github": "bad\\xffname.py"}[fmt]
        assert shown in result.stdout, fmt
    assert _run_env(["baseline"], tmp_path, PYTHONIOENCODING="utf-8").returncode == 0
    accepted = _run_env(["check", "--baseline", ".flake8-ssot-baseline.json"], tmp_path, PYTHONIOENCODING="utf-8")
    assert (accepted.returncode, accepted.stdout) == (0, "")
