"""SARIF output: valid SARIF 2.1.0, every code a documented rule, fingerprints that survive edits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Sequence

import jsonschema
import pytest

from flake8_ssot import __version__
from flake8_ssot.project.formats import sarif
from flake8_ssot.codes import CODES

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
SETUP_CFG = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core ; moved
"""


def run_sarif(cwd: Path, args: Sequence[str] = ()) -> Dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "flake8_ssot", "--no-cache", "--format", "sarif", *args],
        cwd=str(cwd),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stderr == ""
    document: Dict[str, Any] = json.loads(result.stdout)
    return document


def validate(document: Dict[str, Any]) -> None:
    validator_class = jsonschema.validators.validator_for(SCHEMA)
    validator_class.check_schema(SCHEMA)
    validator_class(SCHEMA).validate(document)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "setup.cfg").write_text(SETUP_CFG, encoding="utf-8")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "legacy.py").write_text("", encoding="utf-8")
    (app / "core.py").write_text("", encoding="utf-8")  # the replacement exists (no SOT403)
    (app / "use.py").write_text("import os\nimport app.legacy\n", encoding="utf-8")
    (app / "wide.py").write_text("x = 'é€𝄞'; import app.legacy\n", encoding="utf-8")
    (app / "odd name%.py").write_text("import app.legacy\n", encoding="utf-8")
    return tmp_path


def test_sarif_is_valid_and_complete(project: Path) -> None:
    document = run_sarif(project)
    validate(document)
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("flake8-ssot", __version__)
    assert [rule["id"] for rule in driver["rules"]] == [code.code for code in CODES]
    for rule, code in zip(driver["rules"], CODES):
        assert rule["shortDescription"]["text"] == code.summary
        assert rule["helpUri"] == f"{sarif.README_URL}#{code.anchor}"
        assert f"\n### {code.code} {code.name}\n" in README  # the anchor's heading exists
    results = run["results"]
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"])
        for r in results
    ] == [
        ("SOT101", "app/odd%20name%25.py", {"startLine": 1, "startColumn": 1}),
        ("SOT101", "app/use.py", {"startLine": 2, "startColumn": 1}),
        # 'é€𝄞' is 9 UTF-8 bytes but 4 UTF-16 code units: the column SARIF viewers expect.
        ("SOT101", "app/wide.py", {"startLine": 1, "startColumn": 13}),
    ]
    assert all(r["ruleIndex"] == [c.code for c in CODES].index(r["ruleId"]) for r in results)
    assert results[1]["message"]["text"] == "import of legacy module 'app.legacy'; use 'app.core' (moved)"
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == project.resolve().as_uri() + "/"


def test_sarif_of_a_clean_tree_is_valid_with_no_results(project: Path) -> None:
    document = run_sarif(project, ["app/legacy.py"])
    validate(document)
    assert document["runs"][0]["results"] == []


def test_partial_fingerprints_survive_unrelated_line_shifts(project: Path) -> None:
    before = run_sarif(project)["runs"][0]["results"]
    use = project / "app" / "use.py"
    use.write_text("'''A docstring\nthat pushes everything down.'''\n\nimport os\nimport   app.legacy\n", encoding="utf-8")
    after = run_sarif(project)["runs"][0]["results"]
    assert after[1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in before]
    assert len({json.dumps(r["partialFingerprints"]) for r in after}) == 3


def test_utf16_column_conversion() -> None:
    assert sarif.utf16_column("x = 'é€𝄞'; import a", len("x = 'é€𝄞'; ".encode())) == 13
    assert sarif.utf16_column("", 0) == 1
    assert sarif.utf16_column("abc", 2) == 3
