"""Hostile source files for the robustness tests: one battery shared by the flake8 and command runs.

Each :class:`Case` is a file (its path and bytes) and the findings it must get when it is analysed.
What a run reports for it follows from two facts about the running interpreter, computed here the
way each host computes them:

* ``flake8-ssot check`` decodes like Python (BOM, coding cookie, else strict UTF-8) and parses with
  ``ast.parse``: a file that cannot be decoded or parsed gets one SOT901;
* flake8 decodes with a latin-1 fallback, parses once and hands the tree to every plugin; it
  reports E999 / E902 itself for a file that does not parse, and aborts the whole run when
  its own parse (or pyflakes) raises anything else.  Those files are kept out of flake8 runs and
  checked through the plugin in-process instead.

Positions are ``(line, 1-based column, code)`` as both hosts print them.
"""

from __future__ import annotations

import ast
import codecs
import io
import os
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

Position = Tuple[int, int, str]

# The registry check (SOT401 to SOT406: where entries point, which are unused) is not what these
# inputs are about; tests/test_registry_check.py covers it.
CONFIG = """\
[flake8]
select = SOT,E9
extend-ignore = SOT4
ssot-forbidden-modules = app.legacy = app.core
ssot-forbidden-names = app.names.Old = app.names.New
ssot-canonical-classes = Handler = app.core
ssot-legacy-parameters = *Handler = supervisor
"""

# Depths either side of every interpreter's limits (3.9-3.13): 500 and 2,000 parse everywhere,
# 5,000 parses on some interpreters and is a RecursionError or SyntaxError on others.
DEPTHS = (500, 2000, 5000)


@dataclass(frozen=True)
class Case:
    path: str
    data: bytes
    findings: Tuple[Position, ...] = ()
    # Findings under flake8 when flake8's latin-1 fallback reads a file Python would refuse.
    flake8_findings: Optional[Tuple[Position, ...]] = None
    # The SOT901 reason when Python cannot decode the file: (line, message fragment).
    undecodable: Optional[Tuple[int, str]] = None
    deep: bool = False
    tags: Tuple[str, ...] = field(default_factory=tuple)
    # Newer syntax: (the Python it needs, the line and the construct SOT901 names).
    needs: Optional[Tuple[Tuple[int, int], int, str]] = None
    # Python 3.12 f-strings: `check` reads them as Python 3.12 does on every interpreter.
    pep701: bool = False

    @property
    def module_file(self) -> str:
        return self.path


def _case(path: str, text: str, *findings: Position, **extra: object) -> Case:
    return Case(path, text.encode("utf-8"), tuple(findings), **extra)  # type: ignore[arg-type]


def _raw(path: str, data: bytes, *findings: Position, **extra: object) -> Case:
    return Case(path, data, tuple(findings), **extra)  # type: ignore[arg-type]


