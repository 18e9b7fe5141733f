"""Configuration as read, before validation: the same shape whichever file format it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple, Union

from flake8_ssot.codes import ERROR
from flake8_ssot.config.problems import Where


@dataclass(frozen=True)
class RawEntry:
    """One registry line: ``key = values ; reason`` in INI, one table item in TOML.

    ``line``: the entry's own line when ``where`` does not name it (TOML), for the registry
    check's findings, which are reported at the entry."""

    key: str
    values: Tuple[str, ...]
    where: Where
    reason: Optional[str] = None
    pure_move: bool = False
    severity: str = ERROR
    line: Optional[int] = None


@dataclass
class RawConfig:
    """Everything one configuration source declared."""

    file: str
    base_dir: str
    entries: Dict[str, List[RawEntry]] = field(default_factory=dict)
    paths: Dict[str, List[Tuple[str, Where]]] = field(default_factory=dict)
    scalars: Dict[str, Tuple[Union[str, bool], Where]] = field(default_factory=dict)

    @property
    def declares_anything(self) -> bool:
        return any(self.paths.values()) or any(self.entries.values()) or bool(self.scalars)
