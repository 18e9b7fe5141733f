"""Configuration: both formats load the same model; every problem names file, key and value."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from flake8_ssot.config import ConfigError, ConfigRequest, load_registry
from flake8_ssot.config.keys import KEYS
from flake8_ssot.names import DottedPattern
from flake8_ssot.registry import CanonicalClass, ForbiddenModule, ForbiddenName, LegacyParameters

INI = """\
[flake8]
ssot-forbidden-modules =
    a.legacy = a.canonical ; queue-based
    a.*.old
    a.gone [pure-move] = a.new
ssot-forbidden-names =
    a.mod.Old = a.mod.New
ssot-canonical-classes =
    Handler = a.canonical
ssot-legacy-parameters =
    *Handler = supervisor, db_session_factory ; use the factory
ssot-allow =
    a.legacy = a.migrations.*, a.compat
ssot-source-roots = src
"""

TOML = """\
[tool.flake8-ssot]
source-roots = ["src"]

[tool.flake8-ssot.forbidden-modules]
"a.legacy" = { replacement = "a.canonical", reason = "queue-based" }
"a.*.old" = {}
"a.gone" = { replacement = "a.new", pure-move = true }

[tool.flake8-ssot.forbidden-names]
"a.mod.Old" = "a.mod.New"

[tool.flake8-ssot.canonical-classes]
Handler = "a.canonical"

[tool.flake8-ssot.legacy-parameters]
"*Handler" = { parameters = ["supervisor", "db_session_factory"], reason = "use the factory" }

