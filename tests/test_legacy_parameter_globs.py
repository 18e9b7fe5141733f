"""``ssot-legacy-parameters`` takes every ``fnmatch`` glob: ``*`` alone, ``?``, character classes
(``[A-Z]*Handler``, ``[!_]*``), in INI and pyproject.toml.  Markers are known words, so a character
class is never read as one; a glob no class name can match is reported with what is wrong.  A glob
without a literal part is applied by name only, and the prefilter then keys on the parameter
names, losslessly."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from flake8.main import cli as flake8_cli

from flake8_ssot.cli import main as ssot_cli
from flake8_ssot.config import ConfigError, ConfigRequest, load_registry
from flake8_ssot.engine import Engine
from flake8_ssot.location import identify
from flake8_ssot.names import class_glob
from flake8_ssot.registry import LegacyParameters, Registry
from flake8_ssot.resolution import relevance_for
from ssot_testing import check_with

INI = """\
[flake8]
ssot-legacy-parameters =
    * = db_session_factory ; no constructor takes it any more
    [A-Z]*Handler = supervisor
    Handler[0-9] = queue
    [!_]*Service = loop
    ?Worker = pool
ssot-allow =
    [A-Z]*Handler = app.compat
ssot-forbidden-modules =
    a.old = a.new [pure-move]
    a.gone [pure-move] = a.newer
"""
TOML = """\
[tool.flake8-ssot.legacy-parameters]
"*" = { parameters = ["db_session_factory"], reason = "no constructor takes it any more" }
"[A-Z]*Handler" = ["supervisor"]
"Handler[0-9]" = "queue"
"[!_]*Service" = ["loop"]
"?Worker" = ["pool"]

