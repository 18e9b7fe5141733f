"""Where the plugin's per-file time goes: each stage of the engine, as a share of ``ast.parse``.

The corpus is built as ``run.py`` builds it (the stdlib copy, or the seeded generated tree, with
the same registry); every file is read and parsed, then checked through the flake8 plugin's
checker as flake8 calls it, one tree at a time.  The engine's stages are timed by wrapping them:

* ``text filter``: which rules can report, from the text alone;
* ``imports``: the import statements, found by the lines holding ``import``;
* ``refine <rule>``: a rule's look at the imports before anything else is collected;
* ``statements`` / ``expressions``: the other nodes the remaining rules read;
* ``rule <name>``: the rule itself; for SOT105 and resolved SOT202 this includes following names
  into other modules (astroid digests of the modules reached, then lookups);
* ``other``: the rest of the checker (module identity, flake8's result tuples).

Wrapping costs a little itself, so the stages add up to slightly more than an unwrapped run.

``--no-gc`` switches Python's cyclic garbage collector off for the measured loop: the difference
it makes to the ``ast.parse`` row is the collector's share of parsing in this process.

    python benchmarks/engine_stages.py [--corpus stdlib|generated] [--files N] [--no-resolve] [--no-gc]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from typing import Any, Callable, Dict, Optional, Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run  # noqa: E402 - the harness's corpora and registry, one source of truth

Stages = Dict[str, float]


def _timed(stages: Stages, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            result = function(*args, **kwargs)
            if name.startswith("rule "):
                result = list(result)  # a rule may be a generator: its work happens here
            return result
        finally:
            stages[name] = stages.get(name, 0.0) + time.perf_counter() - started

    return wrapper


def measure(root: str, collect_garbage: bool = True) -> Dict[str, Any]:
    from flake8_ssot import engine as engine_module
    from flake8_ssot.config import ConfigRequest, load_registry
    from flake8_ssot.plugin import SsotChecker

    os.chdir(root)
    engine = engine_module.Engine(load_registry(ConfigRequest(cwd=root)))
    stages: Stages = {}
    engine.select = _timed(stages, "text filter", engine.select)  # type: ignore[method-assign]
    engine_module.collect_imports = _timed(stages, "imports", engine_module.collect_imports)
    engine_module.collect_statements = _timed(stages, "statements", engine_module.collect_statements)
    engine_module.collect_nodes = _timed(stages, "expressions", engine_module.collect_nodes)
    for rule in engine.rules:
        rule.check = _timed(stages, f"rule {rule.name}", rule.check)
        rule.refine = _timed(stages, f"refine {rule.name}", rule.refine)
    SsotChecker._engine = engine  # what SsotChecker.parse_options ends with
    parse = checker = 0.0
    files = 0
    clock = time.perf_counter
    if not collect_garbage:
        gc.disable()
    for path, text, tree, seconds in run.parsed_files("."):
        parse += seconds
        files += 1
        lines = text.splitlines(True)
        started = clock()
        list(SsotChecker(tree, lines, path).run())
        checker += clock() - started
    gc.enable()
    return {"files": files, "parse": parse, "checker": checker, "stages": stages}


def report(corpus: run.Corpus, result: Dict[str, Any], resolve: bool, collect_garbage: bool = True) -> str:
    parse, checker, stages = result["parse"], result["checker"], result["stages"]
    rows = [
        ["ast.parse (the floor)", f"{parse:.2f}", "1.000x"],
        ["checker, all stages", f"{checker:.2f}", f"{checker / parse:.3f}x"],
    ]
    shown = 0.0
    for name, spent in sorted(stages.items(), key=lambda item: -item[1]):
        if spent > 0:
            rows.append([f"  {name}", f"{spent:.2f}", f"{spent / parse:.3f}x"])
            shown += spent
    other = max(checker - shown, 0.0)
    rows.append(["  other", f"{other:.2f}", f"{other / parse:.3f}x"])
    title = (
        f"{corpus.name}: {result['files']} files, ssot-resolve = {'true' if resolve else 'false'}, "
        f"garbage collector {'on' if collect_garbage else 'off'}, "
        f"Python {sys.version.split()[0]}, load average {run.load_average()}"
    )
    return title + "\n\n" + run.table(("stage", "seconds", "share of ast.parse"), rows)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=("stdlib", "generated"), default="stdlib")
    parser.add_argument("--files", type=int, default=10_000, help="generated files (default 10000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-resolve", dest="resolve", action="store_false", help="set ssot-resolve = false")
    parser.add_argument("--no-gc", dest="gc", action="store_false", help="garbage collector off while measuring")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ssot-stages-") as workdir:
        if options.corpus == "stdlib":
            corpus = run.stdlib_corpus(workdir, options.resolve)
        else:
            corpus = run.generated_corpus(workdir, options.files, options.seed, options.resolve)
        result = measure(corpus.root, options.gc)
        os.chdir(os.path.dirname(workdir))
    print(report(corpus, result, options.resolve, options.gc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