def _deep_cases() -> List[Case]:
    cases: List[Case] = []
    for depth in DEPTHS:
        call = "Handler(supervisor)"
        cases += [
            _case(
                f"app/deep_binop_{depth}.py",
                "import app.legacy\nx = " + call + " + a" * (depth - 1) + "\n",
                (1, 1, "SOT101"),
                (2, 13, "SOT202"),
                deep=True,
            ),
            _case(f"app/deep_unary_{depth}.py", "x = " + "-" * depth + call + "\n", (1, depth + 13, "SOT202"), deep=True),
            _case(f"app/deep_attribute_{depth}.py", "import app\nx = app.legacy" + ".b" * depth + "\n", (2, 5, "SOT104"), deep=True),
            _case(f"app/deep_call_{depth}.py", "x = " + call + "()" * depth + "\n", (1, 13, "SOT202"), deep=True),
            _case(
                f"app/deep_string_{depth}.py",
                'from unittest import mock\nmock.patch("app.legacy"' + ' + ""' * depth + ")\n",
                (2, 12, "SOT103"),
                deep=True,
            ),
            _case(
                f"app/deep_lambda_{depth}.py", "x = " + "lambda: " * depth + call + "\n", (1, 8 * depth + 13, "SOT202"), deep=True
            ),
            _case(
                f"app/deep_ifelse_{depth}.py",
                "x = " + "a if c else " * depth + call + "\n",
                (1, 12 * depth + 13, "SOT202"),
                deep=True,
            ),
            _case(
                f"app/deep_subscript_{depth}.py",
                'import sys\nx = sys.modules["app.legacy"]' + "[0]" * depth + "\n",
                (2, 17, "SOT103"),
                deep=True,
            ),
            _case(
                f"app/deep_parens_{depth}.py", "x = " + "(" * depth + call + ")" * depth + "\n", (1, depth + 13, "SOT202"), deep=True
            ),
        ]
    cases.append(_case("app/deep_parens_150.py", "x = " + "(" * 150 + "Handler(supervisor)" + ")" * 150 + "\n", (1, 163, "SOT202"), deep=True))
    for levels in (99, 100):
        # CPython allows 100 indentation levels: 99 nested functions plus a body parse, 100 do not.
        functions = "".join("    " * level + f"def f{level}():\n" for level in range(levels))
        cases.append(
            _case(
                f"app/nested_functions_{levels}.py",
                "import app.legacy\n" + functions + "    " * levels + "class Handler: pass\n",
                (1, 1, "SOT101"),
                (levels + 2, 4 * levels + 1, "SOT301"),
                deep=True,
            )
        )
        classes = "".join("    " * level + f"class C{level}:\n" for level in range(levels - 1))
        indent = "    " * (levels - 1)
        cases.append(
            _case(
                f"app/nested_classes_{levels}.py",
                classes + indent + "class QueueHandler:\n" + indent + "    def __init__(self, supervisor): pass\n",
                (levels + 1, 4 * levels + 20, "SOT201"),
                deep=True,
            )
        )
    return cases


