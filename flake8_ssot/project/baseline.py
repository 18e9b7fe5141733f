"""Baselines: accept today's findings, report only new ones.

A finding is fingerprinted by its code, its file (relative to the baseline file's directory when
it lies below it, else to its repository root or the configuration's directory, never with
``..``: :func:`~flake8_ssot.project.paths.relative_key`), the text of its own source line with
whitespace collapsed, and an occurrence index among the findings of that file with the same code
and line text.  Line numbers are not part of it, so edits that only shift lines keep every entry.
SOT900 and SOT901 say something about the whole file, at a line and with a message that depend on
the parser (which line a syntax error is reported at, and its wording, change between Python
versions) or on the failure: they are identified by code and file alone (an empty line text).
The flake8 plugin (:func:`unaccepted`) and the command line (:mod:`flake8_ssot.project.report`)
both filter with :meth:`Baseline.partition`, so a baseline written by one is honoured by the other.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Protocol, Sequence, Set, Tuple, TypeVar

from flake8_ssot.project.analyse import locate
from flake8_ssot.project.atomic import write_atomically
from flake8_ssot.project.paths import Repositories, below, relative_key
from flake8_ssot.codes import FILE_NOT_ANALYSED, INTERNAL_ERROR
from flake8_ssot.config.problems import display_path
from flake8_ssot.findings import Finding
from flake8_ssot.registry import Registry

DEFAULT_NAME = ".flake8-ssot-baseline.json"
FORMAT_VERSION = 1
# Findings about the whole file: identified by code and file, not by their line's text.
WHOLE_FILE = frozenset({INTERNAL_ERROR, FILE_NOT_ANALYSED})


class BaselineError(Exception):
    """The baseline file is missing or malformed; the message names the file."""


def normalise_line(line: str) -> str:
    """The line's text with every run of whitespace collapsed to one space, stripped."""
    return " ".join(line.split())


@dataclass(frozen=True, order=True)
class Fingerprint:
    """What identifies a finding across edits."""

    path: str
    code: str
    source: str
    occurrence: int


def fingerprints(path_key: str, findings: Sequence[Tuple[Finding, str]]) -> List[Fingerprint]:
    """One fingerprint per ``(finding, its source line)``, in the order given.

    The findings of one file must be given sorted (line, column, code, text), as the engine
    returns them, so that the occurrence index is the same for the plugin and the command line.
    """
    seen: Dict[Tuple[str, str], int] = {}
    result: List[Fingerprint] = []
    for finding, line in findings:
        key = (finding.code, "" if finding.code in WHOLE_FILE else normalise_line(line))
        index = seen.get(key, 0)
        seen[key] = index + 1
        result.append(Fingerprint(path_key, finding.code, key[1], index))
    return result


def digest(fingerprint: Fingerprint) -> str:
    """A stable hex id of a fingerprint (SARIF ``partialFingerprints``)."""
    import hashlib

    text = json.dumps([fingerprint.path, fingerprint.code, fingerprint.source, fingerprint.occurrence])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _HasSource(Protocol):
    """A finding with the text of its source line (:class:`~flake8_ssot.project.analyse.Located`, a report item)."""

    @property
    def finding(self) -> Finding: ...

    @property
    def source(self) -> str: ...


_Sourced = TypeVar("_Sourced", bound=_HasSource)


