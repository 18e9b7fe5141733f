"""``exclude``, ``extend-exclude`` and ``filename`` mean what they mean to flake8: same tree, same
configuration, real flake8 (with the plugin) against ``flake8-ssot check``, file by file."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Sequence

import pytest

REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    legacy
"""
TREE = ("backup/x.py", "app/backup/y.py", "app/sub/z.py", "app/a.py", "app/notes.txt")
FINDING = "SOT101 import of legacy module 'legacy'; it has been removed"


def write(root: Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """``tree/`` to check, and ``conf/`` beside it holding configuration files."""
    write(tmp_path / "tree", {name: "import legacy\n" for name in TREE})
    (tmp_path / "conf").mkdir()
    return tmp_path


def run(module: str, args: Sequence[str], cwd: Path) -> List[str]:
    """The finding lines of ``python -m module args`` run in ``cwd``, sorted."""
    command = [sys.executable, "-m", module, *args]
    if module == "flake8":
        command.insert(3, "--select=SOT")
    else:
        command[3:3] = ["check", "--no-cache"]
    result = subprocess.run(command, cwd=str(cwd), capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return sorted(result.stdout.splitlines())


def same_as_flake8(args: Sequence[str], cwd: Path) -> List[str]:
    """The files both report, relative to ``tree/``, after asserting that flake8 and the command
    report the same files with the same findings (the command never shows a path with '..')."""
    ours, theirs = run("flake8_ssot", args, cwd), run("flake8", args, cwd)
    tree = (cwd.parent / "tree").resolve()

    def files(lines: List[str]) -> List[str]:
        assert all(line.endswith(f":1:1: {FINDING}") for line in lines)
        return sorted((cwd / line.split(":")[0]).resolve().relative_to(tree).as_posix() for line in lines)

    assert files(ours) == files(theirs)
    return files(ours)


EVERY_FILE = ["app/a.py", "app/backup/y.py", "app/sub/z.py", "backup/x.py"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "flags, reported",
    [
        # The configuration's 'backup/*' is taken relative to the configuration file's directory
        # (conf/), so with the configuration outside the checked tree it matches nothing.
        ([], EVERY_FILE),
        # On the command line, relative to the working directory: ./backup only.
        (["--exclude=backup/*"], ["app/a.py", "app/backup/y.py", "app/sub/z.py"]),
        # '*' spans '/' in the absolute pattern <tree>/*/backup: app/backup, not ./backup.
        (["--exclude=*/backup"], ["app/a.py", "app/sub/z.py", "backup/x.py"]),
        # Without a '/': the basename, anywhere.
        (["--exclude=backup"], ["app/a.py", "app/sub/z.py"]),
        # Commas and whitespace separate patterns.
        (["--exclude=sub, backup"], ["app/a.py"]),
        # A second --extend-exclude replaces the first, as any flake8 option given twice.
        (["--extend-exclude=backup", "--extend-exclude=sub"], ["app/a.py", "app/backup/y.py", "backup/x.py"]),
        # Excludes apply to paths given explicitly (a directory named backup here); an explicit
        # file is checked whatever its name.
        (["--exclude=backup", "backup", "app/notes.txt"], ["app/notes.txt"]),
    ],
)
def test_exclude_flags_and_a_configuration_outside_the_tree(layout: Path, flags: List[str], reported: List[str]) -> None:
    (layout / "conf" / "setup.cfg").write_text(REGISTRY + "exclude = backup/*\n", encoding="utf-8")
    paths = [flag for flag in flags if not flag.startswith("-")]
    options = [flag for flag in flags if flag.startswith("-")]
    assert same_as_flake8(["--config=../conf/setup.cfg", *options, *(paths or ["."])], layout / "tree") == reported


@pytest.mark.slow
def test_configured_patterns_are_relative_to_the_configuration_file(layout: Path) -> None:
    # From conf/, checking ../tree: a pattern naming the tree from the configuration's directory.
    (layout / "conf" / "setup.cfg").write_text(REGISTRY + "exclude = ../tree/backup/*, sub\n", encoding="utf-8")
    assert same_as_flake8(["../tree"], layout / "conf") == ["app/a.py", "app/backup/y.py"]
    # The same file read from the tree through --config: still relative to conf/, so the same files.
    assert same_as_flake8(["--config=../conf/setup.cfg", "."], layout / "tree") == ["app/a.py", "app/backup/y.py"]


@pytest.mark.slow
def test_appended_configuration_patterns_are_relative_to_the_main_configuration(layout: Path) -> None:
    # flake8 takes every configured path relative to the directory of the main configuration file
    # (tree/), also those of --append-config files.
    (layout / "tree" / "setup.cfg").write_text(REGISTRY, encoding="utf-8")
    (layout / "conf" / "extra.cfg").write_text("[flake8]\nextend-exclude = app/sub\n", encoding="utf-8")
    reported = same_as_flake8(["--append-config=../conf/extra.cfg"], layout / "tree")
    assert reported == ["app/a.py", "app/backup/y.py", "backup/x.py"]


@pytest.mark.slow
def test_filename_patterns_match_the_path_as_walked(layout: Path) -> None:
    (layout / "conf" / "setup.cfg").write_text(REGISTRY + "filename = */app/*.py, *.txt\n", encoding="utf-8")
    reported = same_as_flake8(["--config=../conf/setup.cfg"], layout / "tree")
    assert reported == ["app/a.py", "app/backup/y.py", "app/notes.txt", "app/sub/z.py"]


@pytest.mark.parametrize(
    "patterns",
    [
        (),
        (".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox", ".eggs", "*.egg"),
        ("backup", "*/generated/*", "/abs/dir/*", "test_*.py", "[ab]*", "*.[pP][yY]"),
    ],
)
@pytest.mark.parametrize(
    "path",
    ["./app/mod.py", "./backup", "./x/generated/y.py", "/abs/dir/z.py", "./tests/test_one.py", "./a.py", "b", "."],
)
def test_the_walks_compiled_patterns_decide_exactly_as_flake8s_matching(patterns, path):
    from flake8 import utils as flake8_utils

    from flake8_ssot.cli.discovery import _Patterns

    compiled = _Patterns(patterns)
    absolute = os.path.abspath(path)
    assert compiled.excludes(path, absolute) is flake8_utils.matches_filename(
        path, patterns=patterns, log_message="%(path)s", logger=logging.getLogger("test")
    )
    assert (compiled.empty or compiled.match(path)) is flake8_utils.fnmatch(path, patterns)
