"""pre-commit, proven with the real pre-commit: both documented routes, from this repository's files.

The hook repository is a snapshot of this working tree (tracked and untracked, not ignored, files)
committed into a temporary git repository, so the current code is what runs, not only HEAD.
pre-commit clones it by path at that commit and builds the hook's environment the way it does on
a user's machine: a fresh virtualenv and ``pip install`` of the clone.  PRE_COMMIT_HOME is a
temporary directory, so nothing is reused from earlier runs.

The ``additional_dependencies: [flake8-ssot]`` route needs flake8's own hook repository, which the
tests cannot clone; a stand-in repository carries the same hook definition (id, entry, language,
types, require_serial) and a package depending on ``flake8``.  flake8-ssot itself comes from a
wheel built from the snapshot, found through PIP_FIND_LINKS, as from a package index.  Without
the dependency, the fixture's ``require-plugins = flake8-ssot`` must make the hook fail loudly.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "clients"
TIMEOUT = 900  # building a hook environment installs packages; never asserted on

FINDING = re.compile(r"^(\S+):(\d+):(\d+): ([A-Z]+[0-9]+) ", re.MULTILINE)  # any code: no others expected
EXPECTED = [
    ("app/consumers.py", 6, 1, "SOT101"),
    ("app/consumers.py", 7, 1, "SOT102"),
    ("app/consumers.py", 10, 13, "SOT103"),
    ("app/consumers.py", 12, 12, "SOT104"),
    ("app/consumers.py", 16, 24, "SOT201"),
    ("app/consumers.py", 21, 25, "SOT202"),
    ("app/consumers.py", 25, 5, "SOT301"),
    ("app/consumers.py", 31, 1, "SOT302"),
]
SOT101_LINE = (
    "app/consumers.py:6:1: SOT101 import from legacy module 'app.services.message_handler'; "
    "use 'app.websocket_core.handlers' (queue-based, bypasses the agent factory)"
)

# The hook definition of flake8's own repository (PyCQA/flake8, .pre-commit-hooks.yaml).
FLAKE8_HOOK = """\
-   id: flake8
    name: flake8
    entry: flake8
    language: python
    types: [python]
    require_serial: true
"""
STAND_IN_PACKAGE = """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "flake8-hook-stand-in"
version = "0"
dependencies = ["flake8"]

[tool.setuptools]
py-modules = []
"""


def _environment(**extra: str) -> Dict[str, str]:
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("GIT_", "PRE_COMMIT")):
            del env[name]
    env.update(
        GIT_AUTHOR_NAME="flake8-ssot tests",
        GIT_AUTHOR_EMAIL="tests@flake8-ssot.invalid",
        GIT_COMMITTER_NAME="flake8-ssot tests",
        GIT_COMMITTER_EMAIL="tests@flake8-ssot.invalid",
        # No user or system git configuration (signing, hooks, templates) leaks in.
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
    )
    env.update(extra)
    return env


def _run(args: Sequence[str], cwd: Path, env: Dict[str, str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        list(args),
        cwd=str(cwd),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TIMEOUT,
    )


def _git(cwd: Path, *args: str) -> str:
    result = _run(["git", *args], cwd, _environment())
    assert result.returncode == 0, result.stdout
    return result.stdout


def _commit_all(directory: Path) -> str:
    """Make ``directory`` a git repository with everything in it committed; the commit's id."""
    _git(directory, "init", "-q")
    _git(directory, "add", "-A")
    _git(directory, "commit", "-q", "-m", "snapshot")
    return _git(directory, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, str]:
    """This working tree as a hook repository: (path, commit)."""
    if not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout of flake8-ssot")
    listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    target = tmp_path_factory.mktemp("hook-repository")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target, _commit_all(target)


def _user_project(directory: Path, config: str) -> Path:
    """A user's repository: the fixture project, a violating module, the pre-commit config."""
    shutil.copytree(FIXTURES / "project", directory)
    shutil.copy2(FIXTURES / "all_codes.py", directory / "app" / "consumers.py")
    (directory / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    _commit_all(directory)
    return directory


def _pre_commit(project: Path, home: Path, **env: str) -> "subprocess.CompletedProcess[str]":
    return _run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color=never"],
        project,
        _environment(PRE_COMMIT_HOME=str(home), **env),
    )


