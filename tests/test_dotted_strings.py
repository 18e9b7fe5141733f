"""SOT106: a string whose whole value is a forbidden module or name, or lies below one, wherever it
stands; never a string SOT103 reports, a docstring, a string statement or prose."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ssot_testing import check_source, registry_from_ini

REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    app.services.message_handler = app.handlers ; queue-based
    app.*.old_routing = app.routing
    imp = importlib
    code
ssot-forbidden-names =
    app.models.OldThing = app.models.Thing
ssot-allow =
    app.services.message_handler = app.compat
ssot-resolve = false
"""
MODULE = "legacy module 'app.services.message_handler'; use 'app.handlers' (queue-based)"


@pytest.fixture
def registry(tmp_path):
    return registry_from_ini(tmp_path, REGISTRY)


def found(source, registry, module="app.consumers"):
    return [(f.line, f.col, f.code, f.text) for f in check_source(source, registry, module)]


def test_module_names_in_a_list_handed_to_an_import_helper(registry):
    source = """\
        from test.support import import_helper

        service_modules = [
            'app.services.message_handler',
            "app.services.message_handler.sub",
            "app.handlers",
        ]
        for name in service_modules:
            import_helper.import_module(name)
        """
    assert found(source, registry) == [
        (4, 4, "SOT106", f"string 'app.services.message_handler' refers to {MODULE}"),
        (5, 4, "SOT106", f"string 'app.services.message_handler.sub' refers to {MODULE}"),
    ]


def test_every_form_of_a_whole_value(registry):
    source = """\
        handler = "app.services.message_handler.Handler"
        entry_points = {"queue": "app.services.message_handler:Handler.run"}
        thing = "app.models.OldThing"
        below = "app.models.OldThing.save"
        entry = "app.models:OldThing"
        routing = "app.chat.old_routing.rules"
        folded = ("app.services." "message_handler")
        added = "app.services." + "message_handler"
        formatted = f"app.services.message_handler"
        logger = logging.getLogger("app.services.message_handler")
        """
    name = "legacy name 'app.models.OldThing'; use 'app.models.Thing'"
    routing = "legacy module 'app.chat.old_routing' (forbidden as 'app.*.old_routing'); use 'app.routing'"
    assert found(source, registry) == [
        (1, 10, "SOT106", f"string 'app.services.message_handler.Handler' refers to {MODULE}"),
        (2, 25, "SOT106", f"string 'app.services.message_handler:Handler.run' refers to {MODULE}"),
        (3, 8, "SOT106", f"string 'app.models.OldThing' refers to {name}"),
        (4, 8, "SOT106", f"string 'app.models.OldThing.save' refers to {name}"),
        (5, 8, "SOT106", f"string 'app.models:OldThing' refers to {name}"),
        (6, 10, "SOT106", f"string 'app.chat.old_routing.rules' refers to {routing}"),
        (7, 10, "SOT106", f"string 'app.services.message_handler' refers to {MODULE}"),
        (8, 8, "SOT106", f"string 'app.services.message_handler' refers to {MODULE}"),
        (9, 12, "SOT106", f"string 'app.services.message_handler' refers to {MODULE}"),
        (10, 27, "SOT106", f"string 'app.services.message_handler' refers to {MODULE}"),
    ]


def test_entry_point_specifications(registry):
    source = """\
        setup(
            entry_points={
                "console_scripts": [
                    "run = app.services.message_handler.cli:main",
                    "thing=app.models:OldThing.create [extra, other]",
                    "keep = app.handlers:main",
                ],
                "plugins": ["queue = app.services.message_handler"],
            },
        )
        text = "a = app.services.message_handler is gone"
        pair = "a = b = app.services.message_handler"
        """
    assert found(source, registry) == [
        (4, 12, "SOT106", f"string 'run = app.services.message_handler.cli:main' refers to {MODULE}"),
        (
            5,
            12,
            "SOT106",
            "string 'thing=app.models:OldThing.create [extra, other]' refers to legacy name "
            "'app.models.OldThing'; use 'app.models.Thing'",
        ),
        (8, 20, "SOT106", f"string 'queue = app.services.message_handler' refers to {MODULE}"),
    ]


def test_a_string_at_a_known_call_site_is_reported_once_by_sot103(registry):
    source = """\
        import importlib
        import sys
        from unittest import mock

        mock.patch("app.services.message_handler.Handler")
        importlib.import_module("app.services." + "message_handler")
        sys.modules["app.services.message_handler"] = None
        with mock.patch.dict(sys.modules, {"app.models.OldThing": None}):
            pass
        """
    assert [(line, col, code) for line, col, code, _ in found(source, registry)] == [
        (5, 11, "SOT103"),
        (6, 24, "SOT103"),
        (7, 12, "SOT103"),
        (8, 35, "SOT103"),
    ]


