"""Broken configurations, each through the loader, real flake8 and ``flake8-ssot check``.

Every case gives one clear message per problem naming file, line, key and value; flake8 stops
with exit code 1 and ``flake8-ssot check`` with exit code 2; neither prints a single finding,
because nothing of a broken configuration is applied (not even its valid entries).
tests/test_config.py holds the per-key validation battery; this file adds what it lacks and runs
everything through both hosts.
"""

from __future__ import annotations

import codecs
import textwrap
from pathlib import Path
from typing import Dict, List, Tuple, Union

import pytest

from flake8_ssot.cli import main as cli_main
from flake8_ssot.config import ConfigError, ConfigRequest, load_registry
from flake8_ssot.plugin import SsotChecker

Files = Dict[str, Union[str, bytes]]

# A file every case can find fault with: the valid entries of the broken configurations would
# report it, so an empty output proves nothing was half-applied.
SOURCE = "import a.legacy\nfrom a.mod import Old\n"
GOOD_INI = "[flake8]\nssot-forbidden-modules = a.legacy\n"

CASES: List[Tuple[str, Files, List[str]]] = [
    (
        "duplicate key",
        {"setup.cfg": "[flake8]\nssot-forbidden-modules = a.legacy\nssot-forbidden-modules = b.legacy\n"},
        [
            "setup.cfg:3: ssot-forbidden-modules: 'ssot-forbidden-modules = b.legacy': key given twice in section "
            "[flake8]; keep one"
        ],
    ),
    (
        "duplicate key spelt with '_'",
        {"setup.cfg": "[flake8]\nssot-forbidden-modules = a.legacy\nssot_forbidden_modules = b.legacy\n"},
        [
            "setup.cfg:3: ssot_forbidden_modules: 'b.legacy': key given twice in section [flake8], also as "
            "'ssot-forbidden-modules'; keep one"
        ],
    ),
    (
        "duplicate section",
        {"setup.cfg": "[flake8]\nssot-forbidden-modules = a.legacy\n[flake8]\nmax-line-length = 99\n"},
        ["setup.cfg:3: [flake8]: '[flake8]': section given twice; merge the two"],
    ),
    (
        "key before any section",
        {"setup.cfg": "ssot-forbidden-modules = a.legacy\n[flake8]\n"},
        ["setup.cfg:1: [flake8]: 'ssot-forbidden-modules = a.legacy': line before any [section] header"],
    ),
    (
        "a line that is no key",
        {"setup.cfg": "[flake8]\nssot-forbidden-modules = a.legacy\n= a.mod.Old\n"},
        ["setup.cfg:3: [flake8]: '= a.mod.Old': not 'key = value', a comment or a continuation"],
    ),
    (
        "misspelt keys",
        {
            "setup.cfg": "[flake8]\nssot-forbidden-module = a.legacy\nsot-forbidden-names = a.mod.Old\n"
            "ssot-canonical-class = Handler = a.core\n"
        },
        [
            "setup.cfg:2: ssot-forbidden-module: 'a.legacy': unknown flake8-ssot key; did you mean "
            "'ssot-forbidden-modules'?",
            "setup.cfg:3: sot-forbidden-names: 'a.mod.Old': unknown flake8-ssot key; did you mean "
            "'ssot-forbidden-names'?",
            "setup.cfg:4: ssot-canonical-class: 'Handler = a.core': unknown flake8-ssot key; did you mean "
            "'ssot-canonical-classes'?",
        ],
    ),
    (
        "wrong types and empty values",
        {
            "setup.cfg": "[flake8]\nssot-forbidden-modules = a.legacy\nssot-report-duplicates = maybe\n"
            "ssot-source-roots =\nssot-allow = a.legacy = \n"
        },
        [
            "setup.cfg:5: ssot-allow: 'a.legacy =': empty value after '='",
            "setup.cfg:4: ssot-source-roots: '': empty value; remove the key or give it entries",
            "setup.cfg:3: ssot-report-duplicates: 'maybe': must be true or false",
        ],
    ),
    (
        "malformed dotted names",
        {
            "setup.cfg": "[flake8]\nssot-forbidden-modules =\n    a.legacy\n    a-b.c\n    a. b\n"
            "ssot-forbidden-names = a.mod.Old = a.mod.\n"
        },
        [
            "setup.cfg:4: ssot-forbidden-modules: 'a-b.c': not a valid dotted module name (segments may be '*' or '**')",
            "setup.cfg:5: ssot-forbidden-modules: 'a. b': not a valid dotted module name (segments may be '*' or '**')",
            "setup.cfg:6: ssot-forbidden-names: 'a.mod.': replacement is not a valid dotted name",
        ],
    ),
    (
        "a class mapped to two modules, a module both forbidden and canonical",
        {
            "setup.cfg": "[flake8]\nssot-forbidden-modules = a.legacy\nssot-canonical-classes =\n"
            "    Handler = a.core\n    Handler = a.other\n    Old = a.legacy.old\n"
        },
        [
            "setup.cfg:5: ssot-canonical-classes: 'Handler': class mapped to two modules, 'a.core' and 'a.other'",
            "setup.cfg:6: ssot-canonical-classes: 'a.legacy.old': module is both canonical (for 'Old') and "
            "forbidden (by 'a.legacy')",
        ],
    ),
    (
        "registry keys in a file flake8 does not read",
        {"setup.cfg": "[flake8]\nmax-line-length = 99\n", "tox.ini": GOOD_INI},
        [
            "tox.ini:2: ssot-forbidden-modules: 'a.legacy': ignored: flake8 reads only setup.cfg here (the first "
            "of setup.cfg, tox.ini, .flake8 with a [flake8] section); move the key there"
        ],
    ),
    (
        "a registry configured in two files",
        {"setup.cfg": GOOD_INI, "pyproject.toml": '[tool.flake8-ssot.forbidden-modules]\n"a.legacy" = {}\n'},
        [
            "pyproject.toml: [tool.flake8-ssot]: 'setup.cfg': the registry is configured both here and there "
            "(ssot-* keys); keep one of the two"
        ],
    ),
    (
        "INI with a byte-order mark",
        {"setup.cfg": codecs.BOM_UTF8 + GOOD_INI.encode()},
        [
            "setup.cfg: [flake8]: 'setup.cfg': the file starts with a UTF-8 byte-order mark, which flake8 cannot "
            "read (it ignores the whole file); save it without the mark"
        ],
    ),
    (
        "INI that is not UTF-8",
        {"setup.cfg": b"[flake8]\nssot-forbidden-modules =\n    a.legacy ; caf\xe9\n"},
        ["setup.cfg:3: [flake8]: '    a.legacy ; caf\ufffd': the file is not UTF-8 (byte 0xe9)"],
    ),
    (
        "TOML that is not UTF-8",
        {"pyproject.toml": b'[tool.flake8-ssot.forbidden-modules]\n"a.legacy" = { reason = "caf\xe9" }\n'},
        [
            "pyproject.toml:2: [tool.flake8-ssot]: '\"a.legacy\" = { reason = \"caf\ufffd\" }': the file is not "
            "UTF-8 (byte 0xe9)"
        ],
    ),
    (
        "TOML duplicate key",
        {"pyproject.toml": '[tool.flake8-ssot.forbidden-modules]\n"a.legacy" = {}\n"a.legacy" = "a.new"\n'},
        [
            # The parser's own message (tomllib or tomli) follows.
            "pyproject.toml: [tool.flake8-ssot]: 'pyproject.toml': invalid TOML: ..."
        ],
    ),
    (
        "TOML wrong types",
        {
            "pyproject.toml": '[tool.flake8-ssot]\nreport-duplicates = "yes"\nbaseline = ""\nsource-roots = 3\n'
            '[tool.flake8-ssot.forbidden-modules]\n"a.legacy" = {}\n[tool.flake8-ssot.allow]\n"a.legacy" = []\n'
        },
        [
            "pyproject.toml: [tool.flake8-ssot] report-duplicates: 'yes': must be true or false, not a string",
            "pyproject.toml: [tool.flake8-ssot] baseline: '': must be a non-empty string, not a string",
            "pyproject.toml: [tool.flake8-ssot] source-roots: '3': must be a list of strings, not a number",
            "pyproject.toml: [tool.flake8-ssot.allow] 'a.legacy': '[]': empty value",
        ],
    ),
    (
        "TOML unknown and misspelt keys",
        {
            "pyproject.toml": '[tool.flake8-ssot]\nforbidden-module = {"a.legacy" = {}}\n'
            '[tool.flake8-ssot.forbidden-names]\n"a.mod.Old" = { replacement = "a.mod.New", resaon = "x" }\n'
        },
        [
            "pyproject.toml: [tool.flake8-ssot] forbidden-module: 'forbidden-module': unknown key; did you mean "
            "'forbidden-modules'?",
            "pyproject.toml: [tool.flake8-ssot.forbidden-names] 'a.mod.Old': 'resaon': unknown field; did you "
            "mean 'reason'?",
        ],
    ),
]


