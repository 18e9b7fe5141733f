"""What the language server knows and does, without the protocol: documents in, diagnostics and
code actions out.

:mod:`flake8_ssot.server.app` feeds it the client's notifications and requests and decides when
(debounced) a changed document is checked; everything it sends back goes through a
:class:`Client`.  The session keeps the open documents, their projects' configuration and their
last checks (:mod:`~flake8_ssot.server.checks`), and asks :mod:`~flake8_ssot.server.fixes` for
code actions.  Open documents are registered with resolution, so other files' findings follow
their unsaved text, and the documents whose findings read a changed one are named to be checked
again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Protocol, Sequence, Set, Tuple

from flake8_ssot.config import Problem
from flake8_ssot.findings import Finding
from flake8_ssot.fix import FixerUnavailable
from flake8_ssot.fix.plan import FIXABLE_CODES
from flake8_ssot.resolution import buffers
from flake8_ssot.server import fixes
from flake8_ssot.server.checks import SOURCE, Checked, Diagnostic, check_document, diagnose, problem_diagnostic
from flake8_ssot.server.documents import UTF16, Document, Range, path_of
from flake8_ssot.server.fixes import FIX_ALL, QUICK_FIX, Action
from flake8_ssot.server.projects import CONFIG_NAMES, Project, project_root
from flake8_ssot.server.settings import Settings

PYTHON = "python"


class Client(Protocol):
    """What the session sends to the editor."""

    def publish(self, uri: str, version: Optional[int], diagnostics: Sequence[Diagnostic]) -> None: ...

    def show_error(self, message: str) -> None: ...


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
            by_file.setdefault(uri, []).append(problem_diagnostic(problem, self.encoding))
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
        checked = check_document(project.loaded, document.text, document.version, document.path)
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

    def _publish(self, uri: str, checked: Checked) -> None:
        diagnose(checked, self.settings, self.encoding)
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
        lazy = self.resolve_edits
        try:
            if _wanted(QUICK_FIX, only):
                for finding, diagnostic in checked.diagnostics:
                    if finding.code not in FIXABLE_CODES:
                        continue
                    if not (_meets(diagnostic.range, where) or (diagnostic.code, diagnostic.range) in chosen):
                        continue
                    if fixes.offered(checked, finding, lazy):
                        found.append(fixes.action(checked, uri, finding, (diagnostic,), self.encoding, not lazy))
            wanted = _wanted(FIX_ALL, only) and fixes.fix_all_wanted(checked.analysed)
            if wanted and fixes.offered(checked, None, lazy):
                found.append(fixes.action(checked, uri, None, (), self.encoding, not lazy))
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
            result = fixes.rewrite(checked, wanted)
        except FixerUnavailable as error:
            self.client.show_error(f"{SOURCE}: no quick fixes: {error}")
            return None
        if not fixes.fixed(result, wanted):
            reason = result.error or "the fixer left it as it was"
            self.client.show_error(f"{SOURCE}: the fix was not applied: {reason}")
            return None
        return fixes.action(checked, uri, wanted, diagnostics, self.encoding, True)

    # -- the end ---------------------------------------------------------------------------------

    def stop(self) -> None:
        for document in self.documents.values():
            if document.path is not None:
                buffers.close_buffer(document.path)
        self.documents.clear()
        self.results.clear()


def _finding(data: Sequence[Any]) -> Finding:
    line, col, code, text = data
    return Finding(int(line), int(col), str(code), str(text))


def _wanted(kind: str, only: Optional[Sequence[str]]) -> bool:
    if only is None:
        return True
    return any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def _meets(first: Range, second: Range) -> bool:
    return first[0] <= second[1] and second[0] <= first[1]
