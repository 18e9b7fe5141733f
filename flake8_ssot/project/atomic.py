"""Writing a file so that readers see the old or the new content, never a part of it."""

from __future__ import annotations

import os
import tempfile


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomically(path: str, text: str, durable: bool = False) -> None:
    """Write ``text`` (UTF-8, ``\\n`` newlines) to ``path`` via a temporary file and ``os.replace``.

    ``durable`` also flushes the data to disk before the rename, so that not even a power loss
    can leave an empty file behind (for files people keep; cache entries are checked on reading).
    """
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".flake8-ssot-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
