"""Output formats.  Each writer takes the reported findings, sorted, and a text stream.

The items (:class:`~flake8_ssot.project.report.Reported`) are assembled by :mod:`flake8_ssot.project.report`.
"""

from __future__ import annotations

from typing import Callable, Dict, Sequence, TextIO

from flake8_ssot.project.report import Reported

Writer = Callable[[Sequence[Reported], TextIO], None]


def writers() -> Dict[str, Writer]:
    from flake8_ssot.project.formats import github, json_output, sarif, text

    return {"text": text.write, "json": json_output.write, "sarif": sarif.write, "github": github.write}


FORMATS = ("text", "json", "sarif", "github")
