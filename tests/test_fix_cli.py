"""``flake8-ssot fix`` end to end: in place, --diff, exit codes, what is left alone, file details."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from flake8_ssot.cli import fixing
from flake8_ssot.cli.main import main

pytest.importorskip("libcst")

SETUP_CFG = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core [pure-move] ; moved
    app.queue_handler = app.handlers ; different methods
ssot-forbidden-names =
    app.models.OldUser = app.accounts.User
ssot-legacy-parameters =
    *Handler = supervisor
"""
USE = """\
from app.legacy import Router  # routes
from app.models import OldUser, Group
from unittest import mock


@mock.patch("app.legacy.Router.route")
def test(route):
    return Router, OldUser, Group
"""
USE_AFTER = """\
from app.core import Router  # routes
from app.models import Group
from app.accounts import User as OldUser
from unittest import mock


@mock.patch("app.core.Router.route")
def test(route):
    return Router, OldUser, Group
"""
MANUAL = """\
from app.queue_handler import QueueHandler

handler = QueueHandler(supervisor=None)
"""
PROJECT = {
    "setup.cfg": SETUP_CFG,
    "app/__init__.py": "",
    "app/core.py": "class Router:\n    pass\n",
    # The replacements exist: fix never rewrites to a replacement the registry check reports.
    "app/accounts.py": "class User:\n    pass\n",
    "app/handlers.py": "class QueueHandler:\n    pass\n",
    "app/legacy.py": "from app.core import *\n",
    "app/use.py": USE,
    "app/manual.py": MANUAL,
    "app/clean.py": "import app.core\n",
}
FIXED_LINES = [
    "./app/use.py:1:1: fixed SOT101 import from legacy module 'app.legacy'; use 'app.core' (moved)",
    "./app/use.py:2:1: fixed SOT102 import of legacy name 'app.models.OldUser'; use 'app.accounts.User'",
    "./app/use.py:6:13: fixed SOT103 patch target 'app.legacy.Router.route' refers to legacy module 'app.legacy';"
    " use 'app.core' (moved)",
]
MANUAL_LINES = [
    "./app/manual.py:1:1: needs a human: SOT101 import from legacy module 'app.queue_handler'; use 'app.handlers'"
    " (different methods)",
    "    why: 'app.queue_handler = app.handlers' is not marked [pure-move], so the modules' APIs may differ",
    "./app/manual.py:3:24: needs a human: SOT202 'QueueHandler(...)' passes legacy parameter 'supervisor'; remove"
    " 'supervisor' (legacy for classes matching '*Handler')",
    "    why: constructor calls are not rewritten; stop passing the legacy parameter by hand",
]


