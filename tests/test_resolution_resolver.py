"""The resolver on small projects written to a temporary directory: what each form of re-export
resolves to, and that every bound (cycles, depth, size, broken modules) ends in "not resolved"."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Dict, Optional

import pytest

from flake8_ssot.resolution import resolver as resolver_module
from flake8_ssot.resolution.astroid_backend import summarise_file
from flake8_ssot.resolution.index import MAX_MODULE_BYTES, ModuleIndex, SummaryCache
from flake8_ssot.resolution.model import ABSENT, CLASS, MODULE, UNKNOWN, Target
from flake8_ssot.resolution.resolver import Resolver


def write(root: Path, files: Dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def resolver(root: Path) -> Resolver:
    return Resolver(ModuleIndex([str(root)], SummaryCache(summarise_file)))


def where(outcome) -> Optional[str]:
    """``kind:module.name`` of a target, or the miss."""
    if isinstance(outcome, Target):
        return f"{outcome.kind}:{outcome.qualified}"
    return outcome.value


PACKAGE = {
    "app/__init__.py": "",
    "app/legacy.py": """\
        class Handler:
            def __init__(self, supervisor, factory):
                pass
        def helper():
            pass
        VALUE = 1
        _private = 2
        """,
}


def test_a_definition_resolves_to_itself(tmp_path):
    r = resolver(write(tmp_path, PACKAGE))
    assert where(r.name_in("app.legacy", "Handler")) == "class:app.legacy.Handler"
    assert where(r.name_in("app.legacy", "helper")) == "function:app.legacy.helper"
    assert where(r.name_in("app.legacy", "VALUE")) == "value:app.legacy.VALUE"
    assert r.name_in("app.legacy", "Missing") is ABSENT


def test_from_import_relative_absolute_and_aliased_reexports(tmp_path):
    write(tmp_path, PACKAGE)
    write(
        tmp_path,
        {
            "app/pkg/__init__.py": "from ..legacy import Handler\nfrom app.legacy import helper as make\n",
            "app/top.py": "from .pkg import Handler as H, make\n",
        },
    )
    r = resolver(tmp_path)
    found = r.name_in("app.top", "H")
    assert where(found) == "class:app.legacy.Handler"
    assert isinstance(found, Target)
    assert found.path == (("app.top", "H"), ("app.pkg", "Handler"), ("app.legacy", "Handler"))
    assert where(r.name_in("app.top", "make")) == "function:app.legacy.helper"


def test_assignment_aliases_are_followed_through_modules(tmp_path):
    write(tmp_path, PACKAGE)
    write(tmp_path, {"app/aliases.py": "import app.legacy as lg\nfrom app import legacy\nA = lg.Handler\nB = legacy.Handler\nC = A\n"})
    r = resolver(tmp_path)
    for name in "ABC":
        assert where(r.name_in("app.aliases", name)) == "class:app.legacy.Handler"


def test_module_reexports_and_submodules(tmp_path):
    write(tmp_path, PACKAGE)
    write(tmp_path, {"app/reexport.py": "from . import legacy as old\nimport app.legacy\n"})
    r = resolver(tmp_path)
    assert where(r.name_in("app.reexport", "old")) == "module:app.legacy"
    assert where(r.name_in("app.reexport", "app")) == "module:app"
    assert where(r.name_in("app", "legacy")) == "module:app.legacy"  # a submodule, not a binding
    assert r.name_in("app", "nothing_here") is ABSENT


def test_star_import_without_all_exports_public_names_only(tmp_path):
    write(tmp_path, PACKAGE)
    write(tmp_path, {"app/star.py": "from .legacy import *\n"})
    r = resolver(tmp_path)
    assert where(r.name_in("app.star", "Handler")) == "class:app.legacy.Handler"
    assert r.name_in("app.star", "_private") is ABSENT
    assert r.name_in("app.star", "legacy") is ABSENT  # a star import brings no submodule in


def test_star_import_honours_all_in_every_form(tmp_path):
    write(tmp_path, PACKAGE)
    write(
        tmp_path,
        {
            "app/parts/__init__.py": "",
            "app/parts/one.py": "__all__ = ['One']\nclass One: pass\nclass NotExported: pass\n",
            "app/parts/two.py": "__all__ = ('Two',)\n__all__ += ['Three']\n__all__.append('Four')\n"
            "__all__.extend(['Five'])\nclass Two: pass\nclass Three: pass\nclass Four: pass\nclass Five: pass\n",
            "app/parts/joined.py": "from . import one, two\nfrom .one import *\nfrom .two import *\n"
            "__all__ = one.__all__ + two.__all__ + ['extra']\nextra = 1\n",
            "app/user.py": "from .parts.joined import *\n",
        },
    )
    r = resolver(tmp_path)
    for name, module in [("One", "one"), ("Two", "two"), ("Three", "two"), ("Four", "two"), ("Five", "two")]:
        assert where(r.name_in("app.user", name)) == f"class:app.parts.{module}.{name}"
    assert r.name_in("app.user", "NotExported") is ABSENT
    assert where(r.name_in("app.user", "extra")) == "value:app.parts.joined.extra"


def test_an_all_that_cannot_be_read_leaves_star_names_unresolved(tmp_path):
    write(tmp_path, PACKAGE)
    write(
        tmp_path,
        {"app/dyn.py": "from .legacy import *\n__all__ = [n for n in dir() if n[0] != '_']\n", "app/user.py": "from .dyn import *\n"},
    )
    r = resolver(tmp_path)
    assert r.name_in("app.user", "Handler") is UNKNOWN
    assert r.name_in("app.user", "NoSuchName") is ABSENT


def test_a_later_local_definition_shadows_a_star_import(tmp_path):
    write(tmp_path, PACKAGE)
    write(tmp_path, {"app/shadow.py": "from .legacy import *\nclass Handler: pass\n"})
    assert where(resolver(tmp_path).name_in("app.shadow", "Handler")) == "class:app.shadow.Handler"


def test_a_later_star_import_overrides_an_earlier_definition(tmp_path):
    write(tmp_path, PACKAGE)
    write(tmp_path, {"app/late.py": "class Handler: pass\nfrom .legacy import *\n"})
    assert where(resolver(tmp_path).name_in("app.late", "Handler")) == "class:app.legacy.Handler"


def test_conditional_bindings_must_agree(tmp_path):
    write(tmp_path, PACKAGE)
    write(
        tmp_path,
        {
            "app/new.py": "class Handler: pass\n",
            "app/typing_only.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .legacy import Handler\n",
            "app/fallback.py": "try:\n    from .new import Handler\nexcept ImportError:\n    from .legacy import Handler\n",
            "app/same.py": "try:\n    from .legacy import Handler\nexcept ImportError:\n    from app.legacy import Handler\n",
        },
    )
    r = resolver(tmp_path)
    assert where(r.name_in("app.typing_only", "Handler")) == "class:app.legacy.Handler"
    assert r.name_in("app.fallback", "Handler") is UNKNOWN
    assert where(r.name_in("app.same", "Handler")) == "class:app.legacy.Handler"


def test_bindings_that_cannot_be_followed_are_unknown(tmp_path):
    write(tmp_path, PACKAGE)
    write(
        tmp_path,
        {
            "app/opaque.py": "from .legacy import Handler\nfor Handler in []:\n    pass\n"
            "from .legacy import helper\nhelper += 1\nimport thirdparty\nExternal = thirdparty.Thing\n",
        },
    )
    r = resolver(tmp_path)
    assert r.name_in("app.opaque", "Handler") is UNKNOWN  # rebound by an unconditional loop? conditional
    assert r.name_in("app.opaque", "helper") is UNKNOWN
    assert r.name_in("app.opaque", "External") is UNKNOWN  # thirdparty is not under the roots


def test_module_getattr_makes_missing_names_unknown(tmp_path):
    write(tmp_path, {"lazy/__init__.py": "def __getattr__(name):\n    raise AttributeError(name)\n"})
    r = resolver(tmp_path)
    assert r.name_in("lazy", "Anything") is UNKNOWN


def test_namespace_packages_hold_only_submodules(tmp_path):
    write(tmp_path, {"ns/inner/mod.py": "class Handler: pass\n", "user.py": "from ns.inner.mod import Handler\n"})
    r = resolver(tmp_path)
    assert where(r.name_in("ns", "inner")) == "module:ns.inner"
    assert where(r.name_in("ns.inner", "mod")) == "module:ns.inner.mod"
    assert r.name_in("ns", "Handler") is ABSENT
    assert where(r.name_in("user", "Handler")) == "class:ns.inner.mod.Handler"


def test_modules_outside_the_roots_are_never_looked_up_on_sys_path(tmp_path):
    write(tmp_path, {"user.py": "from json import JSONDecoder\nfrom os import path\n"})
    r = resolver(tmp_path)
    assert "json" in sys.modules or True  # whatever this process has imported does not matter
    assert r.name_in("user", "JSONDecoder") is UNKNOWN
    assert r.name_in("user", "path") is UNKNOWN


@pytest.mark.parametrize(
    "files",
    [
        {"cyc/__init__.py": "", "cyc/a.py": "from .b import X\n", "cyc/b.py": "from .a import X\n"},
        {"cyc/__init__.py": "", "cyc/a.py": "from .b import *\n", "cyc/b.py": "from .a import *\nX = 1\n"},
        {"cyc/__init__.py": "", "cyc/a.py": "X = Y\nY = X\n", "cyc/b.py": "from .a import X\n"},
        {"cyc/__init__.py": "from .a import *\n", "cyc/a.py": "from cyc import *\n", "cyc/b.py": "from cyc import X\n"},
        {"cyc/__init__.py": "", "cyc/a.py": "__all__ = b.__all__\nfrom . import b\n", "cyc/b.py": "__all__ = a.__all__\nfrom . import a\n"},
    ],
    ids=["import-cycle", "star-cycle", "alias-cycle", "package-star-cycle", "all-cycle"],
)
def test_cycles_end_in_unknown_or_a_real_definition(tmp_path, files):
    write(tmp_path, files)
    write(tmp_path, {"user.py": "from cyc.a import *\nfrom cyc.b import X\n"})
    r = resolver(tmp_path)
    for module in ("cyc.a", "cyc.b", "user"):
        outcome = r.name_in(module, "X")
        assert outcome in (UNKNOWN, ABSENT) or where(outcome) == "value:cyc.b.X"


def test_a_chain_deeper_than_the_bound_is_unknown(tmp_path):
    depth = resolver_module.MAX_DEPTH + 5
    files = {"deep/__init__.py": "", "deep/m0.py": "class Handler: pass\n"}
    for level in range(1, depth + 1):
        files[f"deep/m{level}.py"] = f"from .m{level - 1} import Handler\n"
    write(tmp_path, files)
    r = resolver(tmp_path)
    assert where(r.name_in("deep.m10", "Handler")) == "class:deep.m0.Handler"
    assert r.name_in(f"deep.m{depth}", "Handler") is UNKNOWN


def test_a_fan_out_of_star_imports_stops_at_the_step_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(resolver_module, "MAX_STEPS", 30)
    files = {"fan/__init__.py": "", "fan/leaf.py": "class Handler: pass\n"}
    stars = "".join(f"from .m{i} import *\n" for i in range(40))
    for i in range(40):
        files[f"fan/m{i}.py"] = "x = 1\n"
    files["fan/hub.py"] = stars + "from .leaf import *\n"
    write(tmp_path, files)
    r = resolver(tmp_path)
    assert r.name_in("fan.hub", "Handler") is UNKNOWN
    assert where(r.name_in("fan.leaf", "Handler")) == "class:fan.leaf.Handler"  # a fresh question, a fresh budget


def test_broken_huge_and_unparseable_modules_are_unknown(tmp_path):
    files = {
        "bad/__init__.py": "",
        "bad/syntax.py": "class Handler(:\n",
        "bad/nested.py": "x = " + "+".join(["1"] * 30000) + "\nclass Handler: pass\n",
        "bad/encoding.py": "# -*- coding: no-such-codec -*-\nclass Handler: pass\n",
        "bad/huge.py": "class Handler: pass\n" + "#" * (MAX_MODULE_BYTES + 1) + "\n",
        "bad/new_syntax.py": "type Alias = int\ndef generic[T](x: T) -> T:\n    return x\nclass Handler: pass\n",
    }
    write(tmp_path, files)
    r = resolver(tmp_path)
    for module in ("bad.syntax", "bad.encoding", "bad.huge"):
        assert r.name_in(module, "Handler") is UNKNOWN, module
    nested = r.name_in("bad.nested", "Handler")
    assert nested is UNKNOWN or where(nested) == "class:bad.nested.Handler"
    expected_new = "class:bad.new_syntax.Handler" if sys.version_info >= (3, 12) else "unknown"
    assert where(r.name_in("bad.new_syntax", "Handler")) == expected_new


def test_analysed_code_is_never_executed(tmp_path):
    marker = tmp_path / "executed"
    write(
        tmp_path,
        {
            "boom/__init__.py": f"open({str(marker)!r}, 'w').close()\nraise SystemExit(3)\nclass Handler: pass\n",
            "boom/child.py": "from boom import Handler\nimport boom.never_there\n",
        },
    )
    r = resolver(tmp_path)
    assert where(r.name_in("boom.child", "Handler")) == "class:boom.Handler"
    assert not marker.exists()
    assert "boom" not in sys.modules


def test_an_exception_inside_resolution_is_unknown(tmp_path, monkeypatch):
    write(tmp_path, PACKAGE)
    r = resolver(tmp_path)

    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(r, "_compute", explode)
    assert r.name_in("app.legacy", "Handler") is UNKNOWN
    assert r.star("app.legacy", "Handler") is UNKNOWN


# --- inherited __init__ ----------------------------------------------------------------------


def init_of(r: Resolver, module: str, name: str):
    target = r.name_in(module, name)
    assert isinstance(target, Target) and target.kind == CLASS
    found = r.init_of(target, lambda info, text: r.dotted_in(info.module, text))
    if found is None:
        return None
    signature, owner = found
    return signature.positional, owner.qualified


def test_own_and_inherited_init(tmp_path):
    write(
        tmp_path,
        {
            "h/__init__.py": "",
            "h/base.py": "class Base:\n    def __init__(self, supervisor, factory, *, key=None):\n        pass\n",
            "h/mid.py": "from . import base\nclass Mid(base.Base):\n    pass\n",
            "h/leaf.py": "from .mid import Mid\nclass Leaf(Mid):\n    pass\nclass Own(Mid):\n"
            "    def __init__(self, a, /, b):\n        pass\n",
        },
    )
    r = resolver(tmp_path)
    assert init_of(r, "h.leaf", "Leaf") == (("supervisor", "factory"), "h.base.Base")
    assert init_of(r, "h.leaf", "Own") == (("a", "b"), "h.leaf.Own")


def test_diamond_uses_the_c3_order(tmp_path):
    write(
        tmp_path,
        {
            "d.py": """\
                class A:
                    def __init__(self, from_a):
                        pass
                class B(A):
                    pass
                class C(A):
                    def __init__(self, from_c):
                        pass
                class D(B, C):
                    pass
                """
        },
    )
    assert init_of(resolver(tmp_path), "d", "D") == (("from_c",), "d.C")


@pytest.mark.parametrize(
    "source",
    [
        "from dataclasses import dataclass\n@dataclass\nclass Handler(Base):\n    supervisor: object\n",
        "class Handler(Base, metaclass=Meta):\n    pass\n",
        "class Handler(Base):\n    @wraps\n    def __init__(self, a):\n        pass\n",
        "from somewhere import Unknown\nclass Handler(Unknown):\n    pass\n",
        "class Handler(make_base()):\n    pass\n",
        "class Handler:\n    pass\n",
    ],
    ids=["dataclass", "metaclass", "decorated-init", "unresolved-base", "computed-base", "no-init"],
)
def test_an_init_that_cannot_be_read_is_not_mapped(tmp_path, source):
    write(tmp_path, {"m.py": "class Base:\n    def __init__(self, supervisor):\n        pass\n" + source})
    assert init_of(resolver(tmp_path), "m", "Handler") is None


def test_transparent_bases_do_not_hide_an_init(tmp_path):
    write(
        tmp_path,
        {
            "m.py": "from abc import ABC\nfrom typing import Generic, TypeVar\nT = TypeVar('T')\n"
            "class Base(ABC):\n    def __init__(self, supervisor):\n        pass\n"
            "class Handler(Base, Generic[T], object):\n    pass\n"
        },
    )
    assert init_of(resolver(tmp_path), "m", "Handler") == (("supervisor",), "m.Base")


def test_module_targets_are_modules(tmp_path):
    write(tmp_path, PACKAGE)
    found = resolver(tmp_path).name_in("app", "legacy")
    assert isinstance(found, Target) and found.kind == MODULE
