"""The result cache: ``.flake8-ssot-cache/`` in the project root.

One *manifest* per configuration (everything a result depends on besides the file: the registry,
the tool's version and code, the Python version, the run's options) holds, per file, its stamp
(size and modification time), a digest of its bytes and what the last run found there: findings,
class facts, the bindings the project's closure read, what cross-file resolution read.  A later run
``stat``s each file and reuses the entry of every file whose stamp is unchanged, without reading
it; a file modified too close to the manifest's writing to trust its stamp (the "racy" case) is
read again.  The manifest also keeps the closure its entries were computed against, so a run whose
closure gained tokens looks again at the files that name them.

The manifest is JSON, written through a temporary file and ``os.replace`` so two concurrent runs
never see half of one (the last writer wins); one that cannot be read, has another key or the
wrong shape is ignored and written again.  A cache that cannot be written is silently not used.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from typing import Any, Dict, FrozenSet, Optional, Tuple

from flake8_ssot import __version__
from flake8_ssot.project.atomic import write_atomically

DIRECTORY = ".flake8-ssot-cache"
FORMAT = 2
# A file modified this close (ns) before the manifest was written may have changed again within
# the same timestamp tick: its stamp is not trusted.
RACY_NS = 2_000_000_000

Stamp = Tuple[int, int]


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


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def stamp_of(path: str) -> Optional[Stamp]:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


class Cache:
    """The manifests of one project; ``directory`` None is a disabled cache."""

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
        return os.path.join(self.directory, f"manifest-{key[:32]}.json")

    def load(self, key: str) -> "Manifest":
        """The manifest for ``key`` (empty when there is none, or it cannot be used)."""
        if self.directory is None:
            return Manifest(key)
        try:
            with open(self._path(key), "rb") as handle:
                document = json.loads(handle.read().decode("utf-8"))
            if document.get("key") != key or document.get("format") != FORMAT:
                return Manifest(key)
            files = document["files"]
            tokens = document["tokens"]
            written = int(document["written"])
            if not isinstance(files, dict) or not isinstance(tokens, list):
                return Manifest(key)
            return Manifest(key, files, frozenset(str(token) for token in tokens), written, document.get("closure"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return Manifest(key)

    def save(self, manifest: "Manifest") -> None:
        if self.directory is None:
            return
        document = {
            "key": manifest.key,
            "format": FORMAT,
            "written": time.time_ns(),
            "tokens": sorted(manifest.tokens),
            "closure": manifest.closure,
            "files": manifest.files,
        }
        try:
            # ASCII escapes keep file names that are not UTF-8 (surrogate escapes) writable.
            write_atomically(self._path(manifest.key), json.dumps(document, separators=(",", ":")))
        except (OSError, ValueError):
            pass


class Manifest:
    """What one run found per file (``files``: absolute path -> entry), the closure tokens those
    entries were computed against, and the closure itself."""

    def __init__(
        self,
        key: str,
        files: Optional[Dict[str, Any]] = None,
        tokens: FrozenSet[str] = frozenset(),
        written: int = 0,
        closure: Optional[object] = None,
    ) -> None:
        self.key = key
        self.files: Dict[str, Any] = {} if files is None else files
        self.tokens = tokens
        self.written = written
        self.closure = closure  # the project's closure, as JSON, when the run computed one

    def entry(self, path: str, stamp: Optional[Stamp]) -> Optional[Dict[str, Any]]:
        """The entry of ``path`` when its stamp is unchanged (and, when the stamp is too close to
        the manifest's writing to be trusted, its bytes too), else None."""
        entry = self.files.get(path)
        if stamp is None or not isinstance(entry, dict):
            return None
        recorded = entry.get("s")
        if not isinstance(recorded, list) or tuple(recorded) != stamp:
            return None
        if stamp[1] >= self.written - RACY_NS:
            # Modified in the same moment the manifest was written: the content decides.
            try:
                with open(path, "rb") as handle:
                    if content_digest(handle.read()) != entry.get("h"):
                        return None
            except OSError:
                return None
        return entry


def manifest_key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
