"""Carrying a :class:`~flake8_ssot.fix.plan.Plan` out on a LibCST concrete syntax tree.

The only module that imports LibCST.  Only the nodes named by the plan change; everything else,
comments and layout included, is printed back exactly as it was read.  Import statements are
handled per block (the module, or an indented block) so that names moving to a module the block
already imports from are merged into that import instead of duplicating it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst
from libcst.metadata import PositionProvider

from flake8_ssot.fix.plan import ImportEdit, ImportSpec, Plan, Position, Target
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.names import resolve_relative

SmallStatement = cst.BaseSmallStatement
AliasKey = Tuple[str, Optional[str]]  # (name as written, local name if aliased)


def dotted(node: cst.CSTNode) -> Optional[str]:
    """``a.b.c`` for a chain of names, else None."""
    parts: List[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _name_node(text: str) -> Union[cst.Name, cst.Attribute]:
    node: Union[cst.Name, cst.Attribute] = cst.Name(text.split(".")[0])
    for part in text.split(".")[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def _alias_key(alias: cst.ImportAlias) -> AliasKey:
    local = None
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        local = alias.asname.name.value
    return dotted(alias.name) or "", local


@dataclass
class _Moved:
    """Aliases leaving a statement for another module, with any comments they carried."""

    module: str
    aliases: List[cst.ImportAlias]
    comments: List[str]
    relative_to: Optional[Tuple[int, str]]  # (level, anchor) of the statement they left
    fallback: Optional[cst.ImportFrom] = None  # the whole statement rewritten in place, when not merged


class Applier(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, plan: Plan, identity: ModuleIdentity) -> None:
        super().__init__()
        self.plan = plan
        self.identity = identity
        self.applied: Set[object] = set()
        self._pieces: Set[int] = set()

    # -- expressions -----------------------------------------------------------------------------

    def _position(self, node: cst.CSTNode) -> Position:
        start = self.get_metadata(PositionProvider, node).start
        return start.line, start.column

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if not self.plan.chains:
            return updated_node
        text = dotted(original_node)
        if text is None:
            return updated_node
        key = (self._position(original_node), text)
        new = self.plan.chains.get(key)
        if new is None:
            return updated_node
        self.applied.add(("chain", key))
        return _name_node(new).with_changes(lpar=original_node.lpar, rpar=original_node.rpar)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._pieces.add(id(node.left))
        self._pieces.add(id(node.right))

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.SimpleString:
        if not self.plan.strings or id(original_node) in self._pieces:
            return updated_node
        position = self._position(original_node)
        edit = self.plan.strings.get(position)
        if edit is None:
            return updated_node
        old, new = edit
        prefix, quote = original_node.prefix, original_node.quote
        body = original_node.value[len(prefix) + len(quote) : len(original_node.value) - len(quote)]
        if "b" in prefix.lower() or body != old or original_node.evaluated_value != old:
            return updated_node
        self.applied.add(("string", position))
        return updated_node.with_changes(value=f"{prefix}{quote}{new}{quote}")

    # -- blocks of statements --------------------------------------------------------------------

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return updated_node.with_changes(body=self._block(original_node.body, updated_node.body))

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        return updated_node.with_changes(body=self._block(original_node.body, updated_node.body))

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        body: List[SmallStatement] = []
        for original, updated in zip(original_node.body, updated_node.body):
            kept, moved, additions = self._statement(original, updated)
            extra: List[SmallStatement] = []
            for group in moved:
                if group.fallback is not None:
                    kept = group.fallback
                else:
                    extra.append(_from_statement(group))
            if kept is not None:
                body.append(kept)
            body.extend(extra)
            body.extend(_spec_statement(spec) for spec in additions)
        if not body:
            return updated_node
        last = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(body=[*body[:-1], last])

    def _block(
        self, originals: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement]
    ) -> List[cst.BaseStatement]:
        """Rewrite the import lines of one block.

        First every statement is rewritten on its own; a statement whose names all move to one
        module either merges into an import from that module (when nothing but imports stands
        between them and no comment would be lost) or is rewritten in place, and then serves as
        a merge target itself.  Then the names leaving partly-moved statements and the imports
        that attribute chains need are merged into a target or inserted after their statement.
        """
        lines = list(updated)
        targets = self._merge_targets(originals)
        work: List[Tuple[int, cst.SimpleStatementLine, List[SmallStatement], List[_Moved], List[ImportSpec]]] = []
        merges: List[Tuple[int, List[cst.ImportAlias]]] = []
        removed: Set[int] = set()
        for index, (original, line) in enumerate(zip(originals, updated)):
            if not isinstance(original, cst.SimpleStatementLine) or not isinstance(line, cst.SimpleStatementLine):
                continue
            body: List[SmallStatement] = []
            moved: List[_Moved] = []
            additions: List[ImportSpec] = []
            changed = False
            alone = len(original.body) == 1 and not _has_comments(original)
            for small_original, small in zip(original.body, line.body):
                kept, groups, specs = self._statement(small_original, small)
                changed = changed or kept is not small or bool(groups) or bool(specs)
                for group in groups:
                    if group.fallback is None:
                        moved.append(group)
                        continue
                    target = self._target(targets, originals, group.module, index)
                    if target is not None and alone and not group.comments:
                        merges.append((target, group.aliases))
                    else:
                        kept = group.fallback
                        if len(original.body) == 1:
                            targets.setdefault(group.module, []).append(index)
                if kept is not None:
                    body.append(kept)
                additions.extend(specs)
            if changed:
                work.append((index, line, body, moved, additions))
        inserts: Dict[int, List[cst.BaseStatement]] = {}
        for index, line, body, moved, additions in work:
            if body:
                body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                lines[index] = line.with_changes(body=body)
            else:
                removed.add(index)
            after: List[cst.BaseStatement] = []
            for group in moved:
                target = self._target(targets, originals, group.module, index)
                if target is not None and target not in removed and not group.comments:
                    merges.append((target, group.aliases))
                else:
                    after.append(_line(_from_statement(group), group.comments))
            for spec in additions:
                target = self._target(targets, originals, spec.module, index) if spec.name else None
                if target is not None and target not in removed:
                    merges.append((target, [_spec_alias(spec)]))
                else:
                    after.append(_line(_spec_statement(spec), []))
            if after:
                inserts[index] = after
        for target, aliases in merges:
            lines[target] = _merge(lines[target], aliases)
        if not work:
            return lines
        result: List[cst.BaseStatement] = []
        for index, line in enumerate(lines):
            if index not in removed:
                result.append(line)
            result.extend(inserts.get(index, []))
        return result

    # -- one import statement --------------------------------------------------------------------

    def _statement(
        self, original: SmallStatement, updated: SmallStatement
    ) -> Tuple[Optional[SmallStatement], List[_Moved], List[ImportSpec]]:
        """The statement as kept (None: removed), alias groups moving away, imports to add after it."""
        if not isinstance(original, (cst.Import, cst.ImportFrom)):
            return updated, [], []
        position = self._position(original)
        additions = list(self.plan.additions.get(position, []))
        if additions:
            self.applied.add(("addition", position))
        edit = self.plan.imports.get(position)
        if edit is None:
            return updated, [], additions
        if isinstance(original, cst.Import) and isinstance(updated, cst.Import):
            return self._plain(position, edit, updated), [], additions
        if isinstance(original, cst.ImportFrom) and isinstance(updated, cst.ImportFrom):
            kept, moved = self._from(position, edit, updated)
            return kept, moved, additions
        return updated, [], additions

    def _plain(self, position: Position, edit: ImportEdit, node: cst.Import) -> cst.Import:
        names = [dotted(alias.name) for alias in node.names]
        if tuple(names) != edit.names:
            return node
        aliases = []
        for alias, new in zip(node.names, edit.new):
            aliases.append(alias.with_changes(name=_name_node(new)) if isinstance(new, str) else alias)
        self.applied.add(("import", position))
        return node.with_changes(names=aliases)

    def _from(
        self, position: Position, edit: ImportEdit, node: cst.ImportFrom
    ) -> Tuple[Optional[cst.ImportFrom], List[_Moved]]:
        module = edit.module or ""
        if isinstance(node.names, cst.ImportStar):
            target = edit.new[0] if edit.names == ("*",) else None
            if not isinstance(target, Target):
                return node, []
            self.applied.add(("import", position))
            return self._with_module(node, target.module), []
        if tuple(dotted(alias.name) for alias in node.names) != edit.names:
            return node, []
        self.applied.add(("import", position))
        stay: List[cst.ImportAlias] = []
        groups: Dict[str, _Moved] = {}
        level = len(node.relative)
        anchor = resolve_relative(self.identity.package, level, None) if level else None
        for alias, new in zip(node.names, edit.new):
            if not isinstance(new, Target):
                stay.append(alias)
                continue
            renamed = _renamed(alias, new.name)
            if new.module == module:
                stay.append(renamed)
                continue
            group = groups.setdefault(
                new.module, _Moved(new.module, [], [], (level, anchor) if anchor is not None else None)
            )
            group.aliases.append(renamed)
            comment = _comment_after(alias)
            if comment:
                group.comments.append(comment)
        if not groups:
            return node.with_changes(names=_tidy(stay, node, node.names)), []
        if not stay and len(groups) == 1:
            (group,) = groups.values()
            rewritten = node.with_changes(names=_tidy(group.aliases, node, node.names))
            group.fallback = self._with_module(rewritten, group.module)
            return None, [group]
        if not stay:
            first, *others = groups.values()
            rewritten = node.with_changes(names=_tidy(first.aliases, node, node.names))
            return self._with_module(rewritten, first.module), others
        return node.with_changes(names=_tidy(stay, node, node.names)), list(groups.values())

    def _with_module(self, node: cst.ImportFrom, module: str) -> cst.ImportFrom:
        level = len(node.relative)
        anchor = resolve_relative(self.identity.package, level, None) if level else None
        relative, written = _relative_form(module, level, anchor)
        return node.with_changes(
            relative=[cst.Dot() for _ in range(relative)],
            module=_name_node(written) if written else None,
        )

    # -- merging -----------------------------------------------------------------------------------

    def _merge_targets(self, originals: Sequence[cst.BaseStatement]) -> Dict[str, List[int]]:
        """Resolved module -> indices of lines that are exactly one ``from module import names``."""
        targets: Dict[str, List[int]] = {}
        for index, line in enumerate(originals):
            if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
                continue
            statement = line.body[0]
            if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
                continue
            if self._position(statement) in self.plan.imports:
                continue  # being rewritten itself
            written = dotted(statement.module) if statement.module is not None else None
            if statement.module is not None and written is None:
                continue
            module = resolve_relative(self.identity.package, len(statement.relative), written)
            if module is not None:
                targets.setdefault(module, []).append(index)
        return targets

    def _target(
        self, targets: Dict[str, List[int]], originals: Sequence[cst.BaseStatement], module: str, index: int
    ) -> Optional[int]:
        """A line importing from ``module`` with only import lines between it and line ``index``."""
        for candidate in targets.get(module, []):
            low, high = sorted((candidate, index))
            if all(_is_import_line(originals[between]) for between in range(low + 1, high)):
                return candidate
        return None


class _CommentFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found = True


def _has_comments(line: cst.SimpleStatementLine) -> bool:
    """Whether removing the line would drop a comment (above it, inside it or after it)."""
    finder = _CommentFinder()
    line.visit(finder)
    return finder.found


def _is_import_line(line: cst.BaseStatement) -> bool:
    return isinstance(line, cst.SimpleStatementLine) and all(
        isinstance(statement, (cst.Import, cst.ImportFrom)) for statement in line.body
    )


def _relative_form(module: str, level: int, anchor: Optional[str]) -> Tuple[int, str]:
    """(dots, module as written): relative to ``anchor`` when the statement was relative and can stay so."""
    if level and anchor is not None:
        if module == anchor:
            return level, ""
        if module.startswith(anchor + "."):
            return level, module[len(anchor) + 1 :]
    return 0, module


def _renamed(alias: cst.ImportAlias, name: str) -> cst.ImportAlias:
    """``alias`` importing ``name`` instead, under the same local name as before."""
    written = dotted(alias.name)
    if written == name:
        return alias
    if alias.asname is None:
        asname = cst.AsName(name=cst.Name(written or name))
        return alias.with_changes(name=_name_node(name), asname=asname)
    return alias.with_changes(name=_name_node(name))


def _comment_after(alias: cst.ImportAlias) -> Optional[str]:
    comma = alias.comma
    if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
        comment = comma.whitespace_after.first_line.comment
        if comment is not None:
            return comment.value
    return None


def _tidy(
    aliases: Sequence[cst.ImportAlias], node: cst.ImportFrom, original: Sequence[cst.ImportAlias]
) -> List[cst.ImportAlias]:
    """The remaining aliases with commas and line breaks right once the last one may have gone."""
    result = list(aliases)
    if not result or result[-1] is original[-1]:
        return result
    last = result[-1]
    comma = last.comma
    if not isinstance(comma, cst.Comma):
        return result
    own = comma.whitespace_after
    if node.lpar is None or not isinstance(own, cst.ParenthesizedWhitespace):
        result[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return result
    closing = original[-1].comma
    if isinstance(closing, cst.Comma) and isinstance(closing.whitespace_after, cst.ParenthesizedWhitespace):
        # Trailing-comma layout: keep this alias's comma and comment, close like the removed one did.
        ending = closing.whitespace_after
        whitespace = own.with_changes(empty_lines=ending.empty_lines, indent=ending.indent, last_line=ending.last_line)
        result[-1] = last.with_changes(comma=comma.with_changes(whitespace_after=whitespace))
    elif own.first_line.comment is None:
        result[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    else:
        whitespace = own.with_changes(empty_lines=[], indent=True, last_line=cst.SimpleWhitespace(""))
        result[-1] = last.with_changes(comma=comma.with_changes(whitespace_after=whitespace))
    return result


def _merge(line: cst.BaseStatement, aliases: Sequence[cst.ImportAlias]) -> cst.BaseStatement:
    assert isinstance(line, cst.SimpleStatementLine)
    statement = line.body[0]
    assert isinstance(statement, cst.ImportFrom) and not isinstance(statement.names, cst.ImportStar)
    present = {_alias_key(alias) for alias in statement.names}
    new = [alias for alias in aliases if _alias_key(alias) not in present]
    if not new:
        return line
    names = list(statement.names)
    last = names[-1]
    if isinstance(last.comma, cst.Comma):
        # A trailing comma in a parenthesized list: the new names follow in the same layout.
        whitespace = last.comma.whitespace_after
        new = [alias.with_changes(comma=cst.Comma(whitespace_after=whitespace)) for alias in new]
    else:
        names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        new = [
            alias.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            for alias in new[:-1]
        ] + [new[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    return line.with_changes(body=[statement.with_changes(names=names + new)])


def _bare(alias: cst.ImportAlias) -> cst.ImportAlias:
    return alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)


def _from_statement(group: _Moved) -> cst.ImportFrom:
    level, anchor = group.relative_to if group.relative_to is not None else (0, None)
    dots, written = _relative_form(group.module, level, anchor)
    space = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    aliases = [alias.with_changes(comma=space) for alias in group.aliases[:-1]]
    aliases.append(_bare(group.aliases[-1]))
    return cst.ImportFrom(
        module=_name_node(written) if written else None,
        names=aliases,
        relative=[cst.Dot() for _ in range(dots)],
    )


def _spec_alias(spec: ImportSpec) -> cst.ImportAlias:
    return cst.ImportAlias(name=_name_node(spec.name or spec.module))


def _spec_statement(spec: ImportSpec) -> SmallStatement:
    if spec.name is None:
        return cst.Import(names=[cst.ImportAlias(name=_name_node(spec.module))])
    return cst.ImportFrom(module=_name_node(spec.module), names=[_spec_alias(spec)])


def _line(statement: SmallStatement, comments: Sequence[str]) -> cst.SimpleStatementLine:
    trailing = cst.TrailingWhitespace()
    if comments:
        text = "; ".join(comment.lstrip("#").strip() for comment in comments)
        trailing = cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(f"# {text}"))
    return cst.SimpleStatementLine(body=[statement], trailing_whitespace=trailing)


def apply_plan(source: str, plan: Plan, identity: ModuleIdentity) -> Tuple[str, Set[object]]:
    """The rewritten source and the keys of the edits that were made.

    Raises ``libcst.ParserSyntaxError`` when LibCST cannot read the file.
    """
    module = cst.parse_module(source)
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    applier = Applier(plan, identity)
    result = wrapper.visit(applier)
    return result.code, applier.applied
