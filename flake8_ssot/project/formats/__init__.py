"""Output formats.  Each writer takes the reported findings, sorted, and a text stream."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Sequence, TextIO

from flake8_ssot.findings import Finding


@dataclass(frozen=True)
class Reported:
    """A finding to report: where (the path as discovered), what, its source line and fingerprint."""

    path: str
    finding: Finding
    source: str
    fingerprint: str


Writer = Callable[[Sequence[Reported], TextIO], None]


def writers() -> Dict[str, Writer]:
    from flake8_ssot.project.formats import github, json_output, sarif, text

    return {"text": text.write, "json": json_output.write, "sarif": sarif.write, "github": github.write}


FORMATS = ("text", "json", "sarif", "github")
