"""Inline warnings in an editor, proven with a real language server.

python-lsp-server (``pylsp``) runs over stdio with its flake8 plugin on and its own pycodestyle,
pyflakes and mccabe plugins off, as the README's editor setup says.  The test is the editor: it
speaks LSP itself (JSON-RPC frames over pipes), opens documents whose unsaved buffers differ from
the files on disk, edits them, and reads the diagnostics the server publishes.  pylsp lints a
buffer by piping it to ``flake8 -`` with ``--stdin-display-name`` set to the document's path
relative to the workspace root, so the buffer is checked as the module it will be saved as.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from lsp_client import LspProcess, environment

FIXTURE = Path(__file__).parent / "fixtures" / "clients" / "project"

SETTINGS = {
    "pylsp": {
        "plugins": {
            "flake8": {"enabled": True},
            "pycodestyle": {"enabled": False},
            "pyflakes": {"enabled": False},
            "mccabe": {"enabled": False},
        }
    }
}

LEGACY_HINT = "use 'app.websocket_core.handlers' (queue-based, bypasses the agent factory)"
CANONICAL_HINT = "import it from there"
SOT301_MESSAGE = (
    "SOT301 class 'UserMessageHandler' is defined outside its canonical module "
    "'app.websocket_core.handlers'; " + CANONICAL_HINT
)


class LanguageServer(LspProcess):
    """A pylsp process, run as an editor runs it, and the client half of the protocol."""

    def __init__(self, root: Path) -> None:
        # pylsp runs ``flake8`` from PATH, as in a user's editor: the one next to this Python.
        super().__init__([sys.executable, "-m", "pylsp"], str(root), environment(), name="pylsp")

    def diagnostics(self, uri: str, version: int) -> List[Dict[str, Any]]:
        """The diagnostics pylsp published for ``version`` of the document at ``uri``."""
        return sorted(self.published(uri, version), key=lambda d: (d["range"]["start"]["line"], d["code"]))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture
def server(workspace: Path) -> Iterator[LanguageServer]:
    lsp = LanguageServer(workspace)
    try:
        lsp.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": workspace.as_uri(), "capabilities": {}},
        )
        lsp.notify("initialized", {})
        # What nvim-lspconfig and other clients send for their ``settings``.
        lsp.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})
        yield lsp
    finally:
        lsp.close()


def diagnostic(line: int, character: int, end: int, code: str, message: str) -> Dict[str, Any]:
    """What pylsp publishes for one flake8 line: warning severity, the range to the line's end."""
    return {
        "source": "flake8",
        "code": code,
        "range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": end}},
        "message": message,
        "severity": 2,
    }


BUFFER = (
    "from app.services.message_handler import QueueHandler\n"
    "\n"
    "\n"
    "class UserMessageHandler(QueueHandler):\n"
    "    pass\n"
)


@pytest.mark.slow
def test_unsaved_buffer_is_linted_and_diagnostics_follow_edits(server: LanguageServer, workspace: Path) -> None:
    on_disk = (workspace / "app" / "consumers.py").read_text(encoding="utf-8")
    assert "message_handler" not in on_disk and "class " not in on_disk  # the saved file is clean
    uri = (workspace / "app" / "consumers.py").as_uri()

    server.open(uri, BUFFER, version=1)

    assert server.diagnostics(uri, 1) == [
        diagnostic(
            0,
            0,
            54,
            "SOT101",
            "SOT101 import from legacy module 'app.services.message_handler'; " + LEGACY_HINT,
        ),
        diagnostic(3, 0, 40, "SOT301", SOT301_MESSAGE),
    ]

    # Two incremental edits, applied in order: the legacy import becomes a docstring plus a
    # canonical import (one line more), then the base class is taken from the canonical module.
    server.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [
                {
                    "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 53}},
                    "text": '"""Consumers."""\nfrom app.websocket_core import handlers',
                },
                {
                    "range": {"start": {"line": 4, "character": 25}, "end": {"line": 4, "character": 37}},
                    "text": "handlers.UserMessageHandler",
                },
            ],
        },
    )

    # The import finding is gone; the class finding moved down one line with its text.
    assert server.diagnostics(uri, 2) == [diagnostic(4, 0, 55, "SOT301", SOT301_MESSAGE)]
    assert (workspace / "app" / "consumers.py").read_text(encoding="utf-8") == on_disk


CANONICAL_BUFFER = (
    '"""The canonical message handler."""\n'
    "\n"
    "\n"
    "class UserMessageHandler:\n"
    "    def __init__(self):\n"
    "        self.queue = []\n"
    "\n"
    "    def handle(self, message):\n"
    "        self.queue.append(message)\n"
)


@pytest.mark.slow
def test_canonical_module_buffer_has_no_false_positive(server: LanguageServer, workspace: Path) -> None:
    canonical = (workspace / "app" / "websocket_core" / "handlers.py").as_uri()
    # The same text in a new, never saved file elsewhere in the package is a second definition.
    elsewhere = (workspace / "app" / "websocket_core" / "handlers_copy.py").as_uri()

    server.open(canonical, CANONICAL_BUFFER)
    server.open(elsewhere, CANONICAL_BUFFER)

    assert server.diagnostics(canonical, 1) == []
    assert server.diagnostics(elsewhere, 1) == [diagnostic(3, 0, 26, "SOT301", SOT301_MESSAGE)]
