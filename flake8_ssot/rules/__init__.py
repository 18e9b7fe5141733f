"""The rules, in code order.  Each module owns the codes it reports."""

from __future__ import annotations

from typing import Tuple

from flake8_ssot.checking.rule import Rule
from flake8_ssot.rules import (
    attributes,
    canonical,
    constructors,
    dotted_strings,
    embedded_code,
    imports,
    reexports,
    strings,
)

ALL_RULES: Tuple[Rule, ...] = (
    imports.RULE,
    strings.RULE,
    attributes.RULE,
    reexports.RULE,
    reexports.CHAINS_RULE,
    dotted_strings.RULE,
    embedded_code.RULE,
    constructors.RULE,
    canonical.RULE,
)

__all__ = ["ALL_RULES"]
