"""Unsaved editor buffers standing in for module files during resolution.

A long-running process that knows files' unsaved text (the language server) registers it here;
resolution then reads a module from its buffer instead of from disk, and the digest cache sees a
new stamp on every change.  Nothing else registers buffers, so the plugin and the command read
files only.  Paths are absolute and normalised, as the module index builds them.
"""

from __future__ import annotations

import itertools
import os
from typing import Dict, Optional, Tuple

_open: Dict[str, Tuple[str, Tuple[int, int]]] = {}
_serial = itertools.count(1)


def _key(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def open_buffer(path: str, text: str) -> None:
    """Read ``path`` as ``text`` from now on (replacing any earlier buffer for it)."""
    # A negative "modification time" no file has: the stamp changes with every new text, and
    # again when the buffer is closed and the file on disk is read.
    _open[_key(path)] = (text, (-next(_serial), len(text.encode("utf-8", "surrogatepass"))))


def close_buffer(path: str) -> None:
    """Read ``path`` from disk again."""
    _open.pop(_key(path), None)


def buffer_text(path: str) -> Optional[str]:
    """The buffer's text for ``path``, None when no buffer is open for it."""
    if not _open:
        return None
    found = _open.get(path)
    return found[0] if found is not None else None


def buffer_stamp(path: str) -> Optional[Tuple[int, int]]:
    """The stamp of the buffer for ``path`` (in place of the file's ``(mtime_ns, size)``), or None."""
    if not _open:
        return None
    found = _open.get(path)
    return found[1] if found is not None else None


def close_all() -> None:
    _open.clear()
