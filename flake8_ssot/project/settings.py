"""What the command line needs from the configuration: the registry and the project root.

The registry comes from :func:`flake8_ssot.config.load_registry`, exactly as for the plugin (here
it reads the INI values itself).  Which files to check (flake8's ``exclude``, ``extend-exclude``
and ``filename``) is flake8's business, asked by the command line (:mod:`flake8_ssot.cli.discovery`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence

from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.config.ini import config_files
from flake8_ssot.registry import Registry


@dataclass(frozen=True)
class Project:
    registry: Registry
    root: str  # the configuration file's directory, or the working directory


def load_project(request: ConfigRequest) -> Project:
    """The project as configured; raises :class:`~flake8_ssot.config.ConfigError`."""
    registry = load_registry(request)
    files = config_files(request.cwd, request.config, request.append, request.isolated)
    return Project(registry, _root(request, registry, files))


def _root(request: ConfigRequest, registry: Registry, files: Sequence[str]) -> str:
    """The configuration file's directory, or the working directory."""
    for candidate in (request.config, registry.origin, files[0] if files else None):
        if candidate and os.path.isfile(candidate):
            return os.path.dirname(os.path.abspath(candidate))
    return os.path.abspath(request.cwd)