def source_cases() -> List[Case]:
    """Every hostile source file, with the findings it gets when it is analysed."""
    cases = [
        _case("app/__init__.py", ""),
        _case("app/good.py", "import app.legacy\n", (1, 1, "SOT101")),
        # Editor buffers typed half-way, and plain syntax errors.
        _case("app/half_typed_def.py", "import app.legacy\ndef handle(self, supervisor\n"),
        _case("app/half_typed_call.py", "import app.legacy\nx = Handler(supervisor,\n"),
        _case("app/half_typed_string.py", 'import app.legacy\nx = "app.leg\n'),
        _case("app/half_typed_triple.py", 'import app.legacy\nx = """app.legacy\n'),
        _case("app/half_typed_class.py", "import app.legacy\nclass Handler(:\n    pass\n"),
        _case("app/half_typed_indent.py", "import app.legacy\nif x:\n"),
        _case("app/tab_error.py", "if True:\n\tx = 1\n        import app.legacy\n"),
        # Newer syntax: findings on an interpreter that has it, SOT901 / E999 on an older one.
        _case(
            "app/syntax_310_match.py",
            "import app.legacy\nmatch x:\n    case 1:\n        pass\n",
            (1, 1, "SOT101"),
            needs=((3, 10), 2, "a match statement"),
        ),
        _case(
            "app/syntax_311_except_star.py",
            "import app.legacy\ntry:\n    pass\nexcept* ValueError:\n    pass\n",
            (1, 1, "SOT101"),
            needs=((3, 11), 2, "an except* clause"),
        ),
        _case(
            "app/syntax_312_type.py",
            "import app.legacy\ntype Alias = list[int]\n",
            (1, 1, "SOT101"),
            needs=((3, 12), 2, "a type alias statement"),
        ),
        _case("app/syntax_312_fstring.py", 'from app import legacy\nx = f"{"nested"}"\n', (1, 1, "SOT101"), pep701=True),
        _case(
            "app/syntax_313_type_default.py",
            "import app.legacy\ndef f[T = int](x: T) -> T:\n    return x\n",
            (1, 1, "SOT101"),
            needs=((3, 13), 2, "a type parameter default"),
        ),
        # Bytes and encodings.
        _raw("app/null_byte.py", b"import app.legacy\nx = 1\x00\n"),
        _raw(
            "app/invalid_utf8.py",
            b'import app.legacy\nx = "\xff"\n',
            flake8_findings=((1, 1, "SOT101"),),
            undecodable=(2, "cannot decode it as utf-8 (byte 0xff on line 2)"),
        ),
        _raw("app/latin1_cookie.py", b'# -*- coding: latin-1 -*-\nimport app.legacy\nx = "caf\xe9"\n', (2, 1, "SOT101")),
        _raw("app/cp1252_vim_cookie.py", b"# vim: set fileencoding=cp1252 :\nimport app.legacy  # \x80\n", (2, 1, "SOT101")),
        _raw(
            "app/unknown_cookie.py",
            b"# coding: no-such-codec\nimport app.legacy\n",
            flake8_findings=((2, 1, "SOT101"),),
            undecodable=(1, "cannot decode it (unknown encoding: no-such-codec)"),
        ),
        _raw("app/bom.py", codecs.BOM_UTF8 + b"import app.legacy\n", (1, 1, "SOT101")),
        _raw("app/bom_only.py", codecs.BOM_UTF8),
        _raw(
            "app/bom_contradicting_cookie.py",
            codecs.BOM_UTF8 + b"# coding: latin-1\nimport app.legacy\n",
            flake8_findings=((2, 1, "SOT101"),),
            undecodable=(1, "cannot decode it (encoding problem: utf-8)"),
        ),
        _raw(
            "app/utf16.py",
            "import app.legacy\n".encode("utf-16"),
            undecodable=(1, "cannot decode it as utf-8 (byte 0xff on line 1)"),
        ),
        _raw("app/crlf.py", b"import sys\r\nimport app.legacy\r\n", (2, 1, "SOT101")),
        _raw("app/lone_cr.py", b"x = 1\rimport app.legacy\r", (2, 1, "SOT101")),
        _raw("app/mixed_newlines.py", b"x = 1\r\ny = 2\rimport app.legacy\n", (3, 1, "SOT101")),
        _raw("app/form_feed.py", b"\x0cimport app.legacy\n\x0c\nclass Handler:\n    pass\n", (1, 2, "SOT101"), (3, 1, "SOT301")),
        _raw("app/tabs.py", b"if True:\n\timport app.legacy\n", (2, 2, "SOT101")),
        _raw("app/empty.py", b""),
        _raw("app/comment_only.py", b"# import app.legacy\n# Handler(supervisor)\n"),
        _raw("app/whitespace_only.py", b"\n\n   \n\t\n"),
        _raw("app/no_final_newline.py", b"import app.legacy", (1, 1, "SOT101")),
        _case("app/fullwidth_identifier.py", "import app.ｌｅｇａｃｙ\n", (1, 1, "SOT101")),
        _case("app/non_ascii_text.py", 'x = "日本語 ✓"\nimport app.legacy\n', (2, 1, "SOT101")),
        # Imports that cannot be resolved, or resolve in circles.
        _case("app/star_of_own_package.py", "from . import *\n"),
        _case("app/star_of_legacy.py", "from .legacy import *\n", (1, 1, "SOT101")),
        _case("app/star_of_names.py", "from app.names import *\nOld()\n", (1, 1, "SOT102")),
        _case("app/above_top_level.py", "from .... import legacy\nfrom ...x import y\nfrom .. import *\n"),
        _case("top_level_relative.py", "from . import legacy\nfrom .legacy import Old\n"),
        _case(
            "app/computed_import.py",
            'import importlib\nname = "legacy"\n__import__("app." + name)\nimportlib.import_module(f"app.{name}")\n'
            '__import__("app." + "legacy")\n',
            (5, 12, "SOT103"),
        ),
        _case("app/cycle_a.py", "from app.cycle_b import *\nfrom app.cycle_b import Handler, Old\n"),
        _case("app/cycle_b.py", "from app.cycle_a import *\nfrom app.cycle_a import Handler, Old\n"),
        _case("app/cycle_user.py", "from app.cycle_a import Handler\nHandler(supervisor)\n", (2, 9, "SOT202")),
        _case(
            "app/nested_canonical.py",
            "def factory():\n    class Handler:\n        pass\n    return Handler\n",
            (2, 5, "SOT301"),
        ),
        _case(
            "app/conditional_imports.py",
            "from typing import TYPE_CHECKING\ntry:\n    import app.legacy\nexcept ImportError:\n    app = None\n"
            "if TYPE_CHECKING:\n    from app.names import Old\ndef lazy():\n    from app import legacy\n    return legacy\n",
            (3, 5, "SOT101"),
            (7, 5, "SOT102"),
            (9, 5, "SOT101"),
        ),
    ]
    cases += _deep_cases()
    # Cross-file resolution parses imported modules with astroid, whose own recursion limit is
    # lower than CPython's parser's: the 2,000-deep modules parse in CPython everywhere.
    hostile_modules = [
        "deep_binop_2000",
        "deep_attribute_2000",
        "deep_call_2000",
        "deep_binop_5000",
        "deep_lambda_5000",
        "deep_parens_5000",
        "null_byte",
        "invalid_utf8",
        "utf16",
        "unknown_cookie",
        "half_typed_def",
        "nested_functions_100",
        "cycle_a",
        "fifo",
    ]
    importer = "".join(f"from app.{name} import Handler, Old\n" for name in hostile_modules)
    cases.append(
        _case(
            "app/importer.py",
            importer + "Handler(supervisor)\nOld()\n",
            (len(hostile_modules) + 1, 9, "SOT202"),
        )
    )
    return cases


