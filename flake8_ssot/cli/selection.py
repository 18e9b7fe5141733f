"""flake8's selection for the command line: which findings flake8 itself would report.

``check``, ``baseline`` and ``fix`` keep a finding only when flake8 would report it: the
decision is made by flake8's own code, from flake8's own reading of the configuration.

* the configuration files: :func:`flake8.options.config.load_config` (``--config``,
  ``--append-config``, ``--isolated``, discovery from the working directory);
* the options: flake8's declarations (:func:`flake8.main.options.register_default_options`) and
  its aggregation (:func:`flake8.options.aggregator.aggregate_options`: defaults, then the
  configuration, then command-line flags, each flag replacing the configured value);
* the decision: :class:`flake8.style_guide.StyleGuideManager`, i.e. flake8's ``DecisionEngine``
  (explicit beats implicit, the longest matching prefix wins) and its ``per-file-ignores`` guides
  (the most specific pattern applies; patterns holding a ``/`` are relative to the working
  directory, others match a file's base name).

Two things differ from a flake8 run, neither of which changes a decision about an SOT code:
flake8's default selection is extended with the entry names of the installed and local plugins,
as flake8 registers them, but the plugins are found, never imported (so nothing of the project's
``[flake8:local-plugins]`` runs, and a plugin's own ``add_options`` cannot add to the default
ignore list); and only the five selection keys are read from the ``[flake8]`` section, so that an
unrelated flake8 option flake8 cannot read does not stop the command.  ``require-plugins`` is not
enforced: the command needs no other plugin.
"""

from __future__ import annotations

import argparse
import configparser
import inspect
from typing import Any, Dict, List, Optional, Sequence, Tuple

import flake8
from flake8.exceptions import ExecutionError
from flake8.main import options as flake8_options
from flake8.options import aggregator, manager
from flake8.options import config as flake8_config
from flake8.plugins import finder
from flake8.style_guide import Decision, StyleGuideManager

from flake8_ssot.codes import CODES
from flake8_ssot.config import ConfigError, ConfigRequest, Problem
from flake8_ssot.config.ini import config_files, line_of, read_files
from flake8_ssot.config.problems import Problems, Where, display_path

