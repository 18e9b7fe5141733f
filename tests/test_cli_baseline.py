"""Baselines: written by ``flake8-ssot baseline``, honoured by ``check`` and by the flake8 plugin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Sequence

import pytest

from flake8_ssot.project import baseline as baselines
from flake8_ssot.findings import Finding

SETUP_CFG = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core ; moved
"""
LEGACY = "SOT101 import of legacy module 'app.legacy'; use 'app.core' (moved)"


def run(args: Sequence[str], cwd: Path, module: str = "flake8_ssot") -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=str(cwd), capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "setup.cfg").write_text(SETUP_CFG, encoding="utf-8")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "legacy.py").write_text("", encoding="utf-8")
    (app / "core.py").write_text("", encoding="utf-8")  # the replacement exists (no SOT403)
    (app / "a.py").write_text("import app.legacy\n\n\ndef f():\n    import app.legacy\n", encoding="utf-8")
    (app / "b.py").write_text("import os\nimport app.legacy\n", encoding="utf-8")
    return tmp_path


def test_baseline_round_trip(project: Path) -> None:
    written = run(["baseline", "--no-cache"], project)
    assert (written.returncode, written.stdout) == (0, "")
    path = project / baselines.DEFAULT_NAME
    assert written.stderr == "flake8-ssot: wrote 3 findings to .flake8-ssot-baseline.json\n"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == 1
    assert [(e["path"], e["code"], e["source"], e["occurrence"]) for e in document["findings"]] == [
        ("app/a.py", "SOT101", "import app.legacy", 0),
        ("app/a.py", "SOT101", "import app.legacy", 1),
        ("app/b.py", "SOT101", "import app.legacy", 0),
    ]
    checked = run(["--no-cache", "--baseline", str(path)], project)
    assert (checked.returncode, checked.stdout) == (0, "")
    assert checked.stderr == "flake8-ssot: 3 findings accepted by baseline .flake8-ssot-baseline.json\n"


def test_new_findings_are_reported_and_set_the_exit_code(project: Path) -> None:
    run(["baseline", "--no-cache", "--output", "base.json"], project)
    (project / "app" / "c.py").write_text("from app import legacy\n", encoding="utf-8")
    with (project / "app" / "b.py").open("a", encoding="utf-8") as handle:
        handle.write("import app.legacy as again\n")
    checked = run(["--no-cache", "--baseline", "base.json"], project)
    assert checked.returncode == 1
    assert checked.stdout == (
        "./app/b.py:3:1: SOT101 import of legacy module 'app.legacy'; use 'app.core' (moved)\n"
        "./app/c.py:1:1: SOT101 import of legacy module 'app.legacy'; use 'app.core' (moved)\n"
    )


def test_a_moved_line_keeps_its_entry_and_whitespace_does_not_matter(project: Path) -> None:
    run(["baseline", "--no-cache"], project)
    (project / "app" / "b.py").write_text(
        '"""Docstring."""\n\nimport os\nimport sys\n\nimport    app.legacy\n', encoding="utf-8"
    )
    checked = run(["--no-cache", "--baseline", baselines.DEFAULT_NAME], project)
    assert (checked.returncode, checked.stdout) == (0, "")


def test_stale_entries_are_listed_so_the_baseline_only_shrinks(project: Path) -> None:
    run(["baseline", "--no-cache"], project)
    (project / "app" / "a.py").write_text("import app.legacy\n", encoding="utf-8")  # one of two fixed
    (project / "app" / "b.py").unlink()
    checked = run(["--no-cache", "--baseline", baselines.DEFAULT_NAME], project)
    assert (checked.returncode, checked.stdout) == (0, "")
    assert checked.stderr == (
        "flake8-ssot: 1 finding accepted by baseline .flake8-ssot-baseline.json\n"
        "flake8-ssot: 2 baseline entries no longer occur; run 'flake8-ssot baseline' to drop them:\n"
        "  app/a.py: SOT101 import app.legacy\n"
        "  app/b.py: SOT101 import app.legacy\n"
    )
    # Checking only part of the tree does not call the rest stale.
    partial = run(["--no-cache", "--baseline", baselines.DEFAULT_NAME, "app/a.py"], project)
    assert "no longer occur" in partial.stderr and "app/b.py" not in partial.stderr


