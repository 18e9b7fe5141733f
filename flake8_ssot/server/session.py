"""What the language server knows and does, without the protocol: documents in, diagnostics and
code actions out.

:mod:`flake8_ssot.server.app` feeds it the client's notifications and requests and decides when
(debounced) a changed document is checked; everything it sends back goes through a
:class:`Client`.  A document is checked exactly as ``flake8-ssot check`` checks the file it is
the buffer of: the same registry, the same per-file pipeline (prefilter, parse, engine, ``# noqa``)
and baseline, with the module identity of its real path.  Open documents are registered with
resolution, so other files' findings follow their unsaved text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Protocol, Sequence, Set, Tuple

from flake8_ssot.codes import BY_CODE
from flake8_ssot.config import Problem
from flake8_ssot.findings import Finding
from flake8_ssot.fix import FileFix, FixerUnavailable
from flake8_ssot.fix.plan import FIXABLE_CODES
from flake8_ssot.location import UNKNOWN, ModuleIdentity, identify
from flake8_ssot.project.analyse import analyse_text
from flake8_ssot.project.baseline import unaccepted
from flake8_ssot.project.formats.sarif import help_uri
from flake8_ssot.project.source import split_lines
from flake8_ssot.resolution import buffers
from flake8_ssot.server import fixes
from flake8_ssot.server.documents import UTF16, Document, Lines, Range, TextEdit, path_of
from flake8_ssot.server.projects import CONFIG_NAMES, Loaded, Project, project_root
from flake8_ssot.server.settings import ERROR, Settings
from flake8_ssot.server.spans import span_of

SOURCE = "flake8-ssot"
QUICK_FIX = "quickfix"
FIX_ALL = "source.fixAll.flake8-ssot"
PYTHON = "python"
UNNAMED = "stdin"  # what a buffer without a file is called, as flake8 calls standard input


@dataclass(frozen=True)
class Diagnostic:
    range: Range
    severity: int
    message: str
    code: Optional[str] = None
    href: Optional[str] = None


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


class Client(Protocol):
    """What the session sends to the editor."""

    def publish(self, uri: str, version: Optional[int], diagnostics: Sequence[Diagnostic]) -> None: ...

    def show_error(self, message: str) -> None: ...


@dataclass
class Checked:
    """One check of one document's text, and the fixes computed for it so far."""

    text: str
    version: Optional[int]
    loaded: Loaded
    identity: ModuleIdentity
    filename: str
    analysed: Tuple[Finding, ...]  # after noqa, before the baseline (what `fix` decides on)
    shown: Tuple[Finding, ...]  # after the baseline: the diagnostics
    reads: FrozenSet[str]  # module files resolution read for it
    diagnostics: List[Tuple[Finding, Diagnostic]] = field(default_factory=list)
    # For the fixer, computed when first wanted: every finding as `fix` sees them (None: the text
    # does not parse), whether a rewrite is planned, and the rewrites (None: all the file's).
    found: Optional[List[Finding]] = None
    found_known: bool = False
    plans: Dict[Optional[Finding], bool] = field(default_factory=dict)
    fixes: Dict[Optional[Finding], FileFix] = field(default_factory=dict)


