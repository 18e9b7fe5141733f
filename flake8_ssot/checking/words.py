"""The text prefilter: what a file's text must contain for a rule to report in it.

Lossless by construction: a rule lists every identifier or string fragment without which it cannot
match, so a file whose text lacks all of a rule's alternatives cannot hold that rule's findings.
"""

from __future__ import annotations

import re
import unicodedata
from typing import AbstractSet, Callable, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple, Union

from flake8_ssot.checking.closure import ClosureMention

# What a file's text must contain: a substring, a pattern that must match somewhere, or
# :data:`~flake8_ssot.checking.closure.CLOSED` (a name of the project's closure).
Fragment = Union[str, "re.Pattern[str]", ClosureMention]
# A fragment, or several fragments that must all occur.
Word = Union[Fragment, Tuple[Fragment, ...]]

# A relative import (``from . import x``, ``from ..a import b``), however its line is continued.
# Patterns here start with a literal where they can: the regex engine then skips ahead to it.
RELATIVE_IMPORT: "re.Pattern[str]" = re.compile(r"from(?<![\w.]from)[ \t\f]*(?:\\(?:\r\n?|\n)[ \t\f]*)*\.")
# What may stand between two characters of one folded string constant: the end of a literal and
# the start of the next (``"a." "b"``, ``"a." + ("b")``, across lines and comments: closing
# quotes, whitespace, comments, parentheses, '+', line continuations, a string prefix, opening
# quotes), or a backslash-newline inside a literal.  A comment must run to its line's end, so
# that the repetition cannot split one comment many ways (no exponential backtracking).
_LITERAL_GAP = r"""(?:["']{1,3}(?:[\s()+\\]|#[^\r\n]*[\r\n])*[A-Za-z]{0,2}["']{1,3}|\\(?:\r\n?|\n))?"""


def identifier_word(word: str) -> Tuple[Fragment, ...]:
    """``word`` as a whole identifier or dotted-name segment: the substring (a cheap first test),
    then the word with no identifier character on either side (``_base``, not ``self._base_url``)."""
    literal = re.escape(word)
    return (word, re.compile(literal + r"(?<!\w" + literal + r")(?!\w)"))


def _escapes(char: str) -> List[str]:
    """Patterns (after the backslash) of the escapes producing ``char`` in a string literal."""
    code = ord(char)
    forms = [r"N\{[^}\r\n]*\}"]
    if code < 0x100:
        forms.append("x" + "".join(f"[{d.lower()}{d.upper()}]" for d in f"{code:02x}"))
    if code <= 0o777:
        forms.append(r"0{0,%d}%s" % (3 - len(f"{code:o}"), f"{code:o}"))
    forms.append("u" + "".join(f"[{d.lower()}{d.upper()}]" for d in f"{code:04x}"))
    forms.append("U" + "".join(f"[{d.lower()}{d.upper()}]" for d in f"{code:08x}"))
    return forms


def _escaped(char: str) -> str:
    """A pattern for ``char`` in a string literal: itself, or an escape producing it."""
    return "(?:" + "|".join([re.escape(char)] + [r"\\" + form for form in _escapes(char)]) + ")"


def string_words(*words: str) -> Tuple[Tuple[Fragment, ...], ...]:
    """Alternatives, any one of which a text needs for string constants in it to contain every
    one of ``words``.

    A string literal's value is its source text except for escapes, and constants are folded
    from several literals (:func:`flake8_ssot.syntax.constant_string`).  So the text spells each
    word; or spells each with literal boundaries between characters (``"mess" "age"``); or has a
    backslash and spells each with any characters escaped (``"me\\x73sage"``) as well.
    """
    longest_first = sorted(words, key=len, reverse=True)  # patterns are tried in this order
    split = tuple(re.compile(_LITERAL_GAP.join(re.escape(char) for char in word)) for word in longest_first)
    escaped = tuple(re.compile(_LITERAL_GAP.join(_escaped(char) for char in word)) for word in longest_first)
    # Spelt with escapes, some character is escaped: a cheap test (it starts with the backslash).
    chars = sorted({char for word in words for char in word})
    some_escape = re.compile(r"\\(?:" + "|".join(sorted({form for char in chars for form in _escapes(char)})) + ")")
    return (tuple(words), split, ("\\", some_escape, *escaped))