def write_tree(root: Path, files: Dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(textwrap.dedent(text).encode("utf-8"))
    return root


def snapshot(root: Path) -> Dict[str, Tuple[bytes, int]]:
    return {
        str(path.relative_to(root)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*.py"))
        if ".flake8-ssot-cache" not in path.parts
    }


def run_main(args: List[str], cwd: Path, monkeypatch, capsys) -> Tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main([*args, "--no-cache", "-j", "1"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_tree(tmp_path, PROJECT)


def test_fix_rewrites_in_place_and_reports_what_needs_a_human(project, monkeypatch, capsys):
    before = snapshot(project)
    code, out, err = run_main(["fix"], project, monkeypatch, capsys)
    assert (code, err) == (1, "")
    summary = "flake8-ssot: fixed 3 findings in 1 file; 2 findings need a human"
    assert out.splitlines() == [*MANUAL_LINES, *FIXED_LINES, summary]
    assert (project / "app/use.py").read_text(encoding="utf-8") == USE_AFTER
    after = snapshot(project)
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == ["app/use.py"]  # every other file byte-identical, mtime unchanged


def test_diff_changes_nothing_and_exits_1_when_there_is_something_to_change(project, monkeypatch, capsys):
    before = snapshot(project)
    code, out, err = run_main(["fix", "--diff"], project, monkeypatch, capsys)
    assert code == 1
    assert snapshot(project) == before
    assert out == (
        "--- a/app/use.py\n"
        "+++ b/app/use.py\n"
        "@@ -1,8 +1,9 @@\n"
        "-from app.legacy import Router  # routes\n"
        "-from app.models import OldUser, Group\n"
        "+from app.core import Router  # routes\n"
        "+from app.models import Group\n"
        "+from app.accounts import User as OldUser\n"
        " from unittest import mock\n"
        " \n"
        " \n"
        '-@mock.patch("app.legacy.Router.route")\n'
        '+@mock.patch("app.core.Router.route")\n'
        " def test(route):\n"
        "     return Router, OldUser, Group\n"
    )
    summary = "flake8-ssot: would fix 3 findings in 1 file; 2 findings need a human"
    assert err.splitlines() == [*MANUAL_LINES, *FIXED_LINES, summary]


def test_the_diff_applies_with_git_apply_and_gives_the_in_place_result(project, monkeypatch, capsys):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    code, diff, _ = run_main(["fix", "--diff"], project, monkeypatch, capsys)
    assert code == 1
    applied = subprocess.run(
        ["git", "apply", "-"], input=diff, text=True, cwd=str(project), capture_output=True, timeout=60
    )
    assert applied.returncode == 0, applied.stderr
    assert (project / "app/use.py").read_text(encoding="utf-8") == USE_AFTER


def test_second_run_changes_nothing_and_check_reports_only_the_manual_findings(project, monkeypatch, capsys):
    run_main(["fix"], project, monkeypatch, capsys)
    before = snapshot(project)
    code, out, _ = run_main(["fix"], project, monkeypatch, capsys)
    assert snapshot(project) == before
    assert code == 1
    assert out.splitlines()[-1] == "flake8-ssot: fixed 0 findings in 0 files; 2 findings need a human"
    code, diff, _ = run_main(["fix", "--diff"], project, monkeypatch, capsys)
    assert (code, diff) == (0, "")
    code, out, _ = run_main(["check"], project, monkeypatch, capsys)
    assert code == 1
    assert [line.split(" ", 2)[:2] for line in out.splitlines()] == [
        ["./app/manual.py:1:1:", "SOT101"],
        ["./app/manual.py:3:24:", "SOT202"],
        # The moves are done: nothing references these entries any more (notes, not failures).
        ["./setup.cfg:3:5:", "SOT406"],
        ["./setup.cfg:6:5:", "SOT406"],
    ]


def test_nothing_to_do_exits_0(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, {"setup.cfg": SETUP_CFG, "app/__init__.py": "", "app/ok.py": "import app.core\n"})
    code, out, err = run_main(["fix"], tmp_path, monkeypatch, capsys)
    assert (code, out, err) == (0, "flake8-ssot: fixed 0 findings in 0 files; 0 findings need a human\n", "")


def test_paths_and_excludes_are_honoured_like_check(project, monkeypatch, capsys):
    before = snapshot(project)
    code, out, _ = run_main(["fix", "--extend-exclude", "use.py"], project, monkeypatch, capsys)
    assert snapshot(project) == before
    assert out.splitlines()[-1] == "flake8-ssot: fixed 0 findings in 0 files; 2 findings need a human"
    code, out, _ = run_main(["fix", "app/use.py"], project, monkeypatch, capsys)
    assert (code, out.splitlines()[-1]) == (0, "flake8-ssot: fixed 3 findings in 1 file; 0 findings need a human")
    assert out.splitlines()[0].startswith("app/use.py:1:1: fixed SOT101")


def test_encoding_line_endings_and_permissions_survive(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, {"setup.cfg": SETUP_CFG, "app/__init__.py": "", "app/core.py": ""})
    bom = tmp_path / "app/bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + b'from app.legacy import Router\r\nname = "caf\xc3\xa9"\r\n')
    latin = tmp_path / "app/latin.py"
    latin.write_bytes(b"# -*- coding: latin-1 -*-\nfrom app.legacy import Router\nname = 'caf\xe9'\n")
    os.chmod(latin, 0o750)
    target = tmp_path / "app/real.py"
    target.write_bytes(b"import app.legacy\n")
    link = tmp_path / "linked.py"
    link.symlink_to(target)
    code, out, _ = run_main(["fix", "app/bom.py", "app/latin.py", "linked.py"], tmp_path, monkeypatch, capsys)
    assert code == 0, out
    assert bom.read_bytes() == b"\xef\xbb\xbf" + b'from app.core import Router\r\nname = "caf\xc3\xa9"\r\n'
    assert latin.read_bytes() == b"# -*- coding: latin-1 -*-\nfrom app.core import Router\nname = 'caf\xe9'\n"
    assert stat.S_IMODE(latin.stat().st_mode) == 0o750
    assert link.is_symlink() and target.read_bytes() == b"import app.core\n"
    assert sorted(p.name for p in (tmp_path / "app").iterdir() if p.name.startswith(".flake8-ssot-fix-")) == []


def test_files_that_cannot_be_analysed_are_listed_not_touched(tmp_path, monkeypatch, capsys):
    write_tree(tmp_path, {"setup.cfg": SETUP_CFG, "app/__init__.py": ""})
    broken = tmp_path / "app/broken.py"
    broken.write_bytes(b"from app.legacy import Router\ndef (:\n")
    code, out, _ = run_main(["fix"], tmp_path, monkeypatch, capsys)
    assert code == 1
    assert broken.read_bytes() == b"from app.legacy import Router\ndef (:\n"
    assert out.splitlines()[1] == "    why: the file could not be analysed, so nothing in it was fixed"


def test_without_libcst_the_command_says_how_to_get_it(project, monkeypatch, capsys):
    monkeypatch.setattr(fixing, "libcst_available", lambda: False)
    before = snapshot(project)
    code, out, err = run_main(["fix"], project, monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert err == "flake8-ssot: error: the fix command needs LibCST: pip install 'flake8-ssot[fix]'\n"
    assert snapshot(project) == before


def test_a_configuration_error_exits_2_and_changes_nothing(project, monkeypatch, capsys):
    (project / "setup.cfg").write_text(SETUP_CFG + "ssot-forbiden-names = a.b.C\n", encoding="utf-8")
    before = snapshot(project)
    code, out, err = run_main(["fix"], project, monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert "ssot-forbiden-names" in err
    assert snapshot(project) == before


def test_a_file_edited_while_being_fixed_is_not_overwritten(tmp_path):
    path = tmp_path / "mod.py"
    path.write_bytes(b"edited meanwhile\n")
    with pytest.raises(OSError, match="changed while being fixed"):
        fixing.write_preserving(str(path), "import app.legacy\n", "import app.core\n")
    assert path.read_bytes() == b"edited meanwhile\n"


def test_the_command_runs_as_a_module(project):
    result = subprocess.run(
        [sys.executable, "-m", "flake8_ssot", "fix", "--diff", "--no-cache", "app/use.py"],
        cwd=str(project),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("--- a/app/use.py\n+++ b/app/use.py\n")
    assert result.stderr.splitlines()[-1] == "flake8-ssot: would fix 3 findings in 1 file; 0 findings need a human"


REFERENCE = Path(__file__).parent.parent / "examples" / "reference"
MESSAGE_HANDLER = "netra_backend.app.services.websocket.message_handler"


def test_the_reference_case_moves_the_renamed_manager_and_leaves_the_handler_to_a_human(
    tmp_path, monkeypatch, capsys
):
    project = tmp_path / "reference"
    shutil.copytree(REFERENCE, project)
    before = snapshot(project)
    code, out, _ = run_main(["fix"], project, monkeypatch, capsys)
    assert code == 1
    after = snapshot(project)
    assert sorted(name for name in before if before[name] != after[name]) == ["netra_backend/app/routes/chat.py"]
    old, new = (state["netra_backend/app/routes/chat.py"][0].decode().splitlines() for state in (before, after))
    assert [(a, b) for a, b in zip(old, new) if a != b] == [
        (
            "from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager as Manager",
            "from netra_backend.app.websocket_core.websocket_manager import WebSocketManager as Manager",
        )
    ]
    lines = out.splitlines()
    assert lines[-1] == "flake8-ssot: fixed 1 finding in 1 file; 19 findings need a human"
    handler_items = [
        (line, why) for line, why in zip(lines, lines[1:]) if "needs a human: SOT10" in line and MESSAGE_HANDLER in line
    ]
    assert len(handler_items) == 8
    assert {why for line, why in handler_items if "SOT107" not in line} == {
        f"    why: '{MESSAGE_HANDLER} = netra_backend.app.websocket_core.handlers' is not marked [pure-move], "
        "so the modules' APIs may differ"
    }
    assert [why for line, why in handler_items if "SOT107" in line] == [
        "    why: code held in a string is not rewritten; edit the import in the string by hand"
    ]


def test_the_marker_in_pyproject_toml_makes_a_module_move_fixable(tmp_path, monkeypatch, capsys):
    write_tree(
        tmp_path,
        {
            "pyproject.toml": """\
                [tool.flake8-ssot.forbidden-modules]
                "app.legacy" = { replacement = "app.core", pure-move = true }
                "app.old" = { replacement = "app.new" }
            """,
            "app/__init__.py": "",
            "app/core.py": "",
            "app/use.py": "import app.legacy as legacy\nimport app.old as old\n",
        },
    )
    code, out, _ = run_main(["fix"], tmp_path, monkeypatch, capsys)
    assert code == 1
    assert (tmp_path / "app/use.py").read_text(encoding="utf-8") == "import app.core as legacy\nimport app.old as old\n"
    assert out.splitlines()[-1] == "flake8-ssot: fixed 1 finding in 1 file; 1 finding needs a human"
