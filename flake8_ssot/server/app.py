"""The Language Server Protocol over stdio, with pygls: the only module that knows pygls.

It turns the client's messages into :class:`~flake8_ssot.server.session.Session` calls and the
session's diagnostics and actions into protocol types, and decides when a document is checked:
on open and save at once, on change after the configured pause (a new change restarts it).
Configuration files are re-stamped every :data:`POLL_SECONDS` too, so a configuration saved in
a buffer the client does not send (or by another program) still takes effect.  No exception from
checking reaches the client as a dead server: it is logged and shown once.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from typing import Any, Callable, Dict, List, Optional, Sequence

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from flake8_ssot import __version__
from flake8_ssot.server.documents import UTF8, UTF16, UTF32, Range, path_of
from flake8_ssot.server.projects import CONFIG_NAMES
from flake8_ssot.server.checks import SOURCE, Diagnostic
from flake8_ssot.server.fixes import FIX_ALL, Action
from flake8_ssot.server.session import Session
from flake8_ssot.server.settings import SECTION, read_settings

POLL_SECONDS = 2.0
_ENCODINGS = {"utf-8": UTF8, "utf-16": UTF16, "utf-32": UTF32}

logger = logging.getLogger("flake8_ssot.server")


class _Client:
    """The session's way back to the editor."""

    def __init__(self, server: "SsotServer") -> None:
        self.server = server

    def publish(self, uri: str, version: Optional[int], diagnostics: Sequence[Diagnostic]) -> None:
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[_diagnostic(d) for d in diagnostics], version=version)
        )

    def show_error(self, message: str) -> None:
        self.server.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))


def _position(position: Any) -> types.Position:
    return types.Position(line=position[0], character=position[1])


def _range(where: Range) -> types.Range:
    return types.Range(start=_position(where[0]), end=_position(where[1]))


def _from_range(where: types.Range) -> Range:
    return (where.start.line, where.start.character), (where.end.line, where.end.character)


def _diagnostic(diagnostic: Diagnostic) -> types.Diagnostic:
    return types.Diagnostic(
        range=_range(diagnostic.range),
        message=diagnostic.message,
        severity=types.DiagnosticSeverity(diagnostic.severity),
        code=diagnostic.code,
        code_description=types.CodeDescription(href=diagnostic.href) if diagnostic.href else None,
        source=SOURCE,
    )


class SsotServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.session: Optional[Session] = None
        self.versioned_edits = False
        self._timers: Dict[str, asyncio.TimerHandle] = {}
        self._poll: Optional[asyncio.TimerHandle] = None
        self._failure_said = False
        self.shut_down = False  # the client asked for shutdown (exit then ends the process with 0)

    # -- running safely --------------------------------------------------------------------------

    def guarded(self, what: str, step: Callable[[], Any], default: Any = None) -> Any:
        """``step()``, with any exception logged and shown once instead of raised."""
        try:
            return step()
        except Exception as error:  # noqa: BLE001 - the server outlives its own bugs
            detail = f"{type(error).__name__}: {error}"
            logger.error("%s failed while %s:\n%s", SOURCE, what, traceback.format_exc())
            if not self._failure_said:
                self._failure_said = True
                message = f"{SOURCE} failed while {what} ({detail}); please report this"
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))
            return default

    # -- when documents are checked --------------------------------------------------------------

    @property
    def debounce(self) -> float:
        return self.session.settings.debounce_ms / 1000 if self.session is not None else 0.0

    def schedule(self, uris: Sequence[str], delay: Optional[float] = None) -> None:
        loop = asyncio.get_running_loop()
        for uri in uris:
            self.cancel(uri)
            self._timers[uri] = loop.call_later(self.debounce if delay is None else delay, self._fire, uri)

    def cancel(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()

    def _fire(self, uri: str) -> None:
        self._timers.pop(uri, None)
        if self.session is not None:
            session = self.session
            self.schedule(self.guarded(f"checking {uri}", lambda: session.check(uri), []))

    def start_polling(self) -> None:
        self._poll = asyncio.get_running_loop().call_later(POLL_SECONDS, self._polled)

    def _polled(self) -> None:
        if self.session is not None:
            session = self.session
            self.schedule(self.guarded("reading the configuration", session.refresh_projects, []), 0.0)
        self.start_polling()

    def stop(self) -> None:
        for uri in list(self._timers):
            self.cancel(uri)
        if self._poll is not None:
            self._poll.cancel()
            self._poll = None
        if self.session is not None:
            self.session.stop()


def _folders(params: types.InitializeParams) -> List[str]:
    uris = [folder.uri for folder in params.workspace_folders or []]
    if not uris and params.root_uri:
        uris = [params.root_uri]
    folders = [path for path in (path_of(uri) for uri in uris) if path is not None]
    if not folders and params.root_path:
        folders = [params.root_path]
    return folders


def _supports_versioned_edits(capabilities: types.ClientCapabilities) -> bool:
    workspace = capabilities.workspace
    edit = workspace.workspace_edit if workspace is not None else None
    return bool(edit is not None and edit.document_changes)


def _watches_files(capabilities: types.ClientCapabilities) -> bool:
    workspace = capabilities.workspace
    watched = workspace.did_change_watched_files if workspace is not None else None
    return bool(watched is not None and watched.dynamic_registration)


def _resolves_edits(capabilities: types.ClientCapabilities) -> bool:
    document = capabilities.text_document
    action = document.code_action if document is not None else None
    support = action.resolve_support if action is not None else None
    return bool(support is not None and "edit" in support.properties)


def _action(server: SsotServer, action: Action) -> types.CodeAction:
    edit: Optional[types.WorkspaceEdit] = None
    if action.edits is not None:
        edits = [types.TextEdit(range=_range(item.range), new_text=item.text) for item in action.edits]
        if server.versioned_edits:
            identifier = types.OptionalVersionedTextDocumentIdentifier(uri=action.uri, version=action.version)
            edit = types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=identifier, edits=edits)])
        else:
            edit = types.WorkspaceEdit(changes={action.uri: edits})
    return types.CodeAction(
        title=action.title,
        kind=action.kind,
        diagnostics=[_diagnostic(diagnostic) for diagnostic in action.diagnostics] or None,
        is_preferred=action.preferred or None,
        edit=edit,
        data=action.data if action.edits is None else None,
    )


def build() -> SsotServer:
    """The server with every feature registered (not started)."""
    server = SsotServer()

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        agreed = server.workspace.position_encoding  # a PositionEncodingKind, or the client's string
        encoding = _ENCODINGS.get(str(getattr(agreed, "value", agreed)), UTF16)
        server.versioned_edits = _supports_versioned_edits(params.capabilities)
        server.session = Session(
            _Client(server),
            _folders(params),
            encoding,
            read_settings(params.initialization_options),
            resolve_edits=_resolves_edits(params.capabilities),
        )

    @server.feature(types.INITIALIZED)
    def initialized(params: types.InitializedParams) -> None:
        server.start_polling()
        if _watches_files(server.client_capabilities):
            pattern = "**/{" + ",".join(CONFIG_NAMES) + "}"
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=pattern)]
            )
            registration = types.Registration(
                id="flake8-ssot-configuration",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=options,
            )
            server.client_register_capability(types.RegistrationParams(registrations=[registration]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        session, document = server.session, params.text_document
        if session is not None:
            server.cancel(document.uri)
            again = server.guarded(
                f"checking {document.uri}",
                lambda: session.open(document.uri, document.version, document.text, document.language_id),
                [],
            )
            server.schedule(again)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        session = server.session
        if session is None:
            return
        changes = [
            (_from_range(change.range), change.text)
            if isinstance(change, types.TextDocumentContentChangePartial)
            else (None, change.text)
            for change in params.content_changes
        ]
        uri = params.text_document.uri
        server.guarded(f"reading a change of {uri}", lambda: session.change(uri, params.text_document.version, changes))
        server.schedule([uri])

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        session, uri = server.session, params.text_document.uri
        if session is not None:
            server.cancel(uri)
            server.schedule(server.guarded(f"checking {uri}", lambda: session.save(uri), []))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        session, uri = server.session, params.text_document.uri
        if session is not None:
            server.cancel(uri)
            server.schedule(server.guarded(f"closing {uri}", lambda: session.close(uri), []))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        session = server.session
        if session is not None:
            paths = [path for path in (path_of(change.uri) for change in params.changes) if path is not None]
            server.schedule(server.guarded("reading the configuration", lambda: session.files_changed(paths), []), 0.0)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_workspace_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        session, event = server.session, params.event
        if session is not None:
            added = [path for path in (path_of(folder.uri) for folder in event.added) if path is not None]
            removed = [path for path in (path_of(folder.uri) for folder in event.removed) if path is not None]
            server.schedule(server.guarded("changing folders", lambda: session.change_folders(added, removed), []), 0.0)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        session, settings = server.session, params.settings
        if session is not None and isinstance(settings, dict) and SECTION in settings:
            server.guarded("reading the settings", lambda: session.configure(read_settings(settings[SECTION])))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=True),
    )
    def code_action(params: types.CodeActionParams) -> Optional[List[types.CodeAction]]:
        session, uri = server.session, params.text_document.uri
        if session is None:
            return None
        only = [str(kind) for kind in params.context.only] if params.context.only is not None else None
        where = _from_range(params.range)
        listed = [
            (str(d.code) if d.code is not None else None, _from_range(d.range))
            for d in params.context.diagnostics
            if d.source == SOURCE
        ]
        actions: List[Action] = server.guarded(
            f"finding fixes in {uri}", lambda: session.actions(uri, where, only, listed), []
        )
        return [_action(server, action) for action in actions] or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    def code_action_resolve(params: types.CodeAction) -> types.CodeAction:
        session = server.session
        if session is None or params.data is None:
            return params
        data = params.data
        resolved: Optional[Action] = server.guarded("computing a fix", lambda: session.resolve(data))
        if resolved is None:
            return params  # the document changed, or the fix was refused (the user was told why)
        return _action(server, resolved)

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        server.shut_down = True
        server.stop()

    return server


def serve() -> int:
    """Run the server on stdin / stdout until the client says ``exit`` or goes away."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format=f"{SOURCE} server: %(message)s")
    server = build()
    server.start_io(sys.stdin.buffer, sys.stdout.buffer)
    server.stop()
    return 0 if server.shut_down else 1
