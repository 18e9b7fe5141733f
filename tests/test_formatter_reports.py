"""flake8 formatter plugins ssot-json / ssot-sarif / ssot-github: the command line's reports in a flake8 run.

``flake8 --format=ssot-X`` must write byte for byte what ``flake8-ssot check --format X`` writes
for the same findings (one writer, one source of truth), a SARIF document that validates against
the SARIF 2.1.0 schema, and an output file that is replaced, never appended to.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Sequence

import jsonschema
import pytest

from flake8_ssot.codes import CODES

FIXTURES = Path(__file__).parent / "fixtures" / "clients"
BUFFER = (FIXTURES / "all_codes.py").read_text(encoding="utf-8")
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
TIMEOUT = 120
FORMATS = ["json", "sarif", "github"]


def run(args: Sequence[str], cwd: Path, stdin: str = "") -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, *args], cwd=str(cwd), input=stdin, capture_output=True, text=True, timeout=TIMEOUT
    )


def flake8(cwd: Path, *args: str, stdin: str = "") -> "subprocess.CompletedProcess[str]":
    return run(["-m", "flake8", *args], cwd, stdin)


def check(cwd: Path, *args: str) -> "subprocess.CompletedProcess[str]":
    return run(["-m", "flake8_ssot", "check", "--no-cache", *args], cwd)


def validate(document: Dict[str, Any]) -> None:
    validator = jsonschema.validators.validator_for(SCHEMA)
    validator.check_schema(SCHEMA)
    validator(SCHEMA).validate(document)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    (root / "app" / "consumers.py").write_text(BUFFER, encoding="utf-8")
    # A second file with a wide character before the finding: SARIF columns count UTF-16 units.
    (root / "app" / "wide.py").write_text("x = 'é€𝄞'; import app.services.message_handler  # noqa: E702,F401\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("report, path", [("json", "."), ("sarif", "."), ("github", "."), ("sarif", "app")])
def test_flake8_report_is_the_commands_report(report: str, path: str, project: Path) -> None:
    from_flake8 = flake8(project, f"--format=ssot-{report}", path)
    from_command = check(project, "--format", report, path)

    assert (from_flake8.returncode, from_flake8.stderr) == (1, "")
    assert (from_command.returncode, from_command.stderr) == (1, "")
    assert from_flake8.stdout == from_command.stdout
    assert "consumers.py" in from_flake8.stdout and "SOT302" in from_flake8.stdout and "wide.py" in from_flake8.stdout


def test_sarif_is_schema_valid_and_carries_every_finding(project: Path) -> None:
    result = flake8(project, "--format=ssot-sarif", "app")
    document = json.loads(result.stdout)

    validate(document)
    run_ = document["runs"][0]
    assert [rule["id"] for rule in run_["tool"]["driver"]["rules"]] == [code.code for code in CODES]
    assert [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
        )
        for r in run_["results"]
    ] == [
        ("SOT101", "app/consumers.py", 6, 1),
        ("SOT102", "app/consumers.py", 7, 1),
        ("SOT103", "app/consumers.py", 10, 13),
        ("SOT104", "app/consumers.py", 12, 12),
        ("SOT201", "app/consumers.py", 16, 24),
        ("SOT202", "app/consumers.py", 21, 25),
        ("SOT301", "app/consumers.py", 25, 5),
        ("SOT302", "app/consumers.py", 31, 1),
        # 'é€𝄞' is 9 UTF-8 bytes (flake8's column 14) but 4 UTF-16 code units.
        ("SOT101", "app/wide.py", 1, 13),
    ]


def test_output_file_is_replaced_not_appended(project: Path) -> None:
    report = "sarif"
    output = project / "reports" / f"ssot.{report}"
    output.parent.mkdir()
    output.write_text("left over from an earlier run\n", encoding="utf-8")

    first = flake8(project, f"--format=ssot-{report}", f"--output-file={output}", "app")
    second = flake8(project, f"--format=ssot-{report}", f"--output-file={output}", "app")
    expected = check(project, "--format", report, "app").stdout

    assert (first.returncode, first.stdout, first.stderr) == (1, "", "")
    assert (second.returncode, second.stdout, second.stderr) == (1, "", "")
    assert output.read_text(encoding="utf-8") == expected
    assert sorted(path.name for path in output.parent.iterdir()) == [output.name]  # no temporary left
    validate(json.loads(expected))


def test_output_file_directory_is_created_and_tee_also_prints(project: Path) -> None:
    output = project / "out" / "deeper" / "ssot.sarif"

    result = flake8(project, "--format=ssot-sarif", f"--output-file={output}", "--tee", "app")

    assert result.returncode == 1
    assert output.read_text(encoding="utf-8") == result.stdout
    validate(json.loads(result.stdout))


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="needs /dev/stdout")
def test_output_file_that_is_a_device_is_written_not_replaced(project: Path) -> None:
    result = flake8(project, "--format=ssot-json", "--output-file=/dev/stdout", "app")

    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == check(project, "--format", "json", "app").stdout


def test_statistics_and_benchmarks_go_to_stderr_keeping_the_document_valid(project: Path) -> None:
    result = flake8(project, "--format=ssot-json", "--statistics", "--benchmark", "app")

    assert result.returncode == 1
    assert [item["code"] for item in json.loads(result.stdout)][:2] == ["SOT101", "SOT102"]
    assert "SOT101 import from legacy module 'app.services.message_handler'" in result.stderr
    assert "seconds elapsed" in result.stderr


def test_no_findings_is_an_empty_report(project: Path) -> None:
    shutil.copy2(FIXTURES / "project" / "app" / "consumers.py", project / "app" / "consumers.py")
    (project / "app" / "wide.py").unlink()
    for report in ("json", "sarif"):
        from_flake8 = flake8(project, f"--format=ssot-{report}", "app")
        assert from_flake8.returncode == 0
        assert from_flake8.stdout == check(project, "--format", report, "app").stdout
    validate(json.loads(from_flake8.stdout))


def test_other_plugins_codes_are_reported_with_bare_sarif_rules(project: Path) -> None:
    (project / "app" / "style.py").write_text("import os\nimport app.services.message_handler\nx=app\n", encoding="utf-8")

    result = flake8(project, "--format=ssot-sarif", "app/style.py")
    document = json.loads(result.stdout)
    sot_only = json.loads(check(project, "--format", "sarif", "app/style.py").stdout)

    validate(document)
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert rules[: len(CODES)] == sot_only["runs"][0]["tool"]["driver"]["rules"]
    assert rules[len(CODES):] == [
        {"id": "E225", "defaultConfiguration": {"level": "error"}},
        {"id": "F401", "defaultConfiguration": {"level": "error"}},
    ]
    results = document["runs"][0]["results"]
    assert [(r["ruleId"], r["ruleIndex"], r["locations"][0]["physicalLocation"]["region"]) for r in results] == [
        ("F401", len(CODES) + 1, {"startLine": 1, "startColumn": 1}),
        ("SOT101", 0, {"startLine": 2, "startColumn": 1}),
        ("E225", len(CODES), {"startLine": 3, "startColumn": 2}),
    ]
    assert results[1] == sot_only["runs"][0]["results"][0]
    assert json.loads(flake8(project, "--format=ssot-json", "app/style.py").stdout) == [
        {
            "path": "app/style.py",
            "line": 1,
            "column": 1,
            "code": "F401",
            "message": "'os' imported but unused",
            "severity": "error",
        },
        json.loads(check(project, "--format", "json", "app/style.py").stdout)[0],
        {
            "path": "app/style.py",
            "line": 3,
            "column": 2,
            "code": "E225",
            "message": "missing whitespace around operator",
            "severity": "error",
        },
    ]


def test_stdin_buffer_is_reported_from_the_buffer_not_the_disk(project: Path) -> None:
    saved = project / "app" / "consumers.py"
    shutil.copy2(FIXTURES / "project" / "app" / "consumers.py", saved)
    # The saved file has no findings; in the buffer, wide characters precede one of them.
    plain = "    return app.services.message_handler.QueueHandler, handle"
    buffer = BUFFER.replace(plain, '    return "é€𝄞", app.services.message_handler.QueueHandler, handle')
    assert buffer != BUFFER

    from_stdin = flake8(project, "--format=ssot-sarif", "--stdin-display-name", "app/consumers.py", "-", stdin=buffer)
    saved.write_text(buffer, encoding="utf-8")
    from_command = check(project, "--format", "sarif", "app/consumers.py")

    assert from_stdin.returncode == 1
    assert from_stdin.stdout == from_command.stdout
