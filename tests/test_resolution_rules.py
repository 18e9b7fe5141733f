"""SOT105 and resolved SOT202 through the engine: the README example, the switch, the prefilter,
unknown files, and failures that stay contained."""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Dict, List

import pytest

from flake8_ssot.config import ConfigError, ConfigRequest, load_registry
from flake8_ssot.engine import Engine
from flake8_ssot.findings import Finding
from flake8_ssot.location import UNKNOWN, identify
from flake8_ssot.registry import Registry
from flake8_ssot.resolution import astroid_backend, reset_shared_cache
from ssot_testing import check_with, registry_from_ini

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")

REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    app.services.websocket.message_handler = app.websocket_core.handlers ; queue-based, bypasses the agent factory
ssot-forbidden-names =
    app.websocket_core.unified_manager.UnifiedWebSocketManager = app.websocket_core.websocket_manager.WebSocketManager
ssot-canonical-classes =
    UserMessageHandler = app.websocket_core.handlers
ssot-legacy-parameters =
    *Handler = supervisor, db_session_factory
"""

APP = {
    "app/__init__.py": "",
    "app/services/__init__.py": "from .websocket.message_handler import UserMessageHandler\n",
    "app/services/websocket/__init__.py": "",
    "app/services/websocket/message_handler.py": """\
        class UserMessageHandler:
            def __init__(self, supervisor, db_session_factory):
                pass
        """,
    "app/websocket_core/__init__.py": "",
    "app/websocket_core/handlers.py": "class UserMessageHandler:\n    def __init__(self):\n        pass\n",
    "app/compat.py": "from app.services import UserMessageHandler as LegacyHandler\n",
}


def write(root: Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, APP)
    return tmp_path


def check(project: Path, source: str, registry: Registry, name: str = "app/consumers.py") -> List[Finding]:
    source = textwrap.dedent(source)
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    identity = identify(str(path), registry.source_roots)
    return check_with(Engine(registry), ast.parse(source), identity, source, str(path))


def _block(label: str) -> str:
    section = re.search(r"^### SOT105 .*?(?=^### )", README, re.MULTILINE | re.DOTALL)
    assert section
    match = re.search(r"\*\*" + label + r"\*\*\s*\n\s*```python\n(.*?)```", section.group(0), re.DOTALL)
    assert match
    return match.group(1)


def test_readme_example_yields_exactly_sot105_and_use_instead_nothing(project):
    registry = registry_from_ini(project, REGISTRY)
    example = _block("Example")
    assert "from .websocket.message_handler import UserMessageHandler" in example  # what the project holds
    found = check(project, example, registry)
    assert [(f.line, f.col, f.code) for f in found] == [(2, 0, "SOT105")]
    assert found[0].text == (
        "'UserMessageHandler' imported from 'app.services' is defined in legacy module "
        "'app.services.websocket.message_handler'; use 'app.websocket_core.handlers' "
        "(queue-based, bypasses the agent factory)"
    )
    assert check(project, _block("Use instead"), registry) == []


def test_a_helper_module_reexport_of_a_registry_name_is_followed(project):
    registry = registry_from_ini(project, REGISTRY)
    found = check(project, "from app.compat import LegacyHandler\nLegacyHandler(a, b)\n", registry)
    assert [(f.line, f.col, f.code) for f in found] == [(1, 0, "SOT105"), (2, 14, "SOT202"), (2, 17, "SOT202")]


def test_resolved_alias_counts_by_the_real_class_name_for_keywords_too(project):
    registry = registry_from_ini(project, REGISTRY)
    source = "from app.websocket_core.handlers import UserMessageHandler as Make\nM = Make\nM(supervisor=1)\n"
    found = check(project, source, registry)
    assert [(f.line, f.col, f.code) for f in found] == [(3, 2, "SOT202")]
    assert found[0].text.startswith("'M(...)' passes legacy parameter 'supervisor'; construct the canonical")


def test_switched_off_in_the_configuration(project):
    registry = registry_from_ini(project, REGISTRY + "ssot-resolve = false\n")
    assert registry.resolve is False
    assert check(project, "from app.services import UserMessageHandler\nUserMessageHandler(a, b)\n", registry) == []


def test_pyproject_switch_and_a_bad_value(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flake8-ssot]\nresolve = false\n[tool.flake8-ssot.forbidden-modules]\n"a.legacy" = "a.new"\n',
        encoding="utf-8",
    )
    assert load_registry(ConfigRequest(cwd=str(tmp_path))).resolve is False
    other = tmp_path / "ini"
    other.mkdir()
    (other / "setup.cfg").write_text("[flake8]\nssot-forbidden-modules = a.legacy\nssot-resolve = sometimes\n")
    with pytest.raises(ConfigError) as raised:
        load_registry(ConfigRequest(cwd=str(other)))
    assert "ssot-resolve" in raised.value.report() and "sometimes" in raised.value.report()


def test_default_is_on(tmp_path):
    assert registry_from_ini(tmp_path, "[flake8]\nssot-forbidden-modules = a.legacy\n").resolve is True
    assert Registry().resolve is True


def test_stdin_without_a_name_and_without_roots_resolves_nothing(project):
    registry = replace(registry_from_ini(project, REGISTRY), origin=None)
    source = "from app.services import UserMessageHandler\n"
    assert check_with(Engine(registry), ast.parse(source), UNKNOWN, source, "stdin") == []


def test_configured_source_roots_find_a_src_layout(tmp_path):
    write(tmp_path / "src", APP)
    registry = registry_from_ini(tmp_path, REGISTRY + "ssot-source-roots = src\n")
    found = check(tmp_path, "from app.services import UserMessageHandler\n", registry, name="tests/test_it.py")
    assert [f.code for f in found] == ["SOT105"]


def test_tests_outside_the_package_find_it_through_the_configuration_directory(project):
    registry = registry_from_ini(project, REGISTRY)
    found = check(project, "from app.services import UserMessageHandler\n", registry, name="tests/test_it.py")
    assert [f.code for f in found] == ["SOT105"]


def test_names_that_cannot_matter_are_never_parsed(project):
    reset_shared_cache()
    registry = registry_from_ini(project, REGISTRY)
    from flake8_ssot import resolution

    assert check(project, "from app.compat import something_else\nimport os\nos.path.join('a')\n", registry) == []
    assert resolution.shared_cache() is None or resolution.shared_cache().builds == 0


PREFILTER_SOURCES = [
    "from app.services import UserMessageHandler\n",
    "from . import UserMessageHandler\n",
    "from .services import UserMessageHandler as H\nH(a, b)\n",
    "import app.services\napp.services.UserMessageHandler(a, b)\n",
    "from app.services import *\nUserMessageHandler()\n",
    "from app.compat import LegacyHandler as H\nclass X(H): pass\n",
    "import os\n",
]


@pytest.mark.parametrize("source", PREFILTER_SOURCES)
@pytest.mark.parametrize("module", ["app.consumers", "app.services.consumers"])
def test_prefilter_stays_lossless_with_resolution(project, source, module):
    registry = registry_from_ini(project, REGISTRY)
    name = module.replace(".", "/") + ".py"
    path = project / name
    path.write_text(source, encoding="utf-8")
    identity = identify(str(path), None)
    engine = Engine(registry)
    unfiltered = Engine(registry, prefilter=False)
    tree = ast.parse(source)
    expected = unfiltered.check_tree(tree, identity, unfiltered.select(source), str(path))
    assert engine.check_tree(tree, identity, engine.select(source), str(path)) == expected
    if expected:
        assert bool(engine.select(source))


def test_prefilter_still_skips_files_without_any_relevant_word(project):
    engine = Engine(registry_from_ini(project, REGISTRY))
    assert bool(engine.select("import os\nprint(os.sep)\n")) is False


def test_a_failing_backend_means_no_finding_not_an_error(project, monkeypatch):
    reset_shared_cache()

    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded while building")

    monkeypatch.setattr(astroid_backend, "_get_builder", explode)
    registry = registry_from_ini(project, REGISTRY)
    assert check(project, "from app.services import UserMessageHandler\n", registry) == []
    reset_shared_cache()


@pytest.mark.parametrize("filename", ["bad\x00name.py", "", "-", "stdin", "/"])
def test_file_names_resolution_cannot_use_give_no_error(project, filename):
    registry = registry_from_ini(project, REGISTRY)
    source = "from app.services import UserMessageHandler\nUserMessageHandler(a, b)\n"
    found = check_with(Engine(registry), ast.parse(source), UNKNOWN, source, filename)
    assert all(finding.code != "SOT900" for finding in found)