def big_cases() -> List[Case]:
    """Large files (generated, never committed): a 2 MB module, 50,000 imports, a 1 MB line."""
    statement = "    return Handler(supervisor, a=b) if a else app.legacy.X\n"
    body = "".join(f"def handler_{index}(a, b):\n" + statement for index in range(24000))
    two_mb = "import app\n" + body
    call_col = statement.index("supervisor") + 1
    chain_col = statement.index("app.legacy") + 1
    findings = [(3 + 2 * index, col, code) for index in range(24000) for col, code in ((call_col, "SOT202"), (chain_col, "SOT104"))]
    imports = "".join(f"import app.module_{index}\n" for index in range(50000)) + "import app.legacy\n"
    line = "x = [" + ", ".join(f"Handler(arg_{index})" for index in range(60000)) + ", Handler(supervisor)]\n"
    long_line = "import app.legacy\n" + line
    return [
        Case("app/big_two_mb.py", two_mb.encode(), tuple(sorted(findings))),
        Case("app/big_imports.py", imports.encode(), ((50001, 1, "SOT101"),)),
        Case("app/big_long_line.py", long_line.encode(), ((1, 1, "SOT101"), (2, line.index("supervisor") + 1, "SOT202"))),
    ]


def write_cases(root: Path, cases: Sequence[Case]) -> None:
    (root / "setup.cfg").write_text(CONFIG, encoding="utf-8")
    for case in cases:
        path = root / case.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.data)


# --- What each host makes of a file ---------------------------------------------------------


def python_text(data: bytes) -> Optional[str]:
    """The text as Python reads it, or None when Python cannot decode the file."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError):
        return None


def flake8_text(data: bytes) -> str:
    """The text flake8 hands its plugins: Python's decoding, else latin-1; a BOM removed (also
    when it was read as the three latin-1 characters of its bytes)."""
    text = python_text(data)
    if text is None:
        text = data.decode("latin-1")
    for mark in ("\ufeff", codecs.BOM_UTF8.decode("latin-1")):
        if text.startswith(mark):
            return text[len(mark) :]
    return text


def parse_failure(text: str) -> Optional[Tuple[str, int, str]]:
    """None when ``text`` parses here; else (exception type, line, message) as the parser gives them."""
    try:
        ast.parse(text)
    except SyntaxError as error:
        line = error.lineno if isinstance(error.lineno, int) and error.lineno > 0 else 1
        return type(error).__name__, line, error.msg
    except (ValueError, RecursionError, MemoryError) as error:
        return type(error).__name__, 1, str(error)
    return None


@dataclass(frozen=True)
class Outcome:
    """What one host reports for one file: exact positions, and for SOT901 a message fragment."""

    positions: Tuple[Position, ...]
    fragment: Optional[str] = None


def command_outcome(case: Case) -> Outcome:
    """What ``flake8-ssot check`` must report for ``case`` on this interpreter."""
    text = python_text(case.data)
    if text is None:
        assert case.undecodable is not None, case.path
        line, fragment = case.undecodable
        return Outcome(((line, 1, "SOT901"),), fragment)
    assert case.undecodable is None, case.path
    failure = parse_failure(text)
    if failure is not None and case.pep701:
        return Outcome(case.findings)  # read as Python 3.12 reads it
    if failure is not None and case.needs is not None and libcst_reads(text):
        (major, minor), line, construct = case.needs
        return Outcome(((line, 1, "SOT901"),), f"it needs Python >= {major}.{minor} syntax ({construct} on line {line})")
    if failure is not None:
        kind, line, message = failure
        return Outcome(((line, 1, "SOT901"),), f"{kind}: {message}")
    return Outcome(case.findings)


def libcst_reads(text: str) -> bool:
    """Whether the installed LibCST (if any) parses ``text``: then SOT901 names the Python it needs."""
    try:
        import libcst
    except ImportError:
        return False
    try:
        libcst.parse_module(text)
    except Exception:  # noqa: BLE001 - this LibCST release does not know the syntax
        return False
    return True


def flake8_outcome(case: Case) -> Optional[Outcome]:
    """What flake8 with the plugin reports, or None when flake8 itself cannot run on the file.

    A file flake8 cannot parse gets one E999 / E902 from flake8 (the position is flake8's and
    varies between versions, so only the line count matters: the positions hold line 0).
    """
    if case.deep:
        return None  # flake8 or pyflakes recurse on these trees; the plugin is run in-process
    text = flake8_text(case.data)
    failure = parse_failure(text)
    if failure is not None:
        if failure[0] not in ("SyntaxError", "IndentationError", "TabError"):
            return None  # flake8's own parse raises: flake8 aborts before any plugin runs
        return Outcome(((0, 0, "E9"),))
    if case.flake8_findings is not None:
        return Outcome(case.flake8_findings)
    return Outcome(case.findings)


def by_file(output: str, root: str = "") -> Dict[str, List[Tuple[int, int, str, str]]]:
    """``path -> [(line, col, code, message)]`` from flake8-format lines."""
    found: Dict[str, List[Tuple[int, int, str, str]]] = {}
    for line in output.splitlines():
        path, row, col, rest = line.split(":", 3)
        message = rest.strip()
        path = os.path.normpath(path)
        if root:
            path = os.path.relpath(os.path.join(root, path), root)
        found.setdefault(path, []).append((int(row), int(col), message.split()[0], message))
    return found


def matches(outcome: Outcome, reported: Sequence[Tuple[int, int, str, str]]) -> bool:
    positions = sorted((line, col, code) for line, col, code, _ in reported)
    if outcome.positions == ((0, 0, "E9"),):
        return len(reported) == 1 and reported[0][2] in ("E902", "E999")
    if positions != sorted(outcome.positions):
        return False
    if outcome.fragment is not None:
        return all(outcome.fragment in message for _, _, code, message in reported if code == "SOT901")
    return True


INTERPRETER = f"{sys.version_info.major}.{sys.version_info.minor}"
