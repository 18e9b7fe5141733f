"""What cross-file resolution costs: the CPython standard library checked with and without it.

Each mode runs in a fresh process (as a flake8 run or a worker would): the registry below bans a
few stdlib modules that other stdlib modules re-export (``json.decoder``, ``asyncio.base_events``,
``concurrent.futures._base``), one name behind a star re-export (``_collections_abc.Mapping``,
reached as ``collections.abc.Mapping``), and declares ``*Handler = stream`` so logging handler
calls are mapped onto their real ``__init__``.  Every ``.py`` file under the stdlib directory is
read, parsed with ``ast`` and checked by the engine, as the flake8 plugin does.

Printed: CPU time (``time.process_time``, so other load on the machine matters little) of the
checks alone and of read + parse + check, each as a ratio of the run with resolution to the run
without it (median of ``--repeat`` interleaved runs), peak RSS of each process, how
many modules astroid parsed, and the findings by code.  ``--flake8`` also times real
``flake8 --select=SOT -j1`` over the same files in both modes, as the CPU time of the flake8
process (slow: pycodestyle and pyflakes run too, which is what a user pays).

    python benchmarks/resolution_cost.py [--limit N] [--repeat 3] [--flake8]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from typing import Dict, List

REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    json.decoder
    asyncio.base_events
    concurrent.futures._base
ssot-forbidden-names =
    _collections_abc.Mapping = collections.abc.Mapping
ssot-canonical-classes =
    OrderedDict = collections
ssot-legacy-parameters =
    *Handler = stream
ssot-source-roots = {root}
ssot-resolve = {resolve}
"""


def stdlib_files(limit: int) -> List[str]:
    root = sysconfig.get_paths()["stdlib"]
    found: List[str] = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in ("site-packages", "__pycache__"))
        found.extend(os.path.join(directory, name) for name in sorted(files) if name.endswith(".py"))
    return found[:limit] if limit else found


def write_config(directory: str, resolve: bool) -> None:
    root = sysconfig.get_paths()["stdlib"]
    with open(os.path.join(directory, "setup.cfg"), "w", encoding="utf-8") as handle:
        handle.write(REGISTRY.format(root=root, resolve="true" if resolve else "false"))


def child(resolve: bool, limit: int) -> Dict[str, object]:
    """One measured run in this process."""
    from flake8_ssot.config import ConfigRequest, load_registry
    from flake8_ssot.engine import Engine
    from flake8_ssot.location import identify
    from flake8_ssot.resolution import shared_cache

    with tempfile.TemporaryDirectory() as directory:
        write_config(directory, resolve)
        registry = load_registry(ConfigRequest(cwd=directory))
    engine = Engine(registry)
    files = stdlib_files(limit)
    codes: Counter = Counter()
    check_seconds = 0.0
    started = time.process_time()
    checked = 0
    for path in files:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            tree = ast.parse(text, path)
        except (SyntaxError, UnicodeDecodeError, ValueError, RecursionError, MemoryError):
            continue
        checked += 1
        before = time.process_time()
        identity = identify(path, registry.source_roots)
        for finding in engine.check_tree(tree, identity, engine.select(text), path):
            codes[finding.code] += 1
        check_seconds += time.process_time() - before
    total_seconds = time.process_time() - started
    cache = shared_cache()
    return {
        "files": checked,
        "check_seconds": check_seconds,
        "total_seconds": total_seconds,
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "modules_parsed": cache.builds if cache is not None else 0,
        "cached_summaries": len(cache) if cache is not None else 0,
        "findings": dict(sorted(codes.items())),
    }


def measure(resolve: bool, limit: int) -> Dict[str, object]:
    command = [sys.executable, __file__, "--child", "on" if resolve else "off", "--limit", str(limit)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def flake8_seconds(resolve: bool, limit: int) -> float:
    files = stdlib_files(limit)
    with tempfile.TemporaryDirectory() as directory:
        write_config(directory, resolve)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [sys.executable, "-m", "flake8", "--select=SOT", "-j1", "--exit-zero", *files],
            cwd=directory,
            capture_output=True,
            text=True,
            check=True,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="check only the first N files (0: all)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per mode; the median is reported")
    parser.add_argument("--flake8", action="store_true", help="also time real flake8 in both modes")
    parser.add_argument("--child", choices=("on", "off"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        print(json.dumps(child(options.child == "on", options.limit)))
        return 0
    runs: Dict[bool, List[Dict[str, object]]] = {False: [], True: []}
    for _ in range(options.repeat):  # interleaved, so a change in machine load hits both modes
        for mode in (False, True):
            runs[mode].append(measure(mode, options.limit))

    def median(mode: bool, key: str) -> float:
        return statistics.median(float(run[key]) for run in runs[mode])  # type: ignore[arg-type]

    off, on = runs[False][0], runs[True][0]
    print(f"stdlib: {sysconfig.get_paths()['stdlib']}  files checked: {on['files']}  repeat: {options.repeat}")
    print("times are CPU seconds of one process; ratios are with resolution / without")
    print(f"findings without resolution: {off['findings']}")
    print(f"findings with resolution:    {on['findings']}")
    print(f"modules parsed by astroid: {on['modules_parsed']}  digests cached: {on['cached_summaries']}")
    print(
        f"checks only:          {median(True, 'check_seconds'):.2f}s vs {median(False, 'check_seconds'):.2f}s"
        f"  ratio {median(True, 'check_seconds') / median(False, 'check_seconds'):.2f}"
    )
    print(
        f"read + parse + check: {median(True, 'total_seconds'):.2f}s vs {median(False, 'total_seconds'):.2f}s"
        f"  ratio {median(True, 'total_seconds') / median(False, 'total_seconds'):.2f}"
    )
    print(
        f"peak RSS:             {median(True, 'peak_rss_kib') / 1024:.0f} MiB vs "
        f"{median(False, 'peak_rss_kib') / 1024:.0f} MiB"
        f"  ratio {median(True, 'peak_rss_kib') / median(False, 'peak_rss_kib'):.2f}"
    )
    if options.flake8:
        with_resolution = statistics.median(flake8_seconds(True, options.limit) for _ in range(options.repeat))
        without = statistics.median(flake8_seconds(False, options.limit) for _ in range(options.repeat))
        print(
            f"flake8 --select=SOT -j1 (CPU of the flake8 process): {with_resolution:.1f}s vs {without:.1f}s"
            f"  ratio {with_resolution / without:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