def test_keys_written_through_a_patched_sys_modules_are_sys_modules_keys(registry):
    source = """\
        import sys
        from unittest import mock
        from unittest.mock import patch

        with patch("sys.modules") as mock_modules:
            mock_modules["app.services.message_handler"] = mock.Mock()
        with mock.patch.dict(sys.modules) as modules, open("f") as handle:
            modules.pop("app.models.OldThing", None)
            if "app.services.message_handler" not in modules:
                handle["app.services.message_handler"] = 1
        with patch("app.config") as settings:
            settings["app.services.message_handler"] = 1
        """
    message = f"sys.modules key 'app.services.message_handler' refers to {MODULE}"
    assert found(source, registry) == [
        (6, 17, "SOT103", message),
        (8, 16, "SOT103", "sys.modules key 'app.models.OldThing' refers to legacy name 'app.models.OldThing'; "
         "use 'app.models.Thing'"),
        (9, 7, "SOT103", message),
        # Not a patch of sys.modules: a plain string, reported by the rule for any string.
        (10, 15, "SOT106", f"string 'app.services.message_handler' refers to {MODULE}"),
        (12, 13, "SOT106", f"string 'app.services.message_handler' refers to {MODULE}"),
    ]


def test_a_key_written_through_a_patched_sys_modules_stays_sot103s_when_sot106_runs_alone(registry):
    # The string rule may be left out (its callee words filtered, or its code deselected) while this
    # one runs: the key is still a sys.modules key, never a plain string.
    import ast
    import textwrap

    from flake8_ssot.engine import Engine, Selection
    from flake8_ssot.location import ModuleIdentity
    from flake8_ssot.rules import dotted_strings

    source = textwrap.dedent(
        """\
        from unittest.mock import patch

        with patch("sys.modules") as modules:
            modules["app.services.message_handler"] = None
        """
    )
    findings = Engine(registry).check_tree(
        ast.parse(source), ModuleIdentity("app.consumers"), Selection((dotted_strings.RULE,), source)
    )
    assert findings == []


def test_docstrings_string_statements_prose_and_near_misses_are_not_references(registry):
    source = '''\
        """app.services.message_handler"""


        class Handler:
            """app.services.message_handler"""

            def run(self):
                "app.models.OldThing"
                "app.services." "message_handler"


        "app.services.message_handler"
        message = "app.services.message_handler is deprecated"
        path = "app/services/message_handler.py"
        similar = ["app.services.message_handlers", "app.services", "app.models.OldThings", "app.models"]
        relative = ".message_handler"
        data = b"app.services.message_handler"
        dotted_attribute = f"app.services.message_handler.{name}"
        percent = "app.services.message_handler.%s" % name
        '''
    assert found(source, registry) == []


def test_the_legacy_module_itself_and_allowed_modules_are_exempt(registry):
    source = 'NAME = "app.services.message_handler.Handler"\n'
    assert found(source, registry, "app.services.message_handler.sub") == []
    assert found(source, registry, "app.compat") == []
    assert [f[:3] for f in found(source, registry, "app.other")] == [(1, 7, "SOT106")]
    name = 'NAME = "app.models.OldThing"\n'
    assert found(name, registry, "app.models") == []


def test_one_segment_counts_only_where_a_module_name_is_expected(registry):
    source = """\
        import pytest
        from test.support import import_helper, warnings_helper

        imp = import_helper.import_module("imp")
        pytest.importorskip(modname="imp")
        fresh = import_helper.import_fresh_module("json", blocked=["imp", "sys"])
        spec = importlib.util.find_spec("code")
        old = warnings_helper.import_deprecated("code")
        args = [sys.executable, "-m", "code"]
        if type(loader).__module__ == "imp":
            pass
        if modname in ("imp", "sys"):
            pass
        results = {}
        node = results["imp"]
        kind = "code"
        value = getattr(obj, "imp")
        codes = ["code", "imp"]
        if name == "imp":
            pass
        """
    assert [f[:3] for f in found(source, registry)] == [
        (4, 34, "SOT106"),
        (5, 28, "SOT106"),
        (6, 59, "SOT106"),
        (7, 32, "SOT106"),
        (8, 40, "SOT106"),
        (9, 30, "SOT106"),
        (10, 30, "SOT106"),
        (12, 15, "SOT106"),
    ]
    assert found('x = import_helper.import_module("imp")\n', registry)[0][3] == (
        "string 'imp' refers to legacy module 'imp'; use 'importlib'"
    )


def test_below_a_top_level_module_a_file_extension_makes_a_file_name(registry, tmp_path):
    source = """\
        script = "code.py"
        table = "code.json"
        module = "code.interact"
        deep = "code.sub.py"
        """
    assert [f[:3] for f in found(source, registry)] == [(3, 9, "SOT106"), (4, 7, "SOT106")]
    # Not below a top-level module: the extension is part of the forbidden module's own name.
    (tmp_path / "other").mkdir()
    extension = registry_from_ini(tmp_path / "other", "[flake8]\nssot-forbidden-modules = app.json\n")
    assert [f[:3] for f in found('x = "app.json"\n', extension)] == [(1, 4, "SOT106")]


def test_the_entry_point_pattern_cannot_backtrack_exponentially():
    """In a child with a generous timeout: quadratic or worse backtracking on these 200,000
    character values would take hours, a linear scan takes milliseconds."""
    hostile = '["a = b" + " " * 200000 + "x", "a =" + " " * 200000, "a = b [" + " " * 200000, "a" * 200000]'
    script = (
        "from flake8_ssot.rules.dotted_strings import dotted_value\n"
        f"values = [dotted_value(text) for text in {hostile}]\n"
        "print(values[:3], values[3] == 'a' * 200000)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.stdout == "[None, None, None] True\n", result.stderr


OVERLAPPING = """\
[flake8]
ssot-forbidden-modules =
    foo = foo_prime [pure-move]
    foo.bar = foo_prime.bar_rename [pure-move]
    code
ssot-forbidden-names =
    code.py.Thing = other.Thing
ssot-resolve = false
"""


def test_the_most_specific_entry_decides_for_a_string_and_its_fix(tmp_path):
    pytest.importorskip("libcst")
    from flake8_ssot.fix import fix_text
    from flake8_ssot.location import ModuleIdentity

    registry = registry_from_ini(tmp_path, OVERLAPPING)
    source = 'MODULES = ["foo.bar.thing", "foo.other", "foo.bar:main", "code.py.Thing", "code.py"]\n'
    bar, foo = "use 'foo_prime.bar_rename'", "use 'foo_prime'"
    assert found(source, registry) == [
        (1, 11, "SOT106", f"string 'foo.bar.thing' refers to legacy module 'foo.bar'; {bar}"),
        (1, 28, "SOT106", f"string 'foo.other' refers to legacy module 'foo'; {foo}"),
        (1, 41, "SOT106", f"string 'foo.bar:main' refers to legacy module 'foo.bar'; {bar}"),
        # Below a top-level module a file extension makes a file name, unless a more specific
        # entry decides for the string.
        (1, 57, "SOT106", "string 'code.py.Thing' refers to legacy name 'code.py.Thing'; use 'other.Thing'"),
    ]
    result = fix_text(source, "app/consumers.py", registry, ModuleIdentity("app.consumers"))
    assert result.text == (
        'MODULES = ["foo_prime.bar_rename.thing", "foo_prime.other", "foo_prime.bar_rename:main",'
        ' "other.Thing", "code.py"]\n'
    )
    assert [(f.col, f.code) for f in result.fixed] == [(11, "SOT106"), (28, "SOT106"), (41, "SOT106"), (57, "SOT106")]


def test_a_file_without_a_string_is_ruled_out_by_its_bytes(tmp_path):
    from flake8_ssot.config import ConfigRequest, load_registry
    from flake8_ssot.project.runner import check_files, make_plan

    registry_from_ini(tmp_path, REGISTRY)
    (tmp_path / "app").mkdir()
    files = {
        "__init__.py": "",
        "no_string.py": "def twice(value):\n    return value * 2\n",
        "other_string.py": "x = 'app.services.email'\n",
        "split.py": 'MODULES = ["app.services.mess" "age_handler"]\n',
    }
    for name, text in files.items():
        (tmp_path / "app" / name).write_text(text, encoding="utf-8")
    paths = sorted(str(tmp_path / "app" / name) for name in files)
    results = check_files(paths, make_plan(load_registry(ConfigRequest(cwd=str(tmp_path))), None), jobs=1)
    # Decoded (its module name known) only where a string stands: the split name's file is reported.
    assert [(os.path.basename(r.path), r.identity is not None, r.parsed) for r in results] == [
        ("__init__.py", False, False),
        ("no_string.py", False, False),
        ("other_string.py", True, False),
        ("split.py", True, True),
    ]
    assert [(item.finding.line, item.finding.col, item.finding.code) for item in results[3].located] == [
        (1, 11, "SOT106")
    ]
