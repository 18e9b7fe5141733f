"""Wording the fixer's report: one line per finding, then one closing sentence.

::

    app/consumers.py:3:1: fixed SOT101 import of legacy module 'app.legacy'; use 'app.canonical'
    app/consumers.py:9:1: needs a human: SOT101 import from legacy module 'app.old'; use 'app.new'
        why: 'app.old = app.new' is not marked [pure-move], so the modules' APIs may differ
    flake8-ssot: fixed 1 finding in 1 file; 1 finding needs a human

Fixed findings are at their place in the original text.  Findings that need a human are at their
place in the text as it is now: the rewritten file, or the original with ``--diff``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import List, Sequence

from flake8_ssot.findings import Finding
from flake8_ssot.fix.core import FileFix


def _where(path: str, finding: Finding) -> str:
    return f"{path}:{finding.line}:{finding.col + 1}:"


def describe(result: FileFix, written: bool) -> List[str]:
    """The report lines for one file.  ``written``: the new text is on disk (positions follow it)."""
    lines: List[str] = []
    for finding in result.fixed:
        lines.append(f"{_where(result.path, finding)} fixed {finding.message}")
    for item in result.manual:
        finding = item.current if written else item.finding
        lines.append(f"{_where(result.path, finding)} needs a human: {finding.message}")
        lines.append(f"    why: {item.reason}")
    if result.error and not result.manual:
        lines.append(f"{result.path}:1:1: not fixed: {result.error}")
    return lines


@dataclass
class Totals:
    fixed: int = 0
    files_fixed: int = 0
    manual: int = 0
    refused: int = 0

    def add(self, result: FileFix) -> None:
        self.fixed += len(result.fixed)
        self.files_fixed += bool(result.fixed and result.changed)
        self.manual += len(result.manual)
        self.refused += result.error is not None

    def sentence(self, diff: bool) -> str:
        verb = "would fix" if diff else "fixed"
        parts = [f"{verb} {_count(self.fixed, 'finding')} in {_count(self.files_fixed, 'file')}"]
        parts.append(f"{_count(self.manual, 'finding')} {'needs' if self.manual == 1 else 'need'} a human")
        if self.refused:
            parts.append(f"{_count(self.refused, 'file')} could not be rewritten")
        return "flake8-ssot: " + "; ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def unified_diff(result: FileFix, label: str) -> str:
    """A unified diff from the original to the new text (``a/`` and ``b/`` prefixes, like git)."""
    before = result.original.splitlines(keepends=True)
    after = result.text.splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, f"a/{label}", f"b/{label}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)


def describe_all(results: Sequence[FileFix], written: bool) -> List[str]:
    lines: List[str] = []
    for result in results:
        lines.extend(describe(result, written))
    return lines
