"""The analysed code is never imported or executed, by the plugin or by any command.

Every module of the project below writes a marker file when it is imported or run, and the
project is laid out so that importing it would work (it is the working directory, on
``sys.path`` as ``''`` of ``python -m``).  The registry names its modules, so every rule and
cross-file resolution look at them; strings name them for ``importlib`` and ``mock.patch``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import List, Sequence

import pytest

CONFIG = """\
[flake8]
select = SOT
ssot-forbidden-modules = app.legacy = app.core
ssot-forbidden-names = app.names.Old = app.names.New
ssot-canonical-classes = Handler = app.core
ssot-legacy-parameters = *Handler = supervisor
ssot-report-duplicates = true
"""

SIDE_EFFECT = """\
import os as _os
with open(_os.path.join({markers!r}, __name__ + ".imported"), "w") as _marker:
    _marker.write("executed")
"""

MODULES = {
    "app/__init__.py": "",
    "app/core.py": "class Handler:\n    def __init__(self):\n        pass\n\n\nclass Shared:\n    pass\n",
    "app/legacy.py": "class Handler:\n    def __init__(self, supervisor):\n        self.supervisor = supervisor\n",
    "app/names.py": "class Old:\n    pass\n\n\nclass New:\n    pass\n\n\nclass Shared:\n    pass\n",
    "app/reexport.py": "from app.legacy import Handler\nfrom app.names import Old\n__all__ = ['Handler', 'Old']\n",
    "app/user.py": textwrap.dedent(
        """\
        import importlib
        from unittest import mock

        from app.reexport import Handler, Old
        import app.legacy

        importlib.import_module("app.legacy")
        __import__("app.names", fromlist=["Old"])


        @mock.patch("app.legacy.Handler")
        def build(supervisor):
            return Handler(supervisor), Old(), app.legacy.Handler(supervisor=supervisor)
        """
    ),
    "conftest.py": "",
    "setup.py": "",
    "__main__.py": "",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    markers = tmp_path / "markers"
    markers.mkdir()
    root = tmp_path / "project"
    for name, body in MODULES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SIDE_EFFECT.format(markers=str(markers)) + body, encoding="utf-8")
    (root / "setup.cfg").write_text(CONFIG, encoding="utf-8")
    return root


def _run(module: str, args: Sequence[str], cwd: Path) -> "subprocess.CompletedProcess[str]":
    # Importing the project would succeed (it is on the path; not as sitecustomize, which the
    # interpreter itself would run at start-up).
    env = dict(os.environ, PYTHONPATH=str(cwd))
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=str(cwd), capture_output=True, text=True, timeout=300, env=env, stdin=subprocess.DEVNULL,
    )


def _markers(project: Path) -> List[str]:
    return sorted(os.listdir(project.parent / "markers"))


def test_the_project_really_would_write_its_markers_when_imported(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import app.user"], cwd=str(project), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "app.user.imported" in _markers(project)


def test_flake8_with_the_plugin_imports_nothing(project: Path) -> None:
    for jobs in ("1", "2"):
        result = _run("flake8", ["-j", jobs, "."], project)
        assert result.returncode == 1, result.stderr
        codes = {line.split()[1] for line in result.stdout.splitlines()}
        assert {"SOT101", "SOT103", "SOT202", "SOT301"} <= codes, result.stdout
    assert _markers(project) == []


def test_every_command_imports_nothing(project: Path) -> None:
    check = _run("flake8_ssot", ["check", "-j", "2"], project)
    assert check.returncode == 1, check.stderr
    assert {"SOT101", "SOT103", "SOT202", "SOT301", "SOT303"} <= {line.split()[1] for line in check.stdout.splitlines()}
    assert _run("flake8_ssot", ["check", "--no-cache", "-j", "1"], project).returncode == 1
    assert _run("flake8_ssot", ["duplicates", "--suggest"], project).returncode == 0
    assert _run("flake8_ssot", ["baseline"], project).returncode == 0
    fix = _run("flake8_ssot", ["fix", "--diff"], project)
    assert "Traceback" not in fix.stderr, fix.stderr
    assert _markers(project) == []
