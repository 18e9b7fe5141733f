"""flake8-ssot against what its users would otherwise run: Ruff, flake8-tidy-imports, and the parser.

Every comparison runs in one invocation, on the same files, with the same ban, as medians of
``--repeat`` runs interleaved round-robin (so load on the machine hits every tool alike), and is
printed as ratios in markdown tables:

1. **Per file, in process**: flake8-ssot's flake8 checker on trees already parsed (as flake8 calls
   it), against flake8-tidy-imports' checker with the equivalent ``banned-modules``, and against
   ``ast.parse`` itself, the floor every flake8 plugin pays.
2. **flake8 runs**: flake8 with only flake8-ssot (``--select SOT``), with only flake8-tidy-imports
   (``--select I251``), and with no checker plugin at all (reading, tokenizing and parsing only),
   so the difference is what each plugin adds to a flake8 run.
3. **The command**: ``flake8-ssot check`` cold (``--no-cache``) and warm (nothing changed since the
   previous run) against ``ruff check --select TID251 --no-cache`` with the equivalent banned-api.
4. **Growth**: time and peak memory of ``check`` and Ruff from 1,000 to ``--files`` files.

Corpora: ``stdlib`` is a copy of the running interpreter's standard library (``site-packages``
left out); ``generated`` is :mod:`generate_tree`'s seeded application tree, whose seeded findings
are known, so flake8-ssot's counts are printed as found/expected.  Ruff and flake8-tidy-imports
see only imports (Ruff also attribute accesses), so they report fewer findings.

Wall and CPU time (user + system, children included) and peak RSS come from ``os.wait4`` on each
tool's process (the largest process of a run, workers included).  A tool that is not installed
gets a row saying so.  Unix only.

    python -m pip install -e '.[bench]'
    python benchmarks/run.py                       # both corpora, 10,000 generated files
    python benchmarks/run.py --corpus generated --files 3000 --repeat 5
    python benchmarks/run.py --quick               # a tiny generated corpus, one run (the test suite)
"""

from __future__ import annotations

import argparse
import ast
import configparser
import importlib.util
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import tokenize
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generate_tree  # noqa: E402

CODES = generate_tree.CODES
SKIPPED = "skipped: not installed"

PER_FILE_HEADER = (
    "corpus",
    "files",
    "ast.parse",
    "flake8-ssot checker",
    "flake8-tidy-imports checker",
    "ssot / tidy-imports",
    "ssot / ast.parse",
    "files past prefilter",
)
FLAKE8_HEADER = (
    "corpus",
    "files",
    "flake8 alone",
    "flake8 + SOT",
    "flake8 + I251",
    "SOT run / alone",
    "I251 run / alone",
    "SOT added / I251 added",
    "peak RSS MiB (alone, SOT, I251)",
)
COMMAND_HEADER = (
    "corpus",
    "files",
    "floor",
    "ruff TID251",
    "check cold",
    "check warm",
    "warm, one module edited",
    "cold / floor",
    "cold / ruff",
    "warm / cold",
    "edited / cold",
    "peak RSS MiB (ruff, cold, warm)",
    "findings (ruff, check)",
)
GROWTH_HEADER = ("tool", "files", "wall s", "CPU s", "CPU ms per 1,000 files", "peak RSS MiB")
FINDINGS_HEADER = ("corpus", "tool", *CODES, "other")