def _write(root: Path, files: Files) -> None:
    for name, content in files.items():
        path = root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (root / "a").mkdir(exist_ok=True)
    (root / "a" / "__init__.py").write_text("", encoding="utf-8")
    (root / "a" / "user.py").write_text(SOURCE, encoding="utf-8")


def _report(count: int, expected: List[str]) -> List[str]:
    return [f"flake8-ssot: {count} configuration problem{'s' if count != 1 else ''}:", *(f"  {line}" for line in expected)]


def _same(actual: List[str], expected: List[str]) -> bool:
    """Equal, where an expected line ending in '...' need only be a prefix."""
    return len(actual) == len(expected) and all(
        have.startswith(want[:-3]) if want.endswith("...") else have == want for have, want in zip(actual, expected)
    )


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # messages show paths relative to the working directory
    return tmp_path


@pytest.mark.parametrize("name,files,expected", CASES, ids=[case[0] for case in CASES])
def test_loader_names_file_line_key_and_value(in_tmp: Path, name: str, files: Files, expected: List[str]) -> None:
    _write(in_tmp, files)
    with pytest.raises(ConfigError) as caught:
        load_registry(ConfigRequest(cwd=str(in_tmp)))
    assert _same([str(problem) for problem in caught.value.problems], expected)


@pytest.mark.parametrize("name,files,expected", CASES, ids=[case[0] for case in CASES])
def test_the_command_exits_2_with_the_report_and_no_finding(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], name: str, files: Files, expected: List[str]
) -> None:
    _write(in_tmp, files)
    code = cli_main.main(["check", "--no-cache", "-j", "1", "a"])
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, "")
    assert _same(captured.err.splitlines(), _report(len(expected), expected))


