"""Report assembly: each file's located findings in, the sorted report items out, minus the baseline.

``flake8-ssot check`` and flake8's ``--format=ssot-*`` formatters both assemble their report
here, so the order, the paths shown (:class:`~flake8_ssot.project.paths.Shown`: relative to the
working directory, the repository root or the project root, never with ``..``) and the
fingerprints (relative to the project root) are the same for both: each file's findings sorted,
fingerprinted in that order, filtered by the baseline
(:meth:`~flake8_ssot.project.baseline.Baseline.partition`, the plugin's filter too), then everything
sorted by (path, finding).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, List, Optional, Sequence, Set, Tuple

from flake8_ssot.project.analyse import Located
from flake8_ssot.project.baseline import Baseline, Fingerprint, digest, fingerprints
from flake8_ssot.project.paths import Shown, relative_key
from flake8_ssot.codes import BY_CODE, ERROR
from flake8_ssot.findings import Finding

Levels = Callable[[Finding], str]


def code_level(finding: Finding) -> str:
    """A finding's level when nothing is known of its entry: its code's (``error`` for other tools' codes)."""
    code = BY_CODE.get(finding.code)
    return code.level if code is not None else ERROR


@dataclass(frozen=True)
class Reported:
    """A finding to report: where (the path as shown), what, its source line and fingerprint,
    and its level (``error``, ``warning`` or ``note``).

    ``base`` is the directory ``path`` is relative to (absolute; None when ``path`` is absolute).
    """

    path: str
    finding: Finding
    source: str
    fingerprint: str
    base: Optional[str] = None
    level: str = ERROR


@dataclass
class Report:
    """The items to write, sorted, and what the baseline took out of the report."""

    items: List[Reported] = field(default_factory=list)
    matched: Set[Fingerprint] = field(default_factory=set)  # the baseline entries that still occur
    suppressed: int = 0  # findings the baseline accepted


def assemble(
    files: Iterable[Tuple[str, Sequence[Located]]],
    root: str,
    baseline: Optional[Baseline] = None,
    levels: Levels = code_level,
) -> Report:
    """The report of ``files`` (each path with its located findings), fingerprinted relative to ``root``.

    Each path is shown as :class:`~flake8_ssot.project.paths.Shown` shows it; with a ``baseline``,
    the findings it accepts are left out and counted.  ``levels`` gives each finding's level (the
    command: the registry's :meth:`~flake8_ssot.registry.Registry.level_of`).
    """
    report = Report()
    show = Shown(root)
    for path, located in files:
        ordered = sorted(located, key=lambda item: item.finding)
        shown, base = show(path), show.base(path)
        prints = fingerprints(relative_key(path, root), [(item.finding, item.source) for item in ordered])
        items = [
            Reported(shown, item.finding, item.source, digest(fp), base, levels(item.finding))
            for item, fp in zip(ordered, prints)
        ]
        if baseline is not None:
            items, accepted = baseline.partition(path, items)
            report.matched.update(accepted)
            report.suppressed += len(accepted)
        report.items.extend(items)
    report.items.sort(key=lambda item: (item.path, item.finding))
    return report
