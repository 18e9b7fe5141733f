"""File names as text: what the reports, the baseline and the command's messages show."""

from __future__ import annotations


def printable(path: str) -> str:
    """``path`` as text that can be printed and stored: a file name that is not valid UTF-8
    (its bytes arrive as surrogates) shows its bad bytes as ``\\xff`` escapes."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
