"""SARIF 2.1.0 for code-scanning services (GitHub code scanning, GitLab, IDE viewers).

Every code of :data:`flake8_ssot.codes.CODES` is a rule with its summary and a ``helpUri`` to its
README section.  ``partialFingerprints`` carry the baseline fingerprint (code, file, normalised
line text, occurrence), which does not change when unrelated edits shift lines.  Columns are
converted from the parser's UTF-8 byte offsets to UTF-16 code units, SARIF's default.

Each location's URI is the path the report shows, relative to the directory it is shown relative
to: ``SRCROOT`` (the working directory), or ``PROJECTROOT`` (then ``PROJECTROOT2``, ...) for a
file outside it shown relative to its repository root or the project root; a file shown absolute
gets a ``file:`` URI.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Sequence, TextIO
from urllib.parse import quote
from urllib.request import pathname2url

from flake8_ssot import __version__
from flake8_ssot.project.report import Reported
from flake8_ssot.codes import CODES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
REPOSITORY_URL = "https://github.com/flake8-ssot/flake8-ssot"
README_URL = REPOSITORY_URL + "/blob/main/README.md"
FINGERPRINT = "flake8SsotFingerprint/v1"
SOURCE_ROOT = "SRCROOT"
PROJECT_ROOT = "PROJECTROOT"


def help_uri(anchor: str) -> str:
    return f"{README_URL}#{anchor}"


def rules() -> List[Dict[str, Any]]:
    return [
        {
            "id": code.code,
            "name": code.name,
            "shortDescription": {"text": code.summary},
            "fullDescription": {"text": f"{code.code} {code.name}: {code.summary}"},
            "helpUri": help_uri(code.anchor),
            "help": {"text": f"See {help_uri(code.anchor)}"},
            "defaultConfiguration": {"level": code.level},
        }
        for code in CODES
    ]


def utf16_column(source: str, byte_col: int) -> int:
    """The 1-based UTF-16 column of a 0-based UTF-8 byte offset into ``source``."""
    prefix = source.encode("utf-8")[:byte_col].decode("utf-8", "ignore")
    return len(prefix.encode("utf-16-le")) // 2 + 1


def base_ids(reported: Sequence[Reported]) -> Dict[str, str]:
    """The URI base id of every directory the items' paths are relative to (absolute paths)."""
    cwd = os.path.abspath(os.curdir)
    ids = {cwd: SOURCE_ROOT}
    others = sorted({item.base for item in reported if item.base is not None and item.base != cwd})
    for number, base in enumerate(others, 1):
        ids[base] = PROJECT_ROOT if number == 1 else f"{PROJECT_ROOT}{number}"
    return ids


def uri_base_ids(ids: Dict[str, str]) -> Dict[str, Dict[str, str]]:
    """SARIF's ``originalUriBaseIds`` for :func:`base_ids`."""
    return {name: {"uri": "file://" + pathname2url(base.rstrip(os.sep) + os.sep)} for base, name in ids.items()}


def artifact_location(item: Reported, ids: Dict[str, str]) -> Dict[str, str]:
    """The item's path as a URI reference (``/``, percent-encoded) and its base id."""
    if item.base is None:
        return {"uri": "file:" + pathname2url(os.path.abspath(item.path))}
    relative = os.path.normpath(item.path).replace(os.sep, "/")
    return {"uri": quote(relative), "uriBaseId": ids.get(item.base, SOURCE_ROOT)}


def result(item: Reported, indexes: Dict[str, int], ids: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    finding = item.finding
    location = artifact_location(item, ids if ids is not None else base_ids([item]))
    return {
        "ruleId": finding.code,
        "ruleIndex": indexes[finding.code],
        "level": item.level,
        "message": {"text": finding.text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": {"startLine": finding.line, "startColumn": utf16_column(item.source, finding.col)},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT: item.fingerprint},
    }


def document(reported: Sequence[Reported]) -> Dict[str, Any]:
    indexes = {code.code: index for index, code in enumerate(CODES)}
    ids = base_ids(reported)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "flake8-ssot",
                        "version": __version__,
                        "informationUri": REPOSITORY_URL,
                        "rules": rules(),
                    }
                },
                "originalUriBaseIds": uri_base_ids(ids),
                "results": [result(item, indexes, ids) for item in reported],
                "columnKind": "utf16CodeUnits",
            }
        ],
    }


def write(reported: Sequence[Reported], stream: TextIO) -> None:
    json.dump(document(reported), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
