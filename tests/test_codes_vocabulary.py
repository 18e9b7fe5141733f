"""The codes are the rules' vocabulary: what each rule declares is what it emits, the declarations
together are exactly the table of :mod:`flake8_ssot.codes`, and no code is spelt anywhere else."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

import flake8_ssot
from flake8_ssot import codes, engine
from flake8_ssot.checking.rule import Rule
from flake8_ssot.engine import Engine
from flake8_ssot.location import ModuleIdentity, identify
from flake8_ssot.project import analyse, duplicates, registry_check
from flake8_ssot.project.facts import collect_facts
from flake8_ssot.registry import Registry
from flake8_ssot.rules import ALL_RULES
from ssot_testing import check_with, registry_from_ini

PACKAGE = Path(flake8_ssot.__file__).parent
CODES_MODULE = PACKAGE / "codes.py"
CODE = re.compile(r"SOT\d{3}")
IDENTITY = ModuleIdentity("app.consumers")

# Code that reports findings without being a rule, and what it declares it reports.
NON_RULE_DECLARATIONS = {
    "engine": engine.CODES,
    "project.analyse": analyse.CODES,
    "project.duplicates": duplicates.CODES,
    "project.registry_check": registry_check.CODES,
}

REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    app.services.websocket.message_handler = app.websocket_core.handlers
ssot-forbidden-names =
    app.websocket_core.unified_manager.UnifiedWebSocketManager = app.websocket_core.websocket_manager.WebSocketManager
ssot-canonical-classes =
    UserMessageHandler = app.websocket_core.handlers
ssot-legacy-parameters =
    *Handler = supervisor
"""

PROJECT = {
    "app/__init__.py": "",
    "app/services/__init__.py": "from .websocket.message_handler import UserMessageHandler\n",
    "app/services/websocket/__init__.py": "",
    "app/services/websocket/message_handler.py": "class UserMessageHandler:\n    pass\n",
    "app/websocket_core/__init__.py": "",
    "app/websocket_core/handlers.py": "class UserMessageHandler:\n    pass\n",
}

