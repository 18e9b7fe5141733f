"""The configuration of each project the editor has open, loaded as ``flake8-ssot check`` loads it.

A project is a directory the configuration is searched from: the workspace folder holding a
document (the directory an editor runs flake8 in), else the document's own directory.  Its
registry comes from :func:`flake8_ssot.config.load_registry` with that directory as the working
directory, exactly as for the command, and its baseline as the plugin applies it.

Every configuration file that could be read (``setup.cfg``, ``tox.ini``, ``.flake8`` and
``pyproject.toml`` in the directory and above it) and the baseline are stamped when loading;
:meth:`Project.refresh` reloads when a stamp changed, so a saved, created or deleted
configuration file takes effect whatever the client reports.  A broken configuration is kept as
its problems (file, line, key, value), and no document is checked with any part of it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from flake8_ssot.config import ConfigError, ConfigRequest, Problem, load_registry
from flake8_ssot.config.problems import Where
from flake8_ssot.engine import Engine
from flake8_ssot.project.baseline import Baseline, BaselineError, configured

CONFIG_NAMES = ("setup.cfg", "tox.ini", ".flake8", "pyproject.toml")
Stamp = Optional[Tuple[int, int]]


@dataclass(frozen=True)
class Loaded:
    """One load of a project's configuration: an engine to check with, or the problems."""

    engine: Optional[Engine]
    baseline: Optional[Baseline]
    problems: Tuple[Problem, ...] = ()
    failure: Optional[str] = None  # a load that failed in another way (a bug), in one sentence

    @property
    def broken(self) -> bool:
        return self.engine is None


def _stamp(path: str) -> Stamp:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def watched_files(root: str) -> List[str]:
    """The configuration files a load from ``root`` may read, present or not."""
    found: List[str] = []
    directory = os.path.abspath(root)
    while True:
        found.extend(os.path.join(directory, name) for name in CONFIG_NAMES)
        parent = os.path.dirname(directory)
        if parent == directory:
            return found
        directory = parent


class Project:
    """The configuration loaded from one directory, reloaded when its files change."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.loaded = Loaded(None, None, failure="not loaded yet")
        self._stamps: Dict[str, Stamp] = {}
        self.refresh()

    def refresh(self) -> bool:
        """Reload when a configuration file changed since the last load; True when it did."""
        if self._stamps and all(_stamp(path) == stamp for path, stamp in self._stamps.items()):
            return False
        # Stamped before reading: a change made while loading shows at the next refresh.
        stamps = {path: _stamp(path) for path in watched_files(self.root)}
        self.loaded, baseline = _load(self.root)
        if baseline:
            stamps[baseline] = _stamp(baseline)
        self._stamps = stamps
        return True


def _load(root: str) -> Tuple[Loaded, Optional[str]]:
    try:
        registry = load_registry(ConfigRequest(cwd=root))
    except ConfigError as error:
        return Loaded(None, None, error.problems), None
    except Exception as error:  # noqa: BLE001 - a bug must become a message, never a dead server
        return Loaded(None, None, failure=f"could not load its configuration: {type(error).__name__}: {error}"), None
    baseline: Optional[Baseline] = None
    if registry.baseline:
        try:
            baseline = configured(registry)
        except BaselineError as error:
            where = Where(registry.origin or os.path.join(root, "setup.cfg"), "ssot-baseline")
            return Loaded(None, None, (Problem(where, registry.baseline, str(error)),)), registry.baseline
    return Loaded(Engine(registry), baseline), registry.baseline


def project_root(path: Optional[str], folders: Sequence[str], fallback: str) -> str:
    """The directory a document's configuration is searched from: the deepest workspace folder
    holding ``path``, else ``path``'s directory; ``fallback`` for a document without a path."""
    if path is None:
        return folders[0] if folders else fallback
    best: Optional[str] = None
    for folder in folders:
        if path == folder or path.startswith(folder.rstrip(os.sep) + os.sep):
            if best is None or len(folder) > len(best):
                best = folder
    return best if best is not None else os.path.dirname(path)
