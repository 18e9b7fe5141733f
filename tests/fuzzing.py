"""Fuzz targets and mutators shared by tests/test_fuzz_engine.py and benchmarks/fuzz_long.py.

The property checked on every input: neither the command's per-file pipeline (decode, parse,
check, collect facts) nor the flake8 plugin raises, no rule fails (no SOT900), and when the text
parses both report exactly the same findings.
"""

from __future__ import annotations

import ast
import functools
import io
import os
import sysconfig
import tokenize
import warnings
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Set, Tuple

from flake8_ssot.project.analyse import analyse_text
from flake8_ssot.project.source import Unreadable, decode
from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.engine import Engine
from flake8_ssot.location import identify
from flake8_ssot.plugin import SsotChecker
from flake8_ssot.registry import Registry

# Entries that match real code: the standard library uses all of these names, so mutated
# modules exercise every rule, wildcard patterns and allow-lists included.
STDLIB_REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    os.path = pathlib ; use pathlib
    *.abc
    typing
    collections.abc = abc
ssot-forbidden-names =
    collections.OrderedDict = builtins.dict
    functools.wraps
ssot-canonical-classes =
    Error = errors
    Path = pathlib
ssot-legacy-parameters =
    *Error = msg, code
    *Handler = level, stream
ssot-allow =
    typing = email.*, json
"""

# Short names: programs generated from the grammar use few, short identifiers.
GENERATED_REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    a = b
    a.*.c
ssot-forbidden-names = b.c.d
ssot-canonical-classes = A = b
ssot-legacy-parameters = A* = a, b
"""


def registry_in(directory: Path, ini: str) -> Registry:
    (directory / "setup.cfg").write_text(ini, encoding="utf-8")
    return load_registry(ConfigRequest(cwd=str(directory)))


Found = Set[Tuple[int, int, str]]


def parse_quietly(text: str) -> ast.AST:
    """``ast.parse`` as the hosts run it: the analysed code's SyntaxWarnings are not errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)


def plugin_findings(engine: Engine, text: str, filename: str) -> Found:
    """What the flake8 plugin yields for ``text`` (flake8 hands it the lines and the tree)."""
    lines = text.splitlines(keepends=True)
    saved = (SsotChecker._engine, SsotChecker._baseline)
    SsotChecker._engine, SsotChecker._baseline = engine, None
    try:
        checker = SsotChecker(parse_quietly("".join(lines)), lines, filename)
        return {(line, col, message) for line, col, message, _ in checker.run()}
    finally:
        SsotChecker._engine, SsotChecker._baseline = saved


def check_text(engine: Engine, text: str, filename: str) -> Optional[Found]:
    """Run both hosts' paths on ``text`` as the file ``filename``; raise AssertionError on any
    broken property.  Returns the findings when the text parses, None when it does not.
    """
    identity = identify(filename, engine.registry.source_roots)
    analysis = analyse_text(engine, text, filename, identity, want_findings=True, want_facts=True, prefilter=False)
    codes = [finding.code for finding in analysis.findings]
    assert "SOT900" not in codes, [f.message for f in analysis.findings if f.code == "SOT900"]
    try:
        parse_quietly(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        assert codes == ["SOT901"], codes
        return None
    command = {(f.line, f.col, f.message) for f in analysis.findings}
    plugin = plugin_findings(engine, text, filename)
    assert plugin == command, (sorted(plugin ^ command), filename)
    return command


def check_bytes(engine: Engine, data: bytes, filename: str) -> None:
    """The command's path from bytes: decoding fails cleanly or the text is checked."""
    try:
        text = decode(data)
    except Unreadable:
        return
    check_text(engine, text, filename)


# Files whose module identities exercise the exemptions: an ordinary module, the canonical
# module, a module inside a forbidden wildcard module, an allow-listed one, a script, stdin.
LAYOUT = ("app/consumers.py", "b.py", "a/x/c/__init__.py", "email/utils.py", "pathlib.py", "bin/run-me.py")


def make_layout(root: Path) -> List[str]:
    """Create the packages of :data:`LAYOUT` under ``root``; the file names to check as, and stdin."""
    for name in LAYOUT:
        directory = (root / name).parent
        while directory != root:
            directory.mkdir(parents=True, exist_ok=True)
            if directory.name != "bin":
                (directory / "__init__.py").touch()
            directory = directory.parent
    return [str(root / name) for name in LAYOUT] + ["stdin"]


# --- Mutated real files -----------------------------------------------------------------------


def stdlib_files(limit_bytes: Optional[int] = None) -> List[Path]:
    """Top-level modules of the running interpreter's standard library, sorted."""
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(path for path in root.glob("*.py") if path.is_file())
    if limit_bytes is not None:
        files = [path for path in files if path.stat().st_size <= limit_bytes]
    return files


@functools.lru_cache(maxsize=None)
def read_spans(path: str) -> Tuple[str, Tuple[Tuple[int, int], ...]]:
    """The file's text and the character span of each of its tokens (zero-width ones left out)."""
    with open(path, "rb") as handle:
        text = decode(handle.read())
    starts = [0]
    for line in io.StringIO(text):
        starts.append(starts[-1] + len(line))
    spans: List[Tuple[int, int]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            begin = starts[token.start[0] - 1] + token.start[1]
            end = starts[token.end[0] - 1] + token.end[1]
            if end > begin and token.type != tokenize.ENDMARKER:
                spans.append((begin, end))
    except (tokenize.TokenError, SyntaxError):
        pass
    return text, tuple(spans)


MUTATIONS = ("delete", "duplicate", "swap")
Mutation = Tuple[str, int, int]


def mutate(text: str, spans: Sequence[Tuple[int, int]], mutations: Sequence[Mutation]) -> str:
    """Apply token deletions, duplications and swaps (indices taken modulo the token count)."""
    if not spans:
        return text
    edits: List[Tuple[int, int, str]] = []
    for kind, first, second in mutations:
        a = spans[first % len(spans)]
        b = spans[second % len(spans)]
        if kind == "delete":
            edits.append((a[0], a[1], ""))
        elif kind == "duplicate":
            token = text[a[0] : a[1]]
            edits.append((a[0], a[1], token + " " + token))
        elif a != b:
            edits.append((a[0], a[1], text[b[0] : b[1]]))
            edits.append((b[0], b[1], text[a[0] : a[1]]))
    edits.sort()
    kept: List[Tuple[int, int, str]] = []
    for edit in edits:
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    for begin, end, replacement in reversed(kept):
        text = text[:begin] + replacement + text[end:]
    return text


def walk_files(root: Path) -> Iterator[Path]:
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(directory) / name