# The standard library's registry: modules other stdlib modules import, re-export and patch.
STDLIB_SSOT = """\
ssot-forbidden-modules =
    json.decoder = json
    asyncio.base_events = asyncio
    concurrent.futures._base = concurrent.futures
ssot-forbidden-names =
    _collections_abc.Mapping = collections.abc.Mapping
ssot-canonical-classes =
    OrderedDict = collections
ssot-legacy-parameters =
    *Handler = stream
"""
STDLIB_TIDY = """\
banned-modules =
    json.decoder.* = use json
    asyncio.base_events.* = use asyncio
    concurrent.futures._base.* = use concurrent.futures
    _collections_abc.Mapping = use collections.abc.Mapping
"""
STDLIB_RUFF = """\
[lint.flake8-tidy-imports.banned-api]
"json.decoder".msg = "use json"
"asyncio.base_events".msg = "use asyncio"
"concurrent.futures._base".msg = "use concurrent.futures"
"_collections_abc.Mapping".msg = "use collections.abc.Mapping"
"""
# Directories no tool walks into (each skips some of them); the stdlib copy leaves them out so
# that every tool sees the same files.
NEVER_WALKED = {"site-packages", "__pycache__", "build", "dist", "venv", ".venv", "node_modules", ".git"}


# --------------------------------------------------------------------------------------------
# Corpora


@dataclass
class Corpus:
    name: str
    root: str
    files: int
    expected: Optional[Dict[str, int]] = None  # per code, when known


def python_files(root: str) -> List[str]:
    found: List[str] = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in NEVER_WALKED and not d.startswith("."))
        found.extend(os.path.join(directory, name) for name in sorted(files) if name.endswith(".py"))
    return found


def parsed_files(root: str) -> Iterator[Tuple[str, str, ast.AST, float]]:
    """(path, text, tree, seconds ast.parse took) for each file flake8 would run plugins on."""
    clock = time.perf_counter
    for path in python_files(root):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            text = data.decode(encoding)
            started = clock()
            tree = ast.parse(text, path)
            seconds = clock() - started
        except (SyntaxError, UnicodeDecodeError, ValueError, RecursionError, MemoryError):
            continue  # flake8 reports E902 / E999 and runs no plugin
        yield path, text, tree, seconds


def stdlib_corpus(workdir: str, resolve: bool) -> Corpus:
    source = sysconfig.get_paths()["stdlib"]
    root = os.path.join(workdir, "stdlib")
    for path in python_files(source):
        target = os.path.join(root, os.path.relpath(path, source))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(path, target)
    with open(os.path.join(root, "setup.cfg"), "w", encoding="utf-8") as handle:
        handle.write("[flake8]\n" + STDLIB_SSOT + f"ssot-resolve = {'true' if resolve else 'false'}\n" + STDLIB_TIDY)
    with open(os.path.join(root, "ruff.toml"), "w", encoding="utf-8") as handle:
        handle.write(STDLIB_RUFF)
    return Corpus("stdlib", root, len(python_files(root)))


def generated_corpus(workdir: str, files: int, seed: int, resolve: bool, name: str = "generated") -> Corpus:
    root = os.path.join(workdir, f"{name}-{files}")
    tree = generate_tree.generate(root, files, seed)
    tree.write_config(resolve=resolve)
    return Corpus(name, root, tree.files, tree.expected(resolve=resolve))


# --------------------------------------------------------------------------------------------
# Running one tool


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mib: float
    stdout: str
    stderr: str
    returncode: int


# Starts the measured command and reports its usage.  A process's peak RSS survives exec on Linux,
# so a tool started straight from this (large) process would report this process's size as its
# own: the launcher is a fresh, small interpreter (no site, four modules) that forks the tool.
LAUNCHER = """\
import json, os, sys, time
result, command = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
with open(result, "w") as handle:
    json.dump([wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status)], handle)
"""


def measure(command: Sequence[str], cwd: str) -> Run:
    """Run ``command`` to completion; its wall and CPU time and peak RSS (workers included: the
    largest single process of the run).  The launcher's own few MiB are the floor of the RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as scratch:
        result = os.path.join(scratch, "usage.json")
        subprocess.run(
            [sys.executable, "-S", "-c", LAUNCHER, result, *command],
            cwd=cwd,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        with open(result, encoding="utf-8") as handle:
            wall, cpu, maxrss, returncode = json.load(handle)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    rss_kib = maxrss / (1024 if sys.platform == "darwin" else 1)
    return Run(wall, cpu, rss_kib / 1024, stdout, stderr, returncode)


def launcher_floor_mib() -> float:
    """Peak RSS the launcher reports for a command that does nothing: the column's floor."""
    return measure(["true"] if shutil.which("true") else [sys.executable, "-c", "pass"], tempfile.gettempdir()).rss_mib


