"""``flake8-ssot fix``: rewrite declared legacy references to their canonical replacements.

:func:`fix_text` takes one file's text, its module identity and the registry, and returns the new
text with what was fixed and what needs a person (:class:`FileFix`).  It knows nothing about the
command line; :mod:`flake8_ssot.fix.summary` words the report.  LibCST is imported only when a
file has something to rewrite, so the plugin and ``check`` never need it.
"""

from __future__ import annotations

from flake8_ssot.fix.core import (
    INSTALL_HINT,
    FileFix,
    FixerUnavailable,
    Manual,
    fix_text,
    libcst_available,
    plans_a_rewrite,
)

__all__ = ["INSTALL_HINT", "FileFix", "FixerUnavailable", "Manual", "fix_text", "libcst_available", "plans_a_rewrite"]
