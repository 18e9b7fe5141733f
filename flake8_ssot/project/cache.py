"""The result cache: ``.flake8-ssot-cache/`` in the project root.

An entry is keyed by the SHA-256 of the file's bytes, a digest of everything else its result
depends on (the configuration, the tool's version and code, the Python version) and the file's
module identity.  Entries are JSON, written through a temporary file and ``os.replace`` so two
concurrent runs never see half an entry; an entry that cannot be read or has the wrong shape is
a miss and is written again.  A cache that cannot be written is silently not used.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import Any, Optional

from flake8_ssot import __version__
from flake8_ssot.project.atomic import write_atomically

DIRECTORY = ".flake8-ssot-cache"
FORMAT = 1


def code_digest() -> str:
    """Digest of the tool's identity: version, Python, and the source of the package itself.

    Hashing the package's own source means an edited (editable-install) flake8-ssot never
    serves results computed by older code.
    """
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{sys.version}\0".encode())
    for directory, subdirectories, files in os.walk(package):
        subdirectories.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                digest.update(os.path.relpath(path, package).encode())
                try:
                    with open(path, "rb") as handle:
                        digest.update(handle.read())
                except OSError:
                    digest.update(b"?")
    return digest.hexdigest()


def entry_key(salt: str, kind: str, data_digest: str, identity: str) -> str:
    return hashlib.sha256("\0".join((salt, kind, data_digest, identity)).encode("utf-8")).hexdigest()


class Cache:
    """A directory of entries; ``directory`` None is a disabled cache."""

    def __init__(self, directory: Optional[str]) -> None:
        self.directory = directory

    @classmethod
    def in_project(cls, root: str) -> "Cache":
        directory = os.path.join(root, DIRECTORY)
        try:
            os.makedirs(directory, exist_ok=True)
            ignore = os.path.join(directory, ".gitignore")
            if not os.path.exists(ignore):
                write_atomically(ignore, "*\n")
        except OSError:
            return cls(None)
        return cls(directory)

    def _path(self, key: str) -> str:
        assert self.directory is not None
        return os.path.join(self.directory, key[:2], key + ".json")

    def get(self, key: str) -> Optional[Any]:
        if self.directory is None:
            return None
        try:
            with open(self._path(key), "rb") as handle:
                document = json.loads(handle.read().decode("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(document, dict) or document.get("key") != key or "value" not in document:
            return None
        return document["value"]

    def put(self, key: str, value: Any) -> None:
        if self.directory is None:
            return
        path = self._path(key)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_atomically(path, json.dumps({"key": key, "value": value}, ensure_ascii=False, separators=(",", ":")))
        except OSError:
            pass