[tool.flake8-ssot.allow]
"[A-Z]*Handler" = ["app.compat"]
"""
EXPECTED = (
    LegacyParameters(key="*", reason="no constructor takes it any more", parameters=("db_session_factory",)),
    LegacyParameters(key="[A-Z]*Handler", allowed_in=("app.compat",), parameters=("supervisor",)),
    LegacyParameters(key="Handler[0-9]", parameters=("queue",)),
    LegacyParameters(key="[!_]*Service", parameters=("loop",)),
    LegacyParameters(key="?Worker", parameters=("pool",)),
)


def load(tmp_path: Path, name: str, text: str) -> Registry:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return load_registry(ConfigRequest(cwd=str(tmp_path)))


@pytest.mark.parametrize("name, text", [("setup.cfg", INI), ("pyproject.toml", TOML)])
def test_every_fnmatch_glob_loads(tmp_path, name, text):
    registry = load(tmp_path, name, text)
    assert registry.legacy_parameters == EXPECTED
    assert [(entry.literals, entry.followed) for entry in registry.legacy_parameters] == [
        ((), False),
        (("Handler",), True),
        (("Handler",), True),
        (("Service",), True),
        (("Worker",), True),
    ]


def test_markers_are_known_words_wherever_they_stand(tmp_path):
    registry = load(tmp_path, "setup.cfg", INI)
    assert [(entry.key, entry.replacement, entry.pure_move) for entry in registry.forbidden_modules] == [
        ("a.old", "a.new", True),
        ("a.gone", "a.newer", True),
    ]


@pytest.mark.parametrize(
    "glob, matching, not_matching",
    [
        ("*", ["A", "UserMessageHandler", "_private", "make"], []),
        ("[A-Z]*Handler", ["UserMessageHandler", "XHandler"], ["userHandler", "Handler", "_XHandler"]),
        ("Handler[0-9]", ["Handler2"], ["Handler", "Handler22", "HandlerX"]),
        ("[!_]*Service", ["UserService", "xService"], ["_UserService", "Service"]),
        ("?Worker", ["AWorker", "_Worker"], ["Worker", "ABWorker"]),
    ],
)
def test_globs_match_as_fnmatch_does_case_sensitively(glob, matching, not_matching):
    entry = LegacyParameters(key=glob, parameters=("x",))
    assert [name for name in matching + not_matching if entry.matches_class(name)] == matching


PROBLEMS: List[Tuple[str, str]] = [
    (
        "Bad-Name = x",
        "'Bad-Name': '-' cannot be part of a class name, so the glob matches no class (globs use '*', '?' and "
        "character classes such as '[A-Z]')",
    ),
    ("app.Handler = x", "'app.Handler': '.' cannot be part of a class name: the glob matches a class's own name, not its module"),
    ("1Handler = x", "'1Handler': a class name cannot start with '1', so the glob matches no class"),
    (
        "Handler[A-Z = x",
        "'Handler[A-Z': '[' at character 8 opens a character class that is never closed; close it with ']' "
        "(e.g. '[A-Z]')",
    ),
    (
        "Handler[!] = x",
        "'Handler[!]': '[' at character 8 opens a character class that is never closed (a ']' right after '[' or "
        "'[!' is a member of the class); close it with ']' (e.g. '[A-Z]')",
    ),
    ("*Handler = supervisor [pure-move]", "'*Handler': [pure-move] applies to forbidden modules and names only"),
    ("*Handler = supervisor [pure]", "'*Handler = supervisor [pure]': unknown marker '[pure]'; known: [pure-move], [warn]"),
    ("* =", "'* =': empty value after '='"),
]


@pytest.mark.parametrize("line, message", PROBLEMS)
def test_ini_validation_says_exactly_what_is_wrong(tmp_path, monkeypatch, line, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, "setup.cfg", f"[flake8]\nssot-legacy-parameters =\n    {line}\n")
    assert [str(problem) for problem in raised.value.problems] == [f"setup.cfg:3: ssot-legacy-parameters: {message}"]


@pytest.mark.parametrize(
    "key, message",
    [
        (
            "Bad Name",
            "' ' cannot be part of a class name, so the glob matches no class (globs use '*', '?' and character "
            "classes such as '[A-Z]')",
        ),
        ("[A-Z", "'[' at character 1 opens a character class that is never closed; close it with ']' (e.g. '[A-Z]')"),
    ],
)
def test_toml_validation_says_exactly_what_is_wrong(tmp_path, monkeypatch, key, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, "pyproject.toml", f'[tool.flake8-ssot.legacy-parameters]\n"{key}" = ["x"]\n')
    assert [str(problem) for problem in raised.value.problems] == [
        f"pyproject.toml: [tool.flake8-ssot.legacy-parameters] '{key}': {key!r}: {message}"
    ]


def test_a_misspelt_marker_standing_alone_is_still_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, "setup.cfg", "[flake8]\nssot-forbidden-modules =\n    a.old = a.new [pure_move]\n")
    assert [str(problem) for problem in raised.value.problems] == [
        "setup.cfg:3: ssot-forbidden-modules: 'a.old = a.new [pure_move]': unknown marker '[pure_move]'; "
        "known: [pure-move], [warn]"
    ]


def test_class_glob_reads_brackets_as_fnmatch_does():
    assert class_glob("[]]x").literals == ("x",)  # ']' first in a class is a member
    assert class_glob("[!]]Handler").literals == ("Handler",)
    assert class_glob("a*b?c[xy]d").literals == ("a", "b", "c", "d")
    assert class_glob("Ｈandler").problem is None  # full-width: an identifier character


# The project of the resolution tests, reduced: a legacy class re-exported by a package.
APP = {
    "app/__init__.py": "",
    "app/services/__init__.py": "from .legacy import UserMessageHandler\n",
    "app/services/legacy.py": """\
        class UserMessageHandler:
            def __init__(self, supervisor, db_session_factory):
                pass
        """,
    "app/core.py": "class Plain:\n    def __init__(self, db_session_factory):\n        pass\n",
}
STAR = "[flake8]\nssot-legacy-parameters =\n    * = db_session_factory\n"
STAR_AND_HANDLER = STAR + "    *Handler = supervisor\n"
CAPWORDS = "[flake8]\nssot-legacy-parameters =\n    [A-Z]* = db_session_factory\n"


def write(root: Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, APP)
    return tmp_path


def findings(project: Path, ini: str, source: str, prefilter: bool = True) -> List[Tuple[int, int, str, str]]:
    (project / "setup.cfg").write_text(ini, encoding="utf-8")
    registry = load_registry(ConfigRequest(cwd=str(project)))
    source = textwrap.dedent(source)
    path = project / "app" / "consumers.py"
    path.write_text(source, encoding="utf-8")
    engine = Engine(registry, prefilter=prefilter)
    found = check_with(engine, ast.parse(source), identify(str(path), None), source, str(path))
    return [(f.line, f.col + 1, f.code, f.text) for f in found]


LEGACY_FOR_STAR = "(legacy for classes matching '*')"
CASES = {
    "definition of any class": (
        STAR,
        "class Anything:\n    def __init__(self, db_session_factory):\n        pass\n",
        [
            (
                2,
                24,
                "SOT201",
                f"'Anything.__init__' takes legacy parameter 'db_session_factory'; remove 'db_session_factory' "
                f"{LEGACY_FOR_STAR}",
            )
        ],
    ),
    "keyword and named argument, any callee": (
        STAR,
        "make(db_session_factory=f)\nobj.Build(self.mock_db_session_factory)\n",
        [
            (
                1,
                6,
                "SOT202",
                f"'make(...)' passes legacy parameter 'db_session_factory'; remove 'db_session_factory' {LEGACY_FOR_STAR}",
            ),
            (
                2,
                11,
                "SOT202",
                "'obj.Build(...)' passes 'self.mock_db_session_factory' as legacy parameter 'db_session_factory'; "
                f"remove 'db_session_factory' {LEGACY_FOR_STAR}",
            ),
        ],
    ),
    "no positional mapping for a glob without a literal part": (
        STAR,
        "from app.services import UserMessageHandler\nUserMessageHandler(a, b)\n",
        [],
    ),
    "positional mapping for the glob that has one": (
        STAR_AND_HANDLER,
        "from app.services import UserMessageHandler\nUserMessageHandler(a, b)\n",
        [
            (
                2,
                20,
                "SOT202",
                "'UserMessageHandler(...)' passes 'a' as legacy parameter 'supervisor' (positional parameter 1 of "
                "'app.services.legacy.UserMessageHandler.__init__'); remove 'supervisor' (legacy for classes "
                "matching '*Handler')",
            )
        ],
    ),
    "the resolved class's other entries are reported by name": (
        STAR_AND_HANDLER,
        "from app.services import UserMessageHandler as make\nmake(supervisor=s, db_session_factory=f)\n",
        [
            (
                2,
                6,
                "SOT202",
                "'make(...)' passes legacy parameter 'supervisor'; remove 'supervisor' (legacy for classes "
                "matching '*Handler')",
            ),
            (
                2,
                20,
                "SOT202",
                f"'make(...)' passes legacy parameter 'db_session_factory'; remove 'db_session_factory' {LEGACY_FOR_STAR}",
            ),
        ],
    ),
    "a character class: CapWords names only": (
        CAPWORDS,
        "make(db_session_factory=f)\nPlain(db_session_factory=f)\n",
        [
            (
                2,
                7,
                "SOT202",
                "'Plain(...)' passes legacy parameter 'db_session_factory'; remove 'db_session_factory' (legacy for "
                "classes matching '[A-Z]*')",
            )
        ],
    ),
    "an alias is followed when the call names the parameter": (
        CAPWORDS,
        "from app.core import Plain as make\nmake(db_session_factory=f)\nmake(f)\n",
        [
            (
                2,
                6,
                "SOT202",
                "'make(...)' passes legacy parameter 'db_session_factory'; remove 'db_session_factory' (legacy for "
                "classes matching '[A-Z]*')",
            )
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_glob_without_a_literal_part_is_applied_by_name(project, name):
    ini, source, expected = CASES[name]
    assert findings(project, ini, source) == expected
    assert findings(project, ini, source, prefilter=False) == expected


def test_the_prefilter_keys_on_the_parameter_names(project):
    (project / "setup.cfg").write_text(STAR, encoding="utf-8")
    engine = Engine(load_registry(ConfigRequest(cwd=str(project))))
    ruled_out = [
        "import os\nos.path.join('a')\n",
        "from app.services import UserMessageHandler\nUserMessageHandler(a, b)\n",
        "class Anything:\n    def __init__(self, session):\n        pass\n",
    ]
    kept = [
        "make(db_session_factory=f)\n",
        "Make(mock_db_session_factory)\n",
        "class A:\n    db_session_factory: int\n",
        "Make(**{'db_session' '_factory': f})\n",
        "Make(**{'db_session_f\\x61ctory': f})\n",
    ]
    assert [bool(engine.select(text)) for text in ruled_out + kept] == [False] * 3 + [True] * 5


def test_resolution_follows_no_name_for_a_glob_without_a_literal_part(project):
    (project / "setup.cfg").write_text(STAR_AND_HANDLER + "ssot-canonical-classes =\n    Plain = app.core\n")
    relevance = relevance_for(load_registry(ConfigRequest(cwd=str(project))))
    assert relevance.words == (("Plain",), ("Handler",))
    assert [relevance.name(name) for name in ("Plain", "UserMessageHandler", "Anything")] == [True, True, False]


LOSSLESS_SOURCES = [
    "from app.services import UserMessageHandler\nUserMessageHandler(a, b)\n",
    "from app.services import UserMessageHandler as H\nH(a, db_session_factory=b)\n",
    "from app.core import Plain\nPlain(f)\nPlain(db_session_factory=f)\n",
    "import app.core\napp.core.Plain(x)\n",
    "from app import services\nservices.UserMessageHandler(s, f)\n",
    "h = make\nh(db_session_factory=f)\n",
    "class Local:\n    def __init__(self, db_session_factory): pass\nLocal(f)\n",
    "from app.core import *\nPlain(1)\n",
]


@pytest.mark.parametrize("ini", [STAR, STAR_AND_HANDLER, CAPWORDS], ids=["star", "star-and-handler", "capwords"])
@pytest.mark.parametrize("source", LOSSLESS_SOURCES)
def test_the_prefilter_stays_lossless(project, ini, source):
    assert findings(project, ini, source) == findings(project, ini, source, prefilter=False)


def test_check_and_flake8_accept_star_and_character_classes(project, monkeypatch, capsys):
    (project / "setup.cfg").write_text(
        "[flake8]\nssot-legacy-parameters =\n    * = db_session_factory\n    [A-Z]*Handler = supervisor\n",
        encoding="utf-8",
    )
    (project / "app" / "consumers.py").write_text(
        "from app.services import UserMessageHandler\n\nUserMessageHandler(sup, db_session_factory=f)\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(project)
    assert ssot_cli.main(["check", "-j1", "--no-cache", "app/consumers.py"]) == 1
    out = capsys.readouterr().out
    assert flake8_cli.main(["--jobs=1", "--select=SOT", "app/consumers.py"]) == 1
    assert capsys.readouterr().out == out
    assert out.splitlines() == [
        "app/consumers.py:3:20: SOT202 'UserMessageHandler(...)' passes 'sup' as legacy parameter 'supervisor' "
        "(positional parameter 1 of 'app.services.legacy.UserMessageHandler.__init__'); remove 'supervisor' "
        "(legacy for classes matching '[A-Z]*Handler')",
        "app/consumers.py:3:25: SOT202 'UserMessageHandler(...)' passes legacy parameter 'db_session_factory'; "
        "remove 'db_session_factory' (legacy for classes matching '*')",
    ]


def test_a_registry_name_alone_does_not_make_a_call_worth_resolving(project):
    # 'Factory' is a canonical class name, re-exported under it from a class matching '*Handler':
    # the file never spells 'Handler', so its calls are not followed (the prefilter could not see it).
    write(project, {"app/pkg.py": "from app.services.legacy import UserMessageHandler as Factory\n"})
    ini = "[flake8]\nssot-canonical-classes =\n    Factory = app.pkg\nssot-legacy-parameters =\n    *Handler = supervisor\n"
    source = "from app.pkg import Factory as make\nmake(a)\n"
    assert findings(project, ini, source) == findings(project, ini, source, prefilter=False) == []
    # Spelt in the file, the class is followed and its positional argument mapped.
    source = "from app.services.legacy import UserMessageHandler as make\nmake(a)\n"
    assert [item[:3] for item in findings(project, ini, source)] == [(2, 6, "SOT202")]
