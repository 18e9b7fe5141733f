"""Editor integrations read flake8's output with their own regexes: every SOT finding must parse.

Each integration below is replayed as its repository runs flake8 (format string, stdin with a
display name, working directory) and its output regex is quoted from that repository, translated
to Python's ``re`` where the original is Vim, Lua or Emacs ``rx`` syntax.  The buffer piped in
holds one finding of every rule the plugin reports in a single file; the file on disk is clean,
so a finding can only come from the buffer.  A second test renders every code of the code table
through flake8's own formatter with each integration's format string.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Tuple

import pytest
from flake8.formatting.default import Default
from flake8.violation import Violation

from flake8_ssot.codes import CODES
from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.engine import Engine
from flake8_ssot.findings import internal_error
from flake8_ssot.location import identify
from ssot_testing import check_with

FIXTURES = Path(__file__).parent / "fixtures" / "clients"
BUFFER = (FIXTURES / "all_codes.py").read_text(encoding="utf-8")
TIMEOUT = 120

# (line, 1-based column, code, text): what an editor must recover from one output line.
Parsed = Tuple[int, int, str, str]

FLAKE8_DEFAULT = "default"
# microsoft/vscode-flake8, bundled/tool/lsp_server.py: FLAKE8_CONFIG tool_args.
VSCODE_FORMAT = "--format=%(row)d,%(col)d,%(code).1s,%(code)s:%(text)s"
# mfussenegger/nvim-lint, lua/lint/linters/flake8.lua: args.
NVIM_LINT_FORMAT = "--format=%(path)s:%(row)d:%(col)d:%(code)s:%(text)s"


@dataclass(frozen=True)
class Integration:
    name: str
    # The command line after ``flake8``, given the buffer's absolute path and the project root.
    args: Callable[[Path, Path], List[str]]
    stdin: bool
    parse: Callable[[str], Parsed]


def _vscode(line: str) -> Parsed:
    # microsoft/vscode-flake8, bundled/tool/lsp_server.py: DIAGNOSTIC_RE, used with .match().
    # The severity comes from the ``type`` group (the code's first letter) and flake8.severity.
    match = re.match(r"(?P<line>\d+),(?P<column>-?\d+),(?P<type>\w+),(?P<code>\w+\d+):(?P<message>[^\r\n]*)", line)
    assert match, line
    assert match["type"] == "S"
    return int(match["line"]), int(match["column"]), match["code"], match["message"]


def _pylsp(line: str) -> Parsed:
    # python-lsp/python-lsp-server, pylsp/plugins/flake8_lint.py: parse_stdout.
    match = re.match(r"(.*):(\d*):(\d*): (\w*) (.*)", line)
    assert match, line
    _, row, col, code, text = match.groups()
    return int(row), int(col), code, text


def _ale(line: str) -> Parsed:
    # dense-analysis/ale, ale_linters/python/flake8.vim: Handle(), the very-magic Vim pattern
    #   \v^[a-zA-Z]?:?[^:]+:(\d+):?(\d+)?: ([[:alnum:]]+):? (.*)$
    match = re.match(r"^[a-zA-Z]?:?[^:]+:(\d+):?(\d+)?: ([A-Za-z0-9]+):? (.*)$", line)
    assert match, line
    row, col, code, text = match.groups()
    return int(row), int(col), code, text


def _nvim_lint(line: str) -> Parsed:
    # mfussenegger/nvim-lint, lua/lint/linters/flake8.lua: the Lua pattern
    #   '[^:]+:(%d+):(%d+):(%w+):(.+)'  (unanchored, as string.match is)
    match = re.search(r"[^:]+:(\d+):(\d+):([A-Za-z0-9]+):(.+)", line)
    assert match, line
    row, col, code, text = match.groups()
    return int(row), int(col), code, text


def _flycheck(line: str) -> Parsed:
    # flycheck/flycheck, flycheck.el: python-flake8 :error-patterns
    #   (warning line-start (file-name) ":" line ":" (optional column ":") " "
    #            (id (one-or-more (any alpha)) (one-or-more digit)) " "
    #            (message (one-or-more not-newline)) line-end)
    # with (file-name) = (minimal-match (one-or-more not-newline)).
    match = re.match(r"^(?P<file>.+?):(?P<line>\d+):(?:(?P<column>\d+):)? (?P<id>[A-Za-z]+\d+) (?P<message>.+)$", line)
    assert match, line
    return int(match["line"]), int(match["column"]), match["id"], match["message"]


INTEGRATIONS = [
    # Lints the saved file by path (use_stdin=False in _run_tool_on_document); cwd is the workspace.
    Integration("vscode-flake8", lambda path, root: [VSCODE_FORMAT, str(path)], False, _vscode),
    # Notebooks go through stdin with the document's path as display name.
    Integration(
        "vscode-flake8 notebook",
        lambda path, root: [VSCODE_FORMAT, "--stdin-display-name", str(path), "-"],
        True,
        _vscode,
    ),
    # build_args() starts with "-"; run_flake8() adds the path relative to the workspace root,
    # and runs in the workspace root.
    Integration(
        "pylsp",
        lambda path, root: ["-", "--stdin-display-name", os.path.relpath(path, root)],
        True,
        _pylsp,
    ),
    # GetCommand(): ' --format=default' . ' --stdin-display-name %s -', %s being the buffer's path.
    Integration(
        "ALE",
        lambda path, root: ["--format=default", "--stdin-display-name", str(path), "-"],
        True,
        _ale,
    ),
    # args: format, --no-show-source, --stdin-display-name <nvim_buf_get_name(0)>, '-'.
    Integration(
        "nvim-lint",
        lambda path, root: [NVIM_LINT_FORMAT, "--no-show-source", "--stdin-display-name", str(path), "-"],
        True,
        _nvim_lint,
    ),
    # :command (python3 -m flake8 --format=default --stdin-display-name=<buffer file> -).
    Integration(
        "flycheck",
        lambda path, root: ["--format=default", f"--stdin-display-name={path}", "-"],
        True,
        _flycheck,
    ),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    return root


def _expected(root: Path, path: Path) -> List[Parsed]:
    """What the rule engine finds in the buffer as that file, straight from the engine."""
    registry = load_registry(ConfigRequest(cwd=str(root)))
    findings = check_with(Engine(registry), ast.parse(BUFFER), identify(str(path), registry.source_roots), BUFFER)
    return [(f.line, f.col + 1, f.code, f.text) for f in findings]


def test_the_buffer_holds_a_finding_of_every_single_file_rule(project: Path) -> None:
    found = _expected(project, project / "app" / "consumers.py")
    assert [(line, col, code) for line, col, code, _ in found] == [
        (6, 1, "SOT101"),
        (7, 1, "SOT102"),
        (10, 13, "SOT103"),
        (12, 12, "SOT104"),
        (16, 24, "SOT201"),
        (21, 25, "SOT202"),
        (25, 5, "SOT301"),
        (31, 1, "SOT302"),
    ]


@pytest.mark.parametrize("integration", INTEGRATIONS, ids=lambda integration: integration.name)
def test_every_finding_parses_with_the_integrations_regex(integration: Integration, project: Path) -> None:
    path = project / "app" / "consumers.py"
    if integration.stdin:
        assert "legacy" not in path.read_text(encoding="utf-8")  # only the buffer has findings
    else:
        path.write_text(BUFFER, encoding="utf-8")  # linted on save
    result = subprocess.run(
        [sys.executable, "-m", "flake8", *integration.args(path, project)],
        cwd=str(project),
        input=BUFFER if integration.stdin else None,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert [integration.parse(line) for line in lines] == _expected(project, path)


SAMPLE_TEXTS = {
    # The widest message the plugin writes: exception text with colons, digits and quotes.
    "SOT900": internal_error(
        "rule 'strings'", ValueError("bad target 'a.b:Name': 3:4: E1 see 'c'")
    ).text,
}


@pytest.mark.parametrize("code", [code.code for code in CODES])
@pytest.mark.parametrize(
    "integration_format, parse",
    [
        (VSCODE_FORMAT, _vscode),
        (FLAKE8_DEFAULT, _pylsp),
        (FLAKE8_DEFAULT, _ale),
        (NVIM_LINT_FORMAT, _nvim_lint),
        (FLAKE8_DEFAULT, _flycheck),
    ],
    ids=["vscode-flake8", "pylsp", "ALE", "nvim-lint", "flycheck"],
)
def test_every_code_in_the_table_parses_through_flake8s_formatter(
    code: str, integration_format: str, parse: Callable[[str], Parsed]
) -> None:
    text = SAMPLE_TEXTS.get(code, next(c.summary for c in CODES if c.code == code))
    options = argparse.Namespace(
        format=integration_format.replace("--format=", ""), output_file=None, color="never", tee=False
    )
    violation = Violation(code, "/work/app/consumers.py", 12, 34, text, None)
    line = Default(options).format(violation)
    assert line is not None and "\n" not in line
    assert parse(line) == (12, 34, code, text)
