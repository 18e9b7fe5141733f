"""Loading the registry: find the configuration, read it, validate it, all problems at once.

The same function serves the flake8 plugin (which passes the values flake8 parsed, so command-line
overrides apply) and the command line (which reads the files itself).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Sequence, Set

from flake8_ssot.config.build import build_registry
from flake8_ssot.config.ini import (
    config_files,
    ignored_siblings,
    line_of,
    parse_values,
    read_files,
    unknown_keys,
)
from flake8_ssot.config.keys import BY_INI, TOML_TABLE
from flake8_ssot.config.problems import ConfigError, Problem, Problems, Where, display_path
from flake8_ssot.config.raw import RawConfig
from flake8_ssot.config.toml import find_pyproject, read_pyproject
from flake8_ssot.registry import Registry

__all__ = ["ConfigError", "ConfigRequest", "Problem", "load_registry"]


@dataclass(frozen=True)
class ConfigRequest:
    """Where to look: flake8's own ``--config`` / ``--append-config`` / ``--isolated``."""

    cwd: str = "."
    config: Optional[str] = None
    append: Sequence[str] = ()
    isolated: bool = False

    @classmethod
    def from_options(cls, options: Any, cwd: Optional[str] = None) -> "ConfigRequest":
        """The request of parsed options named as flake8 names them (``config``, ``append_config``,
        ``isolated``; flake8's own or the command line's), from ``cwd`` (default: the current directory)."""
        return cls(
            cwd=os.getcwd() if cwd is None else cwd,
            config=getattr(options, "config", None),
            append=tuple(getattr(options, "append_config", None) or ()),
            isolated=bool(getattr(options, "isolated", False)),
        )


def load_registry(
    request: ConfigRequest,
    ini_values: Optional[Mapping[str, Optional[str]]] = None,
    known_ini_keys: Optional[Set[str]] = None,
) -> Registry:
    """The validated registry, or :class:`ConfigError` listing every problem.

    ``ini_values`` are flake8's parsed ``ssot-*`` values when running as a plugin;
    ``known_ini_keys`` the config keys flake8 and its other plugins registered.
    """
    problems = Problems()
    files = config_files(request.cwd, request.config, request.append, request.isolated)
    merged, origins = read_files(files, problems)
    if files and request.config is None:
        for file, key, value, text in ignored_siblings(files[0]):
            problems.add(
                Where(file, key, line_of(text, key)),
                value,
                f"ignored: flake8 reads only {display_path(files[0])} here (the first of setup.cfg, tox.ini, "
                ".flake8 with a [flake8] section); move the key there",
            )
    for key, suggestion in unknown_keys(origins, known_ini_keys or set()):
        file, text = origins[key]
        hint = f"; {suggestion}" if suggestion else "; known keys: " + ", ".join(BY_INI)
        problems.add(Where(file, key, line_of(text, key)), merged[key], f"unknown flake8-ssot key{hint}")
    if ini_values is None:
        ini_values = {key: merged.get(key) for key in BY_INI}
    given: Dict[str, str] = {key: value for key, value in ini_values.items() if value is not None}
    ini = parse_values(given, {k: origins[k] for k in given if k in origins}, problems) if given else None
    toml: Optional[RawConfig] = None
    if not request.isolated:
        pyproject = find_pyproject(request.cwd)
        if pyproject is not None:
            toml = read_pyproject(pyproject, problems)
    chosen = _choose(ini, toml, problems)
    registry = build_registry(chosen, problems) if chosen is not None else Registry()
    problems.raise_if_any()
    return registry


def _choose(ini: Optional[RawConfig], toml: Optional[RawConfig], problems: Problems) -> Optional[RawConfig]:
    if ini is not None and ini.declares_anything and toml is not None and toml.declares_anything:
        problems.add(
            Where(toml.file, f"[{TOML_TABLE}]"),
            display_path(ini.file),
            "the registry is configured both here and there (ssot-* keys); keep one of the two",
        )
        return None
    if toml is not None and toml.declares_anything:
        return toml
    if ini is not None and ini.declares_anything:
        return ini
    return None
