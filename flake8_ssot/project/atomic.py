"""Writing a file so that readers see the old or the new content, never a part of it."""

from __future__ import annotations

import os
import tempfile
from typing import Optional, Union


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomically(
    path: str,
    content: Union[str, bytes],
    durable: bool = False,
    mode: Optional[int] = None,
    prefix: str = ".flake8-ssot-",
) -> None:
    """Write ``content`` to ``path`` via a temporary file in its directory and ``os.replace``.

    Text is written as UTF-8 with its newlines as they are; bytes as they are.  The file gets the
    permission bits ``mode`` (to keep an existing file's), else those a new file gets under the
    umask.  The temporary file is ``<prefix>XXXXXXXX.tmp``.  ``durable`` also flushes the data to
    disk before the rename, so that not even a power loss can leave an empty file behind (for files
    people keep; cache entries are checked on reading).
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask() if mode is None else mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
