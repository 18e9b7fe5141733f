"""Which files a run checks: the given paths, walked in sorted order, minus excluded ones.

The patterns and their matching are flake8's own, from flake8's code:

* ``exclude``, ``extend-exclude`` and ``filename`` are read by flake8's configuration loader
  and option declarations (:func:`load_file_options`): lists split at commas and whitespace;
  an exclude pattern holding a ``/`` (or ``.`` alone) is made absolute
  (:func:`flake8.utils.normalize_paths`) against the directory of the configuration file flake8
  reads (the ``--config`` file, else the discovered one; appended files do not count) for a
  configured value, or against the working directory for a command-line flag; a second
  ``--exclude`` or ``--extend-exclude`` flag replaces the first;
* an exclude pattern matches a file or directory when ``fnmatch`` matches its basename or its
  absolute path (:func:`flake8.utils.matches_filename`), and applies to the paths given on the
  command line too;
* a file found by walking is checked when a ``filename`` pattern matches its path as walked
  (``./pkg/mod.py``; :func:`flake8.utils.fnmatch`); a file given explicitly is checked whatever
  its name.

Beyond flake8: while walking, version-control, tool and virtualenv directories are skipped as
well, directory symlinks are not followed (as ``os.walk`` does: no loops, no file twice), and
entries that are not regular files (FIFOs, sockets, devices) and directories that cannot be
listed are yielded for the caller to report, never opened here.
"""

from __future__ import annotations

import argparse
import fnmatch
import logging
import os
import re
import stat
from dataclasses import dataclass
from typing import Iterator, List, Sequence, Set, Tuple

from flake8 import utils as flake8_utils
from flake8.options import aggregator

from flake8_ssot.cli.selection import flake8_configuration, flake8_option_manager, only_keys
from flake8_ssot.config import ConfigRequest

FILE_KEYS = ("exclude", "extend-exclude", "filename")
LOG = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class FileOptions:
    """flake8's ``exclude`` + ``extend-exclude`` patterns, and its ``filename`` patterns, as flake8 normalised them."""

    exclude: Tuple[str, ...]
    filename: Tuple[str, ...]


def load_file_options(request: ConfigRequest, flags: argparse.Namespace) -> FileOptions:
    """What flake8 would take as ``exclude``, ``extend-exclude`` and ``filename`` for ``request``'s
    configuration and the ``--exclude`` / ``--extend-exclude`` ``flags``; raises
    :class:`~flake8_ssot.config.ConfigError`."""
    cfg, cfg_dir = flake8_configuration(request)
    argv = []
    if getattr(flags, "exclude", None) is not None:
        argv.append(f"--exclude={flags.exclude}")
    argv.extend(f"--extend-exclude={value}" for value in getattr(flags, "extend_exclude", None) or ())
    options = aggregator.aggregate_options(flake8_option_manager(), only_keys(cfg, FILE_KEYS), cfg_dir, argv)
    return FileOptions((*options.exclude, *options.extend_exclude), tuple(options.filename))


def matches(path: str, patterns: Sequence[str]) -> bool:
    """flake8's rule: the basename or the absolute path matches one of ``patterns``."""
    return bool(flake8_utils.matches_filename(path, patterns=patterns, log_message="%(path)s", logger=LOG))


def skipped_directory(path: str, name: str) -> bool:
    if name in SKIPPED_DIRECTORIES or name.endswith(".egg-info"):
        return True
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


class _Patterns:
    """``fnmatch`` patterns compiled into one expression: what ``any(fnmatch.fnmatch(name, p) for p
    in patterns)`` answers, in one match (flake8's :func:`~flake8.utils.fnmatch` and
    :func:`~flake8.utils.matches_filename`, for the thousands of files of a walk)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.empty = not patterns
        translated = "|".join(f"(?:{fnmatch.translate(os.path.normcase(pattern))})" for pattern in patterns)
        self._regex = re.compile(translated or r"(?!)")

    def match(self, name: str) -> bool:
        return self._regex.match(os.path.normcase(name)) is not None

    def excludes(self, path: str, absolute: str) -> bool:
        """flake8's exclusion: the basename or the absolute path (``absolute``) matches."""
        if self.empty:
            return False
        basename = os.path.basename(path)
        return (basename not in (".", "..") and self.match(basename)) or self.match(absolute)


def discover(paths: Sequence[str], exclude: Sequence[str], filename: Sequence[str]) -> List[str]:
    """Every file to check, sorted (each path as it will be displayed)."""
    found: Set[str] = set()
    excluded, wanted = _Patterns(exclude), _Patterns(filename)
    for path in paths or ["."]:
        found.update(_expand(path, exclude, excluded, wanted))
    return sorted(found)


def _expand(path: str, exclude: Sequence[str], excluded: _Patterns, wanted: _Patterns) -> Iterator[str]:
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
        absolute_directory = os.path.abspath(directory)
        subdirectories = []
        for entry in entries:
            joined = os.path.join(directory, entry.name)
            absolute = os.path.join(absolute_directory, entry.name)
            try:
                is_directory = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_directory = False
            if is_directory:
                if not skipped_directory(joined, entry.name) and not excluded.excludes(joined, absolute):
                    subdirectories.append(joined)
                continue
            if entry.is_symlink() and _is_directory(joined):
                continue  # directory symlinks are not followed
            if excluded.excludes(joined, absolute):
                continue
            if wanted.empty or wanted.match(joined):
                yield joined
        pending.extend(reversed(subdirectories))


def _is_directory(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False