# flake8's options that decide which codes are reported, in its configuration spelling.
KEYS = ("select", "ignore", "extend-select", "extend-ignore", "per-file-ignores")
COMMAND_LINE = "command line"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The selection flags, spelt and read as flake8 reads them (each given value is handed to flake8)."""
    group = parser.add_argument_group("selection (as in flake8; replaces the configured value)")
    for key in KEYS:
        metavar = "PATTERNS" if key == "per-file-ignores" else "CODES"
        group.add_argument(f"--{key}", metavar=metavar, action="append", default=[], help=_HELP[key])


_HELP = {
    "select": "report only codes starting with one of these (comma-separated)",
    "ignore": "do not report codes starting with one of these",
    "extend-select": "codes to select in addition to the default selection",
    "extend-ignore": "codes to ignore in addition to the default ignore list",
    "per-file-ignores": "'file-glob:CODE,CODE file-glob:CODE' pairs of files and codes not reported there",
}


class Selection:
    """Which codes flake8 reports in which file."""

    def __init__(self, guides: Any, settings: Sequence[Tuple[str, str, str]]) -> None:
        self._guides = guides
        self._decisions: Dict[Tuple[str, str], bool] = {}
        self.settings = tuple(settings)  # (key, value, where) of every selection setting in force

    def reports(self, path: str, code: str) -> bool:
        """True when flake8 would report ``code`` in the file shown as ``path`` (before ``noqa``)."""
        key = (path, code)
        decision = self._decisions.get(key)
        if decision is None:
            guide = self._guides.style_guide_for(path)
            decision = self._decisions[key] = guide.should_report_error(code) is Decision.Selected
        return decision

    @property
    def reports_nothing(self) -> bool:
        """True when no SOT code is reported in any file (``per-file-ignores`` only ignore more)."""
        guide = self._guides.default_style_guide
        return not any(guide.should_report_error(code.code) is Decision.Selected for code in CODES)

    def describe(self) -> str:
        """The select / ignore settings in force, for a message: ``select = E,W (setup.cfg)``."""
        shown = [
            f"{key} = {' '.join(value.split())} ({where})"
            for key, value, where in self.settings
            if key != "per-file-ignores"
        ]
        return "; ".join(shown) if shown else "flake8's defaults"


def load_selection(request: ConfigRequest, flags: argparse.Namespace) -> Selection:
    """flake8's selection for ``request``'s configuration and the selection ``flags`` given.

    Raises :class:`~flake8_ssot.config.ConfigError` naming the file (or the command line), the
    key and the value flake8 refused.
    """
    given = {key: list(getattr(flags, key.replace("-", "_"), None) or ()) for key in KEYS}
    cfg, cfg_dir = flake8_configuration(request)
    origins = _origins(request)
    option_manager = flake8_option_manager()
    plugin_options = finder.parse_plugin_options(cfg, cfg_dir, enable_extensions=None, require_plugins="")
    plugins = finder.find_plugins(cfg, plugin_options)
    # What flake8's OptionManager.register_plugins does with every checker plugin it loads.
    option_manager.extend_default_select(
        [plugin.entry_point.name for plugin in plugins if plugin.entry_point.group == "flake8.extension"]
    )
    selection_cfg = only_keys(cfg, KEYS)
    problems = Problems()
    for key in selection_cfg.options("flake8") if selection_cfg.has_section("flake8") else []:
        single = configparser.RawConfigParser()
        single.add_section("flake8")
        single.set("flake8", key, selection_cfg.get("flake8", key))
        try:
            flake8_config.parse_config(option_manager, single, cfg_dir)
        except ValueError as error:
            problems.add(_where(origins, key), selection_cfg.get("flake8", key).strip(), _first_line(error))
    problems.raise_if_any()
    argv = [f"--{key}={value}" for key in KEYS for value in given[key]]
    options = aggregator.aggregate_options(option_manager, selection_cfg, cfg_dir, argv)
    try:
        guides = StyleGuideManager(options, None)
    except (ExecutionError, ValueError) as error:  # flake8 cannot read per-file-ignores
        key = "per-file-ignores"
        where = Where(COMMAND_LINE, f"--{key}") if given[key] else _where(origins, key)
        value = given[key][-1] if given[key] else options.per_file_ignores
        raise ConfigError([Problem(where, " ".join(value.split()), _first_line(error))]) from None
    return Selection(guides, _settings(selection_cfg, given, origins))


def flake8_configuration(request: ConfigRequest) -> Tuple[configparser.RawConfigParser, str]:
    """The configuration flake8 reads for ``request`` and the directory it takes relative paths in
    it from (:func:`flake8.options.config.load_config`); raises :class:`~flake8_ssot.config.ConfigError`."""
    try:
        cfg, cfg_dir = flake8_config.load_config(
            config=request.config, extra=list(request.append), isolated=request.isolated
        )
    except Exception as error:  # noqa: BLE001 - flake8's ExecutionError or configparser's errors
        raise ConfigError([Problem(Where(COMMAND_LINE, "--config"), request.config or "", str(error))]) from None
    return cfg, cfg_dir


def only_keys(cfg: configparser.RawConfigParser, keys: Sequence[str]) -> configparser.RawConfigParser:
    """A configuration holding only the ``[flake8]`` ``keys`` of ``cfg`` (either spelling)."""
    selected = configparser.RawConfigParser()
    if cfg.has_section("flake8"):
        selected.add_section("flake8")
        for key in cfg.options("flake8"):
            if key.replace("_", "-") in keys:
                selected.set("flake8", key, cfg.get("flake8", key))
    return selected


def flake8_option_manager() -> Any:
    """flake8's OptionManager with flake8's own options, built as flake8 builds it."""
    arguments: Dict[str, Any] = {
        "version": flake8.__version__,
        "plugin_versions": "",
        "parents": [flake8_options.stage1_arg_parser()],
    }
    if "formatter_names" in inspect.signature(manager.OptionManager).parameters:  # flake8 >= 6
        arguments["formatter_names"] = []
    option_manager = manager.OptionManager(**arguments)
    flake8_options.register_default_options(option_manager)
    return option_manager


def _origins(request: ConfigRequest) -> Dict[str, Tuple[str, str]]:
    """Which file (and its text) each ``[flake8]`` key was read from, for messages."""
    files = config_files(request.cwd, request.config, request.append, request.isolated)
    _, origins = read_files(files, Problems())
    return origins


def _where(origins: Dict[str, Tuple[str, str]], key: str) -> Where:
    normal = key.replace("_", "-")
    file, text = origins.get(normal, ("configuration", ""))
    return Where(file, normal, line_of(text, normal))


def _settings(
    cfg: configparser.RawConfigParser, given: Dict[str, List[str]], origins: Dict[str, Tuple[str, str]]
) -> List[Tuple[str, str, str]]:
    settings: List[Tuple[str, str, str]] = []
    for key in KEYS:
        if given[key]:
            settings.append((key, given[key][-1], COMMAND_LINE))
            continue
        for spelling in (key, key.replace("-", "_")):
            value: Optional[str] = cfg.get("flake8", spelling, fallback=None)
            if value is not None:
                settings.append((key, value, display_path(origins.get(key, ("configuration", ""))[0])))
                break
    return settings


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
