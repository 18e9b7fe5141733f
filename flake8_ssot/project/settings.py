"""What the command line needs from the configuration: the registry, excludes and the project root.

The registry comes from :func:`flake8_ssot.config.load_registry`, exactly as for the plugin (here
it reads the INI values itself).  ``exclude`` / ``extend-exclude`` / ``filename`` are read from the
same flake8 INI files, with flake8's meaning.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.config.ini import config_files, read_files
from flake8_ssot.config.problems import Problems
from flake8_ssot.registry import Registry

# flake8's own default for ``exclude``; replaced, like in flake8, when ``exclude`` is given.
DEFAULT_EXCLUDE = (".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox", ".eggs", "*.egg")
DEFAULT_FILENAME = ("*.py",)


@dataclass(frozen=True)
class Project:
    registry: Registry
    root: str
    exclude: Tuple[str, ...]
    filename: Tuple[str, ...]


def split_patterns(value: str, parent: str) -> Tuple[str, ...]:
    """A comma / newline separated pattern list; patterns with a separator become absolute."""
    patterns = []
    for item in value.replace("\n", ",").split(","):
        item = item.strip()
        if item:
            patterns.append(_normalise(item, parent))
    return tuple(patterns)


def _normalise(pattern: str, parent: str) -> str:
    separators = os.sep + (os.altsep or "")
    if pattern == "." or any(separator in pattern for separator in separators if separator):
        pattern = os.path.abspath(os.path.join(parent, pattern))
    return pattern.rstrip(separators) or pattern


def load_project(
    request: ConfigRequest,
    exclude: Optional[str] = None,
    extend_exclude: Sequence[str] = (),
) -> Project:
    """The project as configured; raises :class:`~flake8_ssot.config.ConfigError`."""
    registry = load_registry(request)
    files = config_files(request.cwd, request.config, request.append, request.isolated)
    values, origins = read_files(files, Problems())
    cwd = os.path.abspath(request.cwd)

    def from_config(key: str) -> Optional[Tuple[str, ...]]:
        if key not in values:
            return None
        parent = os.path.dirname(os.path.abspath(origins[key][0]))
        return split_patterns(values[key], parent)

    if exclude is not None:
        patterns = split_patterns(exclude, cwd)
    else:
        patterns = from_config("exclude") or DEFAULT_EXCLUDE
    patterns += from_config("extend-exclude") or ()
    for extra in extend_exclude:
        patterns += split_patterns(extra, cwd)
    filename = from_config("filename") or DEFAULT_FILENAME
    return Project(registry, _root(request, registry, files), patterns, filename)


def _root(request: ConfigRequest, registry: Registry, files: Sequence[str]) -> str:
    """The configuration file's directory, or the working directory."""
    for candidate in (request.config, registry.origin, files[0] if files else None):
        if candidate and os.path.isfile(candidate):
            return os.path.dirname(os.path.abspath(candidate))
    return os.path.abspath(request.cwd)
