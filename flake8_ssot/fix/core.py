"""Fixing one file's text: findings, plan, rewrite, proof.

1. The engine checks the text, exactly as ``check`` does.
2. The planner turns each fixable finding into an edit, or a note saying why a person must act.
3. LibCST applies the edits (only when there is one: other files are never re-printed).
4. The new text must parse, and the engine must find in it only findings it found before; the
   findings that are gone are the fixed ones.  Anything else means the rewrite is wrong: it is
   dropped, the file keeps its text, and every finding is reported as needing a person.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

from flake8_ssot.codes import (
    CANONICAL_CLASS_REDEFINED,
    CANONICAL_NAME_REBOUND,
    DUPLICATE_CLASS_DEFINITION,
    FILE_NOT_ANALYSED,
    FORBIDDEN_EMBEDDED_IMPORT,
    INTERNAL_ERROR,
    LEGACY_PARAMETER_CALL,
    LEGACY_PARAMETER_DEFINITION,
)
from flake8_ssot.engine import Engine
from flake8_ssot.findings import Finding
from flake8_ssot.fix.plan import FIXABLE_CODES, Columns, Plan, Planner, Position
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.newer_syntax import parse_exactly
from flake8_ssot.registry import Registry
from flake8_ssot.resolution import homes_in, source_roots
from flake8_ssot.resolution.homes import Homes

INSTALL_HINT = "the fix command needs LibCST: pip install 'flake8-ssot[fix]'"

# Why findings of the codes the fixer never rewrites are left alone.
MANUAL_BY_CODE: Dict[str, str] = {
    FORBIDDEN_EMBEDDED_IMPORT: "code held in a string is not rewritten; edit the import in the string by hand",
    LEGACY_PARAMETER_DEFINITION: "constructor signatures are not rewritten; remove the legacy parameter by hand",
    LEGACY_PARAMETER_CALL: "constructor calls are not rewritten; stop passing the legacy parameter by hand",
    CANONICAL_CLASS_REDEFINED: "class definitions are not rewritten; remove or rename the second definition",
    CANONICAL_NAME_REBOUND: "bindings of a canonical name are not rewritten; import the canonical class instead",
    DUPLICATE_CLASS_DEFINITION: (
        "class definitions are not rewritten; declare one canonical module and remove the others"
    ),
    INTERNAL_ERROR: "flake8-ssot failed while checking this file",
    FILE_NOT_ANALYSED: "the file could not be analysed",
}
NOT_REWRITTEN = "not in a form the fixer rewrites; edit it by hand"


class FixerUnavailable(Exception):
    """LibCST is not installed."""


def libcst_available() -> bool:
    try:
        import libcst  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class Manual:
    """A finding the fixer left alone, and why.

    ``finding`` is where it was in the original text; ``now`` where it is in the rewritten text
    (the same finding when the file did not change).
    """

    finding: Finding
    reason: str
    now: Optional[Finding] = None

    @property
    def current(self) -> Finding:
        return self.now or self.finding


@dataclass(frozen=True)
class FileFix:
    """The outcome for one file.  ``text`` is ``original`` itself when nothing changed."""

    path: str
    original: str
    text: str
    fixed: Tuple[Finding, ...] = ()
    manual: Tuple[Manual, ...] = ()
    error: Optional[str] = None

    @property
    def changed(self) -> bool:
        return self.text != self.original


def fix_text(
    text: str,
    path: str,
    registry: Registry,
    identity: ModuleIdentity,
    engine: Optional[Engine] = None,
    findings: Optional[Sequence[Finding]] = None,
    keep: Optional[Callable[[Finding], bool]] = None,
    only: Optional[Sequence[Finding]] = None,
) -> FileFix:
    """Fix one file's decoded text.  Never raises except :class:`FixerUnavailable`.

    ``findings``, when given, are the engine's findings for ``text`` (the command line has them
    already); they are computed otherwise.  With ``keep``, only the findings it keeps are fixed or
    reported (the command keeps what flake8 would report: its selection, ``noqa``); the others
    must come out of the rewrite unchanged, or nothing is rewritten.  ``only``, when given, limits
    the rewrite to those findings (an editor's quick fix for one finding): only they are planned,
    and only they are reported as needing a person; the proof still holds the result against every
    finding.
    """
    engine = engine or Engine(registry)
    planned = _plan(text, path, registry, identity, engine, findings, keep, only)
    if isinstance(planned, FileFix):
        return planned
    if not libcst_available():
        raise FixerUnavailable(INSTALL_HINT)
    return _rewrite(path, text, *planned, registry, identity, engine)


def plans_a_rewrite(
    text: str,
    path: str,
    registry: Registry,
    identity: ModuleIdentity,
    engine: Optional[Engine] = None,
    findings: Optional[Sequence[Finding]] = None,
    only: Optional[Sequence[Finding]] = None,
) -> bool:
    """Whether :func:`fix_text` with these arguments would rewrite anything: its planning (the
    ``ast`` only, no LibCST).  The rewrite can still be refused by the proof, which would be a bug."""
    planned = _plan(text, path, registry, identity, engine or Engine(registry), findings, None, only)
    return not isinstance(planned, FileFix)


# The findings to hold the result against, those to leave unchanged, the plan, the columns and the
# findings the plan rewrites.
_Planned = Tuple[Sequence[Finding], Sequence[Finding], Plan, Columns, Sequence[Finding]]


def _homes(registry: Registry, path: str) -> Optional[Homes]:
    """Where the file's replacements are in the project, looked up under the roots resolution uses
    for the file (None when they cannot be looked up: every replacement is then taken as declared)."""
    try:
        return homes_in(source_roots(registry, path))
    except Exception:  # noqa: BLE001 - no look-up means no refusal, never a failure
        return None


def _plan(
    text: str,
    path: str,
    registry: Registry,
    identity: ModuleIdentity,
    engine: Engine,
    findings: Optional[Sequence[Finding]],
    keep: Optional[Callable[[Finding], bool]],
    only: Optional[Sequence[Finding]],
) -> Union[FileFix, _Planned]:
    """The findings, the plan of their edits and what the proof needs; or, when there is nothing
    to rewrite, the outcome."""
    if findings is None:
        selection = engine.select(text)
        if not selection:
            return FileFix(path, text, text)
        try:
            tree = parse_exactly(text, path)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            return FileFix(path, text, text, error=f"cannot parse it ({type(error).__name__})")
        findings = engine.check_tree(tree, identity, selection, path)
    else:
        tree = None
    untouched: Sequence[Finding] = ()
    if keep is not None:
        untouched = [finding for finding in findings if not keep(finding)]
        findings = [finding for finding in findings if keep(finding)]
    wanted = None if only is None else set(only)
    selected = findings if wanted is None else [finding for finding in findings if finding in wanted]
    if not any(finding.code in FIXABLE_CODES for finding in selected):
        return FileFix(path, text, text, manual=_manual(selected, Plan(), Columns(text)))
    if tree is None:
        try:
            tree = parse_exactly(text, path)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            return FileFix(path, text, text, error=f"cannot parse it ({type(error).__name__})")
    assert isinstance(tree, ast.Module)
    columns = Columns(text)
    try:
        plan = Planner(tree, text, identity, registry, _homes(registry, path)).run(selected)
    except Exception as error:  # noqa: BLE001 - a planning bug must not stop the other files
        return _refused(path, text, selected, f"the fixer failed while planning ({type(error).__name__}: {error})")
    if not plan.has_edits:
        return FileFix(path, text, text, manual=_manual(selected, plan, columns))
    return findings, untouched, plan, columns, selected


def _rewrite(
    path: str,
    text: str,
    findings: Sequence[Finding],
    untouched: Sequence[Finding],
    plan: Plan,
    columns: Columns,
    selected: Sequence[Finding],
    registry: Registry,
    identity: ModuleIdentity,
    engine: Engine,
) -> FileFix:
    from flake8_ssot.fix.apply import apply_plan

    try:
        new_text, applied = apply_plan(text, plan, identity)
    except Exception as error:  # noqa: BLE001 - LibCST cannot read the file, or a rewrite bug
        reason = f"LibCST could not rewrite it ({type(error).__name__}: {_first_line(error)})"
        return _refused(path, text, selected, reason)
    _note_unapplied(plan, applied)
    if new_text == text:
        return FileFix(path, text, text, manual=_manual(selected, plan, columns))
    try:
        new_tree = parse_exactly(new_text, path)
    except (SyntaxError, ValueError) as error:
        return _refused(path, text, selected, f"the rewritten file would not parse ({error}); please report this")
    after = engine.check_tree(new_tree, identity, engine.select(new_text), path)
    before = [*findings, *untouched]
    introduced = Counter(_key(f) for f in after) - Counter(_key(f) for f in before)
    if introduced:
        example = next(iter(introduced))
        if all(code == CANONICAL_NAME_REBOUND for code, _ in introduced):
            # Not the fixer's mistake: the replacement binds a canonical name to another class
            # (an import reported for its forbidden source is not reported as SOT302 too).
            reason = f"the rewritten import would give '{example[0]} {example[1]}'; change that binding by hand"
        else:
            reason = f"the rewrite would introduce '{example[0]} {example[1]}'; please report this"
        return _refused(path, text, selected, reason)
    changed = Counter(_key(f) for f in untouched) - Counter(_key(f) for f in after)
    if changed:
        code, message = next(iter(changed))
        return _refused(
            path,
            text,
            selected,
            f"the rewrite would also change '{code} {message}', which flake8's selection or a noqa comment "
            "leaves alone",
        )
    remaining: Dict[Tuple[str, str], List[Finding]] = {}
    for finding in sorted(after):
        remaining.setdefault(_key(finding), []).append(finding)
    for finding in untouched:  # they stay where they are, and are not this run's business
        remaining[_key(finding)].pop(0)
    noted = set(plan.notes)
    fixed: List[Finding] = []
    stayed: Dict[Finding, Finding] = {}
    # Findings with a note are the ones planned to stay: they take the remaining places first.
    for finding in sorted(findings, key=lambda f: (columns.position(f.line, f.col) not in noted, f)):
        places = remaining.get(_key(finding))
        if places:
            stayed[finding] = places.pop(0)
        else:
            fixed.append(finding)
    chosen = set(selected)
    manual = tuple(
        Manual(item.finding, item.reason, stayed[item.finding])
        for item in _manual(sorted(finding for finding in stayed if finding in chosen), plan, columns)
    )
    return FileFix(path, text, new_text, fixed=tuple(sorted(fixed)), manual=manual)


def _key(finding: Finding) -> Tuple[str, str]:
    return finding.code, finding.text


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [""])[0]


def _note_unapplied(plan: Plan, applied: object) -> None:
    done = applied if isinstance(applied, set) else set()
    for position in plan.imports:
        if ("import", position) not in done:
            plan.note(position, NOT_REWRITTEN)
    for position in plan.strings:
        if ("string", position) not in done:
            plan.note(position, "the string is written in several pieces or with escapes; edit it by hand")
    for key in plan.chains:
        if ("chain", key) not in done:
            plan.note(key[0], NOT_REWRITTEN)


def _manual(findings: Sequence[Finding], plan: Plan, columns: Columns) -> Tuple[Manual, ...]:
    result = []
    for finding in findings:
        reason = MANUAL_BY_CODE.get(finding.code)
        if reason is None:
            notes: List[str] = plan.notes.get(_position(columns, finding), [])
            reason = _pick(notes, finding) or NOT_REWRITTEN
        result.append(Manual(finding, reason))
    return tuple(result)


def _position(columns: Columns, finding: Finding) -> Position:
    return columns.position(finding.line, finding.col)


def _pick(notes: Sequence[str], finding: Finding) -> Optional[str]:
    """The note about this finding: one naming what the finding names, else all of them."""
    if not notes:
        return None
    if len(notes) == 1:
        return notes[0]
    quoted = [part for index, part in enumerate(finding.text.split("'")) if index % 2 == 1]
    for note in notes:
        if any(f"'{name}" in note for name in quoted):
            return note
    return "; ".join(notes)


def _refused(path: str, text: str, findings: Sequence[Finding], reason: str) -> FileFix:
    manual = tuple(Manual(f, MANUAL_BY_CODE.get(f.code, reason)) for f in findings)
    return FileFix(path, text, text, manual=manual, error=reason)
