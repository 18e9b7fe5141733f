"""``flake8-ssot server``: a language server (LSP over stdio) for editors.

Diagnostics as you type and quick fixes from ``flake8-ssot fix``, with the registry, engine and
per-file pipeline of ``flake8-ssot check``.  pygls (the protocol) is an optional extra: importing
this package does not import it; :func:`serve` does.
"""

from __future__ import annotations

INSTALL_HINT = "the server command needs pygls: pip install 'flake8-ssot[server]'"


def available() -> bool:
    """Whether pygls (and the protocol types it brings) can be imported."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        return False
    return True


def serve() -> int:
    """Run the server on stdin / stdout; the exit code to end the process with."""
    from flake8_ssot.server.app import serve as run

    return run()


__all__ = ["INSTALL_HINT", "available", "serve"]
