"""The prefilter reads closely, and stays lossless.

Strings: a file is skipped only when none of its strings can fold into a forbidden module's or
name's segment (or a legacy parameter in a ``**{...}`` key), whatever the spelling the rules fold
(escapes, literals split two or three ways across lines, comments, ``+`` and parentheses, string
prefixes); a test module patching other targets, or a handler taking ``**options``, is not parsed.

Names: an import of, or chain to, a forbidden ``app.models.OldThing`` spells ``OldThing`` and
``models``, or is a relative import; a file that merely mentions another ``OldThing`` is skipped.

Strings anywhere (SOT106) and code in strings (SOT107): the same spellings, and for code, a context
(``exec``, ``compile``, ``dedent`` or the flag ``-c``, itself spelt in any of those ways).
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

import pytest

from flake8_ssot.checking.words import RELATIVE_IMPORT, Interest, identifier_word, string_words
from flake8_ssot.engine import Engine
from flake8_ssot.location import ModuleIdentity
from flake8_ssot.rules import dotted_strings, embedded_code
from flake8_ssot.rules.literals import quoted, spelling
from ssot_testing import registry_from_ini

REGISTRY = """\
[flake8]
ssot-forbidden-modules = app.services.message_handler = app.core
ssot-forbidden-names = app.models.OldThing = app.models.Thing
ssot-legacy-parameters = *Handler = supervisor
ssot-resolve = false
"""
IDENTITY = ModuleIdentity("app.consumers")

FOUND = {
    "plain": 'from unittest import mock\nmock.patch("app.services.message_handler.X")\n',
    "split in two": 'from unittest import mock\nmock.patch("app.services.message_" "handler.X")\n',
    "split in three": 'from unittest import mock\nmock.patch("app.services.mess" "age_" "handler.X")\n',
    "split across lines and a comment": (
        "from unittest import mock\n" 'mock.patch(\n    "app.services.message_"  # the legacy one\n    "handler.X"\n)\n'
    ),
    "plus and parentheses": 'import importlib\nimportlib.import_module(("app.services.message" + "_handler"))\n',
    "prefixes and triple quotes": 'import sys\nsys.modules[r"""app.services.message_""" f\'handler\'] = None\n',
    "hex escape": 'import sys\nx = "app.services.message_h\\x61ndler" in sys.modules\n',
    "named escape": 'import importlib\nimportlib.import_module("app.services.message_\\N{LATIN SMALL LETTER H}andler")\n',
    "continued literal": 'from unittest import mock\nmock.patch("app.services.message_\\\nhandler.X")\n',
    "name split": 'from unittest import mock\nmock.patch("app.models.Old" "Thing")\n',
    "double-star key split": "OrderHandler(**{'super' 'visor': s})\n",
    "double-star key escaped": "OrderHandler(**{'super\\x76isor': s})\n",
    "octal escape and a split": 'import sys\nsys.modules.get("app.services.message" "\\137handler")\n',
    "escaped dot": 'import sys\nsys.modules.get("app\\x2eservices.message_handler")\n',
    "name import": "from app.models import OldThing\n",
    "name chain": "from app import models\nmodels.OldThing()\n",
    "name chain through an alias": "import app.models as m\nm.OldThing()\n",
    # SOT106: module and name strings anywhere.
    "module list": 'MODULES = ["app.services.message_handler"]\n',
    "module list split": 'MODULES = [\n    "app.services.message_"  # the legacy one\n    "handler",\n]\n',
    "module list escaped": 'MODULES = ["app.services.message_h\\x61ndler"]\n',
    "entry point": 'EP = {"run": "app.services.message_handler:main"}\n',
    "escaped dot in a module name": 'X = "app.services\\x2emessage_handler"\n',
    "name string split": 'X = "app.models:Old" "Thing"\n',
    # SOT107: imports in code held in strings.
    "python -c command": 'import os\nos.system("python -c \\"from app.services.message_handler import X\\"")\n',
    "flag split": 'run([exe, "-" "c", "from app.services.message_handler import X"])\n',
    "flag escaped": 'run([exe, "\\x2dc", "from app.services.message_handler import X"])\n',
    "keyword escaped": 'exec("from app.services.message_handler \\x69mport X")\n',
    "code split": 'exec("from app.services.message_" "handler import X")\n',
    "dedent through an alias": 'from textwrap import dedent as dd\nx = dd("""\n    from app.models import OldThing\n""")\n',
    "code bound to a name": 'CODE = "import app.services.message_handler"\nrun([exe, "-c", CODE])\n',
}
# Checked as a module of the package app.models: relative imports reach the name.
FOUND_INSIDE = {
    "relative name import": "from . import OldThing\n",
    "relative name import, continued line": "from \\\n    . import OldThing\n",
    "relative star import": "from . import *\nOldThing()\n",
}
SKIPPED = {
    "patching other targets": (
        "from unittest import mock\n\n\n"
        '@mock.patch("app.services.email.send")\n'
        "def test_send(send):\n"
        '    with mock.patch.dict("os.environ", {"HANDLER": "x"}):\n'
        '        assert send("item") == "handled"\n'
    ),
    "handler with options": (
        "class OrderHandler:\n"
        "    def __init__(self, queue, **options):\n"
        "        self.queue = queue\n"
        "        self.options = dict(**options)\n"
    ),
    "another OldThing": "from app.widgets import OldThing\n\nOldThing()\n",
    "strings with ordinary escapes": 'from unittest import mock\nmock.patch("app.services.email.send")\nx = "a\\tb\\n"\n',
    "unrelated hex escapes": 'from unittest import mock\nmock.patch("app.services.email.send")\nx = "\\x1b[0m"\n',
    "a list of other modules": 'MODULES = ["app.services.email", "app.core", "app.services.message"]\n',
    "a smoke command importing other modules": (
        "import subprocess, sys\n"
        'subprocess.run([sys.executable, "-c", "from app.services.email import send; send()"])\n'
        'exec("import app.core")\n'
    ),
}


@pytest.fixture
def registry(tmp_path):
    return registry_from_ini(tmp_path, REGISTRY)


def _both_ways(registry, source, identity=IDENTITY):
    fast = Engine(registry)
    full = Engine(registry, prefilter=False)
    tree = ast.parse(source)
    return bool(fast.select(source)), fast.check_tree(tree, identity, fast.select(source)), full.check_tree(tree, identity, full.select(None))


@pytest.mark.parametrize("name", sorted(FOUND))
def test_every_folded_spelling_passes_the_prefilter_and_is_reported(registry, name):
    source = textwrap.dedent(FOUND[name])
    passes, fast, full = _both_ways(registry, source)
    assert passes
    assert fast == full
    assert [f.code for f in full] in (["SOT102"], ["SOT103"], ["SOT104"], ["SOT106"], ["SOT107"], ["SOT202"])


@pytest.mark.parametrize("name", sorted(FOUND_INSIDE))
def test_relative_imports_of_a_forbidden_name_pass_the_prefilter(registry, name):
    passes, fast, full = _both_ways(registry, FOUND_INSIDE[name], ModuleIdentity("app.models.extra"))
    assert passes
    assert fast == full
    assert [f.code for f in full] == ["SOT102"]


@pytest.mark.parametrize("name", sorted(SKIPPED))
def test_files_whose_strings_cannot_name_anything_legacy_are_not_parsed(registry, name):
    source = SKIPPED[name]
    passes, fast, full = _both_ways(registry, source)
    assert not passes
    assert fast == full == []


def test_the_string_patterns_allow_literal_boundaries_and_escapes_only_where_the_parser_folds():
    (plain,), (split,), (backslash, some_escape, escaped) = string_words("handler")
    assert plain == "handler" and backslash == "\\"
    assert some_escape.search(r'"\x61"') and not some_escape.search(r'"\x62 \t \\"')
    assert split.search('"hand" "ler"') and split.search("'h'\n  # it's\n  + ('andler')") and split.search('"handler"')
    assert split.search('"hand\\\nler"')  # a backslash-newline inside one literal
    for text in ('"hand ler"', '"hand", "ler"', '"hand"; "ler"', '"hand" - "ler"'):
        assert not split.search(text), text
    for text in (r'"h\x61ndler"', r'"h\u0061ndler"', r'"h\U00000061ndler"', r'"h\141ndler"', r'"\N{X}andler"'):
        assert escaped.search(text), text
    assert escaped.search(r'"h\x61nd" "ler"')  # escaped and split
    assert not escaped.search(r'"h\x62ndler"') and not escaped.search(r'"h\tandler"')
    # Several words: every one must be there.
    (first, second), _, _ = string_words("services", "handler")
    assert (first, second) == ("services", "handler")


def test_an_alternative_without_a_literal_is_taken_once_with_each_quote():
    plain, split, escaped = string_words("handler")
    assert quoted([plain, split, escaped]) == [plain, ('"', *split), ("'", *split), escaped]
    assert quoted([]) == []


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ('"handler"', True),
        ('"hand" "ler"', True),
        ("'h' 'a'\n  'ndler'", True),
        ('"h\\x61ndler"', True),
        ('"h\\x61nd" + "ler"', True),
        ('"hand\\\nler"', True),
        ('"hand ler"', False),
        ('"hand", "ler"', False),
        ('"handle"', False),
        ('"h\\x62ndler"', False),
    ],
)
def test_one_pattern_holds_every_spelling_of_a_word_in_strings(text, holds):
    assert bool(spelling("handler").search(text)) is holds
    # The pattern string_words looks for with escapes: looked up once for both.
    assert spelling("handler") is string_words("handler")[2][2]


STRING_RULES = {"SOT106": dotted_strings.RULE, "SOT107": embedded_code.RULE}


@pytest.mark.parametrize("code", sorted(STRING_RULES))
def test_every_alternative_of_the_string_rules_holds_a_literal_for_the_byte_scan(registry, code):
    interest = Interest(STRING_RULES[code].words(registry))
    # The longest segment of each forbidden module or name, a quote, and the backslash of an escape.
    assert interest.anchors() == frozenset({"message_handler", "OldThing", '"', "'", "\\"})
    assert interest.alternatives is not None
    assert all(any(isinstance(fragment, str) for fragment in alternative) for alternative in interest.alternatives)


@pytest.mark.parametrize("name", sorted(FOUND))
def test_a_text_the_string_rules_select_holds_one_of_their_anchors(registry, name):
    source = textwrap.dedent(FOUND[name])
    for rule in STRING_RULES.values():
        interest = Interest(rule.words(registry))
        anchors = interest.anchors()
        assert anchors is not None
        if interest.might_match(source):
            assert any(anchor in source for anchor in anchors), rule.name


def test_the_string_rules_rule_out_a_text_without_a_string_before_it_is_decoded(registry):
    engine = Engine(registry, [dotted_strings.RULE, embedded_code.RULE])
    anchors = engine.anchors()
    assert anchors is not None
    for text in ("from app.services import message\n", "x = services.message + handler\n", ""):
        assert not any(anchor in text for anchor in anchors), text
        assert not engine.select(text)
    assert engine.select('x = ["app.services.mess" "age_handler"]\n')


def test_identifiers_and_relative_imports():
    word, bounded = identifier_word("_base")
    assert word == "_base"
    assert bounded.search("from a.b._base import X") and bounded.search('"a._base"')
    assert not bounded.search("self._base_url = database")
    for text in ("from . import x", "from ..a import b", "from \\\n  .x import y"):
        assert RELATIVE_IMPORT.search(text), text
    for text in ("from x import y", "import from_", "a.from .x"):
        assert not RELATIVE_IMPORT.search(text), text


HOSTILE = [
    'a"' + "# " * 60 + "x",
    'a"' + " \\" * 2000 + "x",
    "a" + '"' * 3000 + "x",
    'a"' + "(+" * 2000,
    "from" + " \\\n" * 2000,
    "a\\x" * 3000,
    'mess"' + "#\n" * 3000 + '"age',
]


def test_the_prefilter_patterns_cannot_backtrack_exponentially(tmp_path):
    """Run in a child with a generous timeout: exponential backtracking on any of these would
    take longer than the age of the universe, a linear scan takes milliseconds."""
    script = (
        "import ast, sys\n"
        "from flake8_ssot.config import ConfigRequest, load_registry\n"
        "from flake8_ssot.engine import Engine\n"
        f"engine = Engine(load_registry(ConfigRequest(cwd={str(tmp_path)!r})))\n"
        f"for text in {HOSTILE!r}:\n"
        "    for prefix in ('from unittest import mock\\nmock.patch(x)\\n', 'OrderHandler(**{})\\n'):\n"
        "        bool(engine.select(prefix + text))\n"
        "print('done')\n"
    )
    registry_from_ini(tmp_path, REGISTRY)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.stdout == "done\n", result.stderr


ATTRIBUTE_REGISTRY = """\
[flake8]
ssot-forbidden-names = app.models.OldThing = app.models.Thing
ssot-legacy-parameters = User*Handler = supervisor
"""


@pytest.mark.parametrize(
    ("text", "mentioned"),
    [
        ("pkg.OldThing\n", True),
        ("pkg . OldThing\n", True),
        ("pkg.\\\n    OldThing\n", True),
        ("(pkg.  # the old one\n    OldThing)\n", True),
        ("pkg.ＯldThing\n", True),  # NFKC: the parser reads OldThing
        ("pkg.UserMessageHandler\n", True),
        ("pkg.WebUserMessageHandler\n", True),
        ("OldThing()\n", False),
        ("pkg.OldThings\n", False),
        ("x = pkg. # OldThing\n", False),
        ("pkg.UserFactory\n", False),  # no "Handler": cannot match User*Handler
        ("UserMessageHandler()\n", False),
    ],
)
def test_registry_names_as_attributes_are_found_however_the_chain_is_written(tmp_path, text, mentioned):
    from flake8_ssot.checking.words import Interest
    from flake8_ssot.resolution import Relevance

    relevance = Relevance(registry_from_ini(tmp_path, ATTRIBUTE_REGISTRY))
    assert relevance.attribute_mentioned_in(Interest.searchable(text)) is mentioned


def test_the_attribute_pattern_cannot_backtrack_exponentially(tmp_path):
    """As above, in a child with a generous timeout."""
    hostile = ["x." + "#" * 3000, "x." + "# a\n" * 3000, "." * 5000, "a." + "b" * 20000, "x.\\\n" * 3000]
    script = (
        "from flake8_ssot.config import ConfigRequest, load_registry\n"
        "from flake8_ssot.resolution import Relevance\n"
        f"relevance = Relevance(load_registry(ConfigRequest(cwd={str(tmp_path)!r})))\n"
        f"print([relevance.attribute_mentioned_in(text) for text in {hostile!r}])\n"
    )
    registry_from_ini(tmp_path, ATTRIBUTE_REGISTRY)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.stdout == "[False, False, False, False, False]\n", result.stderr


DEEP_REGISTRY = """\
[flake8]
ssot-forbidden-modules = site.**.migrations
ssot-resolve = false
"""
# Every way the rules reach a module 'site.**.migrations' matches: each passes the prefilter and
# is reported exactly as without it.
DEEP_FOUND = {
    "import, no segment for '**'": ("import site.migrations\n", "SOT101"),
    "import, two segments for '**'": ("import site.a.b.migrations\n", "SOT101"),
    "from-import of the module": ("from site.app import migrations\n", "SOT101"),
    "relative import": ("from .. import migrations\n", "SOT101"),
    "relative import, continued": ("from \\\n    ..app import migrations\n", "SOT101"),
    "chain": ("import site\nsite.app.migrations.run()\n", "SOT104"),
    "string split across literals": ('from unittest import mock\nmock.patch("site.app.migr" "ations.run")\n', "SOT103"),
    "string with an escape": ('import sys\nsys.modules.get("site.app.migr\\x61tions")\n', "SOT103"),
}
DEEP_SKIPPED = {
    "another package": "from site.app import models\nmodels.Thing()\n",
    "a string naming other targets": 'from unittest import mock\nmock.patch("site.app.models.Thing")\n',
}


@pytest.mark.parametrize("name", sorted(DEEP_FOUND))
def test_double_star_matches_pass_the_prefilter_and_are_reported(tmp_path, name):
    source, code = DEEP_FOUND[name]
    passes, fast, full = _both_ways(registry_from_ini(tmp_path, DEEP_REGISTRY), source, ModuleIdentity("site.x.views"))
    assert passes
    assert fast == full
    assert [f.code for f in full] == [code]


@pytest.mark.parametrize("name", sorted(DEEP_SKIPPED))
def test_files_that_cannot_reach_a_double_star_match_are_not_parsed(tmp_path, name):
    source = DEEP_SKIPPED[name]
    passes, fast, full = _both_ways(registry_from_ini(tmp_path, DEEP_REGISTRY), source, ModuleIdentity("site.x.views"))
    assert not passes
    assert fast == full == []
