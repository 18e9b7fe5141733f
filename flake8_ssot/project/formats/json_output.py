"""A JSON array of ``{path, line, column, code, message, severity}``; column 1-based, message
without the code, severity ``error``, ``warning`` or ``note``."""

from __future__ import annotations

import json
from typing import Sequence, TextIO

from flake8_ssot.project.report import Reported


def write(reported: Sequence[Reported], stream: TextIO) -> None:
    items = [
        {
            "path": item.path,
            "line": item.finding.line,
            "column": item.finding.col + 1,
            "code": item.finding.code,
            "message": item.finding.text,
            "severity": item.level,
        }
        for item in reported
    ]
    json.dump(items, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