class Interest:
    """What a file's text must contain for a rule to report in it.

    Lossless by construction: a rule lists every identifier or string fragment without which it
    cannot match.  Identifiers are NFKC-normalised by the parser, so a non-ASCII text is searched
    in its normalised form too (``ｌｅｇａｃｙ`` is ``legacy``).
    """

    def __init__(self, words: Optional[Iterable[Word]]) -> None:
        if words is None:
            self.alternatives: Optional[Tuple[Tuple[Fragment, ...], ...]] = None
        else:
            found = {(word,) if isinstance(word, (str, re.Pattern, ClosureMention)) else tuple(word) for word in words}
            ordered = (_cheapest_first(alt) for alt in found if alt and all(alt))
            self.alternatives = tuple(sorted(ordered, key=repr))

    @staticmethod
    def searchable(text: str) -> str:
        if text.isascii():
            return text
        return text + "\n" + unicodedata.normalize("NFKC", text)

    def anchors(self, closure_tokens: Optional[AbstractSet[str]] = None) -> Optional[FrozenSet[str]]:
        """Literals one of which every text this interest can match contains (searched as they
        are, before NFKC normalisation: for ASCII texts only); None when some alternative holds no
        literal.  An alternative needing :data:`~flake8_ssot.checking.closure.CLOSED` is anchored
        by ``closure_tokens`` when given (the closure's identifiers)."""
        if self.alternatives is None:
            return None
        found: Set[str] = set()
        for alternative in self.alternatives:
            if closure_tokens is not None and any(isinstance(fragment, ClosureMention) for fragment in alternative):
                found.update(closure_tokens)
                continue
            literals = [fragment for fragment in alternative if isinstance(fragment, str)]
            if not literals:
                return None
            found.add(max(literals, key=lambda literal: (len(literal), literal)))
        return frozenset(found)

    def might_match(
        self,
        searchable: str,
        seen: Optional[Dict[Fragment, bool]] = None,
        mentions: Optional[Callable[[], bool]] = None,
    ) -> bool:
        """``searchable`` as returned by :meth:`searchable`; ``seen`` remembers fragments looked up
        in the same text (shared by every rule's interest).  ``mentions`` answers
        :data:`~flake8_ssot.checking.closure.CLOSED` (asked at most once per text); without it
        the fragment is present."""
        if self.alternatives is None:
            return True
        if seen is None:
            seen = {}
        for alternative in self.alternatives:
            for fragment in alternative:
                present = seen.get(fragment)
                if present is None:
                    if isinstance(fragment, str):
                        present = fragment in searchable
                    elif isinstance(fragment, ClosureMention):
                        present = True if mentions is None else mentions()
                    else:
                        present = fragment.search(searchable) is not None
                    seen[fragment] = present
                if not present:
                    break
            else:
                return True
        return False


def _cheapest_first(alternative: Tuple[Fragment, ...]) -> Tuple[Fragment, ...]:
    """Substrings first, longer (rarer) ones first; then patterns, in the order given; then the
    closure's answer (decided once per text, but a pass over all of it)."""
    closed = tuple(fragment for fragment in alternative if isinstance(fragment, ClosureMention))[:1]
    substrings = sorted((fragment for fragment in alternative if isinstance(fragment, str)), key=lambda s: (-len(s), s))
    patterns = (fragment for fragment in alternative if not isinstance(fragment, (str, ClosureMention)))
    return (*substrings, *patterns, *closed)


# Blanks between the tokens of one logical line: spaces, tabs, form feeds, line continuations.
_BLANK = r"(?:[ \t\f]|\\(?:\r\n?|\n))"
_IDENTIFIER = r"[^\W\d]\w*"


def _segment(segment: str) -> str:
    return _IDENTIFIER if segment in ("*", "**") else re.escape(segment)


def _dotted(path: Tuple[str, ...]) -> str:
    """A dotted name spelt as ``path`` says: ``*`` one identifier, ``**`` zero or more."""
    separator = _BLANK + r"*\." + _BLANK + "*"
    pattern, first = "", True
    for segment in path:
        if segment != "**":
            pattern += ("" if first else separator) + _segment(segment)
            first = False
        elif first:
            pattern += "(?:" + _IDENTIFIER + separator + ")*"
        else:
            pattern += "(?:" + separator + _IDENTIFIER + ")*"
    return pattern


def package_import_words(packages: Iterable[Tuple[str, ...]]) -> Tuple["re.Pattern[str]", ...]:
    """Patterns, one of which a text holds when an import statement in it reads from one of
    ``packages`` (``from a.b import x``, exactly that package; relatively, ``from .b import x``
    or ``from .. import x``) or binds the top-level package of one (``import a.c``, which binds
    ``a``).  Segments may be ``*`` (any identifier) or ``**`` (any number of them); a path needs a
    named segment.

    Lossless for statements however they are spaced or continued (``from a . b import``, a
    backslash-newline between tokens); a mention in a comment or string may match too.
    """
    paths = sorted({tuple(path) for path in packages if path})
    if not paths:
        return ()
    dotted = [_dotted(path) for path in paths]
    reads_from = re.compile(r"from" + _BLANK + r"+(?:" + "|".join(dotted) + r")" + _BLANK + r"+import(?!\w)")
    tops = sorted({_segment(path[0]) for path in paths})
    # The rest of the statement's logical line (continuations included), then a top-level package
    # as the head of a dotted name.
    binds_top = re.compile(
        r"import(?!\w)(?:[^\r\n\\]|\\(?:\r\n?|\n)|\\[^\r\n])*?(?<![\w.])(?:" + "|".join(tops) + r")(?!\w)"
    )
    # A relative import reads from a package whose last segment it spells (``from ..b import x``
    # reads ``?.b``), or from an ancestor of the file's own package (``from .. import x``), which
    # the text alone cannot rule out.
    lasts = sorted({_segment(path[-1]) for path in paths})
    relative = re.compile(
        r"from" + _BLANK + r"*(?:\." + _BLANK + r"*)+(?:(?:" + _IDENTIFIER + _BLANK + r"*\." + _BLANK + r"*)*"
        r"(?:" + "|".join(lasts) + r")" + _BLANK + r"+)?import(?!\w)"
    )
    return (reads_from, binds_top, relative)
