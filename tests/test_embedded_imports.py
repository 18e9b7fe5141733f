"""SOT107: imports in Python code held in strings, read where a program hands code to Python,
parsed and never run, reported at the string with the import quoted."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from ssot_testing import check_source, registry_from_ini

REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    app.services.message_handler = app.handlers ; queue-based
ssot-forbidden-names =
    app.models.OldThing = app.models.Thing
ssot-allow =
    app.services.message_handler = app.compat
ssot-resolve = false
"""
FROM_MODULE = "import from legacy module 'app.services.message_handler'; use 'app.handlers' (queue-based)"
OF_MODULE = "import of legacy module 'app.services.message_handler'; use 'app.handlers' (queue-based)"
OF_NAME = "import of legacy name 'app.models.OldThing'; use 'app.models.Thing'"


@pytest.fixture
def registry(tmp_path):
    return registry_from_ini(tmp_path, REGISTRY)


def found(source, registry, module="app.consumers"):
    return [(f.line, f.col, f.code, f.text) for f in check_source(source, registry, module)]


def holds(statement, message):
    return f"code in a string holds '{statement}': {message}"


def test_a_python_c_command_string(registry):
    source = """\
        import os

        os.system("python -c \\"from app.services.message_handler import MessageHandler; print('ok')\\"")
        SMOKE = [
            "python3.12 -I -X dev -c 'import app.services.message_handler as m; m.main()'",
            "cd /srv && python -c 'from app.models import OldThing, Thing' && echo done",
            "bash -c \\"python -c 'from app.services.message_handler import X'\\"",
        ]
        """
    assert found(source, registry) == [
        (3, 10, "SOT107", holds("from app.services.message_handler import MessageHandler", FROM_MODULE)),
        (5, 4, "SOT107", holds("import app.services.message_handler as m", OF_MODULE)),
        (6, 4, "SOT107", holds("from app.models import OldThing, Thing", OF_NAME)),
        (7, 4, "SOT107", holds("from app.services.message_handler import X", FROM_MODULE)),
    ]


def test_the_argument_after_the_flag_in_a_list_a_tuple_or_a_call(registry):
    source = """\
        import subprocess
        import sys
        from test.support.script_helper import assert_python_ok

        subprocess.run([sys.executable, "-c", "from app.services.message_handler import X"])
        subprocess.check_output((sys.executable, "-I", "-c", "import os\\nimport app.models.OldThing"))
        assert_python_ok("-c", "if 1:\\n    from app.models import OldThing\\n")
        subprocess.run(f"{sys.executable} -c 'import app.services.message_handler'", shell=True)
        """
    assert found(source, registry) == [
        (5, 38, "SOT107", holds("from app.services.message_handler import X", FROM_MODULE)),
        (6, 53, "SOT107", holds("import app.models.OldThing", OF_NAME)),
        (7, 23, "SOT107", holds("from app.models import OldThing", OF_NAME)),
        (8, 15, "SOT107", holds("import app.services.message_handler", OF_MODULE)),
    ]


def test_exec_compile_and_dedent(registry):
    source = '''\
        import builtins
        import textwrap
        from textwrap import dedent as dd

        exec("from app.services.message_handler import X")
        builtins.exec("import app.services.message_handler")
        compile(source="from app.models import OldThing", filename="<x>", mode="exec")
        SCRIPT = textwrap.dedent("""
            import sys
            if sys.argv:
                from app.services.message_handler import (
                    UserMessageHandler,
                )
            """)
        OTHER = dd("""
            from app.models import OldThing as Old
            """)
        '''
    assert found(source, registry) == [
        (5, 5, "SOT107", holds("from app.services.message_handler import X", FROM_MODULE)),
        (6, 14, "SOT107", holds("import app.services.message_handler", OF_MODULE)),
        (7, 15, "SOT107", holds("from app.models import OldThing", OF_NAME)),
        (8, 25, "SOT107", holds("from app.services.message_handler import ( UserMessageHandler, )", FROM_MODULE)),
        (15, 11, "SOT107", holds("from app.models import OldThing as Old", OF_NAME)),
    ]


def test_a_name_bound_once_stands_for_its_string(registry):
    source = '''\
        import subprocess
        import sys

        CODE = "from app.services.message_handler import X"
        subprocess.run([sys.executable, "-c", CODE])
        exec(CODE)


        def rebinds(code):
            exec(code)


        code = "from app.models import OldThing"
        twice = "from app.services.message_handler import X"
        twice = "print()"
        exec(twice)
        unused = "from app.services.message_handler import X"
        '''
    # CODE is read once for both uses; 'code' is also a parameter and 'twice' is bound twice.
    assert found(source, registry) == [(4, 7, "SOT107", holds("from app.services.message_handler import X", FROM_MODULE))]


