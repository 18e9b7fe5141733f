"""The one table of flake8-ssot codes.

Every code the project can emit is declared here, once, sorted by code.  The README's rule
reference, the SARIF rule list and the tests are all checked against this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple

PREFIX = "SOT"


@dataclass(frozen=True)
class Code:
    """One finding kind: its code, a kebab-case name and a one-line summary."""

    code: str
    name: str
    summary: str

    @property
    def anchor(self) -> str:
        """The README heading anchor of this code's rule reference section."""
        return f"{self.code.lower()}-{self.name}"


CODES: Tuple[Code, ...] = (
    Code("SOT101", "forbidden-module-import", "import of a forbidden (legacy) module"),
    Code("SOT102", "forbidden-name-import", "import of a forbidden (legacy) name"),
    Code(
        "SOT103",
        "forbidden-string-reference",
        "string target (mock.patch, importlib, sys.modules, ...) naming a forbidden module or name",
    ),
    Code(
        "SOT104",
        "forbidden-attribute-reference",
        "attribute chain reaching a forbidden module or name through an imported parent",
    ),
    Code(
        "SOT105",
        "forbidden-reexport",
        "name that, followed through re-exports, is defined in a forbidden module or is a forbidden name",
    ),
    Code(
        "SOT201",
        "legacy-parameter-definition",
        "__init__ of a matching class takes a legacy parameter",
    ),
    Code(
        "SOT202",
        "legacy-parameter-call",
        "call constructing a matching class passes a legacy parameter",
    ),
    Code(
        "SOT301",
        "canonical-class-redefined",
        "class with a canonical name defined outside its canonical module",
    ),
    Code(
        "SOT302",
        "canonical-name-rebound",
        "canonical class name bound to something else outside its canonical module",
    ),
    Code(
        "SOT303",
        "duplicate-class-definition",
        "class name defined at module level in more than one module (command line, opt-in)",
    ),
    Code(
        "SOT900",
        "internal-error",
        "flake8-ssot failed while checking this file; other findings are still reported",
    ),
    Code(
        "SOT901",
        "file-not-analysed",
        "file could not be read, decoded or parsed, so it was not checked (command line)",
    ),
)

BY_CODE: Dict[str, Code] = {code.code: code for code in CODES}
