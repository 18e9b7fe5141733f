"""The least work any correct ``check`` must do on a tree, as a command to time.

Read every ``.py`` file, scan its bytes once with one compiled pattern of the registry's literal
tokens (the forbidden modules' segments and names, canonical class names, legacy parameters), and
``ast.parse`` only the files given as holding findings (a correct implementation must parse at
least those), in two processes.  Nothing is checked: this is the floor a real run is compared to.

    python benchmarks/floor.py ROOT FILES_TO_PARSE
"""

from __future__ import annotations

import ast
import io
import multiprocessing
import os
import re
import sys
import tokenize
from typing import List, Sequence, Set, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run  # noqa: E402


def tokens(root: str) -> "re.Pattern[bytes]":
    from flake8_ssot.config import ConfigRequest, load_registry

    registry = load_registry(ConfigRequest(cwd=root))
    words: Set[str] = set()
    for entry in registry.forbidden_modules:
        words.update(entry.pattern.literal_segments)
    for name_entry in registry.forbidden_names:
        words.update(name_entry.name.split("."))
    words.update(registry.canonical_classes)
    for legacy in registry.legacy_parameters:
        words.update(legacy.parameters)
    alternatives = b"|".join(re.escape(word.encode()) for word in sorted(words, key=len, reverse=True))
    return re.compile(rb"(?:" + alternatives + rb")")


def work(job: Tuple[Sequence[str], Set[str], "re.Pattern[bytes]"]) -> int:
    paths, must_parse, pattern = job
    passed = 0
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        if pattern.search(data) is None:
            continue
        passed += 1
        if path in must_parse:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            ast.parse(data.decode(encoding), path)
    return passed


def main(argv: List[str]) -> int:
    root, listing = os.path.abspath(argv[0]), argv[1]
    with open(listing, encoding="utf-8") as handle:
        must_parse = {os.path.abspath(os.path.join(root, line.strip())) for line in handle if line.strip()}
    paths = [os.path.abspath(path) for path in run.python_files(root)]
    pattern = tokens(root)
    halves = [paths[0::2], paths[1::2]]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        passed = sum(pool.map(work, [(half, must_parse, pattern) for half in halves]))
    print(f"floor: files={len(paths)} past-bytes-prefilter={passed} parsed={len(must_parse)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
