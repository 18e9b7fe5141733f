"""Helpers shared by the tests: build registries with the real config loader, check sources,
read inline expectations, run real flake8."""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
import sysconfig
import textwrap
import tokenize
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from flake8_ssot.config import ConfigRequest, load_registry
from flake8_ssot.engine import Engine
from flake8_ssot.findings import Finding
from flake8_ssot.location import ModuleIdentity, identify
from flake8_ssot.registry import Registry

EXPECT = re.compile(r"#\s*expect:\s*(.*)$")
EXPECTED_ITEM = re.compile(r"^(SOT\d{3}):(\d+)$")

# (line, 1-based column, code), as flake8 prints them.
Position = Tuple[int, int, str]


def check_with(
    engine: Engine, tree: ast.AST, identity: ModuleIdentity, text: Optional[str], filename: Optional[str] = None
) -> List[Finding]:
    """The engine's two steps, as the plugin takes them: select the rules for ``text``, check."""
    return engine.check_tree(tree, identity, engine.select(text), filename)


def stdlib_files(every: int = 1) -> List[str]:
    """Every ``every``-th ``.py`` file of the running interpreter's standard library, in a fixed order."""
    found: List[str] = []
    for directory, subdirectories, files in os.walk(sysconfig.get_paths()["stdlib"]):
        subdirectories[:] = sorted(d for d in subdirectories if d not in ("site-packages", "__pycache__"))
        found.extend(os.path.join(directory, name) for name in sorted(files) if name.endswith(".py"))
    return found[::every]


def read_python_source(path: str) -> Optional[str]:
    """The file's text as Python decodes it (BOM, coding cookie, else UTF-8); None when it cannot."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError):
        return None


def registry_from_ini(directory: Path, ini: str, filename: str = "setup.cfg") -> Registry:
    """Write ``ini`` (dedented) as the config file in ``directory`` and load it for real."""
    (directory / filename).write_text(textwrap.dedent(ini).lstrip(), encoding="utf-8")
    return load_registry(ConfigRequest(cwd=str(directory)))


def check_source(
    source: str,
    registry: Registry,
    module: Optional[str] = "app.consumers",
    is_package: bool = False,
    known: bool = True,
) -> List[Finding]:
    """Findings for ``source`` checked as ``module``."""
    source = textwrap.dedent(source)
    identity = ModuleIdentity(name=module, is_package=is_package, known=known)
    return check_with(Engine(registry), ast.parse(source), identity, source)


def positions(findings: Sequence[Finding]) -> List[Position]:
    return sorted((f.line, f.col + 1, f.code) for f in findings)


def expected_in(text: str) -> List[Position]:
    """The ``# expect: SOT101:1 SOT104:5`` markers of a fixture file."""
    found: List[Position] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = EXPECT.search(line)
        if not match:
            continue
        for item in match.group(1).split():
            parsed = EXPECTED_ITEM.match(item)
            assert parsed, f"bad expectation {item!r} on line {number}"
            found.append((number, int(parsed.group(2)), parsed.group(1)))
    return sorted(found)


def fixture_files(root: Path) -> List[Path]:
    return sorted(path for path in root.rglob("*.py"))


def check_file(path: Path, registry: Registry) -> List[Finding]:
    text = path.read_text(encoding="utf-8")
    identity = identify(str(path), registry.source_roots)
    return check_with(Engine(registry), ast.parse(text), identity, text)


def run_flake8(
    args: Sequence[str], cwd: Path, stdin: Optional[str] = None, timeout: float = 120
) -> "subprocess.CompletedProcess[str]":
    env = dict(os.environ)
    env.pop("FLAKE8_SSOT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "flake8", *args],
        cwd=str(cwd),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def parse_flake8_output(output: str) -> Dict[str, List[Position]]:
    """``path -> [(line, col, code)]`` from flake8's default text output."""
    found: Dict[str, List[Position]] = {}
    for line in output.splitlines():
        path, row, col, rest = line.split(":", 3)
        found.setdefault(os.path.normpath(path), []).append((int(row), int(col), rest.split()[0]))
    return {path: sorted(items) for path, items in found.items()}