class Session:
    def __init__(
        self,
        client: Client,
        folders: Sequence[str] = (),
        encoding: str = UTF16,
        settings: Optional[Settings] = None,
        cwd: Optional[str] = None,
        resolve_edits: bool = False,
    ) -> None:
        self.client = client
        # The client resolves code actions: list them from the fixer's planning, rewrite on demand.
        self.resolve_edits = resolve_edits
        self.folders: List[str] = [os.path.normpath(os.path.abspath(folder)) for folder in folders]
        self.encoding = encoding
        self.settings = settings or Settings()
        self.cwd = cwd or os.getcwd()
        self.documents: Dict[str, Document] = {}
        self.results: Dict[str, Checked] = {}
        self.projects: Dict[str, Project] = {}
        self._config_uris: Dict[str, Set[str]] = {}  # per project root: config files with diagnostics
        self._reported: Dict[str, Tuple[Problem, ...]] = {}  # per project root: problems shown
        self._fixer_missing_said = False
        self.report_settings_problems()

    # -- documents -------------------------------------------------------------------------------

    def open(self, uri: str, version: Optional[int], text: str, language: str = PYTHON) -> List[str]:
        """Store a newly opened document and check it; returns the documents to check again."""
        document = Document(uri, path_of(uri), version, text, language)
        self.documents[uri] = document
        self._buffer(document)
        return self.check(uri)

    def change(self, uri: str, version: Optional[int], changes: Sequence[Tuple[Optional[Range], str]]) -> None:
        """Apply the client's changes; the caller decides when to :meth:`check`."""
        document = self.documents.get(uri)
        if document is None:
            return
        document.change(changes, version, self.encoding)
        self._buffer(document)

    def save(self, uri: str) -> List[str]:
        """A saved configuration file reloads its projects; a saved document is checked now."""
        path = path_of(uri)
        if path is not None and os.path.basename(path) in CONFIG_NAMES:
            return self.refresh_projects()
        return self.check(uri) if uri in self.documents else []

    def close(self, uri: str) -> List[str]:
        document = self.documents.pop(uri, None)
        self.results.pop(uri, None)
        if document is None:
            return []
        if document.path is not None:
            buffers.close_buffer(document.path)
        if self._checkable(document):
            self.client.publish(uri, None, [])
        return self._readers_of(document)

    def files_changed(self, paths: Sequence[str]) -> List[str]:
        """Files changed on disk (the client's file watcher): configuration reloads the projects."""
        if any(os.path.basename(path) in CONFIG_NAMES for path in paths):
            return self.refresh_projects()
        return []

    def change_folders(self, added: Sequence[str], removed: Sequence[str]) -> List[str]:
        """Workspace folders came or went: the documents whose project that changes, to check again."""
        before = {uri: project_root(d.path, self.folders, self.cwd) for uri, d in self.documents.items()}
        gone = {os.path.normpath(os.path.abspath(folder)) for folder in removed}
        self.folders = [folder for folder in self.folders if folder not in gone]
        self.folders.extend(os.path.normpath(os.path.abspath(folder)) for folder in added)
        return [
            uri
            for uri, document in self.documents.items()
            if self._checkable(document) and project_root(document.path, self.folders, self.cwd) != before[uri]
        ]

    def _buffer(self, document: Document) -> None:
        if document.path is not None and self._checkable(document):
            buffers.open_buffer(document.path, document.text)

    @staticmethod
    def _checkable(document: Document) -> bool:
        if document.language == PYTHON:
            return True
        return document.path is not None and document.path.endswith((".py", ".pyi"))

    # -- projects --------------------------------------------------------------------------------

    def _project(self, document: Document) -> Project:
        root = project_root(document.path, self.folders, self.cwd)
        project = self.projects.get(root)
        if project is None:
            project = self.projects[root] = Project(root)
            self._report_configuration(project)
        return project

    def refresh_projects(self) -> List[str]:
        """Reload every changed configuration; returns the documents to check again (all of a
        reloaded project's)."""
        changed = {root for root, project in self.projects.items() if project.refresh()}
        for root in sorted(changed):
            self._report_configuration(self.projects[root])
        return [
            uri
            for uri, document in self.documents.items()
            if self._checkable(document) and project_root(document.path, self.folders, self.cwd) in changed
        ]

    def _report_configuration(self, project: Project) -> None:
        """Diagnostics on the configuration files of a broken configuration (one per problem,
        naming key and value), an error message once per new breakage; cleared when repaired."""
        loaded = project.loaded
        by_file: Dict[str, List[Diagnostic]] = {}
        for problem in loaded.problems:
            uri = Path(os.path.abspath(problem.where.file)).as_uri()
            by_file.setdefault(uri, []).append(_problem_diagnostic(problem, self.encoding))
        previous = self._config_uris.get(project.root, set())
        for uri in sorted(previous - set(by_file)):
            self.client.publish(uri, None, [])
        for uri, diagnostics in sorted(by_file.items()):
            self.client.publish(uri, None, diagnostics)
        self._config_uris[project.root] = set(by_file)
        if loaded.broken and self._reported.get(project.root) != loaded.problems:
            count = len(loaded.problems)
            if loaded.failure is not None:
                detail = loaded.failure
            else:
                detail = f"{count} configuration problem{'s' if count != 1 else ''}: " + "; ".join(
                    str(problem) for problem in loaded.problems
                )
            self.client.show_error(f"{SOURCE}: {detail} (nothing is checked until the configuration is fixed)")
        self._reported[project.root] = loaded.problems if loaded.broken else ()

    # -- checking --------------------------------------------------------------------------------

    def check(self, uri: str) -> List[str]:
        """Check one document and publish its diagnostics.  Returns the other documents to check
        again: all of the project when its configuration changed, else those whose findings read
        this document's file."""
        document = self.documents.get(uri)
        if document is None or not self._checkable(document):
            return []
        project = self._project(document)
        again: List[str] = []
        if project.refresh():
            self._report_configuration(project)
            again = [other for other in self.refresh_projects_of(project.root) if other != uri]
        previous = self.results.get(uri)
        checked = self._check_text(project.loaded, document)
        self.results[uri] = checked
        self._publish(uri, checked)
        if previous is None or previous.text != checked.text:
            again.extend(other for other in self._readers_of(document) if other not in again)
        return again

    def refresh_projects_of(self, root: str) -> List[str]:
        return [
            uri
            for uri, document in self.documents.items()
            if self._checkable(document) and project_root(document.path, self.folders, self.cwd) == root
        ]

    def _readers_of(self, document: Document) -> List[str]:
        if document.path is None:
            return []
        return [uri for uri, checked in self.results.items() if uri != document.uri and document.path in checked.reads]

    def _check_text(self, loaded: Loaded, document: Document) -> Checked:
        engine = loaded.engine
        filename = document.path or UNNAMED
        if engine is None:
            return Checked(document.text, document.version, loaded, UNKNOWN, filename, (), (), frozenset())
        identity = identify(document.path, engine.registry.source_roots) if document.path else UNKNOWN
        analysis = analyse_text(engine, document.text, filename, identity)
        analysed = tuple(sorted(analysis.findings))
        shown = analysed
        if shown and loaded.baseline is not None:
            shown = tuple(unaccepted(loaded.baseline, filename, shown, split_lines(document.text)))
        modules = (analysis.dependencies or {}).get("modules")
        reads = frozenset(modules) if isinstance(modules, dict) else frozenset()
        return Checked(document.text, document.version, loaded, identity, filename, analysed, shown, reads)

    def _publish(self, uri: str, checked: Checked) -> None:
        lines = Lines(checked.text)
        physical = split_lines(checked.text)
        checked.diagnostics = []
        for finding in checked.shown:
            (row, column), (end_row, end_column) = span_of(physical, finding)
            where = (lines.at(row, column, self.encoding), lines.at(end_row, end_column, self.encoding))
            code = BY_CODE.get(finding.code)
            diagnostic = Diagnostic(
                where,
                self.settings.severity(finding.code),
                finding.text,
                finding.code,
                help_uri(code.anchor) if code is not None else None,
            )
            checked.diagnostics.append((finding, diagnostic))
        self.client.publish(uri, checked.version, [diagnostic for _, diagnostic in checked.diagnostics])

    def current(self, uri: str) -> Optional[Checked]:
        """The check of the document's current text (checking it now if needed)."""
        document = self.documents.get(uri)
        if document is None or not self._checkable(document):
            return None
        checked = self.results.get(uri)
        if checked is None or checked.text != document.text or checked.version != document.version:
            self.check(uri)
            checked = self.results.get(uri)
        return checked

    # -- settings --------------------------------------------------------------------------------

    def configure(self, settings: Settings) -> None:
        """New settings: report their problems and publish every document's diagnostics again."""
        self.settings = settings
        self.report_settings_problems()
        for uri, checked in self.results.items():
            self._publish(uri, checked)

    def report_settings_problems(self) -> None:
        if self.settings.problems:
            self.client.show_error(f"{SOURCE}: settings ignored: " + "; ".join(self.settings.problems))

    # -- code actions ----------------------------------------------------------------------------

    def actions(
        self,
        uri: str,
        where: Range,
        only: Optional[Sequence[str]] = None,
        listed: Sequence[Tuple[Optional[str], Range]] = (),
    ) -> List[Action]:
        """Quick fixes for the fixable findings whose range meets ``where`` or that the client
        listed (by code and range: clients list the diagnostics of the cursor's line), and "fix all"."""
        chosen = set(listed)
        checked = self.current(uri)
        if checked is None or checked.loaded.engine is None:
            return []
        found: List[Action] = []
        try:
            if _wanted(QUICK_FIX, only):
                for finding, diagnostic in checked.diagnostics:
                    if finding.code not in FIXABLE_CODES:
                        continue
                    if not (_meets(diagnostic.range, where) or (diagnostic.code, diagnostic.range) in chosen):
                        continue
                    if self._offered(checked, finding):
                        found.append(self._action(checked, uri, finding, (diagnostic,)))
            if _wanted(FIX_ALL, only) and fixes.fix_all_wanted(checked.analysed) and self._offered(checked, None):
                found.append(self._action(checked, uri, None, ()))
        except FixerUnavailable as error:
            if not self._fixer_missing_said:
                self._fixer_missing_said = True
                self.client.show_error(f"{SOURCE}: no quick fixes: {error}")
            return []
        return found

    def resolve(self, data: Any) -> Optional[Action]:
        """The action ``data`` stands for, with its edits; None when the document changed since
        it was offered or the fixer refused the rewrite after all (which the message explains)."""
        try:
            uri, version, finding = data["uri"], data["version"], data["finding"]
            wanted = None if finding is None else _finding(finding)
        except (KeyError, IndexError, TypeError, ValueError):
            return None
        checked = self.current(uri)
        if checked is None or checked.version != version or checked.loaded.engine is None:
            return None
        diagnostics = tuple(diagnostic for item, diagnostic in checked.diagnostics if item == wanted)
        if wanted is not None and not diagnostics:
            return None
        try:
            result = self._fix(checked, wanted)
        except FixerUnavailable as error:
            self.client.show_error(f"{SOURCE}: no quick fixes: {error}")
            return None
        if not fixes.fixed(result, wanted):
            reason = result.error or "the fixer left it as it was"
            self.client.show_error(f"{SOURCE}: the fix was not applied: {reason}")
            return None
        return self._action(checked, uri, wanted, diagnostics, resolved=True)

    def _found(self, checked: Checked) -> Optional[List[Finding]]:
        if not checked.found_known:
            engine = checked.loaded.engine
            assert engine is not None
            checked.found = fixes.engine_findings(engine, checked.text, checked.filename, checked.identity)
            checked.found_known = True
        return checked.found

    def _offered(self, checked: Checked, finding: Optional[Finding]) -> bool:
        """Whether to offer the fix of ``finding`` (None: of the whole file)."""
        if not self.resolve_edits:
            return fixes.fixed(self._fix(checked, finding), finding)
        if finding not in checked.plans:
            engine, found = checked.loaded.engine, self._found(checked)
            assert engine is not None
            checked.plans[finding] = found is not None and fixes.planned(
                engine, checked.text, checked.filename, checked.identity, found, finding
            )
        return checked.plans[finding]

    def _fix(self, checked: Checked, finding: Optional[Finding]) -> FileFix:
        result = checked.fixes.get(finding)
        if result is None:
            engine, found = checked.loaded.engine, self._found(checked)
            assert engine is not None
            if found is None:
                result = FileFix(checked.filename, checked.text, checked.text, error="the file does not parse")
            else:
                result = fixes.fix(engine, checked.text, checked.filename, checked.identity, found, finding)
            checked.fixes[finding] = result
        return result

    def _action(
        self,
        checked: Checked,
        uri: str,
        finding: Optional[Finding],
        diagnostics: Tuple[Diagnostic, ...],
        resolved: bool = False,
    ) -> Action:
        if finding is None:
            title, kind = f"Fix all rewritable {SOURCE} findings in this file", FIX_ALL
        else:
            title, kind = fixes.title(finding), QUICK_FIX
        data: Dict[str, Any] = {
            "uri": uri,
            "version": checked.version,
            "finding": None if finding is None else [finding.line, finding.col, finding.code, finding.text],
        }
        edits: Optional[Tuple[TextEdit, ...]] = None
        if resolved or not self.resolve_edits:
            edits = tuple(fixes.edits(checked.text, self._fix(checked, finding).text, self.encoding))
        return Action(title, kind, uri, checked.version, edits, diagnostics, kind == QUICK_FIX, data)

    # -- the end ---------------------------------------------------------------------------------

    def stop(self) -> None:
        for document in self.documents.values():
            if document.path is not None:
                buffers.close_buffer(document.path)
        self.documents.clear()
        self.results.clear()


def _problem_diagnostic(problem: Problem, encoding: str) -> Diagnostic:
    """One problem of a configuration file, on its line (or the key's), naming key and value."""
    where = problem.where
    try:
        with open(where.file, "rb") as handle:
            lines = Lines(handle.read().decode("utf-8", "replace"))
    except OSError:
        lines = Lines("")
    if where.line:
        row = where.line - 1
    else:
        row = next(
            (number for number in range(len(lines.starts)) if lines.line(number).lstrip().startswith(where.key)), 0
        )
    text = lines.line(row)
    start = len(text) - len(text.lstrip())
    span = (lines.at(row, start, encoding), lines.at(row, len(text.rstrip()), encoding))
    return Diagnostic(span, ERROR, f"{where.key}: {problem.value.strip()!r}: {problem.message}")


def _finding(data: Sequence[Any]) -> Finding:
    line, col, code, text = data
    return Finding(int(line), int(col), str(code), str(text))


def _wanted(kind: str, only: Optional[Sequence[str]]) -> bool:
    if only is None:
        return True
    return any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def _meets(first: Range, second: Range) -> bool:
    return first[0] <= second[1] and second[0] <= first[1]