[tool.flake8-ssot.allow]
"a.legacy" = ["a.migrations.*", "a.compat"]
"""


def _load(tmp_path: Path, files: dict):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    (tmp_path / "src").mkdir(exist_ok=True)
    return load_registry(ConfigRequest(cwd=str(tmp_path)))


def _problems(tmp_path: Path, files: dict, monkeypatch=None):
    cwd = os.getcwd()
    os.chdir(tmp_path)  # paths are shown relative to the working directory, as flake8 shows files
    try:
        with pytest.raises(ConfigError) as caught:
            _load(tmp_path, files)
        return [str(problem) for problem in caught.value.problems]
    finally:
        os.chdir(cwd)


def _expected_registry(tmp_path: Path, origin: str):
    return dict(
        forbidden_modules=(
            ForbiddenModule(
                key="a.legacy",
                reason="queue-based",
                allowed_in=("a.migrations.*", "a.compat"),
                pattern=DottedPattern("a.legacy"),
                replacement="a.canonical",
            ),
            ForbiddenModule(key="a.*.old", pattern=DottedPattern("a.*.old")),
            ForbiddenModule(key="a.gone", pattern=DottedPattern("a.gone"), replacement="a.new", pure_move=True),
        ),
        forbidden_names=(ForbiddenName(key="a.mod.Old", name="a.mod.Old", replacement="a.mod.New"),),
        canonical_classes={"Handler": CanonicalClass(key="Handler", module="a.canonical")},
        legacy_parameters=(
            LegacyParameters(key="*Handler", reason="use the factory", parameters=("supervisor", "db_session_factory")),
        ),
        source_roots=(str(tmp_path / "src"),),
        origin=origin,
    )


@pytest.mark.parametrize("name", ["setup.cfg", "tox.ini", ".flake8"])
def test_ini_forms_load_the_model(tmp_path, name):
    registry = _load(tmp_path, {name: INI})
    for field, value in _expected_registry(tmp_path, str(tmp_path / name)).items():
        assert getattr(registry, field) == value, field


def test_toml_loads_the_same_model(tmp_path):
    registry = _load(tmp_path, {"pyproject.toml": TOML})
    for field, value in _expected_registry(tmp_path, str(tmp_path / "pyproject.toml")).items():
        assert getattr(registry, field) == value, field


def test_underscore_spelling_is_accepted(tmp_path):
    registry = _load(tmp_path, {"setup.cfg": "[flake8]\nssot_forbidden_modules = a.legacy\n"})
    assert [entry.key for entry in registry.forbidden_modules] == ["a.legacy"]


def test_no_configuration_is_an_empty_registry(tmp_path):
    registry = _load(tmp_path, {"setup.cfg": "[flake8]\nmax-line-length = 100\n"})
    assert registry.is_empty


def test_config_is_found_by_walking_up_like_flake8(tmp_path):
    _load(tmp_path, {"tox.ini": "[flake8]\nssot-forbidden-modules = a.legacy\n", "pkg/sub/x.py": ""})
    registry = load_registry(ConfigRequest(cwd=str(tmp_path / "pkg" / "sub")))
    assert registry.origin == str(tmp_path / "tox.ini")


def test_isolated_reads_nothing(tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\nssot-forbidden-modules = a..b\n", encoding="utf-8")
    assert load_registry(ConfigRequest(cwd=str(tmp_path), isolated=True)).is_empty


def test_non_ascii_names_are_nfkc_normalised(tmp_path):
    registry = _load(tmp_path, {"setup.cfg": "[flake8]\nssot-forbidden-modules = a.ｌｅｇａｃｙ\n"})
    assert registry.forbidden_modules[0].pattern.text == "a.legacy"


INI_PROBLEMS = [
    (
        "[flake8]\nssot-forbiden-modules = a.legacy\n",
        [
            "setup.cfg:2: ssot-forbiden-modules: 'a.legacy': unknown flake8-ssot key; did you mean 'ssot-forbidden-modules'?"
        ],
    ),
    (
        "[flake8]\nssot-whatever = 1\n",
        ["setup.cfg:2: ssot-whatever: '1': unknown flake8-ssot key; known keys: " + ", ".join(key.ini for key in KEYS)],
    ),
    (
        "[flake8]\nforbidden-modules = a.legacy\n",
        ["setup.cfg:2: forbidden-modules: 'a.legacy': unknown flake8-ssot key; did you mean 'ssot-forbidden-modules'?"],
    ),
    (
        "[flake8]\nssot-forbidden-modules =\n    a..b\n    a.b.\n    1abc = x\n    a.class\n    ok = 2bad\n",
        [
            "setup.cfg:3: ssot-forbidden-modules: 'a..b': not a valid dotted module name (segments may be '*' or '**')",
            "setup.cfg:4: ssot-forbidden-modules: 'a.b.': not a valid dotted module name (segments may be '*' or '**')",
            "setup.cfg:5: ssot-forbidden-modules: '1abc': not a valid dotted module name (segments may be '*' or '**')",
            "setup.cfg:6: ssot-forbidden-modules: 'a.class': not a valid dotted module name (segments may be '*' or '**')",
            "setup.cfg:7: ssot-forbidden-modules: '2bad': replacement is not a valid dotted module name",
        ],
    ),
    (
        "[flake8]\nssot-forbidden-modules =\n",
        ["setup.cfg:2: ssot-forbidden-modules: '': empty value; remove the key or give it entries"],
    ),
    (
        "[flake8]\nssot-forbidden-modules = a.legacy =\n",
        [
            "setup.cfg:2: ssot-forbidden-modules: 'a.legacy =': empty value after '='; omit '=' to declare a module or name removed"
        ],
    ),
    (
        "[flake8]\nssot-forbidden-modules = a.legacy = a.new ;\n",
        ["setup.cfg:2: ssot-forbidden-modules: 'a.legacy = a.new ;': empty reason after ';'"],
    ),
    (
        "[flake8]\nssot-forbidden-modules = a.legacy = a.new [pure]\n",
        ["setup.cfg:2: ssot-forbidden-modules: 'a.legacy = a.new [pure]': unknown marker '[pure]'; known: [pure-move], [warn]"],
    ),
    (
        "[flake8]\nssot-forbidden-modules = a.legacy [pure-move]\n",
        ["setup.cfg:2: ssot-forbidden-modules: 'a.legacy': [pure-move] needs a replacement to move to"],
    ),
    (
        "[flake8]\nssot-forbidden-modules = *.*\n",
        ["setup.cfg:2: ssot-forbidden-modules: '*.*': needs at least one named segment: wildcards alone would forbid every module"],
    ),
    (
        "[flake8]\nssot-forbidden-names = Old\n",
        ["setup.cfg:2: ssot-forbidden-names: 'Old': not a valid dotted name 'package.module.Name'"],
    ),
    (
        "[flake8]\nssot-canonical-classes =\n    Handler = a.one\n    Handler = a.two\n",
        ["setup.cfg:4: ssot-canonical-classes: 'Handler': class mapped to two modules, 'a.one' and 'a.two'"],
    ),
    (
        "[flake8]\nssot-canonical-classes = Handler\n",
        [
            "setup.cfg:2: ssot-canonical-classes: 'Handler': needs exactly one canonical module: 'ClassName = package.module'"
        ],
    ),
    (
        "[flake8]\nssot-canonical-classes = a.Handler = a.mod\n",
        ["setup.cfg:2: ssot-canonical-classes: 'a.Handler': not a valid class name"],
    ),
    (
        "[flake8]\nssot-forbidden-modules = a.legacy\nssot-canonical-classes = Handler = a.legacy.handlers\n",
        [
            "setup.cfg:3: ssot-canonical-classes: 'a.legacy.handlers': module is both canonical (for 'Handler') and forbidden (by 'a.legacy')"
        ],
    ),
    (
        "[flake8]\nssot-forbidden-modules =\n    a.legacy = a.legacy.v2\n",
        ["setup.cfg:3: ssot-forbidden-modules: 'a.legacy.v2': replacement is itself forbidden by 'a.legacy'"],
    ),
    (
        "[flake8]\nssot-forbidden-modules =\n    a.legacy\n    a.legacy = a.new\n",
        ["setup.cfg:4: ssot-forbidden-modules: 'a.legacy': forbidden module declared twice, as (removed) and as a.new"],
    ),
    (
        "[flake8]\nssot-legacy-parameters =\n    *Handler\n    Bad-Name = x\n    *Service = 1x, ok\n",
        [
            "setup.cfg:3: ssot-legacy-parameters: '*Handler': needs at least one parameter name after '='",
            "setup.cfg:4: ssot-legacy-parameters: 'Bad-Name': '-' cannot be part of a class name, so the glob "
            "matches no class (globs use '*', '?' and character classes such as '[A-Z]')",
            "setup.cfg:5: ssot-legacy-parameters: '1x': not a valid parameter name",
        ],
    ),
    (
        "[flake8]\nssot-legacy-parameters = *Handler = a,,b\n",
        ["setup.cfg:2: ssot-legacy-parameters: '*Handler = a,,b': empty item in a comma-separated list"],
    ),
    (
        "[flake8]\nssot-forbidden-modules = a.legacy\nssot-allow =\n    a.legacyy = a.*\n",
        [
            "setup.cfg:4: ssot-allow: 'a.legacyy': names no forbidden module, forbidden name, canonical class or legacy-parameters pattern"
        ],
    ),
    (
        "[flake8]\nssot-source-roots = nowhere\n",
        None,  # the message holds an absolute path; checked separately
    ),
]


@pytest.mark.parametrize("ini,expected", [case for case in INI_PROBLEMS if case[1] is not None])
def test_ini_problems_name_file_key_and_value(tmp_path, ini, expected):
    assert _problems(tmp_path, {"setup.cfg": ini}) == expected


def test_missing_source_root_is_reported(tmp_path):
    problems = _problems(tmp_path, {"setup.cfg": "[flake8]\nssot-source-roots = nowhere\n"})
    assert problems == [
        f"setup.cfg:2: ssot-source-roots: 'nowhere': source root does not exist (looked for directory {tmp_path / 'nowhere'})"
    ]


def test_all_problems_are_reported_together(tmp_path):
    problems = _problems(
        tmp_path,
        {
            "setup.cfg": "[flake8]\nssot-forbiden-names = x\nssot-forbidden-modules = a..b\nssot-canonical-classes = 1A = m\n"
        },
    )
    assert len(problems) == 3


def test_registry_in_both_files_names_both(tmp_path):
    problems = _problems(
        tmp_path,
        {"setup.cfg": "[flake8]\nssot-forbidden-modules = a.legacy\n", "pyproject.toml": TOML},
    )
    assert problems == [
        "pyproject.toml: [tool.flake8-ssot]: 'setup.cfg': the registry is configured both here and there "
        "(ssot-* keys); keep one of the two"
    ]


TOML_PROBLEMS = [
    (
        "[tool.flake8-ssot]\nforbiden-modules = {}\n",
        [
            "pyproject.toml: [tool.flake8-ssot] forbiden-modules: 'forbiden-modules': unknown key; did you mean 'forbidden-modules'?"
        ],
    ),
    (
        '[tool.flake8-ssot]\nforbidden-modules = ["a.legacy"]\n',
        [
            "pyproject.toml: [tool.flake8-ssot] forbidden-modules: \"['a.legacy']\": must be a table ([tool.flake8-ssot.forbidden-modules]), not a list"
        ],
    ),
    (
        '[tool.flake8-ssot.forbidden-modules]\n"a.legacy" = 3\n',
        ["pyproject.toml: [tool.flake8-ssot.forbidden-modules] 'a.legacy': '3': must be a string, not a number"],
    ),
    (
        '[tool.flake8-ssot.forbidden-modules]\n"a.legacy" = ""\n',
        ["pyproject.toml: [tool.flake8-ssot.forbidden-modules] 'a.legacy': '': empty value"],
    ),
    (
        '[tool.flake8-ssot.forbidden-modules]\n"a.legacy" = { replacment = "a.new" }\n',
        [
            "pyproject.toml: [tool.flake8-ssot.forbidden-modules] 'a.legacy': 'replacment': unknown field; did you mean 'replacement'?"
        ],
    ),
    (
        '[tool.flake8-ssot.legacy-parameters]\n"*Handler" = "supervisor"\n',
        None,  # a single string is accepted as a one-item list
    ),
    (
        '[tool.flake8-ssot.legacy-parameters]\n"*Handler" = [1]\n',
        [
            "pyproject.toml: [tool.flake8-ssot.legacy-parameters] '*Handler': '[1]': must be a list of strings, not a list"
        ],
    ),
    (
        '[tool.flake8-ssot]\nsource-roots = "."\nsource-roots = "."\n',
        None,  # duplicate keys: checked separately (the parser's message)
    ),
    (
        '[tool.flake8-ssot.canonical-classes]\nHandler = "a..b"\n',
        [
            "pyproject.toml: [tool.flake8-ssot.canonical-classes] 'Handler': 'a..b': canonical module is not a valid dotted module name"
        ],
    ),
]


@pytest.mark.parametrize("toml,expected", [case for case in TOML_PROBLEMS if case[1] is not None])
def test_toml_problems_name_file_key_and_value(tmp_path, toml, expected):
    assert _problems(tmp_path, {"pyproject.toml": toml}) == expected


def test_toml_single_string_parameter_list(tmp_path):
    registry = _load(tmp_path, {"pyproject.toml": '[tool.flake8-ssot.legacy-parameters]\n"*Handler" = "supervisor"\n'})
    assert registry.legacy_parameters[0].parameters == ("supervisor",)


def test_toml_duplicate_keys_are_an_error(tmp_path):
    problems = _problems(tmp_path, {"pyproject.toml": '[tool.flake8-ssot]\nsource-roots = "."\nsource-roots = "."\n'})
    assert len(problems) == 1
    assert problems[0].startswith("pyproject.toml: [tool.flake8-ssot]: ")
    assert "invalid TOML" in problems[0]


def test_non_utf8_config_is_an_error(tmp_path):
    problems = _problems(tmp_path, {"setup.cfg": b"[flake8]\nssot-forbidden-modules = a.l\xe9gacy\n"})
    assert problems == [
        "setup.cfg:2: [flake8]: 'ssot-forbidden-modules = a.l\ufffdgacy': the file is not UTF-8 (byte 0xe9)"
    ]


def test_bom_in_config_is_an_error_since_flake8_ignores_the_file(tmp_path):
    problems = _problems(tmp_path, {"setup.cfg": "\ufeff[flake8]\nssot-forbidden-modules = a.legacy\n"})
    assert problems == [
        "setup.cfg: [flake8]: 'setup.cfg': the file starts with a UTF-8 byte-order mark, which flake8 cannot "
        "read (it ignores the whole file); save it without the mark"
    ]


def test_unrelated_pyproject_without_our_table_is_ignored(tmp_path):
    registry = _load(tmp_path, {"pyproject.toml": "[tool.black]\nline-length = 100\n", "setup.cfg": INI})
    assert [entry.key for entry in registry.forbidden_modules] == ["a.legacy", "a.*.old", "a.gone"]


def test_error_report_is_one_readable_block(tmp_path):
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, {"setup.cfg": "[flake8]\nssot-forbidden-modules = a..b\n"})
    assert caught.value.report().splitlines()[0] == "flake8-ssot: 1 configuration problem:"


def test_reason_with_a_line_break_is_rejected(tmp_path):
    problems = _problems(
        tmp_path,
        {"pyproject.toml": '[tool.flake8-ssot.forbidden-modules]\n"a.legacy" = { reason = "line one\\nline two" }\n'},
    )
    assert problems == [
        "pyproject.toml: [tool.flake8-ssot.forbidden-modules] 'a.legacy': (2 lines below): "
        "a reason must be one line of printable text\n"
        "    'line one'\n"
        "    'line two'"
    ]
