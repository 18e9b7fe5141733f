"""Inline warnings in an editor, proven with a real language server.

python-lsp-server (``pylsp``) runs over stdio with its flake8 plugin on and its own pycodestyle,
pyflakes and mccabe plugins off, as the README's editor setup says.  The test is the editor: it
speaks LSP itself (JSON-RPC frames over pipes), opens documents whose unsaved buffers differ from
the files on disk, edits them, and reads the diagnostics the server publishes.  pylsp lints a
buffer by piping it to ``flake8 -`` with ``--stdin-display-name`` set to the document's path
relative to the workspace root, so the buffer is checked as the module it will be saved as.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "clients" / "project"
TIMEOUT = 90.0  # seconds for any one answer; generous for loaded CI machines, never asserted on

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


class LanguageServer:
    """A pylsp process and the client half of the protocol: frames, requests, notifications."""

    def __init__(self, root: Path) -> None:
        env = dict(os.environ)
        # pylsp runs ``flake8`` from PATH, as in a user's editor: the one next to this Python.
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pylsp"],
            cwd=str(root),
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.inbox: "queue.Queue[Optional[Dict[str, Any]]]" = queue.Queue()
        self.seen: List[Dict[str, Any]] = []
        self.stderr: List[str] = []
        self.next_id = 0
        self.ended = threading.Event()  # the server closed its output
        threading.Thread(target=self._read_frames, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_frames(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            while True:
                headers: Dict[str, str] = {}
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = stream.read(int(headers["content-length"]))
                self.inbox.put(json.loads(body.decode("utf-8")))
        finally:
            self.ended.set()
            self.inbox.put(None)

    def _read_stderr(self) -> None:
        stream = self.process.stderr
        assert stream is not None
        for line in stream:
            self.stderr.append(line.decode("utf-8", "replace"))

    def send(self, message: Dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def notify(self, method: str, params: Dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Optional[Dict[str, Any]]) -> Any:
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params})
        reply = self.wait(lambda message: message.get("id") == ident and "method" not in message, method)
        assert "error" not in reply, reply
        return reply.get("result")

    def wait(self, wanted: Callable[[Dict[str, Any]], bool], what: str) -> Dict[str, Any]:
        """The first message (already seen or still to come) that is ``wanted``."""
        for message in self.seen:
            if wanted(message):
                return message
        deadline = time.monotonic() + TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            try:
                message = self.inbox.get(timeout=max(remaining, 0.001))
            except queue.Empty:
                pytest.fail(f"pylsp sent no {what} within {TIMEOUT:.0f}s; its stderr:\n{''.join(self.stderr)}")
            if message is None:
                pytest.fail(f"pylsp closed its output while we waited for {what}; its stderr:\n{''.join(self.stderr)}")
            if "method" in message and "id" in message:
                # A request from the server (progress, configuration): answer it, as editors do.
                self.send({"id": message["id"], "result": None})
                continue
            self.seen.append(message)
            if wanted(message):
                return message

    def diagnostics(self, uri: str, version: int) -> List[Dict[str, Any]]:
        """The diagnostics pylsp published for ``version`` of the document at ``uri``."""
        message = self.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == version,
            f"diagnostics for {uri} version {version}",
        )
        return sorted(message["params"]["diagnostics"], key=lambda d: (d["range"]["start"]["line"], d["code"]))

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}},
        )

    def close(self) -> None:
        try:
            if self.process.poll() is None and not self.ended.is_set():
                self.request("shutdown", None)
                self.notify("exit", {})
                self.process.wait(timeout=TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=TIMEOUT)
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()


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
