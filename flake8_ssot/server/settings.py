"""The editor's settings for the server: how severe each code is, how long to wait after typing.

Given as ``initializationOptions`` or, later, as the ``flake8-ssot`` section of
``workspace/didChangeConfiguration``::

    {"severity": {"SOT": "warning", "SOT3": "error", "SOT301": "information"}, "debounce": 200}

``severity`` maps code prefixes to ``error``, ``warning``, ``information`` or ``hint`` (the
longest matching prefix wins; a single word sets every code); ``debounce`` is the pause in
milliseconds after the last change before a changed buffer is checked.  A bad value is reported
(key and value) and its default kept; it never turns diagnostics off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Tuple

from flake8_ssot.codes import FORBIDDEN_MODULE_IMPORT, PREFIX

ERROR, WARNING, INFORMATION, HINT = 1, 2, 3, 4  # LSP's DiagnosticSeverity
SEVERITIES: Dict[str, int] = {"error": ERROR, "warning": WARNING, "information": INFORMATION, "hint": HINT}
DEFAULT_SEVERITY = WARNING
DEFAULT_DEBOUNCE_MS = 200
MAX_DEBOUNCE_MS = 10_000
SECTION = "flake8-ssot"
_PREFIX = re.compile(re.escape(PREFIX) + r"\d{0,3}")
_EXAMPLES = ", ".join(repr(example) for example in (PREFIX, FORBIDDEN_MODULE_IMPORT[:-2], FORBIDDEN_MODULE_IMPORT))


@dataclass(frozen=True)
class Settings:
    # (prefix, severity), longest prefix first.
    severities: Tuple[Tuple[str, int], ...] = ((PREFIX, DEFAULT_SEVERITY),)
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    problems: Tuple[str, ...] = field(default=(), compare=False)

    def severity(self, code: str) -> int:
        for prefix, level in self.severities:
            if code.startswith(prefix):
                return level
        return DEFAULT_SEVERITY


def read_settings(raw: Any) -> Settings:
    """The settings in ``raw`` (the options object; ``{"flake8-ssot": {...}}`` is unwrapped)."""
    if raw is None:
        return Settings()
    if isinstance(raw, Mapping) and isinstance(raw.get(SECTION), Mapping):
        raw = raw[SECTION]
    problems: List[str] = []
    if not isinstance(raw, Mapping):
        return Settings(problems=(f"settings: {raw!r}: expected an object with 'severity' and 'debounce'",))
    levels: Dict[str, int] = {PREFIX: DEFAULT_SEVERITY}
    severity = raw.get("severity")
    if isinstance(severity, str):
        severity = {PREFIX: severity}
    if isinstance(severity, Mapping):
        for prefix, name in severity.items():
            level = SEVERITIES.get(name.lower()) if isinstance(name, str) else None
            if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
                problems.append(f"severity: {prefix!r}: not a code or code prefix (such as {_EXAMPLES})")
            elif level is None:
                problems.append(f"severity.{prefix}: {name!r}: expected one of {', '.join(SEVERITIES)}")
            else:
                levels[prefix] = level
    elif severity is not None:
        problems.append(f"severity: {severity!r}: expected a severity name or an object of code prefixes")
    debounce = raw.get("debounce", DEFAULT_DEBOUNCE_MS)
    if isinstance(debounce, bool) or not isinstance(debounce, (int, float)) or not 0 <= debounce <= MAX_DEBOUNCE_MS:
        problems.append(f"debounce: {debounce!r}: expected milliseconds from 0 to {MAX_DEBOUNCE_MS}")
        debounce = DEFAULT_DEBOUNCE_MS
    for key in sorted(set(raw) - {"severity", "debounce"}, key=str):
        problems.append(f"{key}: {raw[key]!r}: unknown setting; known: severity, debounce")
    ordered = tuple(sorted(levels.items(), key=lambda item: -len(item[0])))
    return Settings(ordered, int(debounce), tuple(problems))
