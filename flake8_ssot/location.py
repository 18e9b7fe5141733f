"""Which module a file is: derived from its path and the configured source roots.

The flake8 filename is the display name (``--stdin-display-name``) when linting a buffer, so an
editor buffer gets the identity of the file it will be saved as.  ``stdin`` without a display name
has no identity, and rules that need one stay silent rather than guess.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional, Sequence

from flake8_ssot.names import is_identifier

_UNNAMED = {"stdin", "-", ""}
_SOURCE_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class ModuleIdentity:
    """The dotted module name of the checked file.

    ``known`` is False only when the file has no name at all (stdin).  A known file may still
    have ``name`` None: a script such as ``bin/run-me.py`` is no importable module.
    """

    name: Optional[str]
    is_package: bool = False
    known: bool = True

    @property
    def package(self) -> Optional[str]:
        """The package relative imports resolve against."""
        if self.name is None:
            return None
        if self.is_package:
            return self.name
        return self.name.rpartition(".")[0]


UNKNOWN = ModuleIdentity(name=None, known=False)


def identify(filename: str, source_roots: Optional[Sequence[str]] = None) -> ModuleIdentity:
    """The module identity of ``filename`` (as flake8 passes it)."""
    if filename in _UNNAMED:
        return UNKNOWN
    path = os.path.abspath(filename)
    stem, suffix = os.path.splitext(os.path.basename(path))
    if suffix not in _SOURCE_SUFFIXES:
        stem = os.path.basename(path)
    is_package = stem == "__init__"
    directory = os.path.dirname(path)
    if source_roots:
        identity = _from_roots(directory, stem, is_package, source_roots)
        if identity is not None:
            return identity
    return _from_packages(directory, stem, is_package)


def _dotted(parts: Sequence[str], is_package: bool) -> ModuleIdentity:
    if not parts or not all(is_identifier(part) for part in parts):
        return ModuleIdentity(name=None)
    return ModuleIdentity(name=".".join(parts), is_package=is_package)


def _from_roots(directory: str, stem: str, is_package: bool, source_roots: Sequence[str]) -> Optional[ModuleIdentity]:
    best: Optional[str] = None
    for root in source_roots:
        if directory == root or directory.startswith(root.rstrip(os.sep) + os.sep):
            if best is None or len(root) > len(best):
                best = root
    if best is None:
        return None
    relative = os.path.relpath(directory, best)
    parts = [] if relative == os.curdir else relative.split(os.sep)
    if not is_package:
        parts.append(stem)
    return _dotted(parts, is_package)


def _from_packages(directory: str, stem: str, is_package: bool) -> ModuleIdentity:
    """Climb while the directory is a package (has ``__init__.py``): ``src/`` layouts work."""
    parts = [] if is_package else [stem]
    while True:
        name = os.path.basename(directory)
        if not is_identifier(name) or not os.path.isfile(os.path.join(directory, "__init__.py")):
            break
        parts.insert(0, name)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return _dotted(parts, is_package)
