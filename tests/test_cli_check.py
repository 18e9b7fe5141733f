"""``flake8-ssot check`` end to end: output formats, exit codes, discovery, workers, bad files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from importlib.metadata import version
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple

import pytest

SETUP_CFG = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core ; moved
ssot-canonical-classes =
    Handler = app.core
"""
PROJECT = {
    "setup.cfg": SETUP_CFG,
    "app/__init__.py": "",
    "app/core.py": "class Handler:\n    pass\n",
    "app/legacy.py": "class Handler:\n    pass\n",
    "app/use.py": "from app.legacy import Handler\n",
    "app/clean.py": "x = 1\n",
}
SOT301 = "SOT301 class 'Handler' is defined outside its canonical module 'app.core'; import it from there"
SOT101 = "SOT101 import from legacy module 'app.legacy'; use 'app.core' (moved)"
IMPORT_OF_LEGACY = "SOT101 import of legacy module 'app.legacy'; use 'app.core' (moved)"
EXPECTED_TEXT = f"./app/legacy.py:1:1: {SOT301}\n./app/use.py:1:1: {SOT101}\n"


def write_tree(root: Path, files: Dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def run_cli(args: Sequence[str], cwd: Path, timeout: float = 120) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-m", "flake8_ssot", *args],
        cwd=str(cwd),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_tree(tmp_path, PROJECT)


def test_text_output_is_flake8s_format_and_exit_code_1(project: Path) -> None:
    result = run_cli(["--no-cache"], project)
    assert (result.returncode, result.stdout, result.stderr) == (1, EXPECTED_TEXT, "")


def test_check_is_the_default_command_and_paths_are_shown_as_given(project: Path) -> None:
    result = run_cli(["check", "--no-cache", "app"], project)
    assert result.stdout == f"app/legacy.py:1:1: {SOT301}\napp/use.py:1:1: {SOT101}\n"
    assert run_cli(["--no-cache", "app/use.py"], project).stdout == f"app/use.py:1:1: {SOT101}\n"


def test_clean_tree_exits_0_with_no_output(project: Path) -> None:
    result = run_cli(["--no-cache", "app/clean.py", "app/core.py"], project)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_json_output(project: Path) -> None:
    result = run_cli(["--no-cache", "--format", "json"], project)
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {"path": "./app/legacy.py", "line": 1, "column": 1, "code": "SOT301", "message": SOT301[7:], "severity": "error"},
        {"path": "./app/use.py", "line": 1, "column": 1, "code": "SOT101", "message": SOT101[7:], "severity": "error"},
    ]


def test_json_output_of_a_clean_tree_is_an_empty_array(project: Path) -> None:
    result = run_cli(["--no-cache", "--format", "json", "app/clean.py"], project)
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def test_github_output_is_workflow_commands(project: Path) -> None:
    result = run_cli(["--no-cache", "--format", "github"], project)
    assert result.stdout == (
        f"::error file=./app/legacy.py,line=1,col=1,title=SOT301::{SOT301[7:]}\n"
        f"::error file=./app/use.py,line=1,col=1,title=SOT101::{SOT101[7:]}\n"
    )


def test_output_file_is_overwritten(project: Path) -> None:
    report = project / "report.txt"
    report.write_text("old content that is much longer than the new report\n" * 50, encoding="utf-8")
    result = run_cli(["--no-cache", "--output-file", str(report)], project)
    assert (result.returncode, result.stdout) == (1, "")
    assert report.read_text(encoding="utf-8") == EXPECTED_TEXT