def test_code_inside_code_is_read_and_reported_at_the_outer_string(registry):
    source = """\
        exec("exec('from app.services.message_handler import X')")
        exec("import subprocess, sys; subprocess.run([sys.executable, '-c', 'import app.models.OldThing'])")
        """
    assert found(source, registry) == [
        (1, 5, "SOT107", holds("from app.services.message_handler import X", FROM_MODULE)),
        (2, 5, "SOT107", holds("import app.models.OldThing", OF_NAME)),
    ]


def test_what_is_not_code_or_not_read(registry):
    source = '''\
        """Run python -c "from app.services.message_handler import X" to try it."""
        import subprocess
        import sys


        def smoke():
            """exec("from app.services.message_handler import X")"""
            "python -c 'from app.services.message_handler import X'"


        exec("from app.services.message_handler import X +")
        exec("from .message_handler import X")
        exec(f"from {module} import X")
        exec(b"from app.services.message_handler import X")
        message = "from app.services.message_handler import X"
        prose = "run python -c to import app.services.message_handler"
        unclosed = "python -c 'from app.services.message_handler import X"
        subprocess.run([sys.executable, "-m", "from app.services.message_handler import X"])
        subprocess.run([sys.executable, "-c", "from app.services.message_handlers import X"])
        subprocess.run([sys.executable, "-c", "from app.handlers import X"])
        '''
    assert found(source, registry) == []


def test_a_command_whose_quoting_splits_a_name_is_not_read(registry):
    # The shell joins 'app.services.message_' and 'handler'; the text never spells the name.
    source = """os.system("python -c 'from app.services.message_'handler' import X'")\n"""
    assert found(source, registry) == []


def test_exemptions_are_those_of_the_file(registry):
    source = 'exec("from app.services.message_handler import X")\n'
    assert found(source, registry, "app.compat") == []
    assert found(source, registry, "app.services.message_handler.tests") == []
    assert [f[:3] for f in found(source, registry, "app.other")] == [(1, 5, "SOT107")]


def test_a_long_import_is_quoted_shortened(registry):
    names = ", ".join(f"name_{index}" for index in range(30))
    source = f'exec("from app.services.message_handler import {names}")\n'
    ((_, _, _, text),) = found(source, registry)
    quoted = text.split("'")[1]
    assert len(quoted) == 100 and quoted.endswith("...")
    assert quoted.startswith("from app.services.message_handler import name_0, name_1")


def test_warnings_of_the_embedded_code_are_not_printed(tmp_path):
    (tmp_path / "setup.cfg").write_text(textwrap.dedent(REGISTRY), encoding="utf-8")
    # The embedded code holds an invalid escape ("\d"): a SyntaxWarning or DeprecationWarning.
    source = r'''exec("import os\nx = \"\\d\"\nfrom app.services.message_handler import X")'''
    (tmp_path / "consumer.py").write_text(source + "\n", encoding="utf-8")
    env = dict(os.environ, PYTHONWARNINGS="error")
    result = subprocess.run(
        [sys.executable, "-m", "flake8_ssot", "check", "--no-cache", "consumer.py"],
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.stderr == ""
    assert result.stdout == f"consumer.py:1:6: SOT107 {holds('from app.services.message_handler import X', FROM_MODULE)}\n"
    assert result.returncode == 1


def test_a_command_longer_than_an_argument_can_be_is_not_read(registry):
    command = "python -c 'from app.services.message_handler import X'"
    fits = 'os.system("{}" + "{}")\n'.format(command, " " * (131072 - len(command)))
    too_long = 'os.system("{}" + "{}")\n'.format(command, " " * (131073 - len(command)))
    assert [f[:3] for f in found(fits, registry)] == [(1, 10, "SOT107")]
    assert found(too_long, registry) == []


def test_the_most_specific_entry_decides_for_an_embedded_import(tmp_path):
    registry = registry_from_ini(
        tmp_path,
        "[flake8]\nssot-forbidden-modules =\n    foo = foo_prime [pure-move]\n"
        "    foo.bar = foo_prime.bar_rename [pure-move]\nssot-resolve = false\n",
    )
    source = """\
        import subprocess, sys

        subprocess.run([sys.executable, "-c", "from foo.bar import thing"])
        subprocess.run([sys.executable, "-c", "from foo import bar, other"])
        """
    bar, foo = "use 'foo_prime.bar_rename'", "use 'foo_prime'"
    assert found(textwrap.dedent(source), registry) == [
        (3, 38, "SOT107", holds("from foo.bar import thing", f"import from legacy module 'foo.bar'; {bar}")),
        # One finding for what the module's own entry decides, one for the more specific name.
        (4, 38, "SOT107", holds("from foo import bar, other", f"import from legacy module 'foo'; {foo}")),
        (4, 38, "SOT107", holds("from foo import bar, other", f"import of legacy module 'foo.bar'; {bar}")),
    ]
