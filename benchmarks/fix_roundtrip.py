"""Round trip of ``flake8-ssot fix`` over the CPython standard library.

Two registries are run over every ``.py`` file of the running interpreter's standard library:

* ``nothing``: entries no stdlib file mentions.  No file may change (not even be re-printed).
* ``matching``: entries that hit hundreds of files in every form the fixer rewrites (module moves
  within and across top-level packages, renamed names, chains, strings).  Every rewritten file
  must parse, a second fix must change nothing, and ``check`` must report only the findings the
  fixer listed as needing a person (``fix_text`` proves the last point itself, per file).

Nothing is written: files are read, fixed in memory, and compared.

    python benchmarks/fix_roundtrip.py            # every file
    python benchmarks/fix_roundtrip.py --sample 7 # every 7th file (sorted), as the test suite does
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import sysconfig
import tempfile
import textwrap
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.engine import Engine
from flake8_ssot.fix import fix_text
from flake8_ssot.location import ModuleIdentity, identify
from flake8_ssot.registry import Registry

REGISTRIES: Dict[str, str] = {
    "nothing": """
        [flake8]
        ssot-forbidden-modules =
            zz_no_such_package.legacy = zz_no_such_package.canonical [pure-move]
        ssot-forbidden-names =
            zz_no_such_package.models.OldThing = zz_no_such_package.models.NewThing
    """,
    "matching": """
        [flake8]
        ssot-forbidden-modules =
            os.path = posixpath [pure-move]
            logging.handlers = logging.newhandlers [pure-move]
            unittest.mock = mock [pure-move]
            collections.abc = collections.interfaces [pure-move]
            email.utils = email.helpers ; not a pure move: reported, never rewritten
        ssot-forbidden-names =
            typing.Optional = typing_extensions.Optional
            re.compile = regex.compile
            warnings.warn = warnings.alert
            json.loads = simplejson.loads
    """,
}


@dataclass
class Stats:
    files: int = 0
    unreadable: int = 0
    changed: int = 0
    fixed: int = 0
    manual: int = 0
    refused: Counter = field(default_factory=Counter)
    refusals: List[str] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)
    seconds: float = 0.0


def registry_for(name: str) -> Registry:
    with tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "setup.cfg"), "w", encoding="utf-8") as stream:
            stream.write(textwrap.dedent(REGISTRIES[name]).lstrip())
        return load_registry(ConfigRequest(cwd=directory, isolated=False))


def stdlib_files(sample: int = 1) -> List[str]:
    root = sysconfig.get_paths()["stdlib"]
    found: List[str] = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in ("site-packages", "__pycache__"))
        found.extend(os.path.join(directory, name) for name in sorted(files) if name.endswith(".py"))
    found.sort()
    return found[::sample]


def read(path: str) -> Optional[str]:
    try:
        with open(path, "rb") as stream:
            data = stream.read()
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def roundtrip(files: Sequence[str], registry: Registry) -> Stats:
    stats = Stats()
    engine = Engine(registry)
    start = time.perf_counter()
    for path in files:
        text = read(path)
        if text is None:
            stats.unreadable += 1
            continue
        stats.files += 1
        identity = identify(path, registry.source_roots)
        result = fix_text(text, path, registry, identity, engine)
        stats.fixed += len(result.fixed)
        stats.manual += len(result.manual)
        if result.error is not None:
            stats.refused[_kind(result.error)] += 1
            stats.refusals.append(f"{path}: {result.error}")
            if not _acceptable(result.error):
                stats.problems.append(f"{path}: {result.error}")
        if not result.changed:
            if result.text is not text:
                stats.problems.append(f"{path}: unchanged text was re-printed")
            continue
        stats.changed += 1
        stats.problems.extend(_check_output(path, result.text, text, registry, identity, engine))
    stats.seconds = time.perf_counter() - start
    return stats


def _kind(error: str) -> str:
    return error.split("(")[0].strip()


def _acceptable(error: str) -> bool:
    """Files the fixer may decline: ones Python or LibCST cannot read."""
    return error.startswith(("cannot parse it", "LibCST could not rewrite it (ParserSyntaxError"))


def _check_output(
    path: str, new: str, old: str, registry: Registry, identity: ModuleIdentity, engine: Engine
) -> List[str]:
    problems: List[str] = []
    try:
        ast.parse(new)
    except SyntaxError as error:
        return [f"{path}: the rewritten file does not parse: {error}"]
    again = fix_text(new, path, registry, identity, engine)
    if again.text != new:
        problems.append(f"{path}: a second fix changed the file again")
    if again.fixed:
        problems.append(f"{path}: a second fix found {len(again.fixed)} more fixable findings")
    if len(new.splitlines()) < len(old.splitlines()) - 50:
        problems.append(f"{path}: the rewritten file lost many lines")
    return problems


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=1, help="take every Nth file (default: all)")
    parser.add_argument("--registry", choices=sorted(REGISTRIES), action="append", help="run only these")
    parser.add_argument("-v", "--verbose", action="store_true", help="name every file the fixer declined")
    options = parser.parse_args(argv)
    files = stdlib_files(options.sample)
    print(f"python {sys.version.split()[0]}, stdlib {sysconfig.get_paths()['stdlib']}, {len(files)} files")
    failed = False
    for name in options.registry or REGISTRIES:
        stats = roundtrip(files, registry_for(name))
        print(
            f"{name:9} files={stats.files} unreadable={stats.unreadable} changed={stats.changed} "
            f"fixed={stats.fixed} manual={stats.manual} refused={dict(stats.refused)} "
            f"problems={len(stats.problems)} seconds={stats.seconds:.1f}"
        )
        for problem in stats.problems[:20]:
            print(f"  {problem}")
        for refusal in stats.refusals if options.verbose else ():
            print(f"  declined {refusal}")
        failed = failed or bool(stats.problems) or (name == "nothing" and stats.changed > 0)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
