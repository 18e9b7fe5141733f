"""Reported paths: relative to the working directory when the file lies below it, else to the
repository root or the project root, never with ``..``; ``fix --diff`` applies with ``git apply``.

The layout is the one that produced ``a/../../backend/...`` headers: a repository whose registry
lives in ``tools/ssot/`` while the code lives in ``backend/``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Dict, Sequence, Tuple

import pytest

from flake8_ssot.cli.main import main
from flake8_ssot.project import baseline as baselines
from flake8_ssot.project.paths import Shown, relative_key

REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core [pure-move]
ssot-baseline = accepted.json
"""
USE = "from app.legacy import X\n"
FIXED = "from app.core import X\n"
MESSAGE = "SOT101 import from legacy module 'app.legacy'; use 'app.core'"
DIFF = f"--- a/backend/app/use.py\n+++ b/backend/app/use.py\n@@ -1 +1 @@\n-{USE}+{FIXED}"
GIT = shutil.which("git")


def write(root: Path, files: Dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def git(cwd: Path, *args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(["git", *args], cwd=str(cwd), capture_output=True, text=True, timeout=60)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write(
        tmp_path / "repo",
        {
            "tools/ssot/setup.cfg": REGISTRY,
            "backend/app/__init__.py": "",
            "backend/app/core.py": "X = 1\n",
            "backend/app/legacy.py": "X = 1\n",
            "backend/app/use.py": USE,
        },
    )
    (root / ".git").mkdir()  # what marks a repository root (a real one where git is run)
    return root


def run(args: Sequence[str], cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main([*args, "--no-cache", "-j", "1"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_from_the_configuration_outside_the_tree_every_format_shows_repository_paths(repo, monkeypatch, capsys):
    conf = repo / "tools" / "ssot"
    code, out, err = run(["check", "--no-baseline", "../../backend"], conf, monkeypatch, capsys)
    assert (code, out, err) == (1, f"backend/app/use.py:1:1: {MESSAGE}\n", "")
    _, out, _ = run(["check", "--no-baseline", "--format", "json", "../../backend"], conf, monkeypatch, capsys)
    assert [item["path"] for item in json.loads(out)] == ["backend/app/use.py"]
    _, out, _ = run(["check", "--no-baseline", "--format", "github", "../../backend"], conf, monkeypatch, capsys)
    assert out == f"::error file=backend/app/use.py,line=1,col=1,title=SOT101::{MESSAGE[7:]}\n"
    _, out, _ = run(["check", "--no-baseline", "--format", "sarif", "../../backend"], conf, monkeypatch, capsys)
    sarif_run = json.loads(out)["runs"][0]
    location = sarif_run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "backend/app/use.py", "uriBaseId": "PROJECTROOT"}
    assert sarif_run["originalUriBaseIds"] == {
        "SRCROOT": {"uri": conf.resolve().as_uri() + "/"},
        "PROJECTROOT": {"uri": repo.resolve().as_uri() + "/"},
    }
    # The baseline lies in tools/ssot/; its entries are relative to the repository root too.
    code, out, err = run(["baseline", "../../backend"], conf, monkeypatch, capsys)
    assert (code, out, err) == (0, "", "flake8-ssot: wrote 1 finding to accepted.json\n")
    entries = json.loads((conf / "accepted.json").read_text(encoding="utf-8"))["findings"]
    assert [(entry["path"], entry["code"], entry["source"]) for entry in entries] == [
        ("backend/app/use.py", "SOT101", "from app.legacy import X")
    ]
    # The same keys wherever the command runs: from the repository root, from the code's directory.
    code, out, err = run(["check", "--config", "tools/ssot/setup.cfg", "backend"], repo, monkeypatch, capsys)
    assert (code, out, err) == (0, "", "flake8-ssot: 1 finding accepted by baseline tools/ssot/accepted.json\n")
    code, out, err = run(["check", "--config", "../tools/ssot/setup.cfg"], repo / "backend", monkeypatch, capsys)
    assert (code, out, err) == (0, "", f"flake8-ssot: 1 finding accepted by baseline {conf / 'accepted.json'}\n")


@pytest.mark.skipif(GIT is None, reason="needs git")
def test_fix_diff_from_outside_the_tree_applies_with_git_apply_from_the_repository_root(tmp_path, monkeypatch, capsys):
    repo = tmp_path / "repo"
    write(repo, {"tools/ssot/setup.cfg": REGISTRY, "backend/app/__init__.py": "", "backend/app/core.py": "X = 1\n",
                 "backend/app/legacy.py": "X = 1\n", "backend/app/use.py": USE})
    assert git(repo, "init", "-q", ".").returncode == 0
    code, out, err = run(["fix", "--diff", "../../backend"], repo / "tools" / "ssot", monkeypatch, capsys)
    assert (code, out) == (1, DIFF)
    assert err == (
        f"backend/app/use.py:1:1: fixed {MESSAGE}\n"
        "flake8-ssot: would fix 1 finding in 1 file; 0 findings need a human\n"
    )
    (tmp_path / "fix.patch").write_text(out, encoding="utf-8")
    checked = git(repo, "apply", "--check", str(tmp_path / "fix.patch"))
    assert (checked.returncode, checked.stderr) == (0, "")
    assert git(repo, "apply", str(tmp_path / "fix.patch")).returncode == 0
    assert (repo / "backend" / "app" / "use.py").read_text(encoding="utf-8") == FIXED
    # Run from the repository root, the same diff.
    (repo / "backend" / "app" / "use.py").write_text(USE, encoding="utf-8")
    assert run(["fix", "--diff", "--config", "tools/ssot/setup.cfg", "backend"], repo, monkeypatch, capsys)[1] == DIFF


@pytest.mark.skipif(GIT is None, reason="needs git")
def test_fix_diff_from_a_subdirectory_applies_there(tmp_path, monkeypatch, capsys):
    repo = tmp_path / "repo"
    write(repo, {"tools/ssot/setup.cfg": REGISTRY, "backend/app/__init__.py": "", "backend/app/core.py": "X = 1\n",
                 "backend/app/legacy.py": "X = 1\n", "backend/app/use.py": USE})
    assert git(repo, "init", "-q", ".").returncode == 0
    backend = repo / "backend"
    code, out, _ = run(["fix", "--diff", "--config", "../tools/ssot/setup.cfg"], backend, monkeypatch, capsys)
    assert (code, out) == (1, DIFF.replace("backend/", ""))
    (tmp_path / "fix.patch").write_text(out, encoding="utf-8")
    # git reads a plain unified diff relative to the directory it runs in.
    assert git(backend, "apply", "--check", str(tmp_path / "fix.patch")).returncode == 0
    assert git(repo, "apply", "--check", str(tmp_path / "fix.patch")).returncode != 0


def test_outside_any_repository_paths_are_relative_to_the_configuration_or_absolute(tmp_path, monkeypatch, capsys):
    project = write(tmp_path / "project", {"setup.cfg": REGISTRY, "src/app/__init__.py": "", "src/app/use.py": USE})
    outside = write(tmp_path / "elsewhere", {"app/__init__.py": "", "app/use.py": USE})
    # From docs/ (below the project), the project's file given through '..': relative to the
    # configuration's directory; a file below no root at all: its absolute path.
    (project / "docs").mkdir()
    code, out, _ = run(
        ["check", "--config", "../setup.cfg", "--no-baseline", "../src/app/use.py", str(outside / "app" / "use.py")],
        project / "docs",
        monkeypatch,
        capsys,
    )
    assert code == 1
    assert out.splitlines() == [f"{outside / 'app' / 'use.py'}:1:1: {MESSAGE}", f"src/app/use.py:1:1: {MESSAGE}"]
    # A file given by its absolute path below the working directory: relative to it.
    code, out, _ = run(["check", "--no-baseline", str(project / "src" / "app" / "use.py")], project, monkeypatch, capsys)
    assert out == f"src/app/use.py:1:1: {MESSAGE}\n"


def test_shown_and_baseline_keys(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "conf").mkdir()
    (repo / "src" / "pkg").mkdir(parents=True)
    shown = Shown(str(repo / "conf"), cwd=str(repo / "conf"))
    target = str(repo / "src" / "pkg" / "m.py")
    assert (shown("../src/pkg/m.py"), shown.base("../src/pkg/m.py")) == ("src/pkg/m.py", str(repo))
    assert (shown("./x.py"), shown.base("./x.py")) == ("./x.py", str(repo / "conf"))  # as discovered
    assert shown(target) == "src/pkg/m.py"
    outside = str(tmp_path / "other" / "m.py")
    assert (shown(outside), shown.base(outside)) == (outside, None)
    # Baseline keys: the baseline's directory, then the repository root, then the configuration's.
    assert relative_key(target, str(repo / "src")) == "pkg/m.py"
    assert relative_key(target, str(repo / "conf")) == "src/pkg/m.py"
    assert relative_key(outside, str(repo / "conf"), root=str(tmp_path)) == "other/m.py"
    assert relative_key(outside, str(repo / "conf")) == outside
    baseline = baselines.Baseline(str(repo / "conf" / "b.json"), {}, str(tmp_path))
    assert baseline.key(target) == "src/pkg/m.py"
    # A key read back: below the baseline's directory, the repository root or the configuration's.
    assert baseline.files_of("src/pkg/m.py", [str(repo / "src")]) == [
        str(repo / "conf" / "src" / "pkg" / "m.py"),
        target,
        str(tmp_path / "src" / "pkg" / "m.py"),
    ]
    assert baseline.files_of("other/m.py", []) == [str(repo / "conf" / "other" / "m.py"), outside]
    assert baseline.files_of(outside, []) == []  # the key of that file is 'other/m.py'
