"""The flake8 adapter: options in, findings out.  The only module that knows flake8."""

from __future__ import annotations

import argparse
import ast
import os
from typing import Any, ClassVar, Iterator, List, Optional, Sequence, Tuple, Type

from flake8.exceptions import ExecutionError

from flake8_ssot import __version__
from flake8_ssot.project.baseline import Baseline, BaselineError, configured, unaccepted
from flake8_ssot.config import ConfigError, ConfigRequest, load_registry
from flake8_ssot.codes import WARNING
from flake8_ssot.config.keys import KEYS
from flake8_ssot.engine import Engine
from flake8_ssot.findings import internal_error
from flake8_ssot.findings import Finding
from flake8_ssot.location import identify
from flake8_ssot.project.cache import Cache
from flake8_ssot.project.reach import Scope
from flake8_ssot.project.runner import project_closure
from flake8_ssot.registry import Registry


class SsotChecker:
    """flake8 entry point ``SOT``."""

    name = "flake8-ssot"
    version = __version__

    _engine: ClassVar[Engine] = Engine(Registry())
    # The same engine narrowed by the project's closure, for the files whose resolution it covers.
    _closed: ClassVar[Optional[Engine]] = None
    _scope: ClassVar[Optional[Scope]] = None
    _baseline: ClassVar[Optional[Baseline]] = None

    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        for key in KEYS:
            option_manager.add_option(
                key.flag,
                default=None,
                parse_from_config=True,
                help=f"{key.help} (example: '{key.example}')",
            )

    @classmethod
    def parse_options(cls, option_manager: Any, options: argparse.Namespace, args: Any) -> None:
        try:
            registry = load_registry(
                ConfigRequest.from_options(options),
                ini_values={key.ini: getattr(options, key.dest, None) for key in KEYS},
                known_ini_keys={dest.replace("_", "-") for dest in vars(options)},
            )
        except ConfigError as error:
            raise ExecutionError(error.report()) from None
        except Exception as error:  # noqa: BLE001 - never a traceback out of option parsing
            detail = f"{type(error).__name__}: {error}"
            raise ExecutionError(f"flake8-ssot: could not load its configuration: {detail}") from None
        try:
            cls._baseline = configured(registry)
        except BaselineError as error:
            raise ExecutionError(f"flake8-ssot: ssot-baseline: {error}") from None
        cls._engine = Engine(registry)
        cls._closed, cls._scope = _closed_engine(cls._engine)

    def run(self) -> Iterator[Tuple[int, int, str, Type["SsotChecker"]]]:
        findings: List[Finding]
        try:
            engine = self._engine
            scope = self._scope
            if self._closed is not None and scope is not None and scope.covers(self.filename):
                engine = self._closed
            text = "".join(self.lines)
            selection = engine.select(text, filename=self.filename)
            if selection:  # most files stop here, before any file-system lookup
                identity = identify(self.filename, engine.registry.source_roots)
                # The text flake8 hands over may differ from the file the closure read (stdin).
                extend = engine.closure is not None
                findings = engine.check_tree(self.tree, identity, selection, self.filename, extend_closure=extend)
            else:
                findings = []
            if findings and self._baseline is not None:
                findings = unaccepted(self._baseline, self.filename, findings, self.lines)
            if findings and not engine.registry.report_warnings:
                # flake8 has no severity: leave out the findings of entries marked [warn] when asked
                findings = [finding for finding in findings if engine.registry.level_of(finding) != WARNING]
        except Exception as error:  # noqa: BLE001 - flake8 must never see an exception
            findings = [internal_error("checking this file", error)]
        for finding in findings:
            yield finding.line, finding.col, finding.message, type(self)


def _closed_engine(engine: Engine) -> Tuple[Optional[Engine], Optional[Scope]]:
    """``engine`` narrowed by the project's closure (kept in the project's cache, shared by every
    flake8 run), and where it holds; (None, None) when there is nothing to narrow or it cannot be
    computed (then every file is checked as if no closure existed: slower, never less)."""
    registry = engine.registry
    scope = Scope(registry)
    if not (registry.resolve and scope.roots and registry.origin):
        return None, None
    try:
        cache = Cache.in_project(os.path.dirname(os.path.abspath(registry.origin)))
        closure = project_closure(registry, scope.roots, cache.directory, scope.every_directory)
    except Exception:  # noqa: BLE001 - a closure is an optimisation: never a failed run for it
        return None, None
    if closure is None:
        return None, None
    return engine.with_closure(closure), scope


def registry_in_use() -> Optional[Registry]:
    """The registry the plugin loaded in this process (for tests and diagnostics)."""
    return SsotChecker._engine.registry
