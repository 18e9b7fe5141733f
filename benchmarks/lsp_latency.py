"""How long after a change the language server's diagnostics arrive, against ``flake8 -``.

Builds a small project with a registry and one generated module of ``--lines`` lines (2,000 by
default) that imports a legacy module, then, interleaved ``--repeat`` times:

* ``flake8 --stdin-display-name app/big.py -`` with the text on stdin, from the project's
  directory: what an editor that lints through flake8 runs after each change (a new process,
  flake8's own checks and the plugin);
* one ``textDocument/didChange`` to a running ``flake8-ssot server`` (one line edited in the
  middle of the file), timed until the ``publishDiagnostics`` for that version arrives: once with
  ``debounce`` 0 (the work itself) and once with the default pause (what a user sees after the last
  keystroke).

It also times the first code-action request after a change on the legacy import: from a client
that takes the edits with the list (the fixer's LibCST rewrite for the quick fix and for fix all),
and from one that resolves them (the list from the fixer's planning, then resolving the quick fix).
Medians, and ratios to ``flake8 -``::

    python benchmarks/lsp_latency.py [--lines 2000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty, Queue
from typing import Any, Dict, List, Optional

REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    app.legacy = app.core [pure-move] ; moved
ssot-forbidden-names =
    app.models.OldUser = app.users.User
ssot-canonical-classes =
    UserMessageHandler = app.handlers
ssot-legacy-parameters =
    *Handler = supervisor
"""
MODULES = {
    "app/__init__.py": "",
    "app/core.py": "class Thing:\n    pass\n",
    "app/legacy.py": "class Thing:\n    pass\n",
    "app/models.py": "class OldUser:\n    pass\n",
    "app/users.py": "class User:\n    pass\n",
    "app/handlers.py": "class UserMessageHandler:\n    def __init__(self, queue):\n        self.queue = queue\n",
}
TIMEOUT = 120.0


def module_text(lines: int) -> str:
    """A module of exactly ``lines`` lines: imports (one legacy), then classes and functions that
    call constructors, use strings and attribute chains, as application code does."""
    out = [
        '"""Generated for the latency benchmark."""',
        "import os",
        "from app.legacy import Thing",
        "from app.handlers import UserMessageHandler",
        "",
    ]
    number = 0
    while len(out) < lines:
        out += [
            "",
            "",
            f"class Service{number}:",
            f'    """Service number {number}."""',
            "",
            "    def __init__(self, queue, name):",
            "        self.queue = queue",
            f"        self.name = name or 'service-{number}'",
            "",
            "    def run(self, items):",
            "        handler = UserMessageHandler(self.queue)",
            "        for item in items:",
            f"            path = os.path.join(self.name, str(item), '{number}')",
            "            handler.queue.append((path, Thing()))",
            "        return len(items)",
            "",
            "",
            f"def helper_{number}(values):",
            f"    total = sum(value * {number} for value in values)",
            "    return {'total': total, 'count': len(values)}",
        ]
        number += 1
    return "\n".join(out[:lines]) + "\n"


def write_project(root: Path, lines: int) -> Path:
    (root / "setup.cfg").write_text(REGISTRY, encoding="utf-8")
    for name, text in MODULES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    big = root / "app" / "big.py"
    big.write_text(module_text(lines), encoding="utf-8")
    return big


class Server:
    """``flake8-ssot server`` and just enough of a client to time it."""

    def __init__(self, root: Path, options: Dict[str, Any], resolves: bool) -> None:
        script = Path(sys.executable).parent / "flake8-ssot"
        command = [str(script), "server"] if script.exists() else [sys.executable, "-m", "flake8_ssot", "server"]
        self.process = subprocess.Popen(
            command, cwd=str(root), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.inbox: "Queue[Optional[Dict[str, Any]]]" = Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.next_id = 0
        capabilities: Dict[str, Any] = {"workspace": {"workspaceEdit": {"documentChanges": True}}}
        if resolves:
            capabilities["textDocument"] = {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}
        params = {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": capabilities}
        self.request("initialize", dict(params, initializationOptions=options))
        self.notify("initialized", {})

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    self.inbox.put(None)
                    return
                if not line.strip():
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.inbox.put(json.loads(stream.read(length)))

    def send(self, message: Dict[str, Any]) -> None:
        body = json.dumps(dict(message, jsonrpc="2.0")).encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def wait(self, wanted: Any) -> Dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                message = self.inbox.get(timeout=max(deadline - time.monotonic(), 0.001))
            except Empty:
                raise SystemExit("the server did not answer in time") from None
            if message is None:
                raise SystemExit("the server stopped")
            if "method" in message and "id" in message:
                self.send({"id": message["id"], "result": None})
            elif wanted(message):
                return message

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == ident and "method" not in m).get("result")

    def diagnostics(self, uri: str, version: int) -> List[Dict[str, Any]]:
        message = self.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == version
        )
        return list(message["params"]["diagnostics"])

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=TIMEOUT)


