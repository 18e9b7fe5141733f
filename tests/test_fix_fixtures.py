"""Before/after pairs in tests/fixtures/fix/: exact output, idempotence, and agreement with check.

Set FLAKE8_SSOT_REGENERATE=1 to (re)write the .after.py and .manual.txt files from the current
output; review the diff before committing it.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path
from typing import List

import pytest

from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.engine import Engine
from flake8_ssot.fix import FileFix, fix_text
from flake8_ssot.location import ModuleIdentity

pytest.importorskip("libcst")

FIXTURES = Path(__file__).parent / "fixtures" / "fix"
CASES = sorted(path.name[: -len(".before.py")] for path in FIXTURES.glob("*.before.py"))
MODULE = re.compile(r"^# module: ([\w.]+)")
REGENERATE = os.environ.get("FLAKE8_SSOT_REGENERATE") == "1"


@pytest.fixture(scope="module")
def registry():
    return load_registry(ConfigRequest(cwd=str(FIXTURES), isolated=False))


def identity_of(text: str) -> ModuleIdentity:
    match = MODULE.match(text)
    name = match.group(1) if match else "app.consumers"
    if name.endswith(".__init__"):
        return ModuleIdentity(name[: -len(".__init__")], is_package=True)
    return ModuleIdentity(name)


def read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as stream:
        return stream.read()


def manual_lines(result: FileFix) -> List[str]:
    return [f"{m.current.line}:{m.current.col + 1} {m.current.code} {m.reason}" for m in result.manual]


def fix(text: str, registry) -> FileFix:
    return fix_text(text, "case.py", registry, identity_of(text))


def test_there_are_cases():
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES)
def test_fix_turns_before_into_after(case, registry):
    before = read(FIXTURES / f"{case}.before.py")
    result = fix(before, registry)
    assert result.error is None
    after_path, manual_path = FIXTURES / f"{case}.after.py", FIXTURES / f"{case}.manual.txt"
    if REGENERATE:
        after_path.write_bytes(result.text.encode("utf-8"))
        if result.manual:
            manual_path.write_text("\n".join(manual_lines(result)) + "\n", encoding="utf-8")
        elif manual_path.exists():
            manual_path.unlink()
    assert result.text == read(after_path)
    expected_manual = read(manual_path).splitlines() if manual_path.exists() else []
    assert manual_lines(result) == expected_manual
    ast.parse(result.text)


@pytest.mark.parametrize("case", CASES)
def test_fixing_the_after_file_changes_nothing(case, registry):
    after = read(FIXTURES / f"{case}.after.py")
    result = fix(after, registry)
    assert result.text == after
    assert result.text is after  # not even re-printed
    assert result.fixed == ()


@pytest.mark.parametrize("case", CASES)
def test_check_reports_exactly_the_manual_findings_after_the_fix(case, registry):
    before = read(FIXTURES / f"{case}.before.py")
    result = fix(before, registry)
    identity = identity_of(before)
    engine = Engine(registry)
    findings_before = engine.check_tree(ast.parse(before), identity, engine.select(None))
    findings_after = engine.check_tree(ast.parse(result.text), identity, engine.select(None))
    assert findings_after == sorted(item.current for item in result.manual)
    # Every finding is accounted for: fixed or left for a person, none twice.
    assert sorted([*result.fixed, *(item.finding for item in result.manual)]) == findings_before
