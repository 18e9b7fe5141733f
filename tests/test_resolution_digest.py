"""A module's digest is built from its text with every function body blanked out (astroid then
builds a fraction of the tree): the digest must be exactly the one the whole text gives."""

from __future__ import annotations

import os
import warnings
from typing import List, Optional, Tuple

import pytest

from flake8_ssot.resolution import astroid_backend
from flake8_ssot.resolution.astroid_backend import summarise_source, without_function_bodies
from flake8_ssot.resolution.model import ModuleSummary
from ssot_testing import read_python_source, stdlib_files

SOURCE = '''\
import os
@decorator
def f(a,
      b=1):
    """doc
    string"""
    if a:
        return b
class C(Base):
    def __init__(self, supervisor, db): self.s = supervisor
    def g(self):
        @wraps(self)
        def inner():
            pass
        return inner
    async def h(self):
        x = 1; y = 2
if os.name:
    def z(): return 1
X = 1
'''

BLANKED = '''\
import os
@decorator
def f(a,
      b=1):
    pass



class C(Base):
    def __init__(self, supervisor, db): self.s = supervisor
    def g(self):
        pass



    async def h(self):
        pass
if os.name:
    def z(): return 1
X = 1
'''


def test_function_bodies_become_pass_and_blank_lines():
    assert without_function_bodies(SOURCE) == BLANKED


def test_windows_line_ends_are_blanked_too_and_lone_carriage_returns_left_alone():
    windows = "def f():\r\n    return 1\r\nX = 1\r\n"
    assert without_function_bodies(windows) == "def f():\r\n    pass\nX = 1\r\n"
    old_mac = "def f():\r    return 1\rX = 1\r"
    assert without_function_bodies(old_mac) == old_mac


def test_text_that_does_not_parse_raises():
    with pytest.raises(SyntaxError):
        without_function_bodies("def f(:\n    pass\n")


def _fields(summary: Optional[ModuleSummary]) -> Optional[Tuple[object, ...]]:
    if summary is None:
        return None
    return (summary.name, summary.is_package, summary.events, summary.exports, summary.has_getattr)


def _whole(source: str, modname: str, is_package: bool) -> Optional[ModuleSummary]:
    """The digest of the text as it is (no blanking)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # as summarise_source does
            module = astroid_backend._get_builder().string_build(source, modname)
    except Exception:  # noqa: BLE001 - what summarise_source turns into None
        return None
    astroid_backend._forget(module)
    return astroid_backend._Digest(modname, is_package).summary(module)


def test_the_digest_reads_the_same_as_the_whole_text():
    whole = _whole(SOURCE, "pkg.mod", False)
    assert whole is not None and [event.name for event in whole.events] == ["os", "f", "C", "z", "X"]
    assert _fields(summarise_source(SOURCE, "pkg.mod", False)) == _fields(whole)


def _compare_on(paths: List[str]) -> int:
    compared = 0
    for path in paths:
        source = read_python_source(path)
        if source is None:
            continue
        is_package = os.path.basename(path) == "__init__.py"
        whole = _whole(source, "stdlib_module", is_package)
        assert _fields(summarise_source(source, "stdlib_module", is_package)) == _fields(whole), path
        compared += whole is not None
    return compared


def test_digests_match_on_a_standard_library_sample():
    assert _compare_on(stdlib_files(every=25)) >= 50


@pytest.mark.slow
def test_digests_match_on_the_whole_standard_library():
    assert _compare_on(stdlib_files(every=1)) >= 1000
