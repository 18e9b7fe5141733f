"""Configuration problems: collected during loading, reported together, each naming where."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Iterable, List, Optional, Tuple


@dataclass(frozen=True)
class Where:
    """A configuration file, the key in it and, when known, the line."""

    file: str
    key: str
    line: Optional[int] = None

    def __str__(self) -> str:
        line = f":{self.line}" if self.line else ""
        return f"{display_path(self.file)}{line}: {self.key}"


def display_path(path: str) -> str:
    """``path`` relative to the working directory when it lies below it, as flake8 shows files."""
    if not os.path.isabs(path):
        return path
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith(os.pardir) else relative


def undecodable_line(data: bytes, offset: int) -> Tuple[int, str]:
    """The 1-based line holding byte ``offset`` of ``data``, and that line shown with replacements."""
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    return data.count(b"\n", 0, offset) + 1, data[start : end if end >= 0 else len(data)].decode("utf-8", "replace")


# How many lines of a multi-line value a problem shows (the file and line say where the rest is).
SHOWN_LINES = 10
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def value_lines(value: str) -> List[str]:
    """A value as a problem shows it: itself when it is one line; otherwise its lines, each
    stripped, without the blank ones (an INI value written below its key starts with a blank line)."""
    if _LINE_BREAK.search(value) is None:
        return [value]
    lines = [line.strip() for line in _LINE_BREAK.split(value) if line.strip()]
    return lines or [value.strip()]


@dataclass(frozen=True)
class Problem:
    where: Where
    value: str
    message: str

    def describe(self) -> str:
        """``'value': message``; a value of several lines is shown below the message, one quoted
        line each, so that nothing reads as a ``\\n`` escape."""
        lines = value_lines(self.value)
        if len(lines) == 1:
            return f"{lines[0]!r}: {self.message}"
        shown = [f"\n    {line!r}" for line in lines[:SHOWN_LINES]]
        if len(lines) > SHOWN_LINES:
            shown.append(f"\n    ... and {len(lines) - SHOWN_LINES} more lines")
        return f"({len(lines)} lines below): {self.message}" + "".join(shown)

    def __str__(self) -> str:
        return f"{self.where}: {self.describe()}"


class ConfigError(Exception):
    """Every problem found in the configuration.  Nothing of a bad configuration is applied."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Tuple[Problem, ...] = tuple(problems)
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        lines = [f"flake8-ssot: {count} configuration problem{'s' if count != 1 else ''}:"]
        lines.extend(f"  {line}" for problem in self.problems for line in str(problem).split("\n"))
        return "\n".join(lines)


class Problems:
    """An accumulator handed through the loaders."""

    def __init__(self) -> None:
        self.items: List[Problem] = []

    def add(self, where: Where, value: object, message: str) -> None:
        self.items.append(Problem(where, str(value), message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ConfigError(self.items)
