"""Which files a run checks: the given paths, walked in sorted order, minus excluded ones.

Like flake8: an exclude pattern matches a file or directory by its basename or by its absolute
path (``fnmatch``), and applies to the paths given on the command line too; a file given
explicitly is checked whatever its name.  While walking, version-control, tool and virtualenv
directories are skipped as well, directory symlinks are not followed (so there are no loops, and
no file is checked twice), and entries that are not regular files (FIFOs, sockets, devices) are
yielded for the caller to report, never opened here.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from typing import Iterator, List, Sequence, Set

SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "build",
        "dist",
        "__pycache__",
        ".flake8-ssot-cache",
        "node_modules",
    }
)


def matches(path: str, patterns: Sequence[str]) -> bool:
    """flake8's rule: the basename or the absolute path matches one of ``patterns``."""
    if not patterns:
        return False
    basename = os.path.basename(path)
    if basename not in (".", "..") and any(fnmatch.fnmatch(basename, pattern) for pattern in patterns):
        return True
    absolute = os.path.abspath(path)
    return any(fnmatch.fnmatch(absolute, pattern) for pattern in patterns)


def skipped_directory(path: str, name: str) -> bool:
    if name in SKIPPED_DIRECTORIES or name.endswith(".egg-info"):
        return True
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def discover(paths: Sequence[str], exclude: Sequence[str], filename: Sequence[str]) -> List[str]:
    """Every file to check, sorted (each path as it will be displayed)."""
    found: Set[str] = set()
    for path in paths or ["."]:
        found.update(_expand(path, exclude, filename))
    return sorted(found)


def _expand(path: str, exclude: Sequence[str], filename: Sequence[str]) -> Iterator[str]:
    if matches(path, exclude):
        return
    if not os.path.isdir(path):
        yield path
        return
    pending = [path]
    while pending:
        directory = pending.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            yield directory  # reported as not analysable by the caller
            continue
        subdirectories = []
        for entry in entries:
            joined = os.path.join(directory, entry.name)
            try:
                is_directory = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_directory = False
            if is_directory:
                if not skipped_directory(joined, entry.name) and not matches(joined, exclude):
                    subdirectories.append(joined)
                continue
            if entry.is_symlink() and _is_directory(joined):
                continue  # directory symlinks are not followed
            if matches(joined, exclude):
                continue
            if any(fnmatch.fnmatch(entry.name, pattern) for pattern in filename):
                yield joined
        pending.extend(reversed(subdirectories))


def _is_directory(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False
