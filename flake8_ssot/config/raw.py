"""Configuration as read, before validation: the same shape whichever file format it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from flake8_ssot.config.problems import Where


@dataclass(frozen=True)
class RawEntry:
    """One registry line: ``key = values ; reason`` in INI, one table item in TOML."""

    key: str
    values: Tuple[str, ...]
    where: Where
    reason: Optional[str] = None
    pure_move: bool = False


@dataclass
class RawConfig:
    """Everything one configuration source declared."""

    file: str
    base_dir: str
    entries: Dict[str, List[RawEntry]] = field(default_factory=dict)
    source_roots: List[Tuple[str, Where]] = field(default_factory=list)

    @property
    def declares_anything(self) -> bool:
        return bool(self.source_roots) or any(self.entries.values())
