"""A finding: one code at one place with one sentence of explanation."""

from __future__ import annotations

from dataclasses import dataclass

from flake8_ssot.codes import INTERNAL_ERROR


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


def internal_error(where: str, error: BaseException) -> Finding:
    """The SOT900 finding for a failure ``where`` (a rule, a file's tree): one line, whatever the
    exception's text holds, since editors parse flake8's output line by line."""
    detail = " ".join(f"{type(error).__name__}: {error}".split()).rstrip(":")
    if len(detail) > 200:
        detail = detail[:197] + "..."
    return Finding(
        1,
        0,
        INTERNAL_ERROR,
        f"flake8-ssot could not finish {where} ({detail}); "
        "the file's other findings are still reported, please report this",
    )