@dataclass
class Tool:
    """One command to time; ``ok`` says whether its exit code means it did its job."""

    label: str
    command: Optional[List[str]]  # None: not installed
    ok: Callable[[int], bool] = lambda code: code in (0, 1)
    prepare: Optional[List[str]] = None  # run, untimed, right before each timed run (warm cache)
    runs: List[Run] = field(default_factory=list)

    @property
    def installed(self) -> bool:
        return self.command is not None

    def median(self, key: str) -> float:
        return float(statistics.median(getattr(run, key) for run in self.runs))

    @property
    def last(self) -> Run:
        return self.runs[-1]


def run_round_robin(tools: Sequence[Tool], cwd: str, repeat: int) -> None:
    for _ in range(repeat):
        for tool in tools:
            if tool.installed:
                assert tool.command is not None
                if tool.prepare:
                    _checked(tool, measure(tool.prepare, cwd))
                tool.runs.append(_checked(tool, measure(tool.command, cwd)))


def _checked(tool: Tool, run: Run) -> Run:
    if not tool.ok(run.returncode):
        raise SystemExit(f"{tool.label} failed (exit {run.returncode}):\n{run.stderr[-3000:]}")
    return run


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def ruff_command() -> Optional[List[str]]:
    if installed("ruff"):
        return [sys.executable, "-m", "ruff"]
    found = shutil.which("ruff")
    return [found] if found else None


FINDING = re.compile(r":\d+:\d+: ([A-Z]+[0-9]+) ")


def count_codes(output: str) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for match in FINDING.finditer(output):
        counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return counts


# --------------------------------------------------------------------------------------------
# Formatting


