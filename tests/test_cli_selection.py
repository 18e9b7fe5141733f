"""``flake8-ssot check`` reports exactly the SOT findings ``flake8`` reports, for every selection
setting flake8 has, in the configuration and as flags: the same project is run through real
flake8 and through the command, in this process, and the findings must be identical (and the
expected ones).  ``baseline`` and ``fix`` see the same selection."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pytest
from flake8 import __version__ as flake8_version
from flake8.main import cli as flake8_cli

from flake8_ssot.cli import main as ssot_cli

FLAKE8_6 = tuple(int(part) for part in flake8_version.split(".")[:2]) >= (6, 0)

REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core [pure-move] ; moved
ssot-canonical-classes =
    Handler = app.core
ssot-legacy-parameters =
    *Handler = supervisor
"""
PROJECT = {
    "app/__init__.py": "",
    "app/core.py": "class Handler:\n    pass\n\n\nclass Other:\n    pass\n",
    "app/legacy.py": "class Handler:\n    def __init__(self, supervisor):\n        pass\n",
    "app/use.py": """\
        from unittest import mock

        from app.legacy import Handler
        from app.core import Other as Handler

        mock.patch("app.legacy.Handler")
        Handler(supervisor=1)
        """,
    "app/tests/__init__.py": "",
    "app/tests/test_use.py": """\
        import app.legacy
        from unittest import mock

        mock.patch("app.legacy.Handler")
        """,
    "tests/test_top.py": """\
        import app.legacy


        class FakeHandler:
            def __init__(self, supervisor):
                pass
        """,
    "scripts/run.py": "import app.legacy\nimport app.legacy  # noqa: SOT101\n",
}
# Every finding of the project with flake8's defaults: (path, line, column, code).
ALL = [
    ("./app/legacy.py", 1, 1, "SOT301"),
    ("./app/legacy.py", 2, 24, "SOT201"),
    ("./app/tests/test_use.py", 1, 1, "SOT101"),
    ("./app/tests/test_use.py", 4, 12, "SOT103"),
    ("./app/use.py", 3, 1, "SOT101"),
    ("./app/use.py", 4, 1, "SOT302"),
    ("./app/use.py", 6, 12, "SOT103"),
    ("./app/use.py", 7, 9, "SOT202"),
    ("./scripts/run.py", 1, 1, "SOT101"),
    ("./tests/test_top.py", 1, 1, "SOT101"),
    ("./tests/test_top.py", 5, 24, "SOT201"),
]


def _without(*dropped: Tuple[str, str]) -> List[Tuple[str, int, int, str]]:
    """ALL minus the findings of the (path prefix, code prefix) pairs given."""
    return [item for item in ALL if not any(item[0].startswith(p) and item[3].startswith(c) for p, c in dropped)]


def _only(*codes: str) -> List[Tuple[str, int, int, str]]:
    return [item for item in ALL if item[3].startswith(codes)]