def test_configured_baseline_is_used_and_can_be_ignored(project: Path) -> None:
    (project / "setup.cfg").write_text(SETUP_CFG + "ssot-baseline = ci/accepted.json\n", encoding="utf-8")
    (project / "ci").mkdir()
    written = run(["baseline", "--no-cache"], project)
    assert written.stderr == "flake8-ssot: wrote 3 findings to ci/accepted.json\n"
    entries = json.loads((project / "ci" / "accepted.json").read_text(encoding="utf-8"))["findings"]
    # Outside the baseline's directory: relative to the configuration's directory, never with "..".
    assert {entry["path"] for entry in entries} == {"app/a.py", "app/b.py"}
    assert run(["--no-cache"], project).returncode == 0
    assert run(["--no-cache", "--no-baseline"], project).stdout.count("SOT101") == 3


@pytest.mark.parametrize(
    "content, problem",
    [("{not json", "is not valid JSON"), ('{"version": 99, "findings": []}', "is not a flake8-ssot baseline")],
)
def test_a_malformed_baseline_is_a_clean_error(project: Path, content: str, problem: str) -> None:
    (project / "base.json").write_text(content, encoding="utf-8")
    checked = run(["--no-cache", "--baseline", "base.json"], project)
    assert checked.returncode == 2 and checked.stdout == ""
    assert checked.stderr.startswith(f"flake8-ssot: error: baseline file base.json {problem}")


def test_the_flake8_plugin_honours_ssot_baseline(project: Path) -> None:
    run(["baseline", "--no-cache"], project)
    (project / "setup.cfg").write_text(SETUP_CFG + f"ssot-baseline = {baselines.DEFAULT_NAME}\n", encoding="utf-8")
    (project / "app" / "b.py").write_text("import os\n\nimport app.legacy\nimport app.legacy.sub\n", encoding="utf-8")
    result = run(["--select", "SOT"], project, module="flake8")
    assert result.stdout == (
        "./app/b.py:4:1: SOT101 import of 'app.legacy.sub', inside legacy module 'app.legacy'; "
        "use 'app.core' (moved)\n"
    )
    assert result.returncode == 1
    # Run from another directory: the fingerprint's path is relative to the baseline file.
    from_app = run(["--select", "SOT", "--config", str(project / "setup.cfg"), "."], project / "app", module="flake8")
    assert from_app.stdout.count("SOT101") == 1


def test_the_flake8_plugin_reports_a_missing_baseline_cleanly(project: Path) -> None:
    (project / "setup.cfg").write_text(SETUP_CFG + "ssot-baseline = gone.json\n", encoding="utf-8")
    result = run(["--select", "SOT"], project, module="flake8")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == (
        "There was a critical error during execution of Flake8:\n"
        "flake8-ssot: ssot-baseline: baseline file gone.json does not exist; create it with 'flake8-ssot baseline'\n"
    )


def test_fingerprints_count_identical_lines() -> None:
    findings = [Finding(1, 0, "SOT101", "a"), Finding(4, 4, "SOT101", "a"), Finding(4, 4, "SOT104", "b")]
    prints = baselines.fingerprints("m.py", [(f, "  import  x ") for f in findings])
    assert prints == [
        baselines.Fingerprint("m.py", "SOT101", "import x", 0),
        baselines.Fingerprint("m.py", "SOT101", "import x", 1),
        baselines.Fingerprint("m.py", "SOT104", "import x", 0),
    ]


NOT_ANALYSED = "SOT901 file could not be analysed: "


