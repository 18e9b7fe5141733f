"""The engine: failures are contained per rule and per file, deep trees are walked without
recursion, and the text prefilter never changes the findings."""

from __future__ import annotations

import ast

import pytest

from flake8_ssot.checking.rule import Rule
from flake8_ssot.engine import Engine
from flake8_ssot.findings import internal_error
from flake8_ssot.findings import Finding
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.plugin import SsotChecker
from flake8_ssot.rules import ALL_RULES
from ssot_testing import check_source, registry_from_ini

REGISTRY = """\
[flake8]
ssot-forbidden-modules = app.legacy = app.core
ssot-canonical-classes = Handler = app.core
ssot-legacy-parameters = *Handler = supervisor
"""
IDENTITY = ModuleIdentity("app.consumers")


@pytest.fixture
def registry(tmp_path):
    return registry_from_ini(tmp_path, REGISTRY)


def _exploding(after: int):
    def check(context):
        for number in range(after):
            yield Finding(10 + number, 0, "SOT301", "partial")
        raise RecursionError("maximum recursion depth exceeded")

    return Rule("exploding", (ast.ClassDef,), check, lambda registry: True, lambda registry: None, codes=())


def test_a_failing_rule_becomes_sot900_and_other_rules_still_report(registry):
    engine = Engine(registry, [*ALL_RULES, _exploding(after=1)])
    source = "import app.legacy\n"
    found = engine.check_tree(ast.parse(source), IDENTITY, engine.select(source))
    assert [(f.line, f.col, f.code) for f in found] == [(1, 0, "SOT101"), (1, 0, "SOT900"), (10, 0, "SOT301")]
    sot900 = [f for f in found if f.code == "SOT900"][0]
    assert sot900.text == (
        "flake8-ssot could not finish rule 'exploding' (RecursionError: maximum recursion depth exceeded); "
        "the file's other findings are still reported, please report this"
    )


def test_the_plugin_never_lets_an_exception_reach_flake8(registry, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk vanished")

    monkeypatch.setattr("flake8_ssot.plugin.identify", broken)
    monkeypatch.setattr(SsotChecker, "_engine", Engine(registry))
    checker = SsotChecker(ast.parse("import app.legacy\n"), ["import app.legacy\n"], "app/x.py")
    results = list(checker.run())
    assert [(line, col, message.split()[0]) for line, col, message, _ in results] == [(1, 0, "SOT900")]
    assert "OSError: disk vanished" in results[0][2]


@pytest.mark.parametrize("depth", [500, 1000])
def test_deeply_nested_expressions_are_walked_without_recursion(registry, depth):
    source = "import app.legacy\nx = " + "+".join(["Handler(supervisor)"] * depth) + "\ny = " + "a." * depth + "b\n"
    found = check_source(source, registry)
    assert found[0].code == "SOT101"
    assert sum(1 for f in found if f.code == "SOT202") == depth
    assert not any(f.code == "SOT900" for f in found)


def test_nested_classes_to_the_parser_limit(registry):
    # CPython allows at most 100 indentation levels.
    source = (
        "".join("    " * level + f"class C{level}:\n" for level in range(98)) + "    " * 98 + "class Handler: pass\n"
    )
    found = check_source(source, registry)
    assert [(f.line, f.col, f.code) for f in found] == [(99, 392, "SOT301")]


PREFILTER_CASES = [
    "import app.legacy\n",
    'import unittest.mock\nunittest.mock.patch("app.leg" "acy.X")\n',
    'from unittest import mock\nmock.patch("app." + "legacy")\n',
    "import app.ｌｅｇａｃｙ\n",  # NFKC: the parser reads this as app.legacy
    "class Ｈandler: pass\n",
    "x = 1\n",
    "Handler(**{'super' 'visor': 1})\n",
    # Only the string rule passes the text filter; it still reads the file's imports.
    'from unittest.mock import patch as p\np("app.leg" "acy.X")\n',
]


@pytest.mark.parametrize("source", PREFILTER_CASES)
def test_prefilter_is_lossless(registry, source):
    engine = Engine(registry)
    unfiltered = Engine(registry, prefilter=False)
    tree = ast.parse(source)
    assert engine.check_tree(tree, IDENTITY, engine.select(source)) == unfiltered.check_tree(tree, IDENTITY, unfiltered.select(source))


def test_an_aliased_patch_is_recognised_when_only_the_string_rules_pass_the_filter(tmp_path):
    source = 'from unittest.mock import patch as p\np("app.leg" "acy.X")\n'
    engine = Engine(registry_from_ini(tmp_path, REGISTRY + "ssot-resolve = false\n"))
    # SOT106 reads every string, and leaves a patch target to SOT103: one finding.
    assert [rule.name for rule in engine.select(source).rules] == ["strings", "dotted-strings"]
    found = engine.check_tree(ast.parse(source), IDENTITY, engine.select(source))
    assert [(f.line, f.col, f.code) for f in found] == [(2, 2, "SOT103")]


def test_prefilter_skips_files_that_cannot_match(registry):
    engine = Engine(registry)
    assert bool(engine.select("import os\n")) is False
    assert bool(engine.select("import app.legacy\n")) is True
    assert bool(engine.select("x = 'ｌｅｇａｃｙ'\n")) is True


def test_empty_registry_has_no_active_rule(tmp_path):
    engine = Engine(registry_from_ini(tmp_path, "[flake8]\n"))
    assert engine.rules == ()
    assert bool(engine.select("import app.legacy\n")) is False


def test_internal_error_message_is_one_line():
    finding = internal_error("rule 'x'", ValueError("first\nsecond\r\nthird"))
    assert finding.text == (
        "flake8-ssot could not finish rule 'x' (ValueError: first second third); "
        "the file's other findings are still reported, please report this"
    )
