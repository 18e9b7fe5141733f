"""SOT104: attribute chains reaching a forbidden module or name through an imported parent.

``import a`` then ``a.legacy.X()`` imports nothing forbidden by name, yet uses ``a.legacy``.  Uses
through an import that is itself reported (``import a.legacy as m; m.X``, ``import a.legacy; a.legacy.X``)
are not reported again when the entry deciding the use is the one deciding the import; a use
reaching a more specific entry (``a.legacy.sub`` of its own) is.
"""

from __future__ import annotations

import ast
from typing import Iterator, List, Optional, Set, Tuple, Union

from flake8_ssot.checking.context import FileContext
from flake8_ssot.checking.rule import Rule
from flake8_ssot.checking.words import Word, identifier_word
from flake8_ssot.codes import FORBIDDEN_ATTRIBUTE_REFERENCE
from flake8_ssot.findings import Finding
from flake8_ssot.names import DottedPattern, is_within
from flake8_ssot.registry import Match, Registry
from flake8_ssot.rules.imports import module_phrase, name_words
from flake8_ssot.syntax import dotted_parts


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_Located = Union[ast.stmt, ast.expr]


def _contains(scope: ast.stmt, node: _Located) -> bool:
    end = (scope.end_lineno or scope.lineno, scope.end_col_offset or 0)
    return (scope.lineno, scope.col_offset) <= (node.lineno, node.col_offset) and (
        node.end_lineno or node.lineno,
        node.end_col_offset or 0,
    ) <= end


def _visible_scopes(context: FileContext, node: _Located) -> List[Optional[ast.stmt]]:
    """The scopes whose names ``node`` sees, innermost first, the module (None) last; a class
    body only when ``node`` is directly in it."""
    enclosing = [scope for scope in context.nodes(*_SCOPES) if _contains(scope, node)]
    enclosing.sort(key=lambda scope: (scope.lineno, scope.col_offset), reverse=True)
    visible: List[Optional[ast.stmt]] = [
        scope for index, scope in enumerate(enclosing) if index == 0 or not isinstance(scope, ast.ClassDef)
    ]
    visible.append(None)
    return visible


def _innermost_scope(context: FileContext, node: _Located) -> Optional[ast.stmt]:
    return _visible_scopes(context, node)[0]


def _binds(statement: Union[ast.Import, ast.ImportFrom], head: str) -> bool:
    if isinstance(statement, ast.Import):
        return any((alias.asname or alias.name.partition(".")[0]) == head for alias in statement.names)
    return any((alias.asname or alias.name) == head for alias in statement.names)


def _through_reported_import(context: FileContext, node: ast.Attribute, head: str, match: Match) -> bool:
    """True when the import statement ``head`` is used through here is a plain ``import`` the same
    entry and match decide (``import a.legacy`` then ``a.legacy.X``): that import's finding covers
    the use.  The import is looked for as Python finds the name: in the innermost scope visible from
    the use that imports ``head``."""
    registry = context.registry
    plain = context.bindings.plain_imports(head)
    if not any(registry.forbidden_for(imported) == match for imported in plain):
        return False
    binders = [statement for statement in context.nodes(ast.Import, ast.ImportFrom) if _binds(statement, head)]
    for scope in _visible_scopes(context, node):
        here = [statement for statement in binders if _innermost_scope(context, statement) is scope]
        if here:
            return any(
                alias.asname is None and registry.forbidden_for(alias.name) == match
                for statement in here
                if isinstance(statement, ast.Import)
                for alias in statement.names
                if alias.name.partition(".")[0] == head
            )
    return False


def _reached(
    context: FileContext, node: ast.Attribute, qualified: str, bound: str, head: str
) -> Optional[Tuple[str, str]]:
    """The message tail, and the deciding entry's ref, when ``qualified`` reaches a forbidden thing
    beyond ``bound``.

    The entry that decides is the one that decides for the whole chain, as for an import of it.
    Nothing is reported when that entry's match lies within ``bound`` (the import binding it is
    the finding), or when the chain is used through a plain ``import`` the same entry and match
    decide (``import a.legacy`` then ``a.legacy.X``): a use through a reported import is not
    reported again.
    """
    match = context.registry.forbidden_for(qualified)
    if match is None or is_within(bound, match.matched) or match.entry.exempts(context.identity):
        return None
    if _through_reported_import(context, node, head, match):
        return None
    module_entry = match.module_entry
    if module_entry is not None:
        return (
            f"reaches {module_phrase(match.matched, module_entry, match.matched)}; {module_entry.advice()}",
            module_entry.ref,
        )
    assert match.name_entry is not None
    return f"reaches legacy name '{match.name_entry.name}'; {match.name_entry.advice()}", match.name_entry.ref


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
            reached = _reached(context, node, ".".join([bound, *rest]), bound, parts[0])
            if reached is not None:
                tail, ref = reached
                yield Finding(
                    node.lineno,
                    node.col_offset,
                    FORBIDDEN_ATTRIBUTE_REFERENCE,
                    f"attribute chain '{written}' {tail}",
                    ref,
                )
                break


def binds_a_parent(context: FileContext) -> bool:
    """Only a file importing a parent of something forbidden can reach it by attribute."""
    registry = context.registry
    patterns = [entry.pattern for entry in registry.forbidden_modules]
    patterns.extend(DottedPattern(entry.name) for entry in registry.forbidden_names)
    return any(pattern.holds_below(bound) for bound in context.bindings.all_targets() for pattern in patterns)


def _words(registry: Registry) -> Optional[List[Word]]:
    words: List[Word] = []
    for entry in registry.forbidden_modules:
        words.append(identifier_word(entry.pattern.literal_segments[-1]))
    return words + name_words(registry)


RULE = Rule(
    name="attributes",
    node_types=(ast.Attribute, *_SCOPES),
    check=check_attributes,
    active=lambda registry: bool(registry.forbidden_modules or registry.forbidden_names),
    words=_words,
    refine=binds_a_parent,
    codes=(FORBIDDEN_ATTRIBUTE_REFERENCE,),
)