def test_baseline_records_every_finding_check_reports_so_check_then_exits_0(project: Path) -> None:
    (project / "setup.cfg").write_text(
        SETUP_CFG + "ssot-report-duplicates = true\nssot-baseline = .flake8-ssot-baseline.json\n", encoding="utf-8"
    )
    (project / "app" / "broken.py").write_text("import app.legacy\ndef f(:\n", encoding="utf-8")
    (project / "app" / "latin.py").write_bytes(b"import app.legacy\nx = '\xff'\n")
    (project / "app" / "one.py").write_text("class Thing:\n    pass\n", encoding="utf-8")
    (project / "app" / "two.py").write_text("class Thing:\n    pass\n", encoding="utf-8")
    before = run(["--no-cache", "--no-baseline"], project)
    assert before.returncode == 1
    assert [line.split(": ", 1)[1][:6] for line in before.stdout.splitlines()] == [
        "SOT101", "SOT101", "SOT101", "SOT901", "SOT901", "SOT303", "SOT303"
    ]
    written = run(["baseline", "--no-cache"], project)
    assert (written.returncode, written.stdout) == (0, "")
    assert written.stderr == "flake8-ssot: wrote 7 findings to .flake8-ssot-baseline.json\n"
    document = json.loads((project / baselines.DEFAULT_NAME).read_text(encoding="utf-8"))
    entries = [(e["path"], e["code"], e["source"], e["occurrence"], e["message"]) for e in document["findings"]]
    assert entries[3:5] == [
        # Identified by code and file alone: the line and the parser's message may change.
        ("app/broken.py", "SOT901", "", 0, "file could not be analysed: SyntaxError: invalid syntax; it was not checked"),
        ("app/latin.py", "SOT901", "", 0, "file could not be analysed: cannot decode it as utf-8 (byte 0xff on line 2); "
         "it was not checked"),
    ]
    assert [entry[:2] for entry in entries[5:]] == [("app/one.py", "SOT303"), ("app/two.py", "SOT303")]
    checked = run(["--no-cache"], project)
    assert (checked.returncode, checked.stdout) == (0, "")
    assert checked.stderr == "flake8-ssot: 7 findings accepted by baseline .flake8-ssot-baseline.json\n"
    # Another syntax error on another line (what another Python version may report): still accepted.
    (project / "app" / "broken.py").write_text("import app.legacy\n\n\nx = (1,\n", encoding="utf-8")
    moved = run(["--no-cache"], project)
    assert (moved.returncode, moved.stdout) == (0, "")
    # A file that is analysed again: its entry is listed as no longer occurring, with its message.
    (project / "app" / "latin.py").write_bytes(b"import app.legacy\nx = 1\n")
    fixed = run(["--no-cache"], project)
    assert (fixed.returncode, fixed.stdout) == (1, "./app/latin.py:1:1: " + LEGACY + "\n")
    assert fixed.stderr == (
        "flake8-ssot: 6 findings accepted by baseline .flake8-ssot-baseline.json\n"
        "flake8-ssot: 1 baseline entry no longer occur; run 'flake8-ssot baseline' to drop them:\n"
        "  app/latin.py: SOT901 file could not be analysed: cannot decode it as utf-8 (byte 0xff on line 2); "
        "it was not checked\n"
    )


def test_whole_file_findings_are_fingerprinted_by_code_and_file(tmp_path: Path) -> None:
    findings = [
        (Finding(1, 0, "SOT900", "flake8-ssot failed while checking this file (rule x): KeyError: 'a'"), "import a"),
        (Finding(2, 4, "SOT901", "file could not be analysed: SyntaxError: invalid syntax"), "def f(:"),
        (Finding(9, 0, "SOT901", "file could not be analysed: SyntaxError: '(' was never closed"), "x = (1,"),
    ]
    prints = baselines.fingerprints("m.py", findings)
    assert prints == [
        baselines.Fingerprint("m.py", "SOT900", "", 0),
        baselines.Fingerprint("m.py", "SOT901", "", 0),
        baselines.Fingerprint("m.py", "SOT901", "", 1),
    ]
    baselines.save(str(tmp_path / "b.json"), [(fp, finding.text) for fp, (finding, _) in zip(prints, findings)])
    loaded = baselines.Baseline.load(str(tmp_path / "b.json"))
    assert sorted(loaded.entries) == prints
    # The plugin's filter accepts an internal error at whatever line and with whatever message.
    other = Finding(3, 0, "SOT900", "flake8-ssot failed while checking this file (rule y): ValueError")
    assert baselines.unaccepted(loaded, str(tmp_path / "m.py"), [other], ["", "", "z = 1"]) == []