def _flake8(argv: List[str], monkeypatch: pytest.MonkeyPatch) -> int:
    from flake8.main import cli

    # flake8 keeps the plugin's class-level state; restore it for the other tests.
    monkeypatch.setattr(SsotChecker, "_engine", SsotChecker._engine)
    monkeypatch.setattr(SsotChecker, "_baseline", SsotChecker._baseline)
    return cli.main(argv)


# flake8 parses the INI file itself before any plugin runs: on duplicates it stops with
# configparser's own traceback, and no finding is ever printed; only `flake8-ssot check` can name
# the problem.  (A file flake8 cannot parse otherwise is skipped by flake8 and reported by us.)
FLAKE8_OWN_PARSE_ERRORS = {"duplicate key", "duplicate section"}


@pytest.mark.parametrize("name,files,expected", CASES, ids=[case[0] for case in CASES])
def test_flake8_stops_with_the_report_and_no_finding(
    in_tmp: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    files: Files,
    expected: List[str],
) -> None:
    _write(in_tmp, files)
    if name in FLAKE8_OWN_PARSE_ERRORS:
        import configparser

        with pytest.raises(configparser.Error):
            _flake8(["-j", "1", "a"], monkeypatch)
        assert "SOT" not in capsys.readouterr().out
        return
    code = _flake8(["-j", "1", "a"], monkeypatch)
    captured = capsys.readouterr()
    assert code == 1
    # flake8 prints its critical-error block on stdout; nothing else is printed.
    lines = captured.out.splitlines()
    assert lines[0] == "There was a critical error during execution of Flake8:"
    assert _same(lines[1:], _report(len(expected), expected))


