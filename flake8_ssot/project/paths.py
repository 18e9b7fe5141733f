"""File names as text: what the reports, the baseline and the command's messages show.

A reported path never climbs with ``..``, so a report, a baseline or a diff reads the same
wherever the configuration lives.  :class:`Shown` picks the directory a file is shown relative
to; the first that holds the file wins:

1. the directory the command runs in (a path discovered relative to it is shown as discovered,
   ``./app/a.py`` as flake8 shows it);
2. the root of the repository holding the file (the nearest directory above it with a ``.git``
   or ``.hg`` entry), so that ``git apply`` reads a diff from there;
3. the configuration file's directory;
4. none: the absolute path.

Baseline keys (:func:`relative_key`) use the same order with the baseline file's directory in
place of the working directory, so they do not depend on where the command runs.
"""

from __future__ import annotations

import os
from typing import Dict, Iterable, Optional, Tuple

REPOSITORY_MARKERS = (".git", ".hg")


def printable(path: str) -> str:
    """``path`` as text that can be printed and stored: a file name that is not valid UTF-8
    (its bytes arrive as surrogates) shows its bad bytes as ``\\xff`` escapes."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def below(path: str, directory: str) -> Optional[str]:
    """``path`` relative to ``directory`` with ``/`` separators, when it lies below it (both
    absolute and normalised); None otherwise."""
    if path == directory:
        return "."
    prefix = directory if directory.endswith(os.sep) else directory + os.sep
    if not path.startswith(prefix):
        return None
    return path[len(prefix) :].replace(os.sep, "/")


class Repositories:
    """The repository root of a directory: the nearest directory at or above it holding
    ``.git`` (a directory, or a file in a worktree) or ``.hg``.  Looked up once per directory."""

    def __init__(self) -> None:
        self._roots: Dict[str, Optional[str]] = {}

    def root_of(self, directory: str) -> Optional[str]:
        climbed = []
        found: Optional[str] = None
        current = directory
        while True:
            if current in self._roots:
                found = self._roots[current]
                break
            climbed.append(current)
            if any(os.path.lexists(os.path.join(current, marker)) for marker in REPOSITORY_MARKERS):
                found = current
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for directory_climbed in climbed:
            self._roots[directory_climbed] = found
        return found


REPOSITORY = "<repository root>"  # in a list of directories: the repository root holding the file


def relative_to_first(path: str, directories: Iterable[str], repositories: Repositories) -> Optional[str]:
    """``path`` (absolute) relative to the first of ``directories`` (absolute, or
    :data:`REPOSITORY`) that holds it; None when none does."""
    for directory in directories:
        if directory == REPOSITORY:
            found = repositories.root_of(os.path.dirname(path))
            if found is None:
                continue
            directory = found
        relative = below(path, directory)
        if relative is not None and relative != ".":
            return relative
    return None


def relative_key(
    path: str, base_dir: str, root: Optional[str] = None, repositories: Optional[Repositories] = None
) -> str:
    """The file part of a fingerprint, with ``/`` separators: ``path`` relative to ``base_dir``
    (the baseline's directory) when it lies below it, else to its repository root, else to
    ``root`` (the configuration's directory), else absolute; never with ``..``."""
    absolute = os.path.abspath(path)
    directories = [os.path.abspath(base_dir), REPOSITORY]
    if root is not None:
        directories.append(os.path.abspath(root))
    relative = relative_to_first(absolute, directories, repositories or Repositories())
    return printable(relative if relative is not None else absolute.replace(os.sep, "/"))


class Shown:
    """How a run shows its files: relative to the working directory, the repository root or the
    project root (the configuration's directory), never with ``..`` (see the module's doc)."""

    def __init__(self, root: str, cwd: Optional[str] = None) -> None:
        self.cwd = os.path.abspath(cwd if cwd is not None else os.curdir)
        self.root = os.path.abspath(root)
        self._repositories = Repositories()
        self._shown: Dict[str, Tuple[str, Optional[str]]] = {}

    def __call__(self, path: str) -> str:
        """``path`` as reports show it (printable)."""
        return self._lookup(path)[0]

    def base(self, path: str) -> Optional[str]:
        """The directory ``path`` is shown relative to (absolute); None when shown absolute."""
        return self._lookup(path)[1]

    def _lookup(self, path: str) -> Tuple[str, Optional[str]]:
        found = self._shown.get(path)
        if found is None:
            found = self._shown[path] = self._place(path)
        return found

    def _place(self, path: str) -> Tuple[str, Optional[str]]:
        if not os.path.isabs(path) and os.pardir not in path.replace(os.sep, "/").split("/"):
            return printable(path), self.cwd  # already relative to the working directory, as discovered
        absolute = os.path.normpath(os.path.join(self.cwd, path))
        repository = self._repositories.root_of(os.path.dirname(absolute))
        for directory in (self.cwd, repository, self.root):
            relative = None if directory is None else below(absolute, directory)
            if relative is not None and relative != ".":
                return printable(relative), directory
        return printable(absolute), None
