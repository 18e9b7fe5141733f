"""Scanning a file's bytes for literal tokens before decoding it.

Most files of a project hold none of the tokens a registry can be reached through; for them the
command only reads the bytes and looks (:class:`~flake8_ssot.checking.tokens.TokenScan`).

Bytes stand for the text only when decoding cannot change them: a pure-ASCII file without a
coding cookie (:func:`plain`).  Other files are decoded and searched as text (identifiers are
NFKC-normalised by the parser, so non-ASCII text may spell an ASCII token differently).
"""

from __future__ import annotations

import re
from typing import Iterable

from flake8_ssot.checking.tokens import TokenScan

# A coding cookie (PEP 263) is on line 1 or 2; a file with one is decoded before it is searched.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


def plain(data: bytes) -> bool:
    """True when ``data`` decodes to the same characters as its bytes and with no error: ASCII,
    and no coding cookie on its first two lines."""
    if not data.isascii():
        return False
    head = data[:1024].split(b"\n", 2)[:2]
    return not any(_COOKIE.match(line) for line in head)


def byte_scan(tokens: Iterable[str]) -> "TokenScan[bytes]":
    """A scan of bytes for ``tokens`` (ASCII, as :func:`plain` bytes spell them)."""
    return TokenScan(tokens, as_bytes=True)
