"""GitHub Actions workflow commands: ``::error file=...,line=...,col=...,title=CODE::message``
(``::warning`` for a warning, ``::notice`` for a note).

Values are escaped as the Actions runner expects: ``%``, CR and LF everywhere, and ``:`` and
``,`` inside properties as well.
"""

from __future__ import annotations

from typing import Sequence, TextIO

from flake8_ssot.codes import NOTE
from flake8_ssot.project.report import Reported


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def line(item: Reported) -> str:
    finding = item.finding
    properties = ",".join(
        (
            f"file={escape_property(item.path)}",
            f"line={finding.line}",
            f"col={finding.col + 1}",
            f"title={escape_property(finding.code)}",
        )
    )
    command = "notice" if item.level == NOTE else item.level
    return f"::{command} {properties}::{escape_data(finding.text)}"


def write(reported: Sequence[Reported], stream: TextIO) -> None:
    for item in reported:
        stream.write(line(item) + "\n")
