"""Files the running Python cannot parse but a newer one can.

:func:`read_newer` is asked only about a text the running Python rejected.  On Python 3.9 to
3.11, a file whose only newer syntax is Python 3.12's f-strings (PEP 701: quotes reused inside
replacement fields, backslashes, comments and line breaks in them) gets the very tree Python
3.12's ``ast`` gives, positions included (:mod:`~flake8_ssot.newer_syntax.graft`).  Anything
else is never guessed at: :class:`Needs` names the Python whose syntax the file uses, as far as
the f-string scanner or LibCST (when installed) can tell, and the file is reported, not checked.
"""

from __future__ import annotations

import ast
import sys
import warnings
from dataclasses import dataclass
from typing import List, Optional

from flake8_ssot.newer_syntax.fstrings import Scanner, Unsupported
from flake8_ssot.newer_syntax.graft import Positions, parse_with_fstrings
from flake8_ssot.newer_syntax.versions import Construct, constructs

RUNNING = sys.version_info[:2]
PEP_701 = "f-string syntax of PEP 701"


@dataclass(frozen=True)
class Needs:
    """The file uses ``construct``, syntax of Python ``version``, at ``line``."""

    version: str
    construct: str
    line: int

    @property
    def reason(self) -> str:
        running = f"{RUNNING[0]}.{RUNNING[1]}"
        return (
            f"it needs Python >= {self.version} syntax ({self.construct} on line {self.line}), which Python "
            f"{running} cannot parse: run flake8-ssot under Python >= {self.version} to check it"
        )


@dataclass(frozen=True)
class Newer:
    """What :func:`read_newer` made of a text: its tree, or what it needs, or neither.

    ``error`` is the syntax error of the text with its Python 3.12 f-strings read as Python 3.12
    reads them: the error a newer Python reports, in place of the running Python's, which
    points at an f-string.
    """

    tree: Optional[ast.Module] = None
    needs: Optional[Needs] = None
    error: Optional[SyntaxError] = None


def parse_exactly(text: str, path: str) -> ast.Module:
    """``ast.parse``, else the tree of :func:`read_newer`; else the running Python's SyntaxError."""
    try:
        return ast.parse(text, filename=path)
    except SyntaxError:
        tree = read_newer(text, diagnose=False).tree
        if tree is None:
            raise
        return tree


def read_newer(text: str, diagnose: bool = True) -> Newer:
    """The tree of ``text`` as the newer Python reads it, when that can be had exactly;
    otherwise (with ``diagnose``) the newest syntax the text is known to use when it is newer
    than the running Python's; otherwise nothing (the running Python's syntax error stands)."""
    found: List[Construct] = []
    error: Optional[SyntaxError] = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the analysed code's warnings are not ours
        if RUNNING < (3, 12):
            scanner = Scanner(text)
            try:
                return Newer(tree=parse_with_fstrings(text, scanner))
            except SyntaxError as rest:  # the f-strings were read: the error is elsewhere
                error = rest
            except (Unsupported, ValueError, RecursionError, MemoryError):
                if scanner.newer_feature >= 0:
                    found.append(Construct((3, 12), Positions(text).at(scanner.newer_feature)[0], PEP_701))
        if diagnose:
            found.extend(constructs(text))
    newer = [construct for construct in found if construct.version > RUNNING]
    if not newer:
        return Newer(error=error)
    version = max(construct.version for construct in newer)
    first = min((construct for construct in newer if construct.version == version), key=lambda c: c.line)
    return Newer(needs=Needs(f"{version[0]}.{version[1]}", first.name, first.line))
