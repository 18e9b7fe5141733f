"""flake8's own format: ``path:line:col: CODE message``, column 1-based."""

from __future__ import annotations

from typing import Sequence, TextIO

from flake8_ssot.project.report import Reported


def line(item: Reported) -> str:
    finding = item.finding
    return f"{item.path}:{finding.line}:{finding.col + 1}: {finding.message}"


def write(reported: Sequence[Reported], stream: TextIO) -> None:
    for item in reported:
        stream.write(line(item) + "\n")