# name -> ([flake8] lines of the configuration, command-line flags, what both report)
VARIANTS: Dict[str, Tuple[str, Sequence[str], List[Tuple[str, int, int, str]]]] = {
    "defaults": ("", [], ALL),
    "select, a prefix": ("select = SOT1\n", [], _only("SOT1")),
    "select without SOT": ("select = E,F,W\n", [], []),
    "ignore": ("ignore = SOT2\n", [], _without(("", "SOT2"))),
    "extend-ignore": ("extend-ignore = SOT302\n", [], _without(("", "SOT302"))),
    "extend-select wins over a shorter extend-ignore": (
        "extend-ignore = SOT1\nextend-select = SOT101\n",
        [],
        _without(("", "SOT103")),
    ),
    "select and ignore, the longer prefix wins": ("select = SOT\nignore = SOT30\n", [], _without(("", "SOT3"))),
    "select plus extend-select": ("select = SOT1\nextend-select = SOT301\n", [], _only("SOT1", "SOT301")),
    "ignore everything, select one family back": ("ignore = SOT\nextend-select = SOT2\n", [], _only("SOT2")),
    "per-file-ignores: paths, directories and base names": (
        "per-file-ignores =\n    app/tests/*: SOT101\n    tests/*: SOT1,SOT2\n    use.py: SOT103\n",
        [],
        _without(("./app/tests/", "SOT101"), ("./tests/", "SOT1"), ("./tests/", "SOT2"), ("./app/use.py", "SOT103")),
    ),
    "per-file-ignores: the most specific pattern applies": (
        "per-file-ignores =\n    app/*: SOT1\n    app/tests/*: SOT2\n",
        [],
        _without(("./app/legacy.py", "SOT1"), ("./app/use.py", "SOT1")),
    ),
    "per-file-ignores with extend-ignore": (
        "extend-ignore = SOT302\nper-file-ignores =\n    */tests/*: SOT1\n",
        [],
        _without(("", "SOT302"), ("./app/tests/", "SOT1")),  # './tests' has nothing above it for '*/'

    ),
    "underscore spellings": (
        "extend_ignore = SOT103\nper_file_ignores = scripts/*: SOT\n",
        [],
        _without(("", "SOT103"), ("./scripts/", "SOT")),
    ),
    "flags": (
        "",
        ["--extend-ignore=SOT302", "--per-file-ignores=app/*:SOT101 tests/test_top.py:SOT2"],
        _without(("", "SOT302"), ("./app/", "SOT101"), ("./tests/test_top.py", "SOT2")),
    ),
    "a flag replaces the configured value": (
        "extend-ignore = SOT302\n",
        ["--extend-ignore=SOT101"],
        _without(("", "SOT101")),
    ),
    "select flag over the configured select": ("select = SOT3\n", ["--select=SOT1,SOT2"], _only("SOT1", "SOT2")),
    "per-file-ignores flag replaces the configured one": (
        "per-file-ignores = app/*: SOT\n",
        ["--per-file-ignores=scripts/run.py:SOT101"],
        _without(("./scripts/", "SOT101")),
    ),
    "every flag": (
        "select = E\n",
        [
            "--select=SOT",
            "--ignore=SOT3",
            "--extend-select=SOT301",
            "--extend-ignore=SOT10",
            "--per-file-ignores=legacy.py:SOT2",
        ],
        [item for item in _only("SOT2", "SOT301") if item[:2] != ("./app/legacy.py", 2)],
    ),
}


