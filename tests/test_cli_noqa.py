"""``# noqa`` and ``# flake8: noqa`` drop the command's findings exactly as they drop flake8's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Sequence

import pytest

SETUP_CFG = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core
ssot-legacy-parameters =
    *Handler = supervisor
ssot-report-duplicates = true
"""
FILES = {
    "app/__init__.py": "",
    "app/legacy.py": "class Shared:  # noqa: SOT303\n    pass\n",
    "app/core.py": "class Shared:\n    pass\n",
    "app/other.py": "class Shared:  # noqa\n    pass\n",
    "app/lines.py": (
        "import app.legacy  # noqa\n"
        "import app.legacy  # noqa: SOT101\n"
        "import app.legacy  # noqa:SOT1\n"
        "import app.legacy  # NOQA: SOT\n"
        "import app.legacy  # noqa: SOT102\n"
        "import app.legacy  # noqa : SOT101\n"  # not a code list: a blanket noqa, as in flake8
        "import app.legacy  #noqa\n"
        "import app.legacy  # noqa: sot101\n"
        "import app.legacy  # noqa: E501,SOT101\n"
        "x = Handler(supervisor='''a\n"
        "b''')  # noqa: SOT202\n"
        "y = Handler(\n"
        "    supervisor=1,  # noqa\n"
        ")\n"
        "z = Handler(\n"
        "    supervisor=1,\n"
        ")  # noqa\n"
    ),
    "app/skipped.py": "import os\n# flake8: noqa\nimport app.legacy\n",
    "app/skipped_codes.py": "  # flake8: NOQA: E123\nimport app.legacy\n",
    "app/not_skipped.py": "import app.legacy  # flake8: noqa\n",
}


def run(module: str, args: Sequence[str], cwd: Path) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, "-m", module, *args], cwd=str(cwd), capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "setup.cfg").write_text(SETUP_CFG, encoding="utf-8")
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


LEGACY = "SOT101 import of legacy module 'app.legacy'; use 'app.core'"
EXPECTED = [
    "./app/core.py:1:1: SOT303 class 'Shared' is also defined in 'app.legacy', 'app.other'",
    f"./app/lines.py:5:1: {LEGACY}",
    f"./app/lines.py:7:1: {LEGACY}",
    f"./app/lines.py:8:1: {LEGACY}",
    "./app/lines.py:16:5: SOT202",  # a noqa after the closing bracket covers only its own line
    f"./app/not_skipped.py:1:1: {LEGACY}",
]


def trimmed(output: str) -> list:
    """SOT303 and SOT202 messages cut after their first clause (their wording is tested elsewhere)."""
    lines = []
    for line in output.splitlines():
        if " SOT303 " in line:
            line = line.split(";")[0]
        elif " SOT202 " in line:
            line = line.split(" SOT202 ")[0] + " SOT202"
        lines.append(line)
    return lines


def test_noqa_comments_are_honoured(project: Path) -> None:
    result = run("flake8_ssot", ["--no-cache"], project)
    assert result.returncode == 1
    assert trimmed(result.stdout) == EXPECTED


def test_the_same_lines_as_flake8(project: Path) -> None:
    ours = run("flake8_ssot", ["--no-cache"], project).stdout.splitlines()
    flake8 = run("flake8", ["--select", "SOT"], project).stdout.splitlines()
    assert sorted(flake8) == sorted(line for line in ours if " SOT303 " not in line)  # SOT303: command only


def test_disable_noqa_reports_everything(project: Path) -> None:
    ours = run("flake8_ssot", ["--no-cache", "--disable-noqa"], project).stdout
    flake8 = run("flake8", ["--select", "SOT", "--disable-noqa"], project).stdout
    assert ours.count("SOT101") == flake8.count("SOT101") == 12
    assert ours.count("SOT303") == 3
    assert sorted(flake8.splitlines()) == sorted(line for line in ours.splitlines() if " SOT303 " not in line)


def test_the_cache_keeps_noqa_and_disable_noqa_apart(project: Path) -> None:
    first = run("flake8_ssot", [], project).stdout
    assert run("flake8_ssot", ["--disable-noqa"], project).stdout.count("SOT101") == 12
    assert run("flake8_ssot", [], project).stdout == first
