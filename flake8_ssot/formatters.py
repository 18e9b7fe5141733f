"""flake8 formatter plugins (entry points ``flake8.report``): ``ssot-json``, ``ssot-sarif``, ``ssot-github``.

``flake8 --format=ssot-sarif`` in an existing flake8 step writes what ``flake8-ssot check --format
sarif`` writes for the same findings: both assemble the report in :mod:`flake8_ssot.project.report`
and write it with the command line's writers (:mod:`flake8_ssot.project.formats`), with the same
per-file order, source lines, paths and fingerprints.
Findings of other plugins in the same run (``E501``, ``F401``...) are reported too; in SARIF each
such code gets a bare rule entry after the SOT rules, since only SOT codes are documented here.

A report is one document, so it is written once, when flake8 stops: to ``--output-file`` (replaced
whole, atomically; flake8's own formatters append to it), and to stdout without an output file or
with ``--tee``.  Statistics and benchmarks go to stderr so the document stays valid.

This module is imported by every flake8 run that has the plugin installed, so it imports nothing
of the command line until a report is written.
"""

from __future__ import annotations

import io
import os
import sys
from typing import TYPE_CHECKING, Any, ClassVar, Dict, List, Optional, Sequence, Tuple

from flake8.formatting.base import BaseFormatter

from flake8_ssot.findings import Finding

if TYPE_CHECKING:  # pragma: no cover
    from flake8_ssot.project.report import Reported


class _SsotReport(BaseFormatter):  # type: ignore[misc]
    """Collects flake8's violations and writes them at the end with one command-line writer."""

    writer: ClassVar[str]

    def after_init(self) -> None:
        self.collected: List[Tuple[str, Finding, Optional[str]]] = []

    def start(self) -> None:
        """Open nothing: the output file is replaced in :meth:`stop`, never appended to."""

    def handle(self, error: Any) -> None:
        finding = Finding(error.line_number, max(error.column_number - 1, 0), error.code, error.text)
        self.collected.append((error.filename, finding, error.physical_line))

    def format(self, error: Any) -> Optional[str]:
        return None

    def show_source(self, error: Any) -> Optional[str]:
        return None

    def _write(self, output: str) -> None:
        # Only --statistics and --benchmark still write line by line (handle() is replaced):
        # they go to stderr, so stdout and the output file hold the one document.
        sys.stderr.write(output + self.newline)

    def stop(self) -> None:
        text = render(self.writer, reported(self.collected, self._source_lines, _project_root(self.options)))
        if self.filename:
            _write_file(self.filename, text)
        if not self.filename or self.options.tee:
            buffer = getattr(sys.stdout, "buffer", None)
            if buffer is not None:
                sys.stdout.flush()
                buffer.write(text.encode("utf-8"))
                buffer.flush()
            else:  # pragma: no cover - a replaced sys.stdout without a byte buffer
                sys.stdout.write(text)

    def _source_lines(self, filename: str) -> Optional[List[str]]:
        """The file's lines as the command line reads them; the piped text for ``-``."""
        from flake8_ssot.project.source import Unreadable, decode, read_bytes, split_lines

        if "-" in (getattr(self.options, "filenames", None) or ()) and filename == getattr(
            self.options, "stdin_display_name", "stdin"
        ):
            from flake8.utils import stdin_get_value

            return split_lines(stdin_get_value())
        try:
            return split_lines(decode(read_bytes(filename)))
        except Unreadable:
            return None


def _write_file(path: str, text: str) -> None:
    """Replace ``path`` whole; a device or pipe (``/dev/stdout``) is written to, not replaced."""
    from flake8_ssot.project.atomic import write_atomically

    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    write_atomically(path, text)


class JsonReport(_SsotReport):
    """``--format=ssot-json``: the JSON array of ``flake8-ssot check --format json``."""

    writer = "json"


class SarifReport(_SsotReport):
    """``--format=ssot-sarif``: the SARIF 2.1.0 document of ``flake8-ssot check --format sarif``."""

    writer = "sarif"


class GithubReport(_SsotReport):
    """``--format=ssot-github``: GitHub Actions ``::error`` annotations, as ``flake8-ssot check --format github``."""

    writer = "github"


def reported(
    collected: Sequence[Tuple[str, Finding, Optional[str]]],
    source_lines: Any,
    root: str,
) -> List["Reported"]:
    """The command line's report items for flake8's findings: sorted, with source and fingerprint.

    Assembled as ``flake8-ssot check`` assembles its own (:func:`~flake8_ssot.project.report.assemble`),
    each finding with its source line as the command line reads it (flake8's physical line when the
    file cannot be read again).
    """
    from flake8_ssot.project.analyse import Located
    from flake8_ssot.project.report import assemble
    from flake8_ssot.project.source import line_text

    by_file: Dict[str, List[Tuple[Finding, Optional[str]]]] = {}
    for path, finding, physical_line in collected:
        by_file.setdefault(path, []).append((finding, physical_line))
    files: List[Tuple[str, List[Located]]] = []
    for path, findings in by_file.items():
        lines = source_lines(path)
        located = [
            Located(finding, line_text(lines, finding.line) if lines is not None else _first_line(physical_line))
            for finding, physical_line in findings
        ]
        files.append((path, located))
    return assemble(files, root).items


def _first_line(physical_line: Optional[str]) -> str:
    return (physical_line or "").splitlines()[0] if physical_line else ""


def render(writer: str, items: Sequence["Reported"]) -> str:
    """The report text of one command-line writer; SARIF with rule entries for non-SOT codes."""
    from flake8_ssot.project.formats import writers

    stream = io.StringIO()
    if writer == "sarif":
        _write_sarif(items, stream)
    else:
        writers()[writer](items, stream)
    return stream.getvalue()


def _write_sarif(items: Sequence["Reported"], stream: io.StringIO) -> None:
    import json

    from flake8_ssot.project.formats import sarif, writers
    from flake8_ssot.codes import BY_CODE

    foreign = sorted({item.finding.code for item in items} - set(BY_CODE))
    if not foreign:
        writers()["sarif"](items, stream)
        return
    # The writer knows only SOT rules: write the SOT findings with it, then add a bare rule per
    # other code and the results in report order, each made by the writer's own result().
    document = sarif.document([item for item in items if item.finding.code in BY_CODE])
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    indexes = {rule["id"]: index for index, rule in enumerate(rules)}
    for code in foreign:
        indexes[code] = len(rules)
        rules.append({"id": code, "defaultConfiguration": {"level": "error"}})
    ids = sarif.base_ids(items)
    run["originalUriBaseIds"] = sarif.uri_base_ids(ids)
    run["results"] = [sarif.result(item, indexes, ids) for item in items]
    json.dump(document, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def _project_root(options: Any) -> str:
    """The directory fingerprints are relative to: the command line's project root."""
    from flake8_ssot.project.settings import load_project
    from flake8_ssot.config import ConfigRequest

    try:
        project = load_project(ConfigRequest.from_options(options))
    except Exception:  # noqa: BLE001 - flake8 already reported configuration errors
        return os.getcwd()
    return project.root
