"""Real flake8 runs: discovery, version, noqa, ignore settings, stdin, bad configuration."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flake8_ssot import __version__
from ssot_testing import run_flake8

CONFIG = """\
[flake8]
select = SOT
ssot-forbidden-modules =
    app.legacy = app.core ; bypasses the factory
ssot-canonical-classes =
    Handler = app.core
ssot-legacy-parameters =
    *Handler = supervisor
"""

CONSUMER = """\
from app.legacy import Handler
from . import legacy
Handler(supervisor=1)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "setup.cfg").write_text(CONFIG, encoding="utf-8")
    for package in ("app", "app/legacy"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "consumer.py").write_text(CONSUMER, encoding="utf-8")
    return tmp_path


def write(path: Path, text: str) -> None:
    path.write_text(textwrap.dedent(text), encoding="utf-8")


SOT101 = "SOT101 import from legacy module 'app.legacy'; use 'app.core' (bypasses the factory)"
SOT101_REL = "SOT101 import of legacy module 'app.legacy'; use 'app.core' (bypasses the factory)"
SOT202 = (
    "SOT202 'Handler(...)' passes legacy parameter 'supervisor'; construct the canonical 'app.core.Handler' "
    "without 'supervisor' (legacy for classes matching '*Handler')"
)


def test_version_lists_the_plugin(project):
    result = run_flake8(["--version"], project)
    assert result.returncode == 0
    assert f"flake8-ssot: {__version__}" in result.stdout


def test_findings_in_flake8_format(project):
    result = run_flake8(["app/consumer.py"], project)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.splitlines() == [
        f"app/consumer.py:1:1: {SOT101}",
        f"app/consumer.py:2:1: {SOT101_REL}",
        f"app/consumer.py:3:9: {SOT202}",
    ]


def test_noqa_silences_one_code(project):
    write(
        project / "app" / "consumer.py",
        "from app.legacy import Handler  # noqa: SOT101\nHandler(supervisor=1)  # noqa\n",
    )
    result = run_flake8(["app/consumer.py"], project)
    assert (result.returncode, result.stdout) == (0, "")


def test_extend_ignore_and_per_file_ignores(project):
    write(project / "setup.cfg", CONFIG + "extend-ignore = SOT101\nper-file-ignores =\n    app/consumer.py: SOT202\n")
    result = run_flake8(["app/consumer.py"], project)
    assert (result.returncode, result.stdout) == (0, "")
    write(project / "setup.cfg", CONFIG + "extend-ignore = SOT101\n")
    result = run_flake8(["app/consumer.py"], project)
    assert result.stdout.splitlines() == [f"app/consumer.py:3:9: {SOT202}"]


def test_stdin_with_display_name_behaves_as_the_file(project):
    buffer = "from . import legacy\nfrom app.legacy import Handler\n"
    outside = run_flake8(["--stdin-display-name", "app/consumer.py", "-"], project, stdin=buffer)
    assert outside.stdout.splitlines() == [f"app/consumer.py:1:1: {SOT101_REL}", f"app/consumer.py:2:1: {SOT101}"]
    inside = run_flake8(["--stdin-display-name", "app/legacy/impl.py", "-"], project, stdin=buffer)
    assert (inside.returncode, inside.stdout) == (0, "")


def test_stdin_without_display_name_does_not_guess(project):
    buffer = "from . import legacy\nfrom app.legacy import Handler\nclass Handler: pass\nHandler(supervisor=1)\n"
    result = run_flake8(["-"], project, stdin=buffer)
    assert result.stdout.splitlines() == [f"stdin:4:9: {SOT202}"]


def test_unsaved_buffer_is_checked_not_the_file_on_disk(project):
    write(project / "app" / "consumer.py", "x = 1\n")
    result = run_flake8(["--stdin-display-name", "app/consumer.py", "-"], project, stdin=CONSUMER)
    assert len(result.stdout.splitlines()) == 3


def test_command_line_value_overrides_the_file(project):
    result = run_flake8(["--ssot-forbidden-modules=app.other", "app/consumer.py"], project)
    assert result.stdout.splitlines() == [f"app/consumer.py:3:9: {SOT202}"]


def test_bad_configuration_stops_flake8_with_one_clean_message(project):
    write(project / "setup.cfg", CONFIG + "ssot-forbiden-names = a.b.C\nssot-allow = nothing = x.*\n")
    result = run_flake8(["app/consumer.py"], project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    # flake8 prints its critical-error block on stdout.
    assert result.stdout.splitlines() == [
        "There was a critical error during execution of Flake8:",
        "flake8-ssot: 2 configuration problems:",
        "  setup.cfg:9: ssot-forbiden-names: 'a.b.C': unknown flake8-ssot key; did you mean 'ssot-forbidden-names'?",
        "  setup.cfg:10: ssot-allow: 'nothing': names no forbidden module, forbidden name, canonical class or "
        "legacy-parameters pattern",
    ]


def test_registry_in_two_files_stops_flake8(project):
    write(project / "pyproject.toml", '[tool.flake8-ssot.forbidden-modules]\n"app.legacy" = "app.core"\n')
    result = run_flake8(["app/consumer.py"], project)
    assert result.returncode == 1
    assert (
        "pyproject.toml: [tool.flake8-ssot]: 'setup.cfg': the registry is configured both here and there"
        in result.stdout
    )


def test_pyproject_registry_is_used_by_the_plugin(project):
    write(project / "setup.cfg", "[flake8]\nselect = SOT\n")
    write(
        project / "pyproject.toml",
        """\
        [tool.flake8-ssot.forbidden-modules]
        "app.legacy" = { replacement = "app.core", reason = "bypasses the factory" }
        """,
    )
    result = run_flake8(["app/consumer.py"], project)
    assert result.stdout.splitlines() == [f"app/consumer.py:1:1: {SOT101}", f"app/consumer.py:2:1: {SOT101_REL}"]


def test_other_plugins_keys_are_not_mistaken_for_typos(project):
    write(project / "setup.cfg", CONFIG + "max-complexity = 10\nmax-line-length = 100\n")
    result = run_flake8(["app/consumer.py"], project)
    assert result.returncode == 1 and result.stderr == ""


def test_no_registry_reports_nothing(tmp_path):
    write(tmp_path / "x.py", "import app.legacy\n")
    result = run_flake8(["--select=SOT", "x.py"], tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