def write_tree(root: Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def configure(root: Path, settings: str) -> None:
    (root / "setup.cfg").write_text(REGISTRY + settings, encoding="utf-8")


def run_flake8(capsys: pytest.CaptureFixture[str], args: Sequence[str]) -> Tuple[int, List[str]]:
    """flake8 itself, in this process; its SOT lines."""
    capsys.readouterr()
    code = flake8_cli.main(["--jobs=1", *args])
    lines = [line for line in capsys.readouterr().out.splitlines() if ": SOT" in line]
    return code, lines


def run_check(capsys: pytest.CaptureFixture[str], args: Sequence[str]) -> Tuple[int, List[str], str]:
    capsys.readouterr()
    code = ssot_cli.main(["check", "-j1", "--no-cache", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def positions(lines: Sequence[str]) -> List[Tuple[str, int, int, str]]:
    found = []
    for line in lines:
        path, row, col, rest = line.split(":", 3)
        found.append((path, int(row), int(col), rest.split()[0]))
    return sorted(found)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_check_reports_exactly_what_flake8_reports(project, capsys, name):
    settings, flags, expected = VARIANTS[name]
    configure(project, settings)
    flake8_code, flake8_lines = run_flake8(capsys, [*flags, "."])
    code, lines, err = run_check(capsys, [*flags, "."])
    assert lines == sorted(flake8_lines)
    assert positions(lines) == sorted(expected)
    assert code == (1 if expected else 0)
    assert flake8_code == 1  # pyflakes' F401 and F811 are always there for flake8


def test_a_selection_without_any_sot_code_is_said_once(project, capsys):
    configure(project, "select = E,F,W\n")
    code, lines, err = run_check(capsys, ["."])
    assert (code, lines) == (0, [])
    assert err == (
        "flake8-ssot: note: flake8's selection reports no SOT code (select = E,F,W (setup.cfg)), so nothing "
        "is reported; add SOT to 'select' or 'extend-select'\n"
    )
    code, lines, err = run_check(capsys, ["--select=SOT3", "--per-file-ignores=x.py:SOT", "."])
    assert (code, err) == (1, "")


def test_per_file_patterns_are_relative_to_the_working_directory_as_in_flake8(project, capsys, monkeypatch):
    # Run from app/: the configuration is found above, but 'tests/*' means app/tests, not ./tests.
    configure(project, "per-file-ignores =\n    tests/*: SOT1\n")
    monkeypatch.chdir(project / "app")
    _, flake8_lines = run_flake8(capsys, ["."])
    code, lines, _ = run_check(capsys, ["."])
    assert lines == sorted(flake8_lines)
    assert positions(lines) == [
        ("./legacy.py", 1, 1, "SOT301"),
        ("./legacy.py", 2, 24, "SOT201"),
        ("./use.py", 3, 1, "SOT101"),
        ("./use.py", 4, 1, "SOT302"),
        ("./use.py", 6, 12, "SOT103"),
        ("./use.py", 7, 9, "SOT202"),
    ]
    # Paths given from elsewhere match by their absolute path, as in flake8.
    monkeypatch.chdir(project)
    _, flake8_lines = run_flake8(capsys, ["app/tests", "tests"])
    _, lines, _ = run_check(capsys, ["app/tests", "tests"])
    assert lines == sorted(flake8_lines)
    assert [line.split(": ")[1].split()[0] for line in lines] == ["SOT101", "SOT103", "SOT201"]


def test_an_invalid_code_in_a_configured_ignore_is_flake8s_error_on_flake8_6_and_newer(project, capsys):
    configure(project, "extend-ignore =\n    SOT302,\n    sot1\n")
    code, lines, err = run_check(capsys, ["."])
    if FLAKE8_6:
        assert (code, lines) == (2, [])
        assert err == (
            "flake8-ssot: 1 configuration problem:\n"
            "  setup.cfg:8: extend-ignore: (2 lines below): Error code 'sot1' supplied to 'extend-ignore' option "
            "does not match '^[A-Z]{1,3}[0-9]{0,3}$'\n"
            "      'SOT302,'\n"
            "      'sot1'\n"
        )
        with pytest.raises(ValueError):
            flake8_cli.main(["--jobs=1", "."])
    else:  # flake8 5 accepts it, and the lower-case code matches nothing
        _, flake8_lines = run_flake8(capsys, ["."])
        assert (code, lines) == (1, sorted(flake8_lines))
        assert positions(lines) == _without(("", "SOT302"))


@pytest.mark.parametrize(
    "settings, flags, message",
    [
        (
            "per-file-ignores =\n    app/tests/*\n",
            [],
            "  setup.cfg:8: per-file-ignores: 'app/tests/*': Expected `per-file-ignores` to be a mapping from file "
            "exclude patterns to ignore codes.\n",
        ),
        (
            "",
            ["--per-file-ignores=SOT101"],
            "  command line: --per-file-ignores: 'SOT101': Expected `per-file-ignores` to be a mapping from file "
            "exclude patterns to ignore codes.\n",
        ),
    ],
)
def test_a_per_file_ignores_value_flake8_cannot_read_stops_the_command(project, capsys, settings, flags, message):
    configure(project, settings)
    code, lines, err = run_check(capsys, [*flags, "."])
    assert (code, lines) == (2, [])
    assert err == "flake8-ssot: 1 configuration problem:\n" + message


def test_duplicates_takes_no_selection_flags(project, capsys):
    configure(project, "")
    with pytest.raises(SystemExit) as exited:
        ssot_cli.main(["duplicates", "--select=SOT1", "."])
    assert exited.value.code == 2
    assert "unrecognized arguments: --select=SOT1" in capsys.readouterr().err


def _baseline_entries(path: Path) -> List[Tuple[str, str]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return sorted((entry["path"], entry["code"]) for entry in document["findings"])


def test_baseline_records_only_what_flake8_reports(project, capsys):
    configure(project, "extend-ignore = SOT103\nper-file-ignores = tests/*: SOT2\n")
    assert ssot_cli.main(["baseline", "-j1", "--no-cache", "."]) == 0
    assert capsys.readouterr().err == "flake8-ssot: wrote 8 findings to .flake8-ssot-baseline.json\n"
    assert _baseline_entries(project / ".flake8-ssot-baseline.json") == [
        ("app/legacy.py", "SOT201"),
        ("app/legacy.py", "SOT301"),
        ("app/tests/test_use.py", "SOT101"),
        ("app/use.py", "SOT101"),
        ("app/use.py", "SOT202"),
        ("app/use.py", "SOT302"),
        ("scripts/run.py", "SOT101"),
        ("tests/test_top.py", "SOT101"),
    ]
    # The same flags on the command line record the same entries.
    configure(project, "")
    assert ssot_cli.main(
        ["baseline", "-j1", "--no-cache", "--extend-ignore=SOT103", "--per-file-ignores=tests/*:SOT2", "."]
    ) == 0
    assert capsys.readouterr().err == "flake8-ssot: wrote 8 findings to .flake8-ssot-baseline.json\n"
    # Selected again, the findings the baseline did not record are new.
    code, lines, err = run_check(capsys, ["--baseline", ".flake8-ssot-baseline.json", "."])
    assert code == 1
    assert positions(lines) == [
        ("./app/tests/test_use.py", 4, 12, "SOT103"),
        ("./app/use.py", 6, 12, "SOT103"),
        ("./tests/test_top.py", 5, 24, "SOT201"),
    ]
    assert err == "flake8-ssot: 8 findings accepted by baseline .flake8-ssot-baseline.json\n"


def test_a_baseline_entry_of_a_code_no_longer_selected_no_longer_occurs(project, capsys):
    configure(project, "")
    assert ssot_cli.main(["baseline", "-j1", "--no-cache", "app/tests"]) == 0
    capsys.readouterr()
    code, lines, err = run_check(capsys, ["--baseline", ".flake8-ssot-baseline.json", "--extend-ignore=SOT103", "app/tests"])
    assert (code, lines) == (0, [])
    assert err == (
        "flake8-ssot: 1 finding accepted by baseline .flake8-ssot-baseline.json\n"
        "flake8-ssot: 1 baseline entry no longer occur; run 'flake8-ssot baseline' to drop them:\n"
        '  app/tests/test_use.py: SOT103 mock.patch("app.legacy.Handler")\n'
    )


FIXABLE = {
    "app/__init__.py": "",
    "app/core.py": "class Handler:\n    pass\n",
    "app/legacy.py": "class Thing:\n    pass\n",
    "app/use.py": """\
        from unittest import mock

        import app.legacy
        import app.legacy as kept  # noqa: SOT101

        mock.patch("app.legacy.Handler")
        """,
}
FIXED_IMPORT = "./app/use.py:3:1: fixed SOT101 import of legacy module 'app.legacy'; use 'app.core' (moved)"
FIXED_STRING = (
    "./app/use.py:6:12: fixed SOT103 patch target 'app.legacy.Handler' refers to legacy module 'app.legacy'; "
    "use 'app.core' (moved)"
)


@pytest.mark.parametrize(
    "flags, settings, expected, report",
    [
        (
            [],
            "",
            'import app.core\nimport app.legacy as kept  # noqa: SOT101\n\nmock.patch("app.core.Handler")\n',
            [FIXED_IMPORT, FIXED_STRING, "flake8-ssot: fixed 2 findings in 1 file; 0 findings need a human"],
        ),
        (
            ["--extend-ignore=SOT103"],
            "",
            'import app.core\nimport app.legacy as kept  # noqa: SOT101\n\nmock.patch("app.legacy.Handler")\n',
            [FIXED_IMPORT, "flake8-ssot: fixed 1 finding in 1 file; 0 findings need a human"],
        ),
        (
            [],
            "per-file-ignores = use.py: SOT101\n",
            'import app.legacy\nimport app.legacy as kept  # noqa: SOT101\n\nmock.patch("app.core.Handler")\n',
            [FIXED_STRING, "flake8-ssot: fixed 1 finding in 1 file; 0 findings need a human"],
        ),
    ],
)
def test_fix_rewrites_only_what_flake8_reports(tmp_path, monkeypatch, capsys, flags, settings, expected, report):
    pytest.importorskip("libcst")
    write_tree(tmp_path, FIXABLE)
    monkeypatch.chdir(tmp_path)
    configure(tmp_path, settings)
    code = ssot_cli.main(["fix", "-j1", "--no-cache", *flags, "."])
    assert code == 0
    assert capsys.readouterr().out.splitlines() == report
    assert (tmp_path / "app" / "use.py").read_text(encoding="utf-8") == "from unittest import mock\n\n" + expected
    # What is left is what check reports with the same selection: nothing but the deselected, and
    # the registry check's note that no class takes 'supervisor' here (a note: exit code 0).
    code, lines, _ = run_check(capsys, [*flags, "."])
    assert (code, lines) == (
        0,
        [
            "./setup.cfg:7:5: SOT406 ssot-legacy-parameters: '*Handler': no class matching it takes or is passed "
            "'supervisor' any more; retire the entry, or keep it to stop new references"
        ],
    )