@pytest.mark.parametrize(
    "args, message",
    [
        (["--no-cache", "missing_dir"], "flake8-ssot: error: no such file or directory: missing_dir\n"),
        (["--no-cache", "--baseline", "nope.json"], None),
        (["--format", "xml"], None),
        (["-j", "0"], None),
    ],
)
def test_usage_errors_exit_2_without_traceback(project: Path, args: Sequence[str], message: Optional[str]) -> None:
    result = run_cli(args, project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and result.stderr
    if message is not None:
        assert result.stderr == message


def test_configuration_error_exits_2_naming_file_key_and_value(project: Path) -> None:
    (project / "setup.cfg").write_text("[flake8]\nssot-forbiden-modules = a.b\n", encoding="utf-8")
    result = run_cli(["--no-cache"], project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "flake8-ssot: 1 configuration problem:\n"
        "  setup.cfg:2: ssot-forbiden-modules: 'a.b': unknown flake8-ssot key; "
        "did you mean 'ssot-forbidden-modules'?\n"
    )


def test_missing_baseline_file_is_a_clean_error(project: Path) -> None:
    result = run_cli(["--no-cache", "--baseline", "nope.json"], project)
    assert result.stderr == (
        "flake8-ssot: error: baseline file nope.json does not exist; create it with 'flake8-ssot baseline'\n"
    )


@pytest.mark.slow
def test_jobs_do_not_change_the_output(tmp_path: Path) -> None:
    files = dict(PROJECT)
    for index in range(40):
        files[f"app/gen/m{index:02d}.py"] = "from app import legacy\nclass Handler:\n    pass\n" if index % 3 else "y = 2\n"
    files["app/gen/__init__.py"] = ""
    write_tree(tmp_path, files)
    outputs = {jobs: run_cli(["--no-cache", "-j", jobs], tmp_path) for jobs in ("1", "2", "3")}
    assert outputs["1"].returncode == 1
    assert outputs["1"].stdout.count("\n") == 2 + 2 * 26
    assert outputs["1"].stdout == outputs["2"].stdout == outputs["3"].stdout
    for fmt in ("json", "sarif"):
        one = run_cli(["--no-cache", "-j", "1", "--format", fmt], tmp_path).stdout
        assert one == run_cli(["--no-cache", "-j", "2", "--format", fmt], tmp_path).stdout


def test_excludes_from_the_config_and_the_command_line(project: Path) -> None:
    config = SETUP_CFG + "exclude = legacy.py\nextend-exclude = ./app/sub\n"
    write_tree(project, {"setup.cfg": config, "app/sub/__init__.py": "", "app/sub/x.py": "import app.legacy\n"})
    assert run_cli(["--no-cache"], project).stdout == f"./app/use.py:1:1: {SOT101}\n"
    # Like flake8: '--exclude' replaces 'exclude', '--extend-exclude' replaces 'extend-exclude' and
    # adds to 'exclude'; both apply to explicitly given paths.  With every file referencing
    # app.legacy excluded, the registry check says nothing references it any more (a note).
    unreferenced = (
        "./setup.cfg:3:5: SOT406 ssot-forbidden-modules: 'app.legacy': nothing references legacy module "
        "'app.legacy' any more; delete the module, then retire the entry, or keep it to stop new references\n"
    )
    assert run_cli(["--no-cache", "--exclude", "use.py"], project).stdout == (
        f"./app/legacy.py:1:1: {SOT301}\n" + unreferenced
    )
    assert run_cli(["--no-cache", "--extend-exclude", "use.py"], project).stdout == (
        f"./app/sub/x.py:1:1: {IMPORT_OF_LEGACY}\n"
    )
    assert run_cli(["--no-cache", "--extend-exclude", "use.py,sub"], project).stdout == unreferenced
    assert run_cli(["--no-cache", "app/legacy.py"], project).stdout == ""


def test_tool_and_virtualenv_directories_are_skipped(project: Path) -> None:
    bad = "import app.legacy\n"
    skipped = [".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "build", "dist", "__pycache__",
               "x.egg-info", ".flake8-ssot-cache", "node_modules", "myenv"]
    write_tree(project, {f"{name}/bad.py": bad for name in skipped})
    (project / "myenv" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    write_tree(project, {"kept/bad.py": bad})
    result = run_cli(["--no-cache"], project)
    assert result.stdout == EXPECTED_TEXT + "./kept/bad.py:1:1: " + IMPORT_OF_LEGACY + "\n"
    # A skipped directory given explicitly is checked.
    assert run_cli(["--no-cache", "build"], project).stdout == (
        "build/bad.py:1:1: " + IMPORT_OF_LEGACY + "\n"
    )


def test_files_are_reported_in_sorted_path_order(project: Path) -> None:
    write_tree(project, {"app/a_b.py": "import app.legacy\n", "app/a/b.py": "import app.legacy\n"})
    lines = run_cli(["--no-cache"], project).stdout.splitlines()
    paths = [line.split(":")[0] for line in lines]
    assert paths == ["./app/a/b.py", "./app/a_b.py", "./app/legacy.py", "./app/use.py"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symlinks")
def test_unreadable_files_are_findings_not_tracebacks_and_fifos_are_never_opened(project: Path) -> None:
    os.mkfifo(project / "app" / "pipe.py")  # opening it for reading would block forever
    os.symlink(project / "app" / "gone.py", project / "app" / "dangling.py")
    os.symlink(project, project / "app" / "loop")  # a directory symlink loop
    (project / "app" / "broken.py").write_text("import app.legacy\ndef f(:\n    pass\n", encoding="utf-8")
    (project / "app" / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nimport app.legacy  # caf\xe9\n")
    (project / "app" / "bad_utf8.py").write_bytes(b"import app.legacy\nx = '\xff'\n")
    (project / "app" / "cookie.py").write_bytes(b"# coding: no-such-codec\nimport app.legacy\n")
    result = run_cli(["--no-cache", "-j", "2"], project, timeout=60)
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout == (
        "./app/bad_utf8.py:2:1: SOT901 file could not be analysed: cannot decode it as utf-8 (byte 0xff on line 2); "
        "it was not checked\n"
        "./app/broken.py:2:1: SOT901 file could not be analysed: SyntaxError: invalid syntax; it was not checked\n"
        "./app/cookie.py:1:1: SOT901 file could not be analysed: cannot decode it (unknown encoding: "
        "no-such-codec); it was not checked\n"
        "./app/dangling.py:1:1: SOT901 file could not be analysed: cannot read it (No such file or directory); "
        "it was not checked\n"
        "./app/latin.py:2:1: SOT101 import of legacy module 'app.legacy'; use 'app.core' (moved)\n"
        f"./app/legacy.py:1:1: {SOT301}\n"
        "./app/pipe.py:1:1: SOT901 file could not be analysed: not a regular file (a FIFO); it was not checked\n"
        f"./app/use.py:1:1: {SOT101}\n"
    )


def test_a_byte_order_mark_is_decoded_like_python(project: Path) -> None:
    (project / "app" / "bom.py").write_bytes(b"\xef\xbb\xbfimport app.legacy\n")
    result = run_cli(["--no-cache", "app/bom.py"], project)
    assert result.stdout == "app/bom.py:1:1: SOT101 import of legacy module 'app.legacy'; use 'app.core' (moved)\n"


def test_version_and_help(project: Path) -> None:
    from flake8_ssot import __version__

    assert run_cli(["--version"], project).stdout == f"flake8-ssot {__version__}\n"
    helped = run_cli(["--help"], project)
    assert helped.returncode == 0 and "duplicates" in helped.stdout and "baseline" in helped.stdout


@pytest.mark.slow
def test_text_output_is_identical_to_flake8_select_sot(tmp_path: Path) -> None:
    files = dict(PROJECT)
    files.update(
        {
            "app/strings.py": 'from unittest import mock\n\n\n@mock.patch("app.legacy.Handler")\ndef test(h):\n    pass\n',
            "app/attrs.py": "import app\n\n\ndef f():\n    return app.legacy.Handler()\n",
            "app/deep/__init__.py": "",
            "app/deep/rel.py": "from .. import legacy\nfrom ..legacy import Handler as H\n",
            "app/unicode.py": "# é\nimport app.legacy as ｌｅｇａｃｙ\nx = 'ü'; import app.legacy\n",
            "scripts/run-me.py": "import app.legacy\n",
        }
    )
    write_tree(tmp_path, files)
    ours = run_cli(["--no-cache", "-j", "2"], tmp_path)
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "SOT"],
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert flake8.returncode == ours.returncode == 1
    assert ours.stdout.count("\n") >= 8
    if int(version("flake8").split(".")[0]) >= 6:
        assert ours.stdout == flake8.stdout
    else:  # flake8 5 prints files in directory-listing order; every line is still the same
        def position(line: str) -> Tuple[str, int, int, str]:
            path, row, col, rest = line.split(":", 3)
            return path, int(row), int(col), rest

        assert ours.stdout.splitlines() == sorted(flake8.stdout.splitlines(), key=position)
