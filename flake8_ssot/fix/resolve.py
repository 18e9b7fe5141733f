"""What a forbidden dotted reference becomes: the registry's answer, with no syntax involved.

A forbidden *name* with a replacement is rewritten: the entry ``a.legacy.Name = a.canonical.Name``
says that one object replaces another.  A forbidden *module* is rewritten only when its entry is
marked ``[pure-move]``: a module replacement alone says where new code should go, not that the
two modules have the same API.  A replacement the project shows to be wrong (a module that does
not exist, a name its module does not bind, a name replacement that is a module: what the registry
check of ``flake8-ssot check`` reports) is never rewritten to.  Everything else is refused with the
reason a person needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

from flake8_ssot.location import ModuleIdentity
from flake8_ssot.registry import ForbiddenModule, ForbiddenName, Registry
from flake8_ssot.resolution.homes import Homes

# A rewritten name may land inside another forbidden entry (``a.legacy.sub`` moves to
# ``a.canonical.sub``, which is forbidden too); follow at most this many moves.
_MAX_MOVES = 8


@dataclass(frozen=True)
class Rewrite:
    """``old`` (a prefix of the reference, at segment boundaries) becomes ``new``.

    ``module`` is the module that must be imported for ``new`` to exist at run time: the
    replacement module itself, or the module holding a replacement name.
    """

    old: str
    new: str
    module: str

    def apply(self, dotted: str) -> str:
        return self.new + dotted[len(self.old) :]


@dataclass(frozen=True)
class Refusal:
    """Why a reference is left for a person."""

    reason: str


Resolution = Union[Rewrite, Refusal, None]


def resolve(registry: Registry, identity: ModuleIdentity, dotted: str, homes: Optional[Homes] = None) -> Resolution:
    """The rewrite of the forbidden prefix of ``dotted``; a Refusal; None when nothing is forbidden.

    ``homes``, when given, is asked whether each replacement exists in the project as what it must
    be; a replacement it finds wrong is refused.

    The most specific entry decides (:meth:`~flake8_ssot.registry.Registry.forbidden_for`), as
    for every rule: ``a.legacy.Name = a.canonical.Name`` decides for ``a.legacy.Name`` over the
    entry for ``a.legacy``, and ``foo.bar = foo_prime.bar_rename`` over ``foo = foo_prime``.  The
    result is followed until it names nothing forbidden, so one run of the fixer leaves nothing
    another run would change.
    """
    first = _step(registry, identity, dotted, homes)
    if not isinstance(first, Rewrite):
        return first
    last = first
    current = first.apply(dotted)
    for _ in range(_MAX_MOVES):
        step = _step(registry, identity, current, homes)
        if step is None:
            return _combine(first, last, dotted, current)
        if isinstance(step, Refusal):
            return Refusal(f"its replacement '{current}' is forbidden too: {step.reason}")
        last = step
        current = step.apply(current)
    return Refusal(f"its replacements do not end (reached '{current}')")


def _combine(first: Rewrite, last: Rewrite, dotted: str, final: str) -> Rewrite:
    """One rewrite from the original forbidden prefix to the end of the chain of moves.

    The segments the moves left alone at the end stay out of the rewrite, as far as the prefix
    still covers the first forbidden entry and the new prefix still names the final module.
    """
    if first is last:
        return first
    old_parts, new_parts = dotted.split("."), final.split(".")
    keep_old, keep_new = first.old.count(".") + 1, last.module.count(".") + 1
    common = 0
    while (
        len(old_parts) - common > keep_old
        and len(new_parts) - common > keep_new
        and old_parts[-1 - common] == new_parts[-1 - common]
    ):
        common += 1
    end = len(old_parts) - common
    return Rewrite(".".join(old_parts[:end]), ".".join(new_parts[: len(new_parts) - common]), last.module)


def _wrong(homes: Optional[Homes], entry: Union[ForbiddenModule, ForbiddenName]) -> Optional[Refusal]:
    mismatch = homes.replacement(entry) if homes is not None else None
    if mismatch is None:
        return None
    return Refusal(f"{mismatch.text}; correct the entry '{entry.key}' first")


def _step(registry: Registry, identity: ModuleIdentity, dotted: str, homes: Optional[Homes]) -> Resolution:
    match = registry.forbidden_for(dotted)
    if match is None or match.entry.exempts(identity):
        return None
    name = match.name_entry
    if name is not None:
        if name.replacement:
            return _wrong(homes, name) or Rewrite(name.name, name.replacement, name.replacement.rpartition(".")[0])
        return Refusal(f"legacy name '{name.name}' has no replacement declared")
    entry = match.module_entry
    assert entry is not None
    if not entry.replacement:
        return Refusal(f"legacy module '{match.matched}' has no replacement declared")
    if not entry.pure_move:
        return Refusal(
            f"'{entry.key} = {entry.replacement}' is not marked [pure-move], so the modules' APIs may differ"
        )
    return _wrong(homes, entry) or Rewrite(match.matched, entry.replacement, entry.replacement)
