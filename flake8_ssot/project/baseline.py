"""Baselines: accept today's findings, report only new ones.

A finding is fingerprinted by its code, its file (relative to the baseline file's directory), the
text of its own source line with whitespace collapsed, and an occurrence index among the findings
of that file with the same code and line text.  Line numbers are not part of it, so edits that
only shift lines keep every entry.  The flake8 plugin (:func:`unaccepted`) and the command
line (:mod:`flake8_ssot.project.report`) both filter with :meth:`Baseline.partition`, so a
baseline written by one is honoured by the other.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Protocol, Sequence, Set, Tuple, TypeVar

from flake8_ssot.project.analyse import locate
from flake8_ssot.project.atomic import write_atomically
from flake8_ssot.project.paths import printable
from flake8_ssot.codes import FILE_NOT_ANALYSED, INTERNAL_ERROR
from flake8_ssot.config.problems import display_path
from flake8_ssot.findings import Finding

DEFAULT_NAME = ".flake8-ssot-baseline.json"
FORMAT_VERSION = 1
# Internal errors and unanalysed files are always reported.
NEVER_BASELINED = frozenset({INTERNAL_ERROR, FILE_NOT_ANALYSED})


class BaselineError(Exception):
    """The baseline file is missing or malformed; the message names the file."""


def normalise_line(line: str) -> str:
    """The line's text with every run of whitespace collapsed to one space, stripped."""
    return " ".join(line.split())


def relative_key(path: str, base_dir: str) -> str:
    """``path`` relative to ``base_dir``, with ``/`` separators: the file part of a fingerprint."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, base_dir)
    except ValueError:  # another drive on Windows
        relative = absolute
    return printable(relative.replace(os.sep, "/"))


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
        key = (finding.code, normalise_line(line))
        index = seen.get(key, 0)
        seen[key] = index + 1
        result.append(Fingerprint(path_key, finding.code, key[1], index))
    return result


def digest(fingerprint: Fingerprint) -> str:
    """A stable hex id of a fingerprint (SARIF ``partialFingerprints``)."""
    import hashlib

    text = json.dumps([fingerprint.path, fingerprint.code, fingerprint.source, fingerprint.occurrence])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def baselinable(code: str) -> bool:
    return code not in NEVER_BASELINED


class _HasSource(Protocol):
    """A finding with the text of its source line (:class:`~flake8_ssot.project.analyse.Located`, a report item)."""

    @property
    def finding(self) -> Finding: ...

    @property
    def source(self) -> str: ...


_Sourced = TypeVar("_Sourced", bound=_HasSource)


class Baseline:
    """The accepted findings of one baseline file."""

    def __init__(self, path: str, entries: Dict[Fingerprint, str]) -> None:
        self.path = os.path.abspath(path)
        self.base_dir = os.path.dirname(self.path)
        self.entries = entries

    def key(self, path: str) -> str:
        return relative_key(path, self.base_dir)

    def accepts(self, fingerprint: Fingerprint) -> bool:
        return fingerprint in self.entries and baselinable(fingerprint.code)

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
    def load(cls, path: str) -> "Baseline":
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
        return cls(path, entries)


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
        if baselinable(fp.code)
    ]
    document = {"tool": "flake8-ssot", "version": FORMAT_VERSION, "findings": items}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def stale(baseline: Baseline, matched: Set[Fingerprint], checked: Set[str], roots: Sequence[str]) -> List[Fingerprint]:
    """Baseline entries that no longer occur in the files this run looked at.

    An entry is stale when its file was checked and did not produce it, or when its file no
    longer exists and lay below one of the checked ``roots`` (keys relative to the baseline).
    """
    result: List[Fingerprint] = []
    for fingerprint in sorted(baseline.entries):
        if fingerprint in matched or not baselinable(fingerprint.code):
            continue
        if fingerprint.path in checked:
            result.append(fingerprint)
        elif not os.path.exists(os.path.join(baseline.base_dir, fingerprint.path)) and any(
            root in (".", "") or fingerprint.path == root or fingerprint.path.startswith(root.rstrip("/") + "/")
            for root in roots
        ):
            result.append(fingerprint)
    return result


def save(path: str, entries: Iterable[Tuple[Fingerprint, str]]) -> int:
    """Write a baseline atomically; the number of entries written."""
    text = render(entries)
    write_atomically(path, text, durable=True)
    return text.count('"path":')


def unaccepted(baseline: Baseline, filename: str, findings: Sequence[Finding], lines: Sequence[str]) -> List[Finding]:
    """The findings of one file that ``baseline`` does not accept (the plugin's filter)."""
    kept, _ = baseline.partition(filename, locate(findings, lines))
    return [item.finding for item in kept]
