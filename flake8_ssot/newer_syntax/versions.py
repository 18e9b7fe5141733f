"""Which Python a file needs, read from the constructs LibCST finds in it.

LibCST's native parser reads the grammar of newer Pythons than the one running (which grammar
depends on the LibCST release: README "Robustness").  It runs in a child process, and only for
a file that did not parse: a run whose files all parse never starts it, and a file that makes
it crash (it overflows its stack on a few thousand nested brackets) costs only the answer.
Without LibCST, nothing is found.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any, List, Optional, Tuple

Version = Tuple[int, int]
# A child that has not answered by then is given up (the file is reported with its syntax error).
TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Construct:
    """A piece of syntax that Python ``version`` introduced, at ``line``."""

    version: Version
    line: int
    name: str


def constructs(text: str) -> List[Construct]:
    """The constructs of ``text`` newer than Python 3.9, in source order; [] when LibCST is not
    installed or cannot read ``text``."""
    try:
        version("libcst")  # installed? (the distribution's metadata: nothing is imported)
    except PackageNotFoundError:
        return []
    package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, (package_parent, environment.get("PYTHONPATH"))))
    try:
        child = subprocess.run(
            [sys.executable, "-m", __name__],
            input=text.encode("utf-8"),
            capture_output=True,
            env=environment,
            timeout=TIMEOUT_SECONDS,
        )
        if child.returncode != 0:
            return []
        return [Construct((major, minor), line, name) for major, minor, line, name in json.loads(child.stdout)]
    except (OSError, subprocess.SubprocessError, ValueError, TypeError):
        return []


def read(text: str) -> List[Construct]:
    """:func:`constructs`, in this process (the child's side)."""
    import libcst
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        wrapper = MetadataWrapper(libcst.parse_module(text), unsafe_skip_copy=True)
        positions = wrapper.resolve(PositionProvider)
    except Exception:  # noqa: BLE001 - LibCST cannot read it either: nothing to say
        return []
    found: List[Construct] = []
    for node, position in positions.items():
        named = _classify(libcst, node)
        if named is not None:
            found.append(Construct(named[0], position.start.line, named[1]))
    return sorted(found, key=lambda construct: (construct.line, construct.version))


def _classify(libcst: Any, node: Any) -> Optional[Tuple[Version, str]]:
    kind = type(node).__name__
    if kind == "Match":
        return (3, 10), "a match statement"
    if kind == "TryStar":
        return (3, 11), "an except* clause"
    if kind == "Index" and getattr(node, "star", None) == "*":
        return (3, 11), "a starred subscript"
    if kind == "Annotation" and isinstance(node.annotation, libcst.StarredElement):
        return (3, 11), "a starred annotation"
    if kind == "TypeAlias":
        return (3, 12), "a type alias statement"
    if kind == "TypeParameters":
        return (3, 12), "type parameters"
    if kind == "TypeParam" and getattr(node, "default", None) is not None:
        return (3, 13), "a type parameter default"
    if kind == "TemplatedString":
        return (3, 14), "a template string"
    if kind in ("ExceptHandler", "ExceptStarHandler"):
        caught = node.type
        if isinstance(caught, libcst.Tuple) and not caught.lpar:
            return (3, 14), "an except clause naming exceptions without parentheses"
    return None


if __name__ == "__main__":
    found = read(sys.stdin.buffer.read().decode("utf-8"))
    json.dump([[*construct.version, construct.line, construct.name] for construct in found], sys.stdout)