# Per rule (by name), a source in module ``app.consumers`` that makes it report every code it has.
TRIGGERS = {
    "imports": """\
        import app.services.websocket.message_handler
        from app.websocket_core.unified_manager import UnifiedWebSocketManager
        """,
    "strings": """\
        from unittest import mock
        mock.patch("app.services.websocket.message_handler.UserMessageHandler")
        """,
    "attributes": """\
        import app.services
        app.services.websocket.message_handler.UserMessageHandler()
        """,
    "reexports": """\
        from app.services import UserMessageHandler
        """,
    "reexport-chains": """\
        import app.services
        handler = app.services.UserMessageHandler
        """,
    "dotted-strings": """\
        SERVICE_MODULES = ["app.services.websocket.message_handler"]
        """,
    "embedded-imports": """\
        exec("from app.services.websocket.message_handler import UserMessageHandler")
        """,
    "constructors": """\
        class QueueHandler:
            def __init__(self, supervisor):
                pass

        QueueHandler(supervisor=None)
        """,
    "canonical": """\
        class UserMessageHandler:
            pass

        UserMessageHandler = make_handler()
        """,
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in PROJECT.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_declared_codes_are_exactly_the_table():
    declared = {code for rule in ALL_RULES for code in rule.codes}
    for module_codes in NON_RULE_DECLARATIONS.values():
        declared.update(module_codes)
    assert declared == {code.code for code in codes.CODES}


def test_every_rule_declares_codes_and_has_a_trigger_here():
    assert all(rule.codes for rule in ALL_RULES)
    assert set(TRIGGERS) == {rule.name for rule in ALL_RULES}


def _emitted(project: Path, rule: Rule, source: str) -> List[Tuple[int, int, str]]:
    registry = registry_from_ini(project, REGISTRY)
    source = textwrap.dedent(source)
    path = project / "app" / "consumers.py"
    path.write_text(source, encoding="utf-8")
    identity = identify(str(path), registry.source_roots)
    assert identity.name == "app.consumers"
    found = check_with(Engine(registry, [rule]), ast.parse(source), identity, source, str(path))
    return [(finding.line, finding.col, finding.code) for finding in found]


@pytest.mark.parametrize("rule", ALL_RULES, ids=[rule.name for rule in ALL_RULES])
def test_each_rule_emits_exactly_the_codes_it_declares(project, rule):
    emitted = _emitted(project, rule, TRIGGERS[rule.name])
    assert {code for _, _, code in emitted} == rule.codes, emitted


def test_the_engine_reports_a_failing_rule_with_its_declared_code():
    def explode(context):
        raise RuntimeError("boom")
        yield  # pragma: no cover - a generator, like the rules

    broken = Rule("broken", (ast.ClassDef,), explode, lambda registry: True, lambda registry: None, codes=())
    source = "class A:\n    pass\n"
    found = check_with(Engine(Registry(), [broken]), ast.parse(source), IDENTITY, source)
    assert {finding.code for finding in found} == engine.CODES


def test_analysis_reports_an_unparsable_file_with_its_declared_code():
    analysis = analyse.analyse_text(Engine(Registry()), "def broken(:\n", "app/broken.py", IDENTITY, want_facts=True)
    assert [finding.code for finding in analysis.findings] == [codes.FILE_NOT_ANALYSED]
    assert {finding.code for finding in analysis.findings} <= analyse.CODES


def test_duplicates_are_reported_with_their_declared_code(tmp_path):
    text = "class Twice:\n    pass\n"
    facts = [
        (
            str(tmp_path / "app" / f"{name}.py"),
            collect_facts(ast.parse(text), ModuleIdentity(f"app.{name}"), text.splitlines()),
        )
        for name in ("one", "two")
    ]
    groups = duplicates.find_groups(facts, Registry(), str(tmp_path), include_tests=False)
    found = duplicates.duplicate_findings(groups)
    assert {item.finding.code for located in found.values() for item in located} == duplicates.CODES


# -- no code spelt outside flake8_ssot/codes.py --------------------------------------------------


def _docstrings(tree: ast.AST) -> set:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def code_literals(source: str) -> List[int]:
    """The lines of string constants (docstrings aside) and f-string parts that spell a code."""
    tree = ast.parse(source)
    skipped = _docstrings(tree)
    lines: List[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for part in node.values:
                skipped.add(id(part))
                if isinstance(part, ast.Constant) and isinstance(part.value, str) and CODE.search(part.value):
                    lines.append(node.lineno)
        elif isinstance(node, ast.Constant) and id(node) not in skipped:
            if isinstance(node.value, str) and CODE.search(node.value):
                lines.append(node.lineno)
    return sorted(lines)


def test_the_scan_sees_strings_and_f_string_parts_but_not_docstrings():
    source = textwrap.dedent('''\
        """Module docstring naming SOT101."""
        def f(code):
            """SOT102 in a function docstring."""
            # SOT103 in a comment
            a = "SOT104"
            b = f"{code} or SOT105"
            c = {"key": ("SOT201",)}
            return f"{code:>SOT202}"
        class C:
            """SOT301"""
            x = "no code here: SOT1, SOT"
        ''')
    assert code_literals(source) == [5, 6, 7, 8]


def test_no_code_is_spelt_outside_the_codes_module():
    offending: Dict[str, List[int]] = {}
    modules = sorted(PACKAGE.rglob("*.py"))
    assert CODES_MODULE in modules and len(modules) > 20
    for path in modules:
        if path == CODES_MODULE:
            continue
        lines = code_literals(path.read_text(encoding="utf-8"))
        if lines:
            offending[str(path.relative_to(PACKAGE.parent))] = lines
    report = [f"{path}:{line}" for path, lines in sorted(offending.items()) for line in lines]
    for place in report:
        print(f"{place}: a code spelt as a literal; use its name from flake8_ssot.codes")
    assert not report, "codes spelt as literals outside flake8_ssot/codes.py:\n" + "\n".join(report)
