"""A finding: one code at one place with one sentence of explanation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from flake8_ssot.codes import INTERNAL_ERROR


@dataclass(frozen=True, order=True)
class Finding:
    """``line`` is 1-based and ``col`` 0-based, as in the ``ast`` and flake8's plugin API.

    ``entry`` is the :attr:`~flake8_ssot.registry.Entry.ref` of the registry entry the finding is
    about (None for findings about no entry: SOT303, SOT9xx).  It is not part of the finding's
    identity (equality, order, baselines): it says what the finding refers to, for the entry's
    severity and for the registry check's count of references.
    """

    line: int
    col: int
    code: str
    text: str
    entry: Optional[str] = field(default=None, compare=False)

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
