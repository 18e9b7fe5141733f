"""SOT104: attribute chains reaching a forbidden module or name through an imported parent.

``import a`` then ``a.legacy.X()`` imports nothing forbidden by name, yet uses ``a.legacy``.  Uses
through a binding that is itself forbidden (``import a.legacy as m; m.X``) are not reported again:
the import already was.
"""

from __future__ import annotations

import ast
from typing import Iterator, List, Optional, Sequence, Set

from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.rule import Rule
from flake8_ssot.checking.words import Word, identifier_word
from flake8_ssot.codes import FORBIDDEN_ATTRIBUTE_REFERENCE
from flake8_ssot.findings import Finding
from flake8_ssot.registry import Registry
from flake8_ssot.rules.imports import module_phrase, name_words
from flake8_ssot.syntax import dotted_parts


def _reached(context: FileContext, qualified: str, bound: str) -> Optional[str]:
    """The message tail when ``qualified`` reaches a forbidden thing beyond ``bound``."""
    registry = context.registry
    if registry.forbidden_module_for(bound) or registry.forbidden_name_for(bound):
        return None  # the import itself is the finding
    parts = qualified.split(".")
    for size in range(bound.count(".") + 2, len(parts) + 1):
        prefix = ".".join(parts[:size])
        hit = registry.forbidden_module_for(prefix)
        if hit is not None:
            entry, matched = hit
            if entry.exempts(context.identity):
                return None
            return f"reaches {module_phrase(matched, entry, matched)}; {entry.advice()}"
        name = registry.forbidden_name_for(prefix)
        if name is not None:
            if name.exempts(context.identity):
                return None
            return f"reaches legacy name '{name.name}'; {name.advice()}"
    return None


def check_attributes(context: FileContext) -> Iterator[Finding]:
    inner: Set[int] = set()
    bindings = context.bindings
    for node in context.nodes(ast.Attribute):
        if id(node) in inner:
            continue
        parts = dotted_parts(node, inner)
        if parts is None:
            continue
        written = ".".join(parts)
        rest = parts[1:]
        for bound in sorted(bindings.targets(parts[0])):
            tail = _reached(context, ".".join([bound, *rest]), bound)
            if tail is not None:
                yield Finding(
                    node.lineno, node.col_offset, FORBIDDEN_ATTRIBUTE_REFERENCE, f"attribute chain '{written}' {tail}"
                )
                break


def _is_proper_parent(bound: str, segments: Sequence[str]) -> bool:
    parts = bound.split(".")
    return len(parts) < len(segments) and all(want in ("*", have) for want, have in zip(segments, parts))


def binds_a_parent(context: FileContext) -> bool:
    """Only a file importing a parent of something forbidden can reach it by attribute."""
    registry = context.registry
    patterns = [entry.pattern.segments for entry in registry.forbidden_modules]
    patterns.extend(tuple(entry.name.split(".")) for entry in registry.forbidden_names)
    return any(
        _is_proper_parent(bound, segments) for bound in context.bindings.all_targets() for segments in patterns
    )


def _words(registry: Registry) -> Optional[List[Word]]:
    words: List[Word] = []
    for entry in registry.forbidden_modules:
        fixed = [segment for segment in entry.pattern.segments if segment != "*"]
        words.append(identifier_word(fixed[-1]))
    return words + name_words(registry)


RULE = Rule(
    name="attributes",
    node_types=(ast.Attribute,),
    check=check_attributes,
    active=lambda registry: bool(registry.forbidden_modules or registry.forbidden_names),
    words=_words,
    refine=binds_a_parent,
    codes=(FORBIDDEN_ATTRIBUTE_REFERENCE,),
)
