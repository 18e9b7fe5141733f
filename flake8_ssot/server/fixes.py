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
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from flake8_ssot.codes import FILE_NOT_ANALYSED
from flake8_ssot.engine import Engine
from flake8_ssot.findings import Finding
from flake8_ssot.fix import FileFix, fix_text, plans_a_rewrite
from flake8_ssot.fix.plan import FIXABLE_CODES
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.server.checks import SOURCE, Checked, Diagnostic
from flake8_ssot.server.documents import Lines, TextEdit

QUICK_FIX = "quickfix"
FIX_ALL = "source.fixAll.flake8-ssot"


@dataclass(frozen=True)
class Action:
    """A code action; ``edits`` None when it is to be resolved, with ``data`` saying which."""

    title: str
    kind: str
    uri: str
    version: Optional[int]
    edits: Optional[Tuple[TextEdit, ...]]
    diagnostics: Tuple[Diagnostic, ...] = ()
    preferred: bool = False
    data: Optional[Dict[str, Any]] = None


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
    return fix_text(text, filename, engine.registry, identity, engine, found, only=None if only is None else [only])


def planned(
    engine: Engine,
    text: str,
    filename: str,
    identity: ModuleIdentity,
    found: Sequence[Finding],
    only: Optional[Finding],
) -> bool:
    """Whether :func:`fix` would rewrite something, from the fixer's planning alone (no LibCST)."""
    chosen = None if only is None else [only]
    return plans_a_rewrite(text, filename, engine.registry, identity, engine, found, only=chosen)


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


def found(checked: Checked) -> Optional[List[Finding]]:
    """The findings the fixer works from for this check (computed once)."""
    if not checked.found_known:
        engine = checked.loaded.engine
        assert engine is not None
        checked.found = engine_findings(engine, checked.text, checked.filename, checked.identity)
        checked.found_known = True
    return checked.found


def offered(checked: Checked, finding: Optional[Finding], from_plan: bool) -> bool:
    """Whether to offer the fix of ``finding`` (None: of the whole file): from the fixer's planning
    (``from_plan``, for clients that resolve edits later) or from its rewrite."""
    if not from_plan:
        return fixed(rewrite(checked, finding), finding)
    if finding not in checked.plans:
        engine, findings = checked.loaded.engine, found(checked)
        assert engine is not None
        checked.plans[finding] = findings is not None and planned(
            engine, checked.text, checked.filename, checked.identity, findings, finding
        )
    return checked.plans[finding]


def rewrite(checked: Checked, finding: Optional[Finding]) -> FileFix:
    """The fixer's rewrite of ``finding`` (None: of the whole file), computed once per check."""
    result = checked.fixes.get(finding)
    if result is None:
        engine, findings = checked.loaded.engine, found(checked)
        assert engine is not None
        if findings is None:
            result = FileFix(checked.filename, checked.text, checked.text, error="the file does not parse")
        else:
            result = fix(engine, checked.text, checked.filename, checked.identity, findings, finding)
        checked.fixes[finding] = result
    return result


def action(
    checked: Checked,
    uri: str,
    finding: Optional[Finding],
    diagnostics: Tuple[Diagnostic, ...],
    encoding: str,
    with_edits: bool,
) -> Action:
    """The quick fix of ``finding`` (None: fix all); its edits rewritten now when ``with_edits``,
    else ``data`` to resolve it by."""
    if finding is None:
        label, kind = f"Fix all rewritable {SOURCE} findings in this file", FIX_ALL
    else:
        label, kind = title(finding), QUICK_FIX
    data: Dict[str, Any] = {
        "uri": uri,
        "version": checked.version,
        "finding": None if finding is None else [finding.line, finding.col, finding.code, finding.text],
    }
    changes: Optional[Tuple[TextEdit, ...]] = None
    if with_edits:
        changes = tuple(edits(checked.text, rewrite(checked, finding).text, encoding))
    return Action(label, kind, uri, checked.version, changes, diagnostics, kind == QUICK_FIX, data)
