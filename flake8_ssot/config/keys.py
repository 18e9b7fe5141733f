"""The configuration keys: one table for the INI ``[flake8]`` section, pyproject and ``--help``."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from flake8_ssot.codes import (
    CANONICAL_NAME_REBOUND,
    DUPLICATE_CLASS_DEFINITION,
    FORBIDDEN_REEXPORT,
    LEGACY_PARAMETER_CALL,
)

INI_PREFIX = "ssot-"
TOML_TABLE = "tool.flake8-ssot"


ENTRIES = "entries"  # one registry entry per line / table item
PATHS = "paths"  # a list of directories, relative to the config file
FLAG = "flag"  # true / false
PATH = "path"  # one file path, relative to the config file


@dataclass(frozen=True)
class Key:
    """One configuration key.  ``kind`` decides how both formats parse it.

    Keys of kind FLAG and PATH are stored on :class:`~flake8_ssot.registry.Registry` under the
    key's name with ``-`` replaced by ``_``: adding such a key means adding a row here and a field
    there, nothing else.
    """

    name: str
    help: str
    example: str
    kind: str = ENTRIES

    @property
    def field(self) -> str:
        return self.name.replace("-", "_")

    @property
    def ini(self) -> str:
        return INI_PREFIX + self.name

    @property
    def dest(self) -> str:
        """The attribute flake8 stores the option under."""
        return self.ini.replace("-", "_")

    @property
    def flag(self) -> str:
        return "--" + self.ini


KEYS: Tuple[Key, ...] = (
    Key(
        "forbidden-modules",
        "Legacy modules nothing may reference, one per line: "
        "'old.module [= new.module] [[pure-move]] [[warn]] [; reason]'. Segments may be '*' (one segment) or "
        "'**' (any number).",
        "a.legacy = a.canonical ; reason",
    ),
    Key(
        "forbidden-names",
        "Legacy names nothing may reference, one per line: "
        "'old.module.Name [= new.module.Name] [[pure-move]] [[warn]] [; reason]'.",
        "a.mod.Old = a.mod.New",
    ),
    Key(
        "canonical-classes",
        "Class names with one canonical module, one per line: 'ClassName = package.module [[warn]] [; reason]'.",
        "UserMessageHandler = a.handlers",
    ),
    Key(
        "legacy-parameters",
        "Constructor parameters classes no longer take, one per line: "
        "'ClassGlob = param, param [[warn]] [; reason]'.",
        "*Handler = supervisor, db_session_factory",
    ),
    Key(
        "allow",
        "Modules exempt from one registry entry, one per line: 'entry = module.glob, module.glob'.",
        "a.legacy = a.migrations.*",
    ),
    Key(
        "source-roots",
        "Directories module names are computed from, relative to the config file "
        "(default: detected from __init__.py files).",
        "src",
        PATHS,
    ),
    Key(
        "baseline",
        "Baseline file of accepted findings (written by 'flake8-ssot baseline'); findings it "
        "lists are not reported. Relative to the config file.",
        ".flake8-ssot-baseline.json",
        PATH,
    ),
    Key(
        "report-duplicates",
        f"Let 'flake8-ssot check' report {DUPLICATE_CLASS_DEFINITION}: class names defined at module "
        "level in more than one module (true / false, default false).",
        "true",
        FLAG,
    ),
    Key(
        "resolve",
        "Follow imported names across files (re-exports, aliases, inherited __init__) for "
        f"{FORBIDDEN_REEXPORT}, {LEGACY_PARAMETER_CALL} and {CANONICAL_NAME_REBOUND} (true / false, "
        "default true; false keeps every rule text-only).",
        "false",
        FLAG,
    ),
    Key(
        "fail-on-warnings",
        "Let findings of entries marked [warn] make 'flake8-ssot check' exit 1, and 'flake8-ssot baseline' "
        "record them (true / false, default false; --fail-on-warnings / --no-fail-on-warnings override it).",
        "true",
        FLAG,
    ),
    Key(
        "report-warnings",
        "Let the flake8 plugin report findings of entries marked [warn] (true / false, default true). flake8 "
        "has no severity, so there they count like any finding; 'flake8-ssot check' reports them as warnings "
        "whatever this says.",
        "false",
        FLAG,
    ),
)

BY_NAME: Dict[str, Key] = {key.name: key for key in KEYS}
BY_INI: Dict[str, Key] = {key.ini: key for key in KEYS}


# --- the key that was meant -------------------------------------------------------------------

ALLOW = "allow"
# Words written for an allow-list (``ssot-canonical-classes-allow``, ``ssot-allowlist``): the one
# key for exemptions is ``allow``, whatever kind of entry they are for.
_ALLOW_WORDS = ("allow", "allowed", "allows", "allowlist", "allowlists", "whitelist", "exempt", "exemptions")
_CLOSE = 0.8


def _words(name: str) -> List[str]:
    return [word for word in re.split(r"[-_\s]+", name.lower()) if word]


def meant(name: str) -> Tuple[str, ...]:
    """The keys (:attr:`Key.name`, without prefix) an unknown key ``name`` (also without prefix)
    probably stands for, best first; empty when none is close.

    A word naming an allow-list anywhere in it means ``allow`` (``canonical-classes-allow`` is the
    allow-list of canonical classes, which ``allow`` holds); otherwise the closest spelling
    (``forbiden-modules``); otherwise the keys holding every word of it (``canonical``, or
    ``forbidden``: both forbidden keys).
    """
    words = _words(name)
    if any(difflib.get_close_matches(word, _ALLOW_WORDS, n=1, cutoff=_CLOSE) for word in words):
        return (ALLOW,)
    normal = "-".join(words)
    close = difflib.get_close_matches(normal, BY_NAME, n=1, cutoff=_CLOSE)
    if close:
        return (close[0],)
    if not words:
        return ()
    holding = tuple(key.name for key in KEYS if set(words) <= set(key.name.split("-")))
    return holding if len(holding) <= 2 else ()


def did_you_mean(candidates: Tuple[str, ...], spell: Callable[[str], str], allow_form: str) -> Optional[str]:
    """``did you mean 'x'?`` (or ``'x' or 'y'``) with the keys spelt by ``spell``.  For ``allow``
    also how its entries read (``allow_form``): the misspelt key usually named the kind of entry
    to exempt, and ``allow`` takes every kind."""
    if not candidates:
        return None
    text = "did you mean " + " or ".join(f"'{spell(candidate)}'" for candidate in candidates) + "?"
    if candidates == (ALLOW,):
        text += f" (it takes every kind of entry, {allow_form})"
    return text
