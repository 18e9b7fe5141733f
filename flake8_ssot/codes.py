"""The one table of flake8-ssot codes.

Every code the project can emit is declared here, once, sorted by code.  The README's rule
reference, the SARIF rule list and the tests are all checked against this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple

PREFIX = "SOT"

# The levels a finding is reported at (SARIF's ``level``, GitHub's workflow command): a code's
# default, which a registry entry marked ``[warn]`` lowers to WARNING for its findings.
ERROR = "error"
WARNING = "warning"
NOTE = "note"


# The codes by name: every finding the package builds uses one of these, never a literal.
FORBIDDEN_MODULE_IMPORT = "SOT101"
FORBIDDEN_NAME_IMPORT = "SOT102"
FORBIDDEN_STRING_REFERENCE = "SOT103"
FORBIDDEN_ATTRIBUTE_REFERENCE = "SOT104"
FORBIDDEN_REEXPORT = "SOT105"
FORBIDDEN_DOTTED_STRING = "SOT106"
FORBIDDEN_EMBEDDED_IMPORT = "SOT107"
LEGACY_PARAMETER_DEFINITION = "SOT201"
LEGACY_PARAMETER_CALL = "SOT202"
CANONICAL_CLASS_REDEFINED = "SOT301"
CANONICAL_NAME_REBOUND = "SOT302"
DUPLICATE_CLASS_DEFINITION = "SOT303"
CANONICAL_MODULE_MISSING = "SOT401"
CANONICAL_CLASS_MISSING = "SOT402"
REPLACEMENT_MODULE_MISSING = "SOT403"
REPLACEMENT_NAME_MISSING = "SOT404"
REPLACEMENT_NAME_IS_MODULE = "SOT405"
ENTRY_UNREFERENCED = "SOT406"
INTERNAL_ERROR = "SOT900"
FILE_NOT_ANALYSED = "SOT901"


@dataclass(frozen=True)
class Code:
    """One finding kind: its code, a kebab-case name and a one-line summary."""

    code: str
    name: str
    summary: str
    level: str = ERROR

    @property
    def anchor(self) -> str:
        """The README heading anchor of this code's rule reference section."""
        return f"{self.code.lower()}-{self.name}"


CODES: Tuple[Code, ...] = (
    Code(FORBIDDEN_MODULE_IMPORT, "forbidden-module-import", "import of a forbidden (legacy) module"),
    Code(FORBIDDEN_NAME_IMPORT, "forbidden-name-import", "import of a forbidden (legacy) name"),
    Code(
        FORBIDDEN_STRING_REFERENCE,
        "forbidden-string-reference",
        "string target (mock.patch, importlib, sys.modules, ...) naming a forbidden module or name",
    ),
    Code(
        FORBIDDEN_ATTRIBUTE_REFERENCE,
        "forbidden-attribute-reference",
        "attribute chain reaching a forbidden module or name through an imported parent",
    ),
    Code(
        FORBIDDEN_REEXPORT,
        "forbidden-reexport",
        "name that, followed through re-exports, is defined in a forbidden module or is a forbidden name",
    ),
    Code(
        FORBIDDEN_DOTTED_STRING,
        "forbidden-dotted-string",
        "string whose whole value is a forbidden module or name, or lies below one, outside SOT103's call sites",
    ),
    Code(
        FORBIDDEN_EMBEDDED_IMPORT,
        "forbidden-embedded-import",
        "import of a forbidden module or name in Python code held in a string (python -c, exec, compile, dedent)",
    ),
    Code(
        LEGACY_PARAMETER_DEFINITION,
        "legacy-parameter-definition",
        "__init__ of a matching class takes a legacy parameter",
    ),
    Code(
        LEGACY_PARAMETER_CALL,
        "legacy-parameter-call",
        "call constructing a matching class passes a legacy parameter",
    ),
    Code(
        CANONICAL_CLASS_REDEFINED,
        "canonical-class-redefined",
        "class with a canonical name defined outside its canonical module",
    ),
    Code(
        CANONICAL_NAME_REBOUND,
        "canonical-name-rebound",
        "canonical class name bound to something else outside its canonical module",
    ),
    Code(
        DUPLICATE_CLASS_DEFINITION,
        "duplicate-class-definition",
        "class name defined at module level in more than one module (command line, opt-in)",
    ),
    Code(
        CANONICAL_MODULE_MISSING,
        "canonical-module-missing",
        "a canonical class's module does not exist in the project (command line, registry check)",
    ),
    Code(
        CANONICAL_CLASS_MISSING,
        "canonical-class-missing",
        "a canonical module neither defines nor imports its canonical class (command line, registry check)",
    ),
    Code(
        REPLACEMENT_MODULE_MISSING,
        "replacement-module-missing",
        "a replacement's module does not exist in the project (command line, registry check)",
    ),
    Code(
        REPLACEMENT_NAME_MISSING,
        "replacement-name-missing",
        "a forbidden name's replacement is not bound in its module (command line, registry check)",
    ),
    Code(
        REPLACEMENT_NAME_IS_MODULE,
        "replacement-name-is-module",
        "a forbidden name's replacement is a module, not a name (command line, registry check)",
    ),
    Code(
        ENTRY_UNREFERENCED,
        "entry-unreferenced",
        "nothing in the project references a registry entry any more: it can be retired (command line, note)",
        NOTE,
    ),
    Code(
        INTERNAL_ERROR,
        "internal-error",
        "flake8-ssot failed while checking this file; other findings are still reported",
    ),
    Code(
        FILE_NOT_ANALYSED,
        "file-not-analysed",
        "file could not be read, decoded or parsed, so it was not checked (command line)",
    ),
)

BY_CODE: Dict[str, Code] = {code.code: code for code in CODES}