class Baseline:
    """The accepted findings of one baseline file."""

    def __init__(self, path: str, entries: Dict[Fingerprint, str], root: Optional[str] = None) -> None:
        self.path = os.path.abspath(path)
        self.base_dir = os.path.dirname(self.path)
        self.root = None if root is None else os.path.abspath(root)  # the configuration's directory
        self.entries = entries
        self._repositories = Repositories()

    def key(self, path: str) -> str:
        """The file part of the fingerprints of ``path``'s findings."""
        return relative_key(path, self.base_dir, self.root, self._repositories)

    def files_of(self, key: str, roots: Sequence[str]) -> List[str]:
        """The absolute files an entry's ``key`` may name: the key read against the baseline's
        directory, the repository root of one of ``roots`` (absolute) and the configuration's
        directory, wherever that gives the key back.  (Two files may share a key: one below the
        baseline's directory, one elsewhere in the repository at the same relative path.)"""
        anchors = [self.base_dir]
        anchors.extend(root for root in map(self._repositories.root_of, roots) if root is not None)
        anchors.extend([self.root] if self.root else [])
        candidates = [key] if os.path.isabs(key) else [os.path.join(anchor, key) for anchor in anchors]
        found: List[str] = []
        for candidate in map(os.path.normpath, candidates):
            if candidate not in found and self.key(candidate) == key:
                found.append(candidate)
        return found

    def accepts(self, fingerprint: Fingerprint) -> bool:
        return fingerprint in self.entries

    def partition(self, path: str, items: Sequence[_Sourced]) -> Tuple[List[_Sourced], List[Fingerprint]]:
        """The items of file ``path`` this baseline does not accept, and the entries that accepted the rest.

        ``items`` (anything with a ``finding`` and its ``source`` line) must be the file's whole
        list, sorted by finding, as for :func:`fingerprints`; the kept ones keep their order.
        """
        kept: List[_Sourced] = []
        accepted: List[Fingerprint] = []
        prints = fingerprints(self.key(path), [(item.finding, item.source) for item in items])
        for item, fingerprint in zip(items, prints):
            if self.accepts(fingerprint):
                accepted.append(fingerprint)
            else:
                kept.append(item)
        return kept, accepted

    @classmethod
    def load(cls, path: str, root: Optional[str] = None) -> "Baseline":
        """Read the baseline file ``path``; ``root``: the configuration's directory (for the keys
        of files outside the baseline's directory and outside any repository)."""
        shown = display_path(path)
        try:
            with open(path, "rb") as handle:
                data = json.loads(handle.read().decode("utf-8"))
        except FileNotFoundError:
            raise BaselineError(
                f"baseline file {shown} does not exist; create it with 'flake8-ssot baseline'"
            ) from None
        except OSError as error:
            raise BaselineError(f"cannot read baseline file {shown}: {error.strerror}") from None
        except ValueError as error:  # invalid UTF-8 or JSON
            raise BaselineError(f"baseline file {shown} is not valid JSON: {error}") from None
        entries = _entries(data)
        if entries is None:
            raise BaselineError(
                f"baseline file {shown} is not a flake8-ssot baseline (version {FORMAT_VERSION}); "
                "write it again with 'flake8-ssot baseline'"
            )
        return cls(path, entries, root)


def _entries(data: object) -> Optional[Dict[Fingerprint, str]]:
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        return None
    items = data.get("findings")
    if not isinstance(items, list):
        return None
    entries: Dict[Fingerprint, str] = {}
    for item in items:
        if not isinstance(item, dict):
            return None
        path, code, source = item.get("path"), item.get("code"), item.get("source")
        occurrence, message = item.get("occurrence", 0), item.get("message", "")
        if not (
            isinstance(path, str) and isinstance(code, str) and isinstance(source, str) and isinstance(message, str)
        ):
            return None
        if not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 0:
            return None
        entries[Fingerprint(path, code, source, occurrence)] = message
    return entries


def render(entries: Iterable[Tuple[Fingerprint, str]]) -> str:
    """The baseline file's text: sorted, one entry per finding, stable across runs."""
    items = [
        {"path": fp.path, "code": fp.code, "source": fp.source, "occurrence": fp.occurrence, "message": message}
        for fp, message in sorted(set(entries))
    ]
    document = {"tool": "flake8-ssot", "version": FORMAT_VERSION, "findings": items}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def stale(baseline: Baseline, matched: Set[Fingerprint], checked: Set[str], roots: Sequence[str]) -> List[Fingerprint]:
    """Baseline entries that no longer occur in the files this run looked at.

    An entry is stale when its file was checked (``checked``: keys) and did not produce it, or
    when its file no longer exists and lay below one of the checked ``roots`` (absolute paths).
    """
    result: List[Fingerprint] = []
    absolute_roots = [os.path.abspath(root) for root in roots]
    gone: Dict[str, bool] = {}
    for fingerprint in sorted(baseline.entries):
        if fingerprint in matched:
            continue
        if fingerprint.path in checked:
            result.append(fingerprint)
            continue
        if fingerprint.path not in gone:
            files = baseline.files_of(fingerprint.path, absolute_roots)
            gone[fingerprint.path] = not any(map(os.path.lexists, files)) and any(
                below(file, root) is not None for file in files for root in absolute_roots
            )
        if gone[fingerprint.path]:
            result.append(fingerprint)
    return result


def save(path: str, entries: Iterable[Tuple[Fingerprint, str]]) -> int:
    """Write a baseline atomically; the number of entries written."""
    text = render(entries)
    write_atomically(path, text, durable=True)
    return text.count('"path":')


def configured(registry: Registry) -> Optional[Baseline]:
    """The baseline ``registry`` names (``ssot-baseline``), as the plugin and the language server
    apply it; raises :class:`BaselineError`."""
    if not registry.baseline:
        return None
    root = os.path.dirname(os.path.abspath(registry.origin)) if registry.origin else None
    return Baseline.load(registry.baseline, root)


def unaccepted(baseline: Baseline, filename: str, findings: Sequence[Finding], lines: Sequence[str]) -> List[Finding]:
    """The findings of one file that ``baseline`` does not accept (the plugin's filter)."""
    kept, _ = baseline.partition(filename, locate(findings, lines))
    return [item.finding for item in kept]
