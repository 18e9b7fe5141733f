"""Quick fixes: what ``flake8-ssot fix`` writes, as text edits on the editor's buffer.

The rewrite is the fixer's (:func:`flake8_ssot.fix.fix_text`), called as the command calls it;
this module only decides when to call it and turns the old and new text into edits.

* **Fix all** in a file is offered when the command would fix the file: its findings (after
  ``# noqa``, before the baseline, as the command sees them) include one the fixer may rewrite and
  the file parsed.  Its edits turn the buffer into exactly the text ``flake8-ssot fix`` writes.
* A **quick fix for one finding** plans that finding alone with the same planner and applier, and
  is held to the same proof (the rewritten text must parse and hold no new finding).  It is
  offered only when the finding is then gone; a finding that needs a person gets no action.

The rewrite (LibCST) costs far more than the planning (the ``ast``): a client that resolves code
actions gets them listed from the planning and their edits computed when it picks one.
"""

from __future__ import annotations

import ast
import difflib
from typing import List, Optional, Sequence

from flake8_ssot.codes import FILE_NOT_ANALYSED
from flake8_ssot.engine import Engine
from flake8_ssot.findings import Finding
from flake8_ssot.fix import FileFix, fix_text, plans_a_rewrite
from flake8_ssot.fix.plan import FIXABLE_CODES
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.server.documents import Lines, TextEdit


def fix_all_wanted(findings: Sequence[Finding]) -> bool:
    """Whether ``flake8-ssot fix`` would try to fix a file reported with ``findings``."""
    codes = {finding.code for finding in findings}
    return bool(codes & FIXABLE_CODES) and FILE_NOT_ANALYSED not in codes


def engine_findings(engine: Engine, text: str, filename: str, identity: ModuleIdentity) -> Optional[List[Finding]]:
    """Every finding of ``text`` as the fixer sees it (no ``# noqa``, no baseline), as
    ``flake8-ssot fix`` computes them; None when the text does not parse (nothing is fixed)."""
    selection = engine.select(text)
    if not selection:
        return []
    try:
        tree = ast.parse(text, filename=filename)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return engine.check_tree(tree, identity, selection, filename)


def fix(
    engine: Engine,
    text: str,
    filename: str,
    identity: ModuleIdentity,
    found: Sequence[Finding],
    only: Optional[Finding],
) -> FileFix:
    """What ``flake8-ssot fix`` makes of ``text`` (``only`` None), or the fixer's rewrite of the
    finding ``only`` alone.  ``found`` are :func:`engine_findings`.  Raises FixerUnavailable."""
    return fix_text(text, filename, engine.registry, identity, engine, found, None if only is None else [only])


def planned(
    engine: Engine,
    text: str,
    filename: str,
    identity: ModuleIdentity,
    found: Sequence[Finding],
    only: Optional[Finding],
) -> bool:
    """Whether :func:`fix` would rewrite something, from the fixer's planning alone (no LibCST)."""
    return plans_a_rewrite(text, filename, engine.registry, identity, engine, found, None if only is None else [only])


def title(finding: Finding) -> str:
    """``Fix SOT101: use 'app.core' (moved)``: the code and the finding's advice."""
    return f"Fix {finding.code}: {finding.text.rpartition('; ')[2]}"


def _with_ends(lines: Lines) -> List[str]:
    starts = lines.starts + [len(lines.text)]
    return [lines.text[starts[index] : starts[index + 1]] for index in range(len(lines.starts))]


def edits(old: str, new: str, encoding: str) -> List[TextEdit]:
    """Edits turning ``old`` into ``new``, one per changed block of whole lines."""
    before = Lines(old)
    old_lines, new_lines = _with_ends(before), _with_ends(Lines(new))
    offsets = [0]
    for line in old_lines:
        offsets.append(offsets[-1] + len(line))
    found: List[TextEdit] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, first, last, new_first, new_last in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = before.position(offsets[first], encoding)
        end = before.position(offsets[last], encoding)
        found.append(TextEdit((start, end), "".join(new_lines[new_first:new_last])))
    return found


def fixed(result: Optional[FileFix], finding: Optional[Finding] = None) -> bool:
    """Whether ``result`` changes the text and (when given) fixes ``finding``."""
    if result is None or not result.changed or result.error is not None:
        return False
    return finding is None or finding in result.fixed