def time_flake8(root: Path, text: str) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--stdin-display-name", "app/big.py", "-"],
        cwd=str(root),
        input=text,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    elapsed = time.perf_counter() - start
    if "SOT101" not in result.stdout:
        raise SystemExit(f"flake8 did not report the legacy import:\n{result.stdout}{result.stderr}")
    return elapsed


def edit(version: int, line: int) -> Dict[str, Any]:
    """Replace line ``line`` (a ``total = ...`` line keeps its shape) with a new number each time."""
    return {
        "range": {"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}},
        "text": f"    total = sum(value * {version} for value in values)\n",
    }


def code_actions(server: Server, uri: str) -> List[Dict[str, Any]]:
    position = {"line": 2, "character": 10}  # on the legacy import
    where = {"start": position, "end": position}
    params = {"textDocument": {"uri": uri}, "range": where, "context": {"diagnostics": []}}
    actions = server.request("textDocument/codeAction", params) or []
    if [action["kind"] for action in actions] != ["quickfix", "source.fixAll.flake8-ssot"]:
        raise SystemExit(f"the server offered {actions}")
    return list(actions)


def measure(lines: int, repeat: int) -> Dict[str, List[float]]:
    names = ("flake8", "server", "server_default", "actions", "listed", "resolved")
    timings: Dict[str, List[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        big = write_project(root, lines)
        text = big.read_text(encoding="utf-8")
        uri = big.as_uri()
        target = next(number for number, line in enumerate(text.splitlines()) if line.startswith("    total = "))
        # A client that takes edits with the list, and one that resolves them (as VS Code and Neovim).
        servers = {"server": Server(root, {"debounce": 0}, False), "server_default": Server(root, {}, True)}
        try:
            for server in servers.values():
                server.notify(
                    "textDocument/didOpen",
                    {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
                )
                found = server.diagnostics(uri, 1)
                if [d["code"] for d in found] != ["SOT101"]:
                    raise SystemExit(f"the server reported {found}")
            for version in range(2, repeat + 2):
                timings["flake8"].append(time_flake8(root, text))
                for name, server in servers.items():
                    start = time.perf_counter()
                    server.notify(
                        "textDocument/didChange",
                        {"textDocument": {"uri": uri, "version": version}, "contentChanges": [edit(version, target)]},
                    )
                    server.diagnostics(uri, version)
                    timings[name].append(time.perf_counter() - start)
                start = time.perf_counter()
                code_actions(servers["server"], uri)
                timings["actions"].append(time.perf_counter() - start)
                start = time.perf_counter()
                quick_fix, _ = code_actions(servers["server_default"], uri)
                timings["listed"].append(time.perf_counter() - start)
                start = time.perf_counter()
                if "edit" not in servers["server_default"].request("codeAction/resolve", quick_fix):
                    raise SystemExit("the quick fix was not resolved")
                timings["resolved"].append(time.perf_counter() - start)
        finally:
            for server in servers.values():
                server.close()
    return timings


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=2000, help="lines of the edited module (default 2000)")
    parser.add_argument("--repeat", type=int, default=15, help="changes to time (default 15)")
    options = parser.parse_args(argv)
    timings = measure(options.lines, options.repeat)
    base = statistics.median(timings["flake8"])
    rows = [
        ("flake8 - (stdin, a new process per change)", "flake8"),
        ("server: didChange to diagnostics, debounce 0", "server"),
        ("server: didChange to diagnostics, default debounce (200 ms)", "server_default"),
        ("server: code actions after a change, with their edits (LibCST twice)", "actions"),
        ("server: code actions after a change, listed for a resolving client", "listed"),
        ("server: resolving the quick fix (LibCST once)", "resolved"),
    ]
    print(f"{options.lines}-line module, {options.repeat} changes, Python {sys.version.split()[0]}, medians")
    print()
    print("| what | median | / flake8 - |")
    print("|---|---|---|")
    for label, key in rows:
        median = statistics.median(timings[key])
        print(f"| {label} | {median * 1000:,.0f} ms | {median / base:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
