"""Which module a file is: derived from its path and the configured source roots.

The flake8 filename is the display name (``--stdin-display-name``) when linting a buffer, so an
editor buffer gets the identity of the file it will be saved as.  ``stdin`` without a display name
has no identity, and rules that need one stay silent rather than guess.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import MutableMapping, Optional, Sequence, Tuple

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


def identify(
    filename: str,
    source_roots: Optional[Sequence[str]] = None,
    packages: Optional[MutableMapping[str, Tuple[str, ...]]] = None,
) -> ModuleIdentity:
    """The module identity of ``filename`` (as flake8 passes it).

    ``packages`` remembers, per directory, the package it is: a caller checking many files in one
    run (the command) passes one dict, so each directory's ``__init__.py`` chain is looked up once.
    """
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
    return _from_packages(directory, stem, is_package, packages)


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


def _from_packages(
    directory: str, stem: str, is_package: bool, packages: Optional[MutableMapping[str, Tuple[str, ...]]] = None
) -> ModuleIdentity:
    """Climb while the directory is a package (has ``__init__.py``): ``src/`` layouts work."""
    parts = list(_package_parts(directory, {} if packages is None else packages))
    if not is_package:
        parts.append(stem)
    return _dotted(parts, is_package)


def _package_parts(directory: str, known: MutableMapping[str, Tuple[str, ...]]) -> Tuple[str, ...]:
    """The dotted parts ``directory`` stands for (empty when it is no package), iteratively."""
    climbed = []  # package directories, deepest first
    base: Tuple[str, ...] = ()
    while True:
        found = known.get(directory)
        if found is not None:
            base = found
            break
        name = os.path.basename(directory)
        if not is_identifier(name) or not os.path.isfile(os.path.join(directory, "__init__.py")):
            known[directory] = ()
            break
        climbed.append(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    parts = base
    for package in reversed(climbed):
        parts = parts + (os.path.basename(package),)
        known[package] = parts
    return parts
