"""The code table is the single source of truth: README's rule table and rule sections match it,
and each section's Example / Use instead behave as documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List

import pytest

from flake8_ssot.cli.main import main

from flake8_ssot.codes import CODES, PREFIX
from ssot_testing import check_source, registry_from_ini

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
SECTION = re.compile(r"^### (SOT\d{3}) ([a-z0-9-]+)\n(.*?)(?=^### |^## )", re.MULTILINE | re.DOTALL)
SECTIONS = {match.group(1): (match.group(2), match.group(3)) for match in SECTION.finditer(README)}
# The registry check's codes: their examples are registries, checked below with the command in
# the project the README describes.
REGISTRY_CODES = [code.code for code in CODES if code.code.startswith(PREFIX + "4")]
# Codes whose examples need more than one file or a whole run; their own tests cover them.
NOT_SINGLE_FILE = {"SOT105", "SOT303", "SOT900", "SOT901", *REGISTRY_CODES}


def _block(body: str, label: str):
    match = re.search(r"\*\*" + re.escape(label) + r"\*\*\s*\n\s*```python\n(.*?)```", body, re.DOTALL)
    return match.group(1) if match else None


def _examples_config() -> str:
    match = re.search(r"checked by the test suite as the file.*?```ini\n(.*?)```", README, re.DOTALL)
    assert match, "README lost the examples' registry block"
    return match.group(1)


def test_codes_are_unique_sorted_and_well_formed():
    codes = [code.code for code in CODES]
    assert codes == sorted(set(codes))
    assert all(re.fullmatch(PREFIX + r"\d{3}", code) for code in codes)
    names = [code.name for code in CODES]
    assert len(names) == len(set(names))


def test_readme_rule_table_matches_the_code_table():
    rows = re.findall(r"^\| (SOT\d{3}) \| ([a-z0-9-]+) \| (.*?) \|$", README, re.MULTILINE)
    assert [(code, name) for code, name, _ in rows] == [(code.code, code.name) for code in CODES]


def test_every_code_has_its_readme_section():
    assert [(code, name) for code, (name, _) in sorted(SECTIONS.items())] == [(c.code, c.name) for c in CODES]
    for code in CODES:
        body = SECTIONS[code.code][1]
        for heading in ("**What it does.**", "**Why is this bad?**", "**Options.**"):
            assert heading in body, f"{code.code} section lacks {heading}"


@pytest.mark.parametrize("code", [c.code for c in CODES if c.code not in NOT_SINGLE_FILE])
def test_readme_example_yields_exactly_its_code_and_use_instead_nothing(code, tmp_path):
    registry = registry_from_ini(tmp_path, _examples_config())
    body = SECTIONS[code][1]
    example, instead = _block(body, "Example"), _block(body, "Use instead")
    assert example is not None and instead is not None, f"{code} needs an Example and a Use instead"
    found = check_source(example, registry)
    assert found, f"{code} Example yields nothing"
    assert {finding.code for finding in found} == {code}
    assert check_source(instead, registry) == []


def _registry_project() -> Dict[str, str]:
    """The modules the registry check's examples run in: ``# path.py`` starts each file."""
    match = re.search(r"^### The registry check .*?```python\n(.*?)```", README, re.MULTILINE | re.DOTALL)
    assert match, "README lost the registry check's example project"
    files: Dict[str, str] = {}
    current = None
    for line in match.group(1).splitlines():
        header = re.fullmatch(r"# (\S+\.py)", line)
        if header:
            current = header.group(1)
            files[current] = ""
        else:
            assert current is not None
            files[current] += line + "\n"
    return files


def _ini(body: str, label: str) -> str:
    match = re.search(r"\*\*" + re.escape(label) + r"\*\*\s*\n\s*```ini\n(.*?)```", body, re.DOTALL)
    assert match, f"no ini block after {label}"
    return match.group(1)


def _registry_findings(root: Path, registry: str, monkeypatch, capsys) -> List[str]:
    for name, text in {**_registry_project(), "setup.cfg": registry}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.rstrip() + "\n", encoding="utf-8")
        for parent in path.relative_to(root).parents:
            if parent.parts:
                (root / parent / "__init__.py").touch()
    monkeypatch.chdir(root)
    main(["check", "--no-cache", "-j", "1"])
    out = capsys.readouterr().out
    return [line for line in out.splitlines() if line.split(" ")[1].startswith(PREFIX + "4")]


@pytest.mark.parametrize("code", REGISTRY_CODES)
def test_readme_registry_example_yields_exactly_its_code_and_use_instead_nothing(code, tmp_path, monkeypatch, capsys):
    body = SECTIONS[code][1]
    example, instead = _ini(body, "Example"), _ini(body, "Use instead")
    found = _registry_findings(tmp_path / "example", example, monkeypatch, capsys)
    assert [line.split(" ")[1] for line in found] == [code]
    # At the configuration file, on the entry's line, naming the key and the entry.
    (entry_line,) = [number for number, line in enumerate(example.splitlines(), 1) if line.startswith("    ")][-1:]
    where, _, message = found[0].partition(f" {code} ")
    assert where.startswith(f"./setup.cfg:{entry_line}:")
    key = next(line.rstrip(" =") for line in example.splitlines() if line.startswith("ssot-"))
    entry = example.splitlines()[entry_line - 1].split("=")[0].split(";")[0].strip()
    assert message.startswith(f"{key}: '{entry}': ")
    assert _registry_findings(tmp_path / "instead", instead, monkeypatch, capsys) == []
