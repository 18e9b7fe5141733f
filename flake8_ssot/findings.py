"""A finding: one code at one place with one sentence of explanation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    """``line`` is 1-based and ``col`` 0-based, as in the ``ast`` and flake8's plugin API."""

    line: int
    col: int
    code: str
    text: str

    @property
    def message(self) -> str:
        """The flake8 message: the code, then the sentence."""
        return f"{self.code} {self.text}"