def test_valid_entries_next_to_a_broken_one_are_not_applied(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(in_tmp, {"setup.cfg": GOOD_INI + "ssot-forbidden-names = a.mod.Old\nssot-canonical-classes = 1Bad = a.core\n"})
    assert _flake8(["-j", "1", "a"], monkeypatch) == 1
    assert "SOT1" not in capsys.readouterr().out
    assert cli_main.main(["check", "--no-cache", "a"]) == 2
    assert capsys.readouterr().out == ""
    # The same file with the broken line removed: both valid entries report.
    _write(in_tmp, {"setup.cfg": GOOD_INI + "ssot-forbidden-names = a.mod.Old\n"})
    assert cli_main.main(["check", "--no-cache", "a"]) == 1
    assert [line.split()[1] for line in capsys.readouterr().out.splitlines()] == ["SOT101", "SOT102"]


ACCEPTED: List[Tuple[str, Files]] = [
    # Keys are case-insensitive in INI, as in flake8.
    ("upper-case key", {"setup.cfg": "[flake8]\nSSOT-FORBIDDEN-MODULES = a.legacy\n"}),
    ("TOML with a byte-order mark", {"pyproject.toml": codecs.BOM_UTF8 + b'[tool.flake8-ssot.forbidden-modules]\n"a.legacy" = {}\n'}),
    # Patterns that match nothing are legitimate: a forbidden module that exists nowhere is the
    # normal state once it is deleted (the entry keeps it from coming back); an allow glob or a
    # legacy-parameters glob that matches nothing can only add findings, never hide one.
    (
        "patterns that match nothing",
        {
            "setup.cfg": "[flake8]\nssot-forbidden-modules = a.legacy\n    gone.entirely = a.core\n"
            "ssot-allow = a.legacy = a.migrationz.*\nssot-legacy-parameters = *NoSuchClass = x\n"
            "ssot-canonical-classes = Handler = a.not_written_yet\n"
        },
    ),
]


@pytest.mark.parametrize("name,files", ACCEPTED, ids=[case[0] for case in ACCEPTED])
def test_accepted_configurations_report_as_configured(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], name: str, files: Files
) -> None:
    _write(in_tmp, files)
    assert cli_main.main(["check", "--no-cache", "a"]) == 1
    assert capsys.readouterr().out == "a/user.py:1:1: SOT101 import of legacy module 'a.legacy'; it has been removed\n"


def test_configuration_values_are_data(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Values that would run code if anything evaluated them are rejected or kept as text."""
    marker = in_tmp / "evaluated"
    payload = f"__import__('os').system('touch {marker}')"
    _write(
        in_tmp,
        {
            "setup.cfg": textwrap.dedent(
                f"""\
                [flake8]
                ssot-forbidden-modules =
                    a.legacy ; $(touch {marker}) `touch {marker}` %(here)s ${{HOME}}
                    {payload}
                """
            )
        },
    )
    with pytest.raises(ConfigError) as caught:
        load_registry(ConfigRequest(cwd=str(in_tmp)))
    assert [problem.value for problem in caught.value.problems] == [payload]
    assert not marker.exists()
    (in_tmp / "setup.cfg").write_text(
        f"[flake8]\nssot-forbidden-modules = a.legacy ; $(touch {marker}) %(here)s ${{HOME}}\n", encoding="utf-8"
    )
    registry = load_registry(ConfigRequest(cwd=str(in_tmp)))
    assert registry.forbidden_modules[0].reason == f"$(touch {marker}) %(here)s ${{HOME}}"
    assert cli_main.main(["check", "--no-cache", "a"]) == 1
    assert capsys.readouterr().out == (
        f"a/user.py:1:1: SOT101 import of legacy module 'a.legacy'; it has been removed ($(touch {marker}) "
        "%(here)s ${HOME})\n"
    )
    assert not marker.exists()
