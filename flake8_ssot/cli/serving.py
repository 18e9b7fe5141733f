"""``flake8-ssot server``: start the language server, or say which extra it needs.

The server package is imported here, but pygls only when the server starts, so every other
command runs without it.  Exit codes: 0 after a client's orderly shutdown, 1 when the client
went away or said ``exit`` without ``shutdown`` (as LSP asks), 2 when pygls is not installed.
"""

from __future__ import annotations

import argparse
import sys

from flake8_ssot import server

EXIT_ERROR = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stdio",
        action="store_true",
        help="talk LSP over stdin and stdout (the default and only transport; accepted because clients pass it)",
    )


def run(options: argparse.Namespace) -> int:
    if not server.available():
        sys.stderr.write(f"flake8-ssot: error: {server.INSTALL_HINT}\n")
        return EXIT_ERROR
    return server.serve()
