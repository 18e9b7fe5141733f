"""SARIF 2.1.0 for code-scanning services (GitHub code scanning, GitLab, IDE viewers).

Every code of :data:`flake8_ssot.codes.CODES` is a rule with its summary and a ``helpUri`` to its
README section.  ``partialFingerprints`` carry the baseline fingerprint (code, file, normalised
line text, occurrence), which does not change when unrelated edits shift lines.  Columns are
converted from the parser's UTF-8 byte offsets to UTF-16 code units, SARIF's default.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Sequence, TextIO
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


def artifact_uri(path: str) -> str:
    """``path`` relative to the working directory as a URI reference (``/``, percent-encoded)."""
    relative = os.path.relpath(os.path.abspath(path))
    if relative.startswith(os.pardir):
        return "file:" + pathname2url(os.path.abspath(path))
    return quote(relative.replace(os.sep, "/"))


def result(item: Reported, indexes: Dict[str, int]) -> Dict[str, Any]:
    finding = item.finding
    location: Dict[str, Any] = {"uri": artifact_uri(item.path)}
    if not location["uri"].startswith("file:"):
        location["uriBaseId"] = SOURCE_ROOT
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
    root = pathname2url(os.path.abspath(os.curdir).rstrip(os.sep) + os.sep)
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
                "originalUriBaseIds": {SOURCE_ROOT: {"uri": "file://" + root}},
                "results": [result(item, indexes) for item in reported],
                "columnKind": "utf16CodeUnits",
            }
        ],
    }


def write(reported: Sequence[Reported], stream: TextIO) -> None:
    json.dump(document(reported), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
