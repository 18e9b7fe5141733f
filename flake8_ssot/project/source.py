"""Source reading: a file's bytes, its text as Python decodes it, its physical lines.

Shared by the per-file pipeline (:mod:`flake8_ssot.project.analyse`), the fix command and the
flake8 report formatters, so that all of them read a file the same way.  Failures raise
:class:`Unreadable`, whose message completes "file could not be analysed: ...".
"""

from __future__ import annotations

import io
import os
import re
import stat
import tokenize
from typing import List, Sequence

_NEWLINE = re.compile(r"\r\n|\r|\n")


class Unreadable(Exception):
    """The file's bytes or text could not be had; the message says why, ``line`` where."""

    def __init__(self, reason: str, line: int = 1) -> None:
        super().__init__(reason)
        self.line = line


def read_bytes(path: str) -> bytes:
    """The file's bytes, refusing anything that is not a regular file before opening it."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise Unreadable(f"cannot read it ({error.strerror or error})") from None
    if not stat.S_ISREG(mode):
        raise Unreadable(f"not a regular file ({_kind(mode)})")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise Unreadable(f"cannot read it ({error.strerror or error})") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):  # replaced between stat and open
            raise Unreadable(f"not a regular file ({_kind(mode)})")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read()
    except OSError as error:
        raise Unreadable(f"cannot read it ({error.strerror or error})") from None
    finally:
        os.close(descriptor)


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory that could not be listed"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a file"


def decode(data: bytes) -> str:
    """The text as Python reads it: BOM, then PEP 263 coding cookie, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # unknown encoding, BOM contradicting the cookie
        if not error.msg.startswith("invalid or missing encoding declaration"):
            raise Unreadable(f"cannot decode it ({error.msg})") from None
        encoding = "utf-8"  # no cookie, and line 1 or 2 is not UTF-8: name the byte below
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.start + 1].hex()
        raise Unreadable(f"cannot decode it as {error.encoding} (byte 0x{bad} on line {line})", line) from None


def split_lines(text: str) -> List[str]:
    """Physical lines as the parser and flake8 count them (only CR, LF and CRLF end a line)."""
    return _NEWLINE.split(text)


def line_text(lines: Sequence[str], number: int) -> str:
    """The text of 1-based line ``number`` (empty when out of range), without its newline."""
    if 1 <= number <= len(lines):
        return lines[number - 1].rstrip("\r\n")
    return ""
