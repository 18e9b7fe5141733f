"""``duplicates --suggest``: per-file facts, import evidence, exclusions, the evidence comments, ``--top``."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Mapping, Tuple

import pytest

from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.project import duplicates, suggest
from flake8_ssot.project.facts import ClassDefinition, Facts, collect_facts
from flake8_ssot.registry import Registry

ROOT = "/project"


def identity_of(path: str) -> ModuleIdentity:
    parts = path[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        return ModuleIdentity(".".join(parts[:-1]), is_package=True)
    return ModuleIdentity(".".join(parts))


def facts_of(files: Mapping[str, str]) -> List[Tuple[str, Facts]]:
    found = []
    for path, text in sorted(files.items()):
        text = textwrap.dedent(text)
        found.append((f"{ROOT}/{path}", collect_facts(ast.parse(text), identity_of(path), text.splitlines())))
    return found


def proposed(files: Mapping[str, str], include_tests: bool = False) -> suggest.Proposals:
    return suggest.propose(facts_of(files), Registry(), ROOT, include_tests)


def homes(proposals: suggest.Proposals) -> Dict[str, str]:
    return {item.name: item.candidates[0].module for item in proposals.suggestions}


# --------------------------------------------------------------------------------------------
# Facts


def test_facts_of_one_file() -> None:
    text = textwrap.dedent(
        """\
        import enum
        import app.core as core
        from . import sibling
        from .impl import _Impl as Impl, helper
        from .more import *
        try:
            from fast import Parser
        except (ValueError, ImportError):
            class Parser(core.Base):
                pass
        class Status(enum.Enum):
            A = 1
        class Box(Generic[T], Impl):
            pass
        Handler = Impl
        Alias: TypeAlias = sibling.Thing
        Widget = core.Widget
        DEFAULT_HANDLER = Impl
        Unknown = NotImported
        Made = factory()
        def use():
            from app.deep import Deep
            return core.Tool(), sibling.Gadget, core.helper, sibling.CONSTANT, self.Other
        """
    )
    facts = collect_facts(ast.parse(text), ModuleIdentity("app.pkg.mod"), text.splitlines())
    assert facts.module == "app.pkg.mod"
    assert facts.classes == (
        ClassDefinition("Parser", 9, 4, "    class Parser(core.Base):", False, ("app.core.Base",), True),
        ClassDefinition("Status", 11, 0, "class Status(enum.Enum):", False, ("enum.Enum",), False),
        ClassDefinition("Box", 13, 0, "class Box(Generic[T], Impl):", False, ("Generic", "app.pkg.impl._Impl"), False),
    )
    assert facts.aliases == (
        ClassDefinition("Handler", 15, 0, "Handler = Impl", alias="app.pkg.impl._Impl"),
        ClassDefinition("Alias", 16, 0, "Alias: TypeAlias = sibling.Thing", alias="app.pkg.sibling.Thing"),
    )
    assert facts.exports == (  # class-like names only: not ``sibling`` nor ``helper``
        ("Impl", "app.pkg.impl._Impl"),
        ("*", "app.pkg.more"),
        ("Parser", "fast.Parser"),
        ("Widget", "app.core.Widget"),
    )
    assert facts.imports == (
        "app.core.Base",
        "app.core.Tool",
        "app.core.Widget",
        "app.deep.Deep",
        "app.pkg.impl._Impl",
        "app.pkg.impl.helper",
        "app.pkg.sibling",
        "app.pkg.sibling.CONSTANT",
        "app.pkg.sibling.Gadget",
        "app.pkg.sibling.Thing",
        "enum.Enum",
        "fast.Parser",
    )


@pytest.mark.parametrize(
    "handler, fallback",
    [
        ("except ImportError:", True),
        ("except ModuleNotFoundError:", True),
        ("except (ImportError,):", True),
        ("except builtins.ImportError as error:", True),
        ("except ValueError:", False),
        ("except:", False),
    ],
)
def test_fallbacks_are_definitions_under_an_import_error_handler(handler: str, fallback: bool) -> None:
    text = f"try:\n    from fast import Parser\n{handler}\n    if True:\n        class Parser:\n            pass\n"
    text += "else:\n    class Fast:\n        pass\n"
    facts = collect_facts(ast.parse(text), ModuleIdentity("m"), text.splitlines())
    assert [(c.name, c.fallback) for c in facts.classes] == [("Fast", False), ("Parser", fallback)]


def test_an_import_under_a_fallback_handler_is_no_reexport() -> None:
    text = "try:\n    from .fast import Parser\nexcept ImportError:\n    from .slow import Parser\n"
    facts = collect_facts(ast.parse(text), ModuleIdentity("pkg", is_package=True), text.splitlines())
    assert facts.exports == (("Parser", "pkg.fast.Parser"),)
    assert facts.imports == ("pkg.fast.Parser", "pkg.slow.Parser")


def test_aliases_are_not_sot303_definitions() -> None:
    files = {"app/a.py": "class Manager:\n    pass\n", "app/b.py": "from app.c import Impl\n\nManager = Impl\n"}
    facts = facts_of(files)
    assert facts[1][1].aliases[0].name == "Manager"
    assert duplicates.find_groups(facts, Registry(), ROOT, include_tests=False) == []


def test_facts_round_trip_through_json() -> None:
    text = "from .a import *\nfrom m import Base\nclass Alpha(Base):\n    pass\nBeta = Alpha\n"
    facts = collect_facts(ast.parse(text), ModuleIdentity("pkg.mod"), text.splitlines())
    assert facts.aliases and facts.exports and facts.classes[0].bases == ("m.Base",)
    assert Facts.from_json(json.loads(json.dumps(facts.to_json()))) == facts


@pytest.mark.parametrize(
    "broken",
    [
        {"module": "m", "classes": [["A", 1, 0, "", False]], "imports": [], "aliases": [], "exports": []},
        {"module": "m", "classes": [["A", 1, 0, "", False, "B", False, None]], "imports": [], "aliases": [], "exports": []},
        {"module": "m", "classes": [], "imports": [], "aliases": [["A", 1, 0, "", False, [], False, 3]], "exports": []},
        {"module": "m", "classes": [], "imports": []},
        {"module": "m", "classes": [], "imports": [], "aliases": [], "exports": [["*"]]},
    ],
)
def test_malformed_facts_are_rejected(broken: object) -> None:
    with pytest.raises((ValueError, TypeError, KeyError)):
        Facts.from_json(broken)


# --------------------------------------------------------------------------------------------
# Ranking by import evidence

EVIDENCE = {
    "app/__init__.py": "",
    # app.util is the most imported module, but nobody imports Router from it.
    "app/util.py": "def helper():\n    pass\n\n\nclass Router:\n    pass\n",
    "app/core/__init__.py": "from .routing import Router\n",
    "app/core/routing.py": "class Router:\n    pass\n",
    "app/a.py": "from app.core import Router\nfrom app.util import helper\n",
    "app/b.py": "import app.core\nfrom app.util import helper\n\nROUTER = app.core.Router\n",
    "app/c.py": "from app.core.routing import Router\nfrom app.util import helper\n",
    "app/d.py": "from app import util\n\nutil.helper()\n",
    "app/e.py": "from app.util import helper as h, Router as R\n",
}


def test_the_home_is_where_the_class_is_imported_from_not_the_most_imported_module() -> None:
    proposals = proposed(EVIDENCE)
    (router,) = proposals.suggestions
    assert [(c.module, [str(i) for i in c.importers]) for c in router.candidates] == [
        ("app.core.routing", ["app.a via app.core", "app.b via app.core", "app.c", "app.core"]),
        ("app.util", ["app.e"]),
    ]


def test_attribute_uses_count_for_the_module_they_name() -> None:
    files = {
        "app/__init__.py": "",
        "app/one.py": "class Thing:\n    pass\n",
        "app/two.py": "class Thing:\n    pass\n",
        "app/x.py": "import app.two\n\napp.two.Thing()\n",
        "app/y.py": "from app import two as second\n\nsecond.Thing()\n",
        "app/z.py": "import app.one\n\napp.one.other()\n",  # the module, not Thing
    }
    (thing,) = proposed(files).suggestions
    assert [(c.module, [str(i) for i in c.importers]) for c in thing.candidates] == [
        ("app.two", ["app.x", "app.y"]),
        ("app.one", []),
    ]


def test_star_reexports_count_unless_two_sources_provide_the_name() -> None:
    files = {
        "app/__init__.py": "",
        "app/star/__init__.py": "from .impl import *\nfrom .other import *\n",
        "app/star/impl.py": "class Widget:\n    pass\n",
        "app/star/other.py": "def unrelated():\n    pass\n",
        "app/widgets.py": "class Widget:\n    pass\n",
        "app/i.py": "from app.star import Widget\n",
        "app/j.py": "import app.star\n\napp.star.Widget()\n",
        "app/k.py": "from app.widgets import Widget\n",
        # An import fallback is no re-export: the name is the one the try body imports.
        "app/conf/__init__.py": "try:\n    from .fast import Parser\nexcept ImportError:\n    from .slow import Parser\n",
        "app/conf/fast.py": "class Parser:\n    pass\n",
        "app/conf/slow.py": "class Parser:\n    pass\n",
        "app/m.py": "from app.conf import Parser\n",
        # Platform alternates re-exported under one name: importing the name is evidence for neither.
        "app/loop/__init__.py": "import sys\nif sys.platform == 'win32':\n    from .win import *\nelse:\n    from .unix import *\n",
        "app/loop/win.py": "class EventLoop:\n    pass\n",
        "app/loop/unix.py": "class EventLoop:\n    pass\n",
        "app/l.py": "from app.loop import EventLoop\n",
    }
    proposals = proposed(files)
    assert homes(proposals) == {"Widget": "app.star.impl", "Parser": "app.conf.fast"}
    widget = next(item for item in proposals.suggestions if item.name == "Widget")
    assert [str(i) for i in widget.candidates[0].importers] == ["app.i via app.star", "app.j via app.star"]
    parser = next(item for item in proposals.suggestions if item.name == "Parser")
    assert [(c.module, [str(i) for i in c.importers]) for c in parser.candidates] == [
        ("app.conf.fast", ["app.conf", "app.m via app.conf"]),
        ("app.conf.slow", ["app.conf"]),
    ]
    assert [item.name for item in proposals.unimported] == ["EventLoop"]


def test_suggestions_are_ranked_by_the_evidence_for_their_home() -> None:
    files = {"app/__init__.py": ""}
    for name, count in (("Few", 1), ("Many", 3), ("Some", 2), ("Also", 2)):
        files[f"app/{name.lower()}_a.py"] = f"class {name}:\n    pass\n"
        files[f"app/{name.lower()}_b.py"] = f"class {name}:\n    pass\n"
        for index in range(count):
            files[f"app/use_{name.lower()}_{index}.py"] = f"from app.{name.lower()}_b import {name}\n"
    proposals = proposed(files)
    assert [(item.name, item.evidence) for item in proposals.suggestions] == [
        ("Many", 3),
        ("Also", 2),
        ("Some", 2),
        ("Few", 1),
    ]
    assert set(homes(proposals).values()) == {"app.many_b", "app.also_b", "app.some_b", "app.few_b"}


# --------------------------------------------------------------------------------------------
# Aliases

ALIASES = {
    "app/__init__.py": "",
    "app/ws/__init__.py": "",
    "app/ws/manager.py": "class Manager:\n    pass\n\n\nUnifiedManager = Manager\nConnectionManager = Manager\n",
    "app/ws/unified.py": "class UnifiedManager:\n    pass\n",
    "app/compat.py": "from app.ws import manager\n\nConnectionManager = manager.Manager\nManager = manager.Manager\n",
    "app/e.py": "from app.ws.manager import UnifiedManager\n",
    "app/f.py": "from app.ws import manager\n\nmanager.UnifiedManager()\n",
    "app/g.py": "from app.ws.unified import UnifiedManager\n",
    "app/h.py": "from app.compat import ConnectionManager\n",
}


def test_an_alias_is_a_definition_and_can_be_the_home() -> None:
    proposals = proposed(ALIASES)
    (unified,) = proposals.suggestions
    assert [c.describe() for c in unified.candidates] == [
        "app.ws.manager (alias of app.ws.manager.Manager, line 5): imported by 2: app.e, app.f",
        "app.ws.unified (class, line 1): imported by 1: app.g",
    ]
    # Two aliases of one class are one object: ConnectionManager is no duplicate. ``Manager =
    # manager.Manager`` re-exports the name and defines nothing.
    assert proposals.left_out == {suggest.SAME_OBJECT: 1}
    assert proposals.unimported == []


# --------------------------------------------------------------------------------------------
# Exclusions

EXCLUDED = {
    "app/__init__.py": "",
    "app/legacy/__init__.py": "",
    # Enums, by base name, also through a project enum base.
    "app/status.py": "import enum\n\n\nclass Status(enum.Enum):\n    A = 1\n",
    "app/legacy/status.py": "from enum import IntEnum\n\n\nclass Status(IntEnum):\n    A = 1\n",
    "app/flags.py": "from enum import Flag as F\n\n\nclass Perm(F):\n    R = 1\n",
    "app/legacy/flags.py": "import enum\n\n\nclass Perm(enum.StrEnum):\n    R = 'r'\n",
    "app/kinds.py": "from enum import Enum\n\n\nclass BaseKind(str, Enum):\n    pass\n\n\nclass Kind(BaseKind):\n    X = 'x'\n",
    "app/legacy/kinds.py": "from app.kinds import BaseKind\n\n\nclass Kind(BaseKind):\n    X = 'x'\n",
    "app/uses_enums.py": "from app.status import Status\nfrom app.flags import Perm\nfrom app.kinds import Kind\n",
    # Test doubles: by name, by base, by module.
    "app/store.py": "class Store:\n    pass\n\n\nclass MockStore:\n    pass\n\n\nclass Client:\n    pass\n",
    "app/mocking.py": "from unittest import mock\n\n\nclass MockStore:\n    pass\n\n\nclass Store(mock.MagicMock):\n    pass\n",
    "app/fakes/__init__.py": "",
    "app/fakes/clients.py": "class Client:\n    pass\n",
    "app/check.py": "import unittest\n\n\nclass Checks(unittest.TestCase):\n    pass\n",
    "app/legacy/check.py": "class Checks:\n    pass\n",
    "app/uses_doubles.py": "from app.store import Store, MockStore, Client\nfrom app.check import Checks\n",
    # Fallbacks.
    "app/cond.py": "try:\n    from fast import Handler\nexcept ImportError:\n    class Handler:\n        pass\n",
    "app/handlers.py": "class Handler:\n    pass\n",
    "app/uses_handler.py": "from app.handlers import Handler\n",
    # Subclasses of the other definition, directly or not.
    "app/base.py": "class Codec:\n    pass\n\n\nclass BufferedCodec(Codec):\n    pass\n",
    "app/codec_x.py": "from app import base\n\n\nclass Codec(base.Codec):\n    pass\n",
    "app/codec_y.py": "from app.base import BufferedCodec\n\n\nclass Codec(BufferedCodec):\n    pass\n",
    "app/uses_codec.py": "from app.base import Codec\n",
    # Private names.
    "app/p1.py": "class _Impl:\n    pass\n",
    "app/p2.py": "class _Impl:\n    pass\n",
    "app/uses_private.py": "from app.p1 import _Impl\n",
    # Test files.
    "tests/test_x.py": "class Handler:\n    pass\n\n\nclass OnlyHere:\n    pass\n",
    "tests/conftest.py": "class OnlyHere:\n    pass\n",
}


def test_enums_doubles_fallbacks_subclasses_and_private_names_are_left_out() -> None:
    proposals = proposed(EXCLUDED)
    assert proposals.suggestions == [] and proposals.unimported == []
    assert proposals.left_out == {
        suggest.ENUM: 3,  # Status, Perm, Kind
        suggest.DOUBLE: 4,  # MockStore, Store, Client, Checks
        suggest.FALLBACK: 1,  # Handler
        suggest.EXTENDS: 1,  # Codec
        suggest.PRIVATE: 1,  # _Impl
    }


def test_with_tests_included_names_defined_only_in_tests_are_left_out_too() -> None:
    proposals = proposed(EXCLUDED, include_tests=True)
    assert proposals.left_out[suggest.TESTS_ONLY] == 1  # OnlyHere
    assert proposals.left_out[suggest.FALLBACK] == 1  # Handler: tests/test_x.py is no candidate either


def test_the_same_names_without_the_reasons_are_proposed() -> None:
    """Each exclusion is what leaves the name out: the plain twins of the same tree are proposed."""
    plain = {
        path: text.replace("(enum.Enum)", "")
        .replace("(IntEnum)", "")
        .replace("(F)", "")
        .replace("(enum.StrEnum)", "")
        .replace("(str, Enum)", "")
        .replace("(mock.MagicMock)", "")
        .replace("(unittest.TestCase)", "")
        .replace("except ImportError", "except ValueError")
        .replace("(base.Codec)", "")
        .replace("(BufferedCodec)", "")
        .replace("MockStore", "StoreDouble")
        .replace("_Impl", "Impl")
        for path, text in EXCLUDED.items()
        if not path.startswith("app/fakes/")
    }
    plain["app/clients.py"] = "class Client:\n    pass\n"
    assert homes(proposed(plain)) == {
        "Status": "app.status",
        "Perm": "app.flags",
        "Kind": "app.kinds",
        "Store": "app.store",
        "StoreDouble": "app.store",
        "Client": "app.store",
        "Checks": "app.check",
        "Handler": "app.handlers",
        "Codec": "app.base",
        "Impl": "app.p1",
    }


@pytest.mark.parametrize(
    "name, double",
    [
        ("MockLLMManager", True),
        ("FakeRedis", True),
        ("WebSocketStub", True),
        ("DummyHandler", True),
        ("AsyncMock", True),
        ("HTTPSpy", True),
        ("Mocker", False),
        ("Stubborn", False),
        ("Spyglass", False),
        ("Hammock", False),
        ("TestClient", False),
    ],
)
def test_double_names(name: str, double: bool) -> None:
    assert suggest.is_double(name) is double


@pytest.mark.parametrize(
    "module, support",
    [
        ("app.testing.clients", True),
        ("app.mocks", True),
        ("test_framework.ssot.base", True),
        ("idlelib.idle_test.mock_tk", True),
        ("app.integration_tests.x", True),
        ("app.services.mock_llm", True),
        ("app.fake_redis", True),
        ("app.test", True),
        ("app.unittest_helpers", False),
        ("app.testimonials", False),
        ("app.latest", False),
        ("app.contest", False),
        ("app.mockingbird", False),
    ],
)
def test_test_support_modules(module: str, support: bool) -> None:
    assert suggest.is_test_support(module) is support


# --------------------------------------------------------------------------------------------
# Rendering and --top

RENDERED = {
    "app/__init__.py": "",
    "app/a.py": "class Token:\n    pass\n\n\nclass Widget:\n    pass\n",
    "app/bb.py": "class Token:\n    pass\n\n\nclass Widget:\n    pass\n\n\nclass Shared:\n    pass\n",
    "app/cc.py": "class Shared:\n    pass\n",
    "app/status.py": "from enum import Enum\n\n\nclass Mode(Enum):\n    A = 1\n",
    "app/mode.py": "class Mode:\n    pass\n",
    "app/u1.py": "from app.bb import Token, Widget\n",
    "app/u2.py": "from app.a import Token\nfrom app.bb import Widget\n",
    "app/u3.py": "from app import bb\n\nbb.Widget()\n",
    "app/u4.py": "from app.a import Widget\n",
    "app/u5.py": "import app.bb\n\napp.bb.Widget()\n",
}


def test_the_block_names_the_evidence_for_each_candidate() -> None:
    assert suggest.render(proposed(RENDERED)) == textwrap.dedent(
        """\
        # Proposed by 'flake8-ssot duplicates --suggest': for each class name defined in several
        # modules, the module the rest of the project imports it from ('from m import Name', 'm.Name',
        # through re-exports), most imported first. Review, then paste into the [flake8] section (or
        # translate to [tool.flake8-ssot.canonical-classes]).
        # Class names left out:
        #   enums: 1
        #   imported from none of the modules defining them: 1 (listed at the end)
        ssot-canonical-classes =
            # Widget: defined in 2 modules
            #   app.bb (class, line 5): imported by 4: app.u1, app.u2, app.u3 and 1 more
            #   app.a (class, line 5): imported by 1: app.u4
            Widget = app.bb
            # Token: defined in 2 modules
            #   app.a (class, line 1): imported by 1: app.u2
            #   app.bb (class, line 1): imported by 1: app.u1
            #   tied: the shorter module name decides; review
            Token = app.a
        # Imported from none of the modules defining them (no proposal):
        #   Shared: app.bb, app.cc
        """
    )


def test_top_keeps_the_best_supported_proposals() -> None:
    rendered = suggest.render(proposed(RENDERED), top=1)
    assert rendered.splitlines()[4:] == [
        "# Class names left out:",
        "#   enums: 1",
        "#   imported from none of the modules defining them: 1",
        "#   less evidence than the top 1: 1",
        "ssot-canonical-classes =",
        "    # Widget: defined in 2 modules",
        "    #   app.bb (class, line 5): imported by 4: app.u1, app.u2, app.u3 and 1 more",
        "    #   app.a (class, line 5): imported by 1: app.u4",
        "    Widget = app.bb",
    ]


def test_many_candidates_are_summarised() -> None:
    files = {"app/__init__.py": "", "app/use.py": "from app.m0 import Codec\nfrom app.m6 import Codec as C6\n"}
    for index in range(8):
        files[f"app/m{index}.py"] = "class Codec:\n    pass\n"
    lines = suggest.render(proposed(files)).splitlines()
    assert lines[lines.index("ssot-canonical-classes =") + 1 :] == [
        "    # Codec: defined in 8 modules",
        "    #   app.m0 (class, line 1): imported by 1: app.use",
        "    #   app.m6 (class, line 1): imported by 1: app.use",
        "    #   app.m1 (class, line 1): imported by none",
        "    #   app.m2 (class, line 1): imported by none",
        "    #   app.m3 (class, line 1): imported by none",
        "    #   and 3 more modules, 0 of them imported from",
        "    #   tied: the shorter module name decides; review",
        "    Codec = app.m0",
    ]


def test_nothing_to_propose_still_loads_as_an_empty_registry(tmp_path: Path) -> None:
    rendered = suggest.render(proposed({"app/__init__.py": "", "app/a.py": "class A:\n    pass\n", "app/b.py": "class A:\n    pass\n"}))
    assert rendered.splitlines()[-4:] == [
        "#   imported from none of the modules defining them: 1 (listed at the end)",
        "# Nothing to propose: no class name defined in several modules is imported from any of them.",
        "# Imported from none of the modules defining them (no proposal):",
        "#   A: app.a, app.b",
    ]
    (tmp_path / "setup.cfg").write_text("[flake8]\n" + rendered, encoding="utf-8")
    assert load_registry(ConfigRequest(cwd=str(tmp_path))) == Registry()


# --------------------------------------------------------------------------------------------
# The command


def test_the_command_prints_the_same_block_and_caches_the_facts(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("[flake8]\n", encoding="utf-8")
    for path, text in RENDERED.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    expected = suggest.render(proposed(RENDERED), top=1)
    command = [sys.executable, "-m", "flake8_ssot", "duplicates", "--suggest", "--top", "1"]
    first = subprocess.run(command, cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert (first.returncode, first.stderr, first.stdout) == (0, "", expected)
    again = subprocess.run(command + ["-v"], cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert (again.returncode, again.stdout) == (0, expected)
    assert " parsed=0 cache-hits=11 " in again.stderr
    bad = subprocess.run(command[:-1] + ["0"], cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--top" in bad.stderr


# --------------------------------------------------------------------------------------------
# README "Suggesting canonical homes": its example block is this project's real output.

README_PROJECT = {
    "app/__init__.py": "",
    "app/websocket_core/__init__.py": "from .handlers import UserMessageHandler\n",
    "app/websocket_core/handlers.py": "class UserMessageHandler:\n    pass\n",
    "app/websocket_core/manager.py": "class WebSocketManager:\n    pass\n\n\nUnifiedWebSocketManager = WebSocketManager\n",
    "app/websocket_core/unified_manager.py": "class UnifiedWebSocketManager:\n    pass\n",
    "app/services/__init__.py": "",
    "app/services/websocket/__init__.py": "",
    "app/services/websocket/message_handler.py": "class UserMessageHandler:\n    pass\n",
    "app/models.py": "import enum\n\n\nclass Status(enum.Enum):\n    ACTIVE = 1\n",
    "app/legacy_models.py": "import enum\n\n\nclass Status(enum.Enum):\n    ACTIVE = 1\n",
    "app/testing/__init__.py": "",
    "app/testing/fakes.py": "class WebSocketManager:\n    pass\n",
    "app/cache.py": "try:\n    from redis import Redis\nexcept ImportError:\n    class Redis:\n        pass\n",
    "app/redis_client.py": "class Redis:\n    pass\n",
    "app/api/__init__.py": "",
    "app/api/chat.py": "from app.websocket_core import UserMessageHandler\nfrom app.models import Status\n",
    "app/api/admin.py": "from app.websocket_core.handlers import UserMessageHandler\n",
    "app/api/legacy.py": "from app.services.websocket import message_handler\n\nmessage_handler.UserMessageHandler()\n",
    "app/api/socket.py": "from app.websocket_core.manager import UnifiedWebSocketManager\n",
    "app/api/old_socket.py": "from app.websocket_core.unified_manager import UnifiedWebSocketManager\n",
    "app/api/status.py": "from app.websocket_core import manager\n\nmanager.UnifiedWebSocketManager()\n",
}


def test_readme_example_is_the_real_output() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Suggesting canonical homes", 1)[1].split("\n## ", 1)[0]
    block = section.split("```ini\n", 1)[1].split("```", 1)[0]
    assert block == suggest.render(proposed(README_PROJECT))
