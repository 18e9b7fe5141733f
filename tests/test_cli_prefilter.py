"""The text prefilter is lossless: skipping files that cannot report changes no finding.

Checked on the tricky spellings (NFKC identifiers, implicitly concatenated strings, escapes) and
on a bounded, deterministic sample of the CPython standard library with a registry that bans
some of its modules and names.
"""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from flake8_ssot.project.analyse import analyse_text
from flake8_ssot.project.source import decode, read_bytes
from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.engine import Engine
from flake8_ssot.findings import Finding
from flake8_ssot.location import identify
from flake8_ssot.registry import Registry

FIXTURE_CFG = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core
ssot-forbidden-names =
    app.models.OldThing = app.models.Thing
ssot-canonical-classes =
    Handler = app.core
ssot-legacy-parameters =
    *Handler = supervisor
"""
FIXTURE: Dict[str, str] = {
    "app/__init__.py": "",
    "app/nfkc_import.py": "import ａｐｐ.ｌｅｇａｃｙ\n",
    "app/nfkc_from.py": "from app import ｌｅｇａｃｙ as l\n",
    "app/nfkc_class.py": "class Ｈａｎｄｌｅｒ:\n    pass\n",
    "app/nfkc_param.py": "class OrderHandler:\n    def __init__(self, ｓｕｐｅｒｖｉｓｏｒ):\n        pass\n",
    "app/nfkc_name.py": "from app.models import ＯｌｄＴｈｉｎｇ\n",
    "app/concat_patch.py": 'from unittest import mock\n\n\n@mock.patch("app.leg" "acy.Thing")\ndef t(m):\n    pass\n',
    "app/concat_import.py": 'import importlib\n\nimportlib.import_module("app."\n                        "leg" "acy")\n',
    "app/concat_plus.py": 'import sys\n\nsys.modules["app.le" + "gacy"] = None\n',
    "app/escape.py": 'import importlib\n\nimportlib.import_module("app.\\x6cegacy")\n',
    "app/fstring.py": 'from unittest import mock\n\nmock.patch(f"app.models.Old" f"Thing")\n',
    "app/call.py": "from app.core import OrderHandler\n\nOrderHandler(supervisor=1)\n",
    "app/clean.py": "import os\n\n\nclass Other:\n    pass\n",
    "app/nonascii_clean.py": "# café\nvalue = 'naïve'\n",
}


def findings_both_ways(engine: Engine, path: str, registry: Registry) -> Tuple[List[Finding], List[Finding], bool]:
    text = decode(read_bytes(path))
    identity = identify(path, registry.source_roots)
    fast = analyse_text(engine, text, path, identity, prefilter=True)
    full = analyse_text(engine, text, path, identity, prefilter=False)
    return sorted(fast.findings), sorted(full.findings), bool(engine.select(text))


def test_prefilter_is_lossless_on_tricky_spellings(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text(FIXTURE_CFG, encoding="utf-8")
    for name, text in FIXTURE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    registry = load_registry(ConfigRequest(cwd=str(tmp_path)))
    engine = Engine(registry)
    reported = {}
    for name in FIXTURE:
        fast, full, _ = findings_both_ways(engine, str(tmp_path / name), registry)
        assert fast == full, name
        reported[name] = sorted({finding.code for finding in full})
    assert reported == {
        "app/__init__.py": [],
        "app/nfkc_import.py": ["SOT101"],
        "app/nfkc_from.py": ["SOT101"],
        "app/nfkc_class.py": ["SOT301"],
        "app/nfkc_param.py": ["SOT201"],
        "app/nfkc_name.py": ["SOT102"],
        "app/concat_patch.py": ["SOT103"],
        "app/concat_import.py": ["SOT103"],
        "app/concat_plus.py": ["SOT103"],
        "app/escape.py": ["SOT103"],
        "app/fstring.py": ["SOT103"],
        "app/call.py": ["SOT202"],
        "app/clean.py": [],
        "app/nonascii_clean.py": [],
    }


STDLIB = sysconfig.get_paths()["stdlib"]
# Cross-file resolution, where present, is switched off: this test is about the text prefilter
# of the per-file rules, and a sample this size stays fast.
HAS_RESOLUTION = hasattr(Registry(), "resolve")
STDLIB_CFG = f"""\
[flake8]
ssot-source-roots = {STDLIB}
ssot-forbidden-modules =
    asyncio.events = asyncio.runners
    email.*.text = email.message ; use EmailMessage
    optparse = argparse
ssot-forbidden-names =
    collections.OrderedDict = builtins.dict
ssot-canonical-classes =
    Handler = logging.handlers
ssot-legacy-parameters =
    *Handler = stream
""" + ("ssot-resolve = false\n" if HAS_RESOLUTION else "")
SAMPLE_DIRECTORIES = ("asyncio", "email", "collections", "logging", "unittest")
SAMPLE_EVERY = 3
SAMPLE_LIMIT = 600


def stdlib_sample() -> List[str]:
    chosen: List[str] = []
    others: List[str] = []
    for directory, subdirectories, files in os.walk(STDLIB):
        subdirectories[:] = sorted(d for d in subdirectories if d not in ("site-packages", "test", "tests", "idlelib"))
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(directory, name)
            relative = os.path.relpath(path, STDLIB)
            (chosen if relative.split(os.sep)[0] in SAMPLE_DIRECTORIES else others).append(path)
    return (chosen + others[::SAMPLE_EVERY])[:SAMPLE_LIMIT]


@pytest.mark.slow
def test_prefilter_is_lossless_on_the_standard_library(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text(STDLIB_CFG, encoding="utf-8")
    registry = load_registry(ConfigRequest(cwd=str(tmp_path)))
    engine = Engine(registry)
    sample = stdlib_sample()
    assert len(sample) >= 200
    skipped = with_findings = 0
    codes = set()
    for path in sample:
        fast, full, might = findings_both_ways(engine, path, registry)
        assert fast == full, path
        assert might or not full, path
        skipped += not might
        with_findings += bool(full)
        codes.update(finding.code for finding in full)
    # The sample exercises both sides: files the prefilter skips, and files with findings.
    assert skipped >= 50 and with_findings >= 10
    # Which codes the sample yields depends on the Python version's standard library.
    assert {"SOT101", "SOT301"} <= codes and len(codes) >= 4, codes
