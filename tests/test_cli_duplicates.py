"""``flake8-ssot duplicates`` and SOT303: class names defined at module level in several modules."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Sequence

import pytest

from flake8_ssot.project.duplicates import is_test_path
from flake8_ssot.config import ConfigRequest, load_registry

SETUP_CFG = """\
[flake8]
ssot-canonical-classes =
    Canon = app.canon
"""
FILES = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/handlers.py": "class Router:\n    pass\n\n\nclass Handler:\n    pass\n\n\nclass Shared:\n    pass\n",
    "app/legacy/__init__.py": "",
    "app/legacy/handlers.py": "class Shared:\n    pass\n\n\nclass Router:\n    pass\n",
    "app/misc.py": "class Shared:\n    pass\n",
    "app/cond.py": "try:\n    import fast\nexcept ImportError:\n    class Handler:\n        pass\n",
    "app/nested.py": "def f():\n    class Router:\n        pass\n",
    "app/canon.py": "class Canon:\n    pass\n",
    "app/other.py": "class Canon:\n    pass\n",
    "app/users.py": "from app.core.handlers import Router\nfrom .legacy import handlers\n",
    "app/more.py": "import app.core.handlers\n",
    "app/fake_test.py": "class OnlyInTests:\n    pass\n",
    "tests/test_things.py": "class Router:\n    pass\n",
    "tests/conftest.py": "class OnlyInTests:\n    pass\n",
    "bin/run-me.py": "class Shared:\n    pass\n",
}


def run(args: Sequence[str], cwd: Path) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-m", "flake8_ssot", *args], cwd=str(cwd), capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "setup.cfg").write_text(SETUP_CFG, encoding="utf-8")
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_groups_are_ranked_by_module_count_then_name_and_tests_are_left_out(project: Path) -> None:
    result = run(["duplicates", "--no-cache"], project)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == textwrap.dedent(
        """\
        Shared: defined in 3 modules
            app.core.handlers  (./app/core/handlers.py:9:1)
            app.legacy.handlers  (./app/legacy/handlers.py:1:1)
            app.misc  (./app/misc.py:1:1)
        Handler: defined in 2 modules
            app.cond  (./app/cond.py:4:5)
            app.core.handlers  (./app/core/handlers.py:5:1)
        Router: defined in 2 modules
            app.core.handlers  (./app/core/handlers.py:1:1)
            app.legacy.handlers  (./app/legacy/handlers.py:5:1)
        """
    )


def test_include_tests(project: Path) -> None:
    result = run(["duplicates", "--no-cache", "--include-tests", "-j", "2"], project)
    assert result.stdout == textwrap.dedent(
        """\
        Router: defined in 3 modules
            app.core.handlers  (./app/core/handlers.py:1:1)
            app.legacy.handlers  (./app/legacy/handlers.py:5:1)
            test_things  (./tests/test_things.py:1:1)  [test]
        Shared: defined in 3 modules
            app.core.handlers  (./app/core/handlers.py:9:1)
            app.legacy.handlers  (./app/legacy/handlers.py:1:1)
            app.misc  (./app/misc.py:1:1)
        Handler: defined in 2 modules
            app.cond  (./app/cond.py:4:5)
            app.core.handlers  (./app/core/handlers.py:5:1)
        OnlyInTests: defined in 2 modules
            app.fake_test  (./app/fake_test.py:1:1)  [test]
            conftest  (./tests/conftest.py:1:1)  [test]
        """
    )


def test_suggest_prints_a_block_that_loads_as_the_proposed_registry(project: Path) -> None:
    result = run(["duplicates", "--no-cache", "--suggest", "--include-tests"], project)
    assert (result.returncode, result.stderr) == (0, "")
    # Router is imported from app.core.handlers (by app.users); app.more imports that module but not
    # Router, which is no evidence. Shared is imported from none of its modules; Handler's second
    # definition is an 'except ImportError' fallback; OnlyInTests lives in tests only.
    assert result.stdout.splitlines()[4:] == [
        "# Class names left out:",
        "#   defined only in tests: 1",
        "#   defined only under 'except ImportError': 1",
        "#   imported from none of the modules defining them: 1 (listed at the end)",
        "ssot-canonical-classes =",
        "    # Router: defined in 2 modules",
        "    #   app.core.handlers (class, line 1): imported by 1: app.users",
        "    #   app.legacy.handlers (class, line 5): imported by none",
        "    #   also defined in tests: test_things",
        "    Router = app.core.handlers",
        "# Imported from none of the modules defining them (no proposal):",
        "#   Shared: app.core.handlers, app.legacy.handlers, app.misc",
    ]
    (project / "setup.cfg").write_text("[flake8]\n" + result.stdout, encoding="utf-8")
    registry = load_registry(ConfigRequest(cwd=str(project)))
    assert {name: entry.module for name, entry in registry.canonical_classes.items()} == {"Router": "app.core.handlers"}
    again = run(["duplicates", "--no-cache"], project)  # Router is declared now; Canon no longer is
    assert again.stdout == textwrap.dedent(
        """\
        Shared: defined in 3 modules
            app.core.handlers  (./app/core/handlers.py:9:1)
            app.legacy.handlers  (./app/legacy/handlers.py:1:1)
            app.misc  (./app/misc.py:1:1)
        Canon: defined in 2 modules
            app.canon  (./app/canon.py:1:1)
            app.other  (./app/other.py:1:1)
        Handler: defined in 2 modules
            app.cond  (./app/cond.py:4:5)
            app.core.handlers  (./app/core/handlers.py:5:1)
        """
    )
    top = run(["duplicates", "--no-cache", "--top", "1"], project)
    assert (top.returncode, top.stdout) == (1, again.stdout.split("Canon:")[0])


def test_suggest_with_nothing_to_suggest(project: Path) -> None:
    result = run(["duplicates", "--no-cache", "--suggest", "app/misc.py"], project)
    assert (result.returncode, result.stdout) == (
        0,
        "# flake8-ssot: no class name is defined at module level in more than one module\n",
    )


def test_check_reports_sot303_only_when_enabled(project: Path) -> None:
    assert "SOT303" not in run(["--no-cache"], project).stdout
    (project / "setup.cfg").write_text(SETUP_CFG + "ssot-report-duplicates = true\n", encoding="utf-8")
    result = run(["--no-cache", "-j", "2"], project)
    assert result.returncode == 1
    hint = "; declare its one canonical module in ssot-canonical-classes (see 'flake8-ssot duplicates --suggest')"
    assert result.stdout == (
        f"./app/cond.py:4:5: SOT303 class 'Handler' is also defined in 'app.core.handlers'{hint}\n"
        f"./app/core/handlers.py:1:1: SOT303 class 'Router' is also defined in 'app.legacy.handlers'{hint}\n"
        f"./app/core/handlers.py:5:1: SOT303 class 'Handler' is also defined in 'app.cond'{hint}\n"
        f"./app/core/handlers.py:9:1: SOT303 class 'Shared' is also defined in 'app.legacy.handlers', 'app.misc'{hint}\n"
        f"./app/legacy/handlers.py:1:1: SOT303 class 'Shared' is also defined in 'app.core.handlers', 'app.misc'{hint}\n"
        f"./app/legacy/handlers.py:5:1: SOT303 class 'Router' is also defined in 'app.core.handlers'{hint}\n"
        f"./app/misc.py:1:1: SOT303 class 'Shared' is also defined in 'app.core.handlers', 'app.legacy.handlers'{hint}\n"
        "./app/other.py:1:1: SOT301 class 'Canon' is defined outside its canonical module 'app.canon'; "
        "import it from there\n"
    )
    # The cache holds per-file facts; a second run reports the same.
    assert run([], project).stdout == run(["-j", "1"], project).stdout == result.stdout


def test_unparseable_files_are_reported_by_duplicates(project: Path) -> None:
    (project / "app" / "broken.py").write_text("class X(:\n", encoding="utf-8")
    result = run(["duplicates", "--no-cache"], project)
    assert result.returncode == 1
    assert result.stderr.startswith("./app/broken.py:1:1: SOT901 file could not be analysed: SyntaxError: ")


@pytest.mark.parametrize(
    "path, expected",
    [
        ("tests/a.py", True),
        ("pkg/test/a.py", True),
        ("pkg/test_a.py", True),
        ("pkg/a_test.py", True),
        ("conftest.py", True),
        ("pkg/testing.py", False),
        ("pkg/contest.py", False),
        ("tests.py", False),
        ("pkg/latest/a.py", False),
    ],
)
def test_test_paths(tmp_path: Path, path: str, expected: bool) -> None:
    assert is_test_path(str(tmp_path / path), str(tmp_path)) is expected
    # Where the project itself lives does not matter.
    nested = tmp_path / "tests" / "project"
    assert is_test_path(str(nested / path), str(nested)) is expected
