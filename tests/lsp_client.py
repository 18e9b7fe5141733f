"""The client half of the Language Server Protocol, for tests that drive a real server process.

JSON-RPC frames over the server's stdin and stdout, a reader thread collecting what the server
sends, requests the server makes answered as editors answer them, and text edits applied the way
a client applies them (LSP lines, UTF-16 or UTF-8 positions).  Nothing here knows a particular
server; waiting is bounded by a generous timeout, which no test asserts on.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Sequence

import pytest

TIMEOUT = 90.0  # seconds for any one answer; generous for loaded CI machines, never asserted on
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

Message = Dict[str, Any]


class LspProcess:
    """A language server process and the client's side of the conversation."""

    def __init__(self, command: Sequence[str], cwd: str, env: Optional[Dict[str, str]] = None, name: str = "server"):
        self.name = name
        self.process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.inbox: "queue.Queue[Optional[Message]]" = queue.Queue()
        self.seen: List[Message] = []
        self.stderr: List[str] = []
        self.next_id = 0
        self.ended = threading.Event()  # the server closed its output
        self.answers: Dict[str, Callable[[Message], Any]] = {}  # method -> result, for server requests
        self.initialize_result: Any = None
        threading.Thread(target=self._read_frames, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # -- the wire --------------------------------------------------------------------------------

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

    def send(self, message: Message) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> Any:
        """Send a request and return its result (failing the test on an error answer)."""
        reply = self.request_reply(method, params)
        assert "error" not in reply, reply
        return reply.get("result")

    def request_reply(self, method: str, params: Any) -> Message:
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params})
        return self.wait(lambda message: message.get("id") == ident and "method" not in message, f"the answer to {method}")

    def _fail(self, why: str) -> None:
        pytest.fail(f"{self.name} {why}; its stderr:\n{''.join(self.stderr)}")

    def wait(self, wanted: Callable[[Message], bool], what: str, since: int = 0) -> Message:
        """The first message (from ``since`` in :attr:`seen`, or still to come) that is ``wanted``."""
        for message in self.seen[since:]:
            if wanted(message):
                return message
        deadline = time.monotonic() + TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            try:
                message = self.inbox.get(timeout=max(remaining, 0.001))
            except queue.Empty:
                self._fail(f"sent no {what} within {TIMEOUT:.0f}s")
                raise AssertionError("unreachable")
            if message is None:
                self._fail(f"closed its output while we waited for {what}")
                raise AssertionError("unreachable")
            if "method" in message and "id" in message:
                # A request from the server (registrations, progress, configuration): answer it.
                answer = self.answers.get(message["method"])
                self.send({"id": message["id"], "result": answer(message) if answer else None})
            self.seen.append(message)
            if wanted(message):
                return message

    def drain(self, seconds: float) -> None:
        """Collect whatever arrives within ``seconds`` (to show that nothing more does)."""
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                message = self.inbox.get(timeout=remaining)
            except queue.Empty:
                return
            if message is None:
                return
            self.seen.append(message)

    # -- documents -------------------------------------------------------------------------------

    def open(self, uri: str, text: str, version: int = 1, language: str = "python") -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}},
        )

    def change(self, uri: str, version: int, changes: List[Message]) -> None:
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes})

    def published(self, uri: str, version: Any = None, since: int = 0) -> List[Message]:
        """The diagnostics the server publishes next for ``uri`` (and, when given, ``version``)."""

        def wanted(message: Message) -> bool:
            if message.get("method") != "textDocument/publishDiagnostics":
                return False
            params = message["params"]
            return params["uri"] == uri and (version is None or params.get("version") == version)

        message = self.wait(wanted, f"diagnostics for {uri} version {version}", since)
        return message["params"]["diagnostics"]

    def mark(self) -> int:
        """A point in :attr:`seen`: later waits with ``since=`` look only at what came after it."""
        while True:
            try:
                message = self.inbox.get_nowait()
            except queue.Empty:
                return len(self.seen)
            if message is not None:
                self.seen.append(message)

    # -- the end ---------------------------------------------------------------------------------

    def close(self) -> None:
        try:
            if self.process.poll() is None and not self.ended.is_set():
                self.request("shutdown", None)
                self.notify("exit", None)
                self.process.wait(timeout=TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=TIMEOUT)
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def offset_of(text: str, position: Message, encoding: str = "utf-16") -> int:
    """The offset into ``text`` of an LSP position (lines split at CR, LF and CRLF only)."""
    starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]
    line = position["line"]
    if line >= len(starts):
        return len(text)
    start = starts[line]
    end_match = _LINE_BREAK.search(text, start)
    end = end_match.start() if end_match else len(text)
    counted = 0
    for index in range(start, end):
        if counted >= position["character"]:
            return index
        counted += _units(text[index], encoding)
    return end


def apply_text_edits(text: str, edits: List[Message], encoding: str = "utf-16") -> str:
    """``text`` with LSP ``TextEdit``s applied, as a client applies them (all ranges refer to ``text``)."""
    spans = sorted(
        (offset_of(text, edit["range"]["start"], encoding), offset_of(text, edit["range"]["end"], encoding), edit["newText"])
        for edit in edits
    )
    pieces, done = [], 0
    for start, end, new in spans:
        assert start >= done, f"overlapping edits: {edits}"
        pieces.append(text[done:start])
        pieces.append(new)
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def as_changes(edits: List[Message]) -> List[Message]:
    """A workspace edit's ``TextEdit``s (all in the text's old coordinates) as the content changes
    a client then sends, applied in order: from the end of the text backwards."""

    def start(edit: Message) -> Any:
        return edit["range"]["start"]["line"], edit["range"]["start"]["character"]

    return [{"range": edit["range"], "text": edit["newText"]} for edit in sorted(edits, key=start, reverse=True)]


def environment() -> Dict[str, str]:
    """The test's environment, with this Python's scripts first on PATH."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env