def seconds(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def timing(tool: Tool) -> str:
    if not tool.installed:
        return SKIPPED
    return f"{seconds(tool.median('wall'))} s (CPU {seconds(tool.median('cpu'))})"


def ratio(numerator: Optional[float], denominator: Optional[float]) -> str:
    if numerator is None or denominator is None or denominator <= 0:
        return SKIPPED if numerator is None or denominator is None else "n/a"
    return f"{numerator / denominator:.2f}x"


def both_ratios(top: Tool, bottom: Tool) -> str:
    if not (top.installed and bottom.installed):
        return SKIPPED
    return f"{ratio(top.median('wall'), bottom.median('wall'))} (CPU {ratio(top.median('cpu'), bottom.median('cpu'))})"


def rss(*tools: Tool) -> str:
    return ", ".join(f"{tool.median('rss_mib'):.0f}" if tool.installed else "-" for tool in tools)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def findings_row(corpus: Corpus, label: str, counts: Optional[Dict[str, int]], ssot: bool = True) -> List[str]:
    """One tool's findings per SOT code (found/expected on a generated corpus), others summed up."""
    if counts is None:
        return [corpus.name, label, *(["-"] * len(CODES)), SKIPPED]
    cells = []
    for code in CODES:
        found = counts.get(code, 0)
        if not ssot:
            cells.append("-")
        elif corpus.expected is not None:
            cells.append(f"{found}/{corpus.expected.get(code, 0)}")
        else:
            cells.append(str(found))
    other = ", ".join(f"{code} {n}" for code, n in sorted(counts.items()) if code not in CODES) or "-"
    return [corpus.name, label, *cells, other]


# --------------------------------------------------------------------------------------------
# 1. Per file, in process (a child process per repetition; every file parsed once, then checked
# by both checkers, as flake8 does it)


def per_file_child(root: str) -> Dict[str, Any]:
    from flake8_ssot.config import ConfigRequest, load_registry
    from flake8_ssot.engine import Engine
    from flake8_ssot.plugin import SsotChecker

    os.chdir(root)
    registry = load_registry(ConfigRequest(cwd=root))
    SsotChecker._engine = Engine(registry)  # what SsotChecker.parse_options ends with
    engine = SsotChecker._engine
    tidy = None
    if installed("flake8_tidy_imports"):
        from flake8_tidy_imports import ImportChecker

        parser = configparser.RawConfigParser()
        parser.read(os.path.join(root, "setup.cfg"), encoding="utf-8")
        ImportChecker.parse_options(
            argparse.Namespace(banned_modules=parser.get("flake8", "banned-modules"), ban_relative_imports="")
        )
        tidy = ImportChecker
    parse_seconds = ssot_seconds = tidy_seconds = 0.0
    ssot_codes: Dict[str, int] = {}
    tidy_codes: Dict[str, int] = {}
    checked = past_prefilter = 0
    clock = time.perf_counter
    for number, (path, text, tree, seconds) in enumerate(parsed_files(".")):
        parse_seconds += seconds
        checked += 1
        lines = text.splitlines(True)
        past_prefilter += bool(engine.select(text))
        # Alternate the order so that neither checker always finds the tree warm in the CPU cache.
        for which in ("ssot", "tidy") if number % 2 else ("tidy", "ssot"):
            if which == "ssot":
                started = clock()
                results = list(SsotChecker(tree, lines, path).run())
                ssot_seconds += clock() - started
                for _, _, message, _ in results:
                    code = message.split()[0]
                    ssot_codes[code] = ssot_codes.get(code, 0) + 1
            elif tidy is not None:
                started = clock()
                results = list(tidy(tree).run())
                tidy_seconds += clock() - started
                for _, _, message, _ in results:
                    code = message.split()[0]
                    tidy_codes[code] = tidy_codes.get(code, 0) + 1
    return {
        "files": checked,
        "past_prefilter": past_prefilter,
        "parse": parse_seconds,
        "ssot": ssot_seconds,
        "tidy": tidy_seconds if tidy is not None else None,
        "ssot_codes": ssot_codes,
        "tidy_codes": tidy_codes if tidy is not None else None,
    }


@dataclass
class PerFile:
    runs: List[Dict[str, Any]]

    def median(self, key: str) -> Optional[float]:
        values = [run[key] for run in self.runs]
        if any(value is None for value in values):
            return None
        return statistics.median(float(value) for value in values)


def per_file(corpus: Corpus, repeat: int) -> PerFile:
    runs = []
    for _ in range(repeat):
        run = measure([sys.executable, __file__, "--per-file-child", corpus.root], corpus.root)
        if run.returncode != 0:
            raise SystemExit(f"per-file measurement failed:\n{run.stderr[-3000:]}")
        runs.append(json.loads(run.stdout))
    return PerFile(runs)


def per_file_row(corpus: Corpus, result: PerFile) -> List[str]:
    def cell(key: str) -> str:
        value = result.median(key)
        if value is None:
            return SKIPPED
        files = int(result.runs[0]["files"])
        return f"{seconds(value)} s ({value / max(files, 1) * 1e6:.0f} µs/file)"

    first = result.runs[0]
    return [
        corpus.name,
        str(first["files"]),
        cell("parse"),
        cell("ssot"),
        cell("tidy"),
        ratio(result.median("ssot"), result.median("tidy")),
        ratio(result.median("ssot"), result.median("parse")),
        f"{first['past_prefilter']} ({100 * first['past_prefilter'] / max(first['files'], 1):.0f}%)",
    ]


# --------------------------------------------------------------------------------------------
# 2. flake8 runs, restricted to one plugin


def flake8_only_child(entry_names: Sequence[str], arguments: Sequence[str]) -> int:
    """flake8 with only the checker plugins named (entry point names), and every reporter."""
    import multiprocessing

    from flake8.main import cli
    from flake8.plugins import finder

    original = finder.find_plugins

    def find_plugins(*args: Any, **kwargs: Any) -> List[Any]:
        plugins = original(*args, **kwargs)
        return [
            plugin
            for plugin in plugins
            if plugin.entry_point.group == "flake8.report" or plugin.entry_point.name in entry_names
        ]

    finder.find_plugins = find_plugins
    if "fork" in multiprocessing.get_all_start_methods():
        multiprocessing.set_start_method("fork", force=True)  # workers inherit the restriction
    return int(cli.main(list(arguments)))


def flake8_tool(label: str, entry_names: Sequence[str], select: str, jobs: str) -> Tool:
    command = [sys.executable, __file__, "--flake8-only", ",".join(entry_names), "--"]
    command += [f"--select={select}", f"--jobs={jobs}", "--exit-zero", "."]
    return Tool(label, command, ok=lambda code: code == 0)


# --------------------------------------------------------------------------------------------
# The whole benchmark for one corpus


@dataclass
class Results:
    per_file_rows: List[List[str]] = field(default_factory=list)
    flake8_rows: List[List[str]] = field(default_factory=list)
    command_rows: List[List[str]] = field(default_factory=list)
    growth_rows: List[List[str]] = field(default_factory=list)
    growth_notes: List[str] = field(default_factory=list)
    findings_rows: List[List[str]] = field(default_factory=list)


def command_tools(jobs: Optional[int]) -> Tuple[Tool, Tool, Tool]:
    job_args = [f"--jobs={jobs}"] if jobs else []
    ruff = ruff_command()
    ruff_tool = Tool(
        "ruff check --select TID251",
        (
            ruff + ["check", "--select", "TID251", "--no-cache", "--output-format", "concise", "--exit-zero", "."]
            if ruff
            else None
        ),
        ok=lambda code: code == 0,
    )
    check = [sys.executable, "-m", "flake8_ssot", "check", "--verbose", *job_args, "."]
    cold = Tool("flake8-ssot check (cold)", [*check[:4], "--no-cache", *check[4:]])
    warm = Tool("flake8-ssot check (warm)", check, prepare=check)
    return ruff_tool, cold, warm


CACHE_STATISTICS = re.compile(r"cache-hits=(\d+) cache-misses=(\d+)")


IMPORT_TARGET = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", re.M)


def most_imported_module(root: str) -> str:
    """The file of the module (or package) most import statements of the tree name, absolutely."""
    counts: Dict[str, int] = {}
    for path in python_files(root):
        with open(path, encoding="utf-8", errors="replace") as handle:
            for match in IMPORT_TARGET.finditer(handle.read()):
                name = match.group(1) or match.group(2)
                counts[name] = counts.get(name, 0) + 1
    for name, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        base = os.path.join(root, *name.split("."))
        for candidate in (os.path.join(base, "__init__.py"), base + ".py"):
            if os.path.isfile(candidate):
                return candidate
    return python_files(root)[0]


def edit_child(module: str, prime: Sequence[str]) -> int:
    """Prime the cache, then change ``module``'s digest (a new module-level name, new each time)."""
    subprocess.run(list(prime), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    with open(module, "a", encoding="utf-8") as handle:
        handle.write(f"\n_benchmark_edit_{time.perf_counter_ns()} = 1\n")
    return 0


def warm_misses(tool: Tool) -> int:
    """Cache misses in the timed warm runs (the cache is keyed by flake8-ssot's own source too:
    editing it between the priming run and the timed one makes every file a miss)."""
    misses = 0
    for run in tool.runs:
        found = CACHE_STATISTICS.search(run.stderr)
        misses += int(found.group(2)) if found else 0
    return misses


def bench_corpus(corpus: Corpus, options: argparse.Namespace, results: Results) -> None:
    print(f"# {corpus.name}: {corpus.files} files under {corpus.root}", file=sys.stderr)
    repeat = options.repeat
    tidy_installed = installed("flake8_tidy_imports")

    if "per-file" in options.only:
        print("#   1. per file, in process", file=sys.stderr)
        outcome = per_file(corpus, repeat)
        results.per_file_rows.append(per_file_row(corpus, outcome))
        first = outcome.runs[0]
        results.findings_rows.append(findings_row(corpus, "flake8-ssot checker, in process", first["ssot_codes"]))
        results.findings_rows.append(
            findings_row(corpus, "flake8-tidy-imports checker, in process", first["tidy_codes"], False)
        )

    if "flake8" in options.only:
        print("#   2. flake8 runs", file=sys.stderr)
        jobs = str(options.jobs or "auto")
        alone = flake8_tool("flake8 alone", [], "E999", jobs)
        with_ssot = flake8_tool("flake8 + SOT", ["SOT"], "SOT", jobs)
        with_tidy = flake8_tool("flake8 + I251", ["I25"], "I251", jobs)
        if not tidy_installed:
            with_tidy.command = None
        run_round_robin([alone, with_ssot, with_tidy], corpus.root, repeat)

        def added(tool: Tool) -> Optional[float]:
            return tool.median("wall") - alone.median("wall") if tool.installed else None

        results.flake8_rows.append(
            [
                corpus.name,
                str(corpus.files),
                timing(alone),
                timing(with_ssot),
                timing(with_tidy),
                both_ratios(with_ssot, alone),
                both_ratios(with_tidy, alone),
                ratio(added(with_ssot), added(with_tidy)),
                rss(alone, with_ssot, with_tidy),
            ]
        )
        results.findings_rows.append(findings_row(corpus, "flake8 --select SOT", count_codes(with_ssot.last.stdout)))
        results.findings_rows.append(
            findings_row(
                corpus,
                "flake8 --select I251",
                count_codes(with_tidy.last.stdout) if with_tidy.installed else None,
                False,
            )
        )

    if "command" in options.only:
        print("#   3. flake8-ssot check and ruff", file=sys.stderr)
        ruff, cold, warm = command_tools(options.jobs)
        edited_module = most_imported_module(corpus.root)
        with open(edited_module, "rb") as handle:
            original = handle.read()
        edited = Tool(
            "flake8-ssot check (one module edited)",
            warm.command,
            prepare=[sys.executable, os.path.abspath(__file__), "--edit-child", edited_module, *(warm.command or [])],
        )
        # The floor parses the files that hold findings: found by one cold run first, so that the
        # floor is then timed round-robin with the others.
        reference = subprocess.run(cold.command or [], cwd=corpus.root, capture_output=True, text=True, check=False)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as listing:
            listing.write("\n".join(sorted({line.split(":", 1)[0] for line in reference.stdout.splitlines() if line})))
        floor = Tool("floor", [sys.executable, os.path.join(HERE, "floor.py"), ".", listing.name], ok=lambda c: c == 0)
        try:
            run_round_robin([floor, ruff, cold, warm, edited], corpus.root, repeat)
        finally:
            os.unlink(listing.name)
            with open(edited_module, "wb") as handle:
                handle.write(original)
            shutil.rmtree(os.path.join(corpus.root, ".flake8-ssot-cache"), ignore_errors=True)
        cold_counts = count_codes(cold.last.stdout)
        ruff_counts = count_codes(ruff.last.stdout) if ruff.installed else None
        ruff_found = str(ruff_counts.get("TID251", 0)) if ruff_counts is not None else "-"
        results.command_rows.append(
            [
                corpus.name,
                str(corpus.files),
                timing(floor),
                timing(ruff),
                timing(cold),
                timing(warm) + (f" ({warm_misses(warm)} cache misses)" if warm_misses(warm) else ""),
                timing(edited)
                + f" ({warm_misses(edited) // max(1, len(edited.runs))} re-checked,"
                + f" {os.path.relpath(edited_module, corpus.root)})",
                both_ratios(cold, floor),
                both_ratios(cold, ruff),
                both_ratios(warm, cold),
                both_ratios(edited, cold),
                rss(ruff, cold, warm),
                f"{ruff_found}, {sum(cold_counts.values())}",
            ]
        )
        if count_codes(warm.last.stdout) != cold_counts:
            raise SystemExit("flake8-ssot check reported different findings warm and cold")
        results.findings_rows.append(findings_row(corpus, "flake8-ssot check", cold_counts))
        results.findings_rows.append(findings_row(corpus, "ruff --select TID251", ruff_counts, False))


def growth(workdir: str, sizes: Sequence[int], options: argparse.Namespace, results: Results) -> None:
    print(f"# growth over {', '.join(map(str, sizes))} generated files", file=sys.stderr)
    per_size: Dict[int, Tuple[Tool, Tool]] = {}
    for size in sizes:
        corpus = generated_corpus(workdir, size, options.seed, options.resolve, name="growth")
        ruff, cold, _ = command_tools(options.jobs)
        run_round_robin([ruff, cold], corpus.root, options.repeat)
        per_size[size] = (ruff, cold)
        for tool in (ruff, cold):
            label = tool.label.replace(" (cold)", " --no-cache")
            if not tool.installed:
                results.growth_rows.append([label, str(corpus.files), SKIPPED, SKIPPED, SKIPPED, SKIPPED])
                continue
            results.growth_rows.append(
                [
                    label,
                    str(corpus.files),
                    seconds(tool.median("wall")),
                    seconds(tool.median("cpu")),
                    f"{tool.median('cpu') / corpus.files * 1e6:.0f}",
                    f"{tool.median('rss_mib'):.0f}",
                ]
            )
        shutil.rmtree(corpus.root, ignore_errors=True)
    small, large = min(sizes), max(sizes)
    if small != large:
        for index, name in ((1, "flake8-ssot check"), (0, "ruff")):
            first, last = per_size[small][index], per_size[large][index]
            if first.installed and last.installed:
                results.growth_notes.append(
                    f"{name}: {large / small:.0f}x the files took {last.median('cpu') / first.median('cpu'):.2f}x "
                    f"the CPU time and {last.median('rss_mib') / first.median('rss_mib'):.2f}x the peak RSS."
                )


def startup() -> str:
    """``python -X importtime`` of ``flake8-ssot check`` on an empty tree: the start-up every run pays."""
    with tempfile.TemporaryDirectory(prefix="ssot-empty-") as empty:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "flake8_ssot", "check", "--no-cache", "."],
            cwd=empty,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
    imports: List[Tuple[int, str]] = []
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            imports.append((int(parts[1]), parts[2][1:]))  # nested imports keep their indentation
    top = [(micros, name) for micros, name in imports if not name.startswith(" ")]
    total = sum(micros for micros, _ in top)
    heaviest = ", ".join(f"{name} {micros / 1000:.0f} ms" for micros, name in sorted(top, reverse=True)[:4])
    loaded = {name.strip().split(".")[0] for _, name in imports}
    lazy = ", ".join(f"{name} {'imported' if name in loaded else 'not imported'}" for name in ("astroid", "libcst"))
    return (
        f"Start-up (`flake8-ssot check` on an empty tree): {wall:.3f} s wall, imports {total / 1000:.0f} ms "
        f"(heaviest: {heaviest}); {lazy}."
    )


def report(results: Results, options: argparse.Namespace, load: str) -> str:
    parts = [
        f"flake8-ssot benchmarks: median of {options.repeat} run(s), jobs {options.jobs or 'default (all cores)'}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average before/after {load}, "
        f"ssot-resolve = {'true' if options.resolve else 'false'}. Peak RSS is the largest process of a run "
        f"(a command doing nothing shows {launcher_floor_mib():.0f} MiB).",
        "",
        startup(),
    ]
    sections = (
        ("1. Per file, in process (trees already parsed):", PER_FILE_HEADER, results.per_file_rows, []),
        ("2. flake8 runs (one checker plugin each):", FLAKE8_HEADER, results.flake8_rows, []),
        ("3. `flake8-ssot check` against Ruff:", COMMAND_HEADER, results.command_rows, []),
        ("4. Growth (generated trees, cold):", GROWTH_HEADER, results.growth_rows, results.growth_notes),
        ("Findings (found/expected where the corpus is generated):", FINDINGS_HEADER, results.findings_rows, []),
    )
    for title, header, rows, notes in sections:
        if rows:
            parts += ["", title, "", table(header, rows)]
            if notes:
                parts += ["", *notes]
    return "\n".join(parts) + "\n"


def load_average() -> str:
    try:
        return "%.1f" % os.getloadavg()[0]
    except OSError:
        return "?"


def compile_package() -> None:
    """Write flake8-ssot's bytecode before anything is timed.

    pip compiles an installed package's modules when it installs them; an editable checkout (or
    a shell with ``PYTHONDONTWRITEBYTECODE`` set) would otherwise compile every module again in
    every timed run, which is start-up no user pays.  Python reads the written bytecode even
    under ``PYTHONDONTWRITEBYTECODE``."""
    import compileall

    import flake8_ssot

    compileall.compile_dir(os.path.dirname(flake8_ssot.__file__), quiet=1)


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["--per-file-child"]:
        print(json.dumps(per_file_child(arguments[1])))
        return 0
    if arguments[:1] == ["--edit-child"]:
        return edit_child(arguments[1], arguments[2:])
    if arguments[:1] == ["--flake8-only"]:
        names = [name for name in arguments[1].split(",") if name]
        return flake8_only_child(names, arguments[3:])

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("stdlib", "generated", "both"), help="default: both (--quick: generated)")
    parser.add_argument("--files", type=int, help="generated files (default 10000; --quick: 150)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument(
        "--repeat", type=int, help="runs per measurement, the median is reported (default 3; --quick: 1)"
    )
    parser.add_argument("--jobs", type=int, help="worker processes for flake8, flake8-ssot check (default: theirs)")
    parser.add_argument(
        "--growth", help="comma-separated generated tree sizes for the growth table (default 1000,FILES; 'none': skip)"
    )
    parser.add_argument("--no-resolve", dest="resolve", action="store_false", help="set ssot-resolve = false")
    parser.add_argument(
        "--only",
        default="per-file,flake8,command",
        help="comparisons to run, comma-separated: per-file, flake8, command (default: all)",
    )
    parser.add_argument("--output", help="also write the report to this file")
    parser.add_argument("--quick", action="store_true", help="a tiny generated corpus, one run of each")
    options = parser.parse_args(arguments)
    options.corpus = options.corpus or ("generated" if options.quick else "both")
    options.files = options.files or (150 if options.quick else 10000)
    options.repeat = options.repeat or (1 if options.quick else 3)
    options.only = set(options.only.split(","))
    if options.growth is None:
        options.growth = f"{options.files // 2},{options.files}" if options.quick else f"1000,{options.files}"
    sizes = [] if options.growth == "none" else sorted({int(size) for size in options.growth.split(",")})

    compile_package()
    load_before = load_average()
    results = Results()
    with tempfile.TemporaryDirectory(prefix="ssot-bench-") as workdir:
        if options.corpus in ("stdlib", "both"):
            bench_corpus(stdlib_corpus(workdir, options.resolve), options, results)
        if options.corpus in ("generated", "both"):
            corpus = generated_corpus(workdir, options.files, options.seed, options.resolve)
            bench_corpus(corpus, options, results)
            shutil.rmtree(corpus.root, ignore_errors=True)
        if sizes:
            growth(workdir, sizes, options, results)
    text = report(results, options, f"{load_before}/{load_average()}")
    sys.stdout.write(text)
    if options.output:
        with open(options.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