def _fix(project: Path) -> None:
    shutil.copy2(FIXTURES / "project" / "app" / "consumers.py", project / "app" / "consumers.py")
    _git(project, "add", "-A")


def _findings(output: str) -> List[Tuple[str, int, int, str]]:
    return [(path, int(line), int(col), code) for path, line, col, code in FINDING.findall(output)]


@pytest.mark.slow
def test_the_repositorys_own_hook_fails_on_findings_and_passes_when_fixed(
    snapshot: Tuple[Path, str], tmp_path: Path
) -> None:
    repository, commit = snapshot
    project = _user_project(
        tmp_path / "project",
        f"repos:\n  - repo: {repository}\n    rev: {commit}\n    hooks:\n      - id: flake8-ssot\n",
    )

    failed = _pre_commit(project, tmp_path / "pre-commit-home")

    assert failed.returncode == 1, failed.stdout
    assert re.search(r"^flake8-ssot\.+Failed$", failed.stdout, re.MULTILINE), failed.stdout
    assert _findings(failed.stdout) == EXPECTED, failed.stdout
    assert SOT101_LINE in failed.stdout.splitlines()

    _fix(project)
    passed = _pre_commit(project, tmp_path / "pre-commit-home")

    assert passed.returncode == 0, passed.stdout
    assert re.search(r"^flake8-ssot\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout


@pytest.mark.slow
def test_flake8_hook_needs_the_additional_dependency_and_then_reports_sot(snapshot: Tuple[Path, str], tmp_path: Path) -> None:
    repository, _ = snapshot
    wheels = tmp_path / "wheels"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(repository)],
        tmp_path,
        _environment(),
    )
    assert built.returncode == 0, built.stdout
    assert [path.name.split("-")[0] for path in wheels.iterdir()] == ["flake8_ssot"]

    stand_in = tmp_path / "flake8-hook"
    stand_in.mkdir()
    (stand_in / ".pre-commit-hooks.yaml").write_text(FLAKE8_HOOK, encoding="utf-8")
    (stand_in / "pyproject.toml").write_text(STAND_IN_PACKAGE, encoding="utf-8")
    commit = _commit_all(stand_in)
    hook = f"repos:\n  - repo: {stand_in}\n    rev: {commit}\n    hooks:\n      - id: flake8\n"
    project = _user_project(tmp_path / "project", hook)

    # Forgotten additional_dependencies: the project's `require-plugins = flake8-ssot` makes
    # flake8 stop loudly instead of passing without the plugin.
    forgotten = _pre_commit(project, tmp_path / "pre-commit-home", PIP_FIND_LINKS=str(wheels))

    assert forgotten.returncode == 1, forgotten.stdout
    assert "required plugins were not installed!" in forgotten.stdout
    assert "- missing: flake8-ssot" in forgotten.stdout.splitlines()
    assert _findings(forgotten.stdout) == []

    (project / ".pre-commit-config.yaml").write_text(
        hook + "        additional_dependencies: [flake8-ssot]\n", encoding="utf-8"
    )
    _git(project, "add", "-A")
    failed = _pre_commit(project, tmp_path / "pre-commit-home", PIP_FIND_LINKS=str(wheels))

    assert failed.returncode == 1, failed.stdout
    assert re.search(r"^flake8\.+Failed$", failed.stdout, re.MULTILINE), failed.stdout
    # All of flake8 runs here; the fixture is otherwise clean, so SOT findings are all it reports.
    assert _findings(failed.stdout) == EXPECTED, failed.stdout
    assert SOT101_LINE in failed.stdout.splitlines()

    _fix(project)
    passed = _pre_commit(project, tmp_path / "pre-commit-home", PIP_FIND_LINKS=str(wheels))

    assert passed.returncode == 0, passed.stdout
    assert re.search(r"^flake8\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout
