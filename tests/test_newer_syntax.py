"""Files the running Python cannot parse but a newer one can (README "Newer syntax").

A file whose only newer syntax is Python 3.12's f-strings (PEP 701) gets, on every supported
interpreter, exactly the findings Python 3.12 gives: on 3.12 and newer the interpreter reads it,
on 3.9 to 3.11 flake8-ssot reads its f-strings as Python 3.12 does.  The expected values below
are Python 3.12's (its ``ast`` and ``flake8-ssot check`` under it), written out literally.  Other
newer syntax is reported with the Python it needs when LibCST reads it, else with the syntax
error; ``fix`` rewrites such a file only when LibCST reads it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from flake8_ssot.newer_syntax import read_newer
from flake8_ssot.project.analyse import parse

ON_312 = sys.version_info >= (3, 12)
RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"

CONFIG = """\
[flake8]
select = SOT,E9
ssot-forbidden-modules = app.legacy = app.core
ssot-forbidden-names = app.names.Old = app.names.New
ssot-canonical-classes = Handler = app.core
ssot-legacy-parameters = *Handler = supervisor
"""

# The shape of the nine files of the issue: Python 3.12 f-strings next to legacy references,
# some of them inside the replacement fields.
AUTH = '''\
"""Authentication helpers written for Python 3.12 (PEP 701 f-strings)."""
import app.compat  # binds 'app': the chains below reach the legacy module through it
from app.names import Old
from unittest import mock


def describe(user, headers):
    token = f"{headers["Authorization"].split(" ")[1]}"
    roles = f"{"\\n".join(user.roles)}"
    return f"{user.name}: {app.legacy.lookup(user)["role"]} {Old(supervisor=1)} {token} {roles}"


def patched():
    with mock.patch(f"{'app'}.legacy.Thing"):
        pass
    return mock.patch(f"app.legacy.Thing"), mock.patch("app.legacy." f"Other")


def multiline(items):
    return f"{
        ", ".join(
            str(app.legacy.render(item))  # a comment inside a replacement field
            for item in items
        )
    }"


class Handler:
    def __init__(self, supervisor):
        self.label = f"{supervisor!r:>{10}} {f"{f"{app.legacy.DEPTH}"}"}"
        self.café = f"é{"é"}{app.legacy.X=}"
'''

# `flake8-ssot check` under Python 3.12.
AUTH_FINDINGS = [
    "app/auth.py:3:1: SOT102 import of legacy name 'app.names.Old'; use 'app.names.New'",
    "app/auth.py:10:28: SOT104 attribute chain 'app.legacy.lookup' reaches legacy module 'app.legacy'; use 'app.core'",
    "app/auth.py:16:23: SOT103 patch target 'app.legacy.Thing' refers to legacy module 'app.legacy'; use 'app.core'",
    "app/auth.py:16:56: SOT103 patch target 'app.legacy.Other' refers to legacy module 'app.legacy'; use 'app.core'",
    "app/auth.py:22:17: SOT104 attribute chain 'app.legacy.render' reaches legacy module 'app.legacy'; use 'app.core'",
    "app/auth.py:28:1: SOT301 class 'Handler' is defined outside its canonical module 'app.core'; import it from there",
    "app/auth.py:29:24: SOT201 'Handler.__init__' takes legacy parameter 'supervisor'; construct the canonical "
    "'app.core.Handler' without 'supervisor' (legacy for classes matching '*Handler')",
    "app/auth.py:30:52: SOT104 attribute chain 'app.legacy.DEPTH' reaches legacy module 'app.legacy'; use 'app.core'",
    "app/auth.py:31:33: SOT104 attribute chain 'app.legacy.X' reaches legacy module 'app.legacy'; use 'app.core'",
]

Node = Tuple[str, str, int, int, int, int]

TREES = {
    'reused_quotes': (
        'x = f"{user["name"]} {roles[\'admin\']}"\n',
        [
            ('Name', 'x', 1, 0, 1, 1),
            ('JoinedStr', '', 1, 4, 1, 38),
            ('FormattedValue', '', 1, 6, 1, 20),
            ('Name', 'user', 1, 7, 1, 11),
            ('Subscript', '', 1, 7, 1, 19),
            ('Constant', "'name'", 1, 12, 1, 18),
            ('Constant', "' '", 1, 20, 1, 21),
            ('FormattedValue', '', 1, 21, 1, 37),
            ('Name', 'roles', 1, 22, 1, 27),
            ('Subscript', '', 1, 22, 1, 36),
            ('Constant', "'admin'", 1, 28, 1, 35),
        ],
    ),
    'backslash': (
        'x = f"{"\\n".join(lines)}"\n',
        [
            ('Name', 'x', 1, 0, 1, 1),
            ('JoinedStr', '', 1, 4, 1, 25),
            ('FormattedValue', '', 1, 6, 1, 24),
            ('Constant', "'\\n'", 1, 7, 1, 11),
            ('Attribute', 'join', 1, 7, 1, 16),
            ('Name', 'lines', 1, 17, 1, 22),
        ],
    ),
    'comment_and_lines': (
        'x = f"{\n    a.b  # the field spans lines\n}"\n',
        [
            ('Name', 'x', 1, 0, 1, 1),
            ('JoinedStr', '', 1, 4, 3, 2),
            ('FormattedValue', '', 1, 6, 3, 1),
            ('Name', 'a', 2, 4, 2, 5),
            ('Attribute', 'b', 2, 4, 2, 7),
        ],
    ),
    'debug_and_spec': (
        'x = f"{value = !r:>{width}} {f"{inner}"!s}"\n',
        [
            ('Name', 'x', 1, 0, 1, 1),
            ('JoinedStr', '', 1, 4, 1, 43),
            ('FormattedValue', '', 1, 6, 1, 27),
            ('Name', 'value', 1, 7, 1, 12),
            ('Constant', "'value = '", 1, 7, 1, 15),
            ('JoinedStr', '', 1, 17, 1, 26),
            ('Constant', "'>'", 1, 18, 1, 19),
            ('FormattedValue', '', 1, 19, 1, 26),
            ('Name', 'width', 1, 20, 1, 25),
            ('Constant', "' '", 1, 27, 1, 28),
            ('FormattedValue', '', 1, 28, 1, 42),
            ('JoinedStr', '', 1, 29, 1, 39),
            ('FormattedValue', '', 1, 31, 1, 38),
            ('Name', 'inner', 1, 32, 1, 37),
        ],
    ),
    'concatenation': (
        'x = (u"a" f"{k["q"]}" "b"\n     "c" f"{{d}}")\n',
        [
            ('Name', 'x', 1, 0, 1, 1),
            ('Constant', "'a'", 1, 5, 1, 9),
            ('JoinedStr', '', 1, 5, 2, 17),
            ('FormattedValue', '', 1, 12, 1, 20),
            ('Name', 'k', 1, 13, 1, 14),
            ('Subscript', '', 1, 13, 1, 19),
            ('Constant', "'q'", 1, 15, 1, 18),
            ('Constant', "'bc{d}'", 1, 22, 2, 16),
        ],
    ),
    'tuple_and_unicode': (
        'é = f"é{a, b,}{"é"}"\n',
        [
            ('Name', 'é', 1, 0, 1, 2),
            ('JoinedStr', '', 1, 5, 1, 23),
            ('Constant', "'é'", 1, 7, 1, 9),
            ('FormattedValue', '', 1, 9, 1, 16),
            ('Name', 'a', 1, 10, 1, 11),
            ('Tuple', '', 1, 10, 1, 15),
            ('Name', 'b', 1, 13, 1, 14),
            ('FormattedValue', '', 1, 16, 1, 22),
            ('Constant', "'é'", 1, 17, 1, 21),
        ],
    ),
    'crlf': (
        'x = f"""\r\n{a\r\n["""k"""]}\r\n"""\r\n',
        [
            ('Name', 'x', 1, 0, 1, 1),
            ('JoinedStr', '', 1, 4, 4, 3),
            ('Constant', "'\\n'", 1, 8, 2, 0),
            ('FormattedValue', '', 2, 0, 3, 10),
            ('Name', 'a', 2, 1, 2, 2),
            ('Subscript', '', 2, 1, 3, 9),
            ('Constant', "'k'", 3, 1, 3, 8),
            ('Constant', "'\\n'", 3, 10, 4, 0),
        ],
    ),
}


def summary(tree: ast.AST) -> List[Node]:
    """The nodes rules report at, with their positions (empty format-spec pieces left out: Python
    3.13 dropped them, and nothing is ever reported at them)."""
    found: List[Node] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value == "":
            continue
        if isinstance(node, (ast.JoinedStr, ast.FormattedValue, ast.Constant, ast.Name, ast.Attribute, ast.Subscript, ast.Tuple)):
            if isinstance(node, ast.Constant):
                detail = repr(node.value)
            elif isinstance(node, ast.Name):
                detail = node.id
            elif isinstance(node, ast.Attribute):
                detail = node.attr
            else:
                detail = ""
            end_line, end_col = node.end_lineno or 0, node.end_col_offset or 0
            found.append((type(node).__name__, detail, node.lineno, node.col_offset, end_line, end_col))
    return sorted(found, key=lambda item: (item[2], item[3], item[4], item[5], item[0]))


@pytest.mark.parametrize("name", sorted(TREES))
def test_python_312_f_strings_get_python_312s_tree(name: str) -> None:
    text, expected = TREES[name]
    if not ON_312:
        with pytest.raises(SyntaxError):
            ast.parse(text)  # the running interpreter cannot read it: the tree is flake8-ssot's
    assert summary(parse(text, f"{name}.py")) == expected


def _project(root: Path, files: Dict[str, str]) -> Path:
    (root / "setup.cfg").write_text(CONFIG, encoding="utf-8")
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (root / "app" / "names.py").write_text("class New:\n    pass\n\n\nOld = New\n", encoding="utf-8")
    (root / "app" / "core.py").write_text("class Handler:\n    pass\n", encoding="utf-8")
    for path, text in files.items():
        with open(root / path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return root


def _run(root: Path, *args: str, code: Optional[str] = None) -> "subprocess.CompletedProcess[str]":
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "flake8_ssot", *args]
    return subprocess.run(command, cwd=str(root), capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


def _lines(output: str) -> List[str]:
    return [line[2:] if line.startswith("./") else line for line in output.splitlines()]


def test_a_python_312_file_gets_python_312s_findings_on_every_interpreter(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/auth.py": AUTH})
    result = _run(root, "check", "--no-cache")
    assert (result.returncode, result.stderr) == (1, "")
    assert _lines(result.stdout) == AUTH_FINDINGS


def _libcst_version() -> Optional[Tuple[int, ...]]:
    try:
        from importlib.metadata import version

        return tuple(int(part) for part in version("libcst").split(".")[:3])
    except Exception:  # noqa: BLE001 - not installed
        return None


# LibCST 1.1.0 is the first release that reads type alias statements (and every PEP 701 form).
LIBCST_READS_312 = (_libcst_version() or (0,)) >= (1, 1, 0)


def test_other_newer_syntax_names_the_python_it_needs(tmp_path: Path) -> None:
    files = {
        "app/typed.py": "import app.legacy\ntype Alias = list[int]\n",
        # Python 3.12 f-strings and a real syntax error: the error a newer Python reports.
        "app/broken.py": 'import app.legacy\nx = f"{y["a"]}"\ndef f(:\n    pass\n',
    }
    result = _run(_project(tmp_path, files), "check", "--no-cache")
    broken = "app/broken.py:3:1: SOT901 file could not be analysed: SyntaxError: invalid syntax; it was not checked"
    if ON_312:
        typed = "app/typed.py:1:1: SOT101 import of legacy module 'app.legacy'; use 'app.core'"
    elif LIBCST_READS_312:
        typed = (
            "app/typed.py:2:1: SOT901 file could not be analysed: it needs Python >= 3.12 syntax (a type alias "
            f"statement on line 2), which Python {RUNNING} cannot parse: run flake8-ssot under Python >= 3.12 to "
            "check it; it was not checked"
        )
    else:  # LibCST missing or too old to read it: the running interpreter's syntax error
        typed = "app/typed.py:2:1: SOT901 file could not be analysed: SyntaxError: invalid syntax; it was not checked"
    assert (result.returncode, result.stderr) == (1, "")
    assert _lines(result.stdout) == [broken, typed]


@pytest.mark.skipif(ON_312, reason="the interpreter reads these f-strings itself")
@pytest.mark.parametrize(
    "text, line",
    [
        # Python 3.12.1's own ast fails on a self-documenting field in a format spec.
        ('import app.legacy\nx = f"{a["b"]:{width=}}"\n', 2),
        # A starred expression as a whole field: Python 3.12's ast reads it, this interpreter cannot.
        ('import app.legacy\nx = 1\ny = f"{*a["b"],}" f"{*c}"\n', 3),
    ],
)
def test_f_strings_not_read_exactly_are_reported_never_guessed(text: str, line: int) -> None:
    newer = read_newer(text)
    assert newer.tree is None
    assert newer.needs is not None
    assert (newer.needs.version, newer.needs.construct, newer.needs.line) == ("3.12", "f-string syntax of PEP 701", line)


@pytest.mark.parametrize(
    "text",
    [
        'x = f"{a["b"]}" = 1\n',  # an f-string is no assignment target
        'del f"{a["b"]}"\n',
        'for f"{\na["b"]}" in y: pass\n',
        'x = a f"{b["c"]}"\n',  # a name before a string
        'x = f"{a["b"]}" b"bytes"\n',  # bytes and str concatenated
        'x = f"{a["b"]!z}"\n',  # no such conversion
        'x = f"{}"\n',
        'x = f"{a["b"]} }"\n',
        'x = f"{a["b"]:{c:{d:{e}}}}"\n',  # format specs nested too deeply
        'x = f"{a["b"] for a in c}"\n',  # a generator needs its own parentheses
        'x = f"{lambda: a["b"]}"\n',
    ],
)
def test_what_python_312_rejects_gets_no_tree(text: str) -> None:
    with pytest.raises(SyntaxError):
        compile(text, "x.py", "exec") if ON_312 else ast.parse(text)
    assert read_newer(text, diagnose=False).tree is None


def test_fix_rewrites_a_python_312_file_only_when_libcst_reads_it(tmp_path: Path) -> None:
    if _libcst_version() is None:
        pytest.skip("the fix command needs LibCST")
    root = _project(tmp_path, {"app/auth.py": AUTH})
    result = _run(root, "fix", "--diff", "--no-cache")
    if LIBCST_READS_312:
        assert result.returncode == 1
        assert "-from app.names import Old\n+from app.names import New as Old\n" in result.stdout
        assert result.stderr.splitlines()[-1] == "flake8-ssot: would fix 1 finding in 1 file; 8 findings need a human"
    else:  # LibCST 1.0 cannot read comments or line breaks in replacement fields
        assert (result.returncode, result.stdout) == (0, "")
        assert "why: LibCST could not rewrite it (ParserSyntaxError: " in result.stderr
        assert result.stderr.splitlines()[-1] == (
            "flake8-ssot: would fix 0 findings in 0 files; 9 findings need a human; 1 file could not be rewritten"
        )
    assert (root / "app" / "auth.py").read_text(encoding="utf-8") == AUTH


def test_check_never_loads_libcst_itself(tmp_path: Path) -> None:
    """LibCST is only ever run in a child process, and only for a file that did not parse."""
    root = _project(tmp_path, {"app/auth.py": AUTH, "app/typed.py": "import app.legacy\ntype Alias = int\n"})
    code = (
        "import sys\nfrom flake8_ssot.cli.main import main\n"
        "try:\n    main(['check', '--no-cache', '-j', '1'])\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('libcst loaded: %s' % ('libcst' in sys.modules))\n"
    )
    result = _run(root, code=code)
    assert result.stderr.endswith("libcst loaded: False"), result.stderr
    assert "app/auth.py:3:1: SOT102" in result.stdout
