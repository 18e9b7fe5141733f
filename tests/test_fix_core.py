"""The fixer's pieces: the registry's answer, scope-aware chains, the safety net, the report."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from flake8_ssot.fix import FileFix, FixerUnavailable, Manual, fix_text
from flake8_ssot.fix import core
from flake8_ssot.fix.resolve import Refusal, Rewrite, resolve
from flake8_ssot.fix.summary import Totals, describe, unified_diff
from flake8_ssot.findings import Finding
from flake8_ssot.location import ModuleIdentity
from ssot_testing import registry_from_ini

apply = pytest.importorskip("flake8_ssot.fix.apply")  # needs LibCST

REGISTRY = """\
[flake8]
ssot-forbidden-modules =
    a.legacy = a.canonical [pure-move]
    a.canonical.sub = a.final [pure-move]
    a.old = a.new
    a.gone
ssot-forbidden-names =
    a.legacy.Special = a.special.Special
    a.models.Old = a.accounts.New
    a.models.Removed
ssot-allow =
    a.legacy = a.allowed.*
"""
HERE = ModuleIdentity("a.consumer")


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    return registry_from_ini(tmp_path_factory.mktemp("registry"), REGISTRY)


def fix(source: str, registry, module: str = "a.consumer") -> FileFix:
    return fix_text(textwrap.dedent(source), "a/consumer.py", registry, ModuleIdentity(module))


@pytest.mark.parametrize(
    "dotted, expected",
    [
        ("a.legacy.X", Rewrite("a.legacy", "a.canonical", "a.canonical")),
        ("a.legacy.Special.attr", Rewrite("a.legacy.Special", "a.special.Special", "a.special")),
        ("a.models.Old", Rewrite("a.models.Old", "a.accounts.New", "a.accounts")),
        # a.legacy.sub -> a.canonical.sub, forbidden too -> a.final: one rewrite to the end.
        ("a.legacy.sub.f", Rewrite("a.legacy.sub", "a.final", "a.final")),
        ("a.unrelated.X", None),
    ],
)
def test_resolve_names_first_and_follows_moves_to_the_end(registry, dotted, expected):
    assert resolve(registry, HERE, dotted) == expected


def test_resolve_refuses_with_the_reason(registry):
    assert resolve(registry, HERE, "a.old.X") == Refusal(
        "'a.old = a.new' is not marked [pure-move], so the modules' APIs may differ"
    )
    assert resolve(registry, HERE, "a.gone") == Refusal("legacy module 'a.gone' has no replacement declared")
    assert resolve(registry, HERE, "a.models.Removed") == Refusal(
        "legacy name 'a.models.Removed' has no replacement declared"
    )


def test_resolve_honours_exemptions(registry):
    assert resolve(registry, ModuleIdentity("a.allowed.thing"), "a.legacy.X") is None
    assert fix("from a.legacy import X\n", registry, module="a.allowed.thing").fixed == ()


def test_a_file_without_a_fixable_finding_is_returned_as_is(registry):
    text = "from a.canonical import X\n"
    result = fix_text(text, "a/consumer.py", registry, HERE)
    assert result.text is text and not result.changed and result.fixed == () and result.manual == ()


def test_chains_get_their_import_in_the_scope_they_are_used_in(registry):
    result = fix(
        """\
        def one():
            import a
            return a.legacy.X


        def two():
            import a
            return a.legacy.Y
        """,
        registry,
    )
    assert result.text == textwrap.dedent(
        """\
        def one():
            import a
            import a.canonical
            return a.canonical.X


        def two():
            import a
            import a.canonical
            return a.canonical.Y
        """
    )


def test_a_chain_used_where_its_head_is_not_imported_is_left_alone(registry):
    result = fix(
        """\
        def one():
            import a
            return a


        def two():
            return a.legacy.Y
        """,
        registry,
    )
    assert not result.changed
    assert [m.reason for m in result.manual] == ["'a' is not imported where the chain is used; edit it by hand"]


def test_a_chain_reuses_an_existing_import_of_the_replacement(registry):
    result = fix(
        """\
        from a import models
        from a.accounts import New

        value = models.Old(), New
        """,
        registry,
    )
    assert result.text == "from a import models\nfrom a.accounts import New\n\nvalue = New(), New\n"


def test_assigning_to_a_legacy_name_through_a_chain_is_left_alone(registry):
    result = fix(
        """\
        from a import models

        models.Old = None
        models.Old.attribute = None
        """,
        registry,
    )
    assert result.text == textwrap.dedent(
        """\
        from a import models
        from a.accounts import New

        models.Old = None
        New.attribute = None
        """
    )
    assert [(m.current.line, m.reason) for m in result.manual] == [
        (4, "the chain is assigned to or deleted; edit it by hand")
    ]


def test_a_rewrite_that_would_add_a_finding_is_dropped(registry, monkeypatch):
    monkeypatch.setattr(apply, "apply_plan", lambda text, plan, identity: ("import a.gone\n" + text, set()))
    text = "from a.legacy import X\n"
    result = fix_text(text, "a/consumer.py", registry, HERE)
    assert result.text is text
    assert result.error is not None and result.error.startswith("the rewrite would introduce 'SOT101 import of")
    assert [m.finding.code for m in result.manual] == ["SOT101"]


def test_findings_keep_leaves_out_are_neither_fixed_nor_reported(registry):
    text = "import a.legacy\nimport a.legacy as kept\nfrom a.models import Old\n"
    result = fix_text(text, "a/consumer.py", registry, HERE, keep=lambda finding: finding.line != 2)
    assert result.text == "import a.canonical\nimport a.legacy as kept\nfrom a.accounts import New as Old\n"
    assert [(f.line, f.code) for f in result.fixed] == [(1, "SOT101"), (3, "SOT102")]
    assert (result.manual, result.error) == ((), None)
    # Only findings it leaves out: the file is returned as it is, and nothing is reported.
    assert fix_text(text, "a/consumer.py", registry, HERE, keep=lambda finding: False) == FileFix(
        "a/consumer.py", text, text
    )


def test_a_rewrite_that_would_change_a_finding_keep_leaves_out_is_dropped(registry):
    # One statement, one rewrite: fixing the kept finding would also fix the one left out.
    text = "import a.legacy.sub, a.legacy\n"
    result = fix_text(text, "a/consumer.py", registry, HERE, keep=lambda finding: "sub" not in finding.text)
    reason = (
        "the rewrite would also change 'SOT101 import of 'a.legacy.sub', inside legacy module 'a.legacy'; use "
        "'a.canonical'', which flake8's selection or a noqa comment leaves alone"
    )
    assert (result.text, result.fixed, result.error) == (text, (), reason)
    assert [(m.finding.text, m.reason) for m in result.manual] == [
        ("import of legacy module 'a.legacy'; use 'a.canonical'", reason)
    ]


def test_a_rewrite_that_would_not_parse_is_dropped(registry, monkeypatch):
    monkeypatch.setattr(apply, "apply_plan", lambda text, plan, identity: ("def (:\n", set()))
    result = fix_text("from a.legacy import X\n", "a/consumer.py", registry, HERE)
    assert not result.changed and result.error is not None and "would not parse" in result.error


def test_a_file_libcst_cannot_read_is_reported_not_changed(registry, monkeypatch):
    def refuse(text, plan, identity):
        raise ValueError("unsupported syntax\nmore detail")

    monkeypatch.setattr(apply, "apply_plan", refuse)
    result = fix_text("from a.legacy import X\n", "a/consumer.py", registry, HERE)
    assert result.error == "LibCST could not rewrite it (ValueError: unsupported syntax)"
    assert not result.changed


def test_without_libcst_fixing_raises_a_clean_error_but_unfixable_files_do_not_need_it(registry, monkeypatch):
    monkeypatch.setitem(sys.modules, "libcst", None)
    with pytest.raises(FixerUnavailable, match=r"pip install 'flake8-ssot\[fix\]'"):
        fix_text("from a.legacy import X\n", "a/consumer.py", registry, HERE)
    assert fix_text("from a.old import X\n", "a/consumer.py", registry, HERE).manual != ()
    assert core.libcst_available() is False


def test_libcst_is_imported_only_when_a_file_is_rewritten():
    code = (
        "import sys\n"
        "import flake8_ssot.plugin, flake8_ssot.cli.main, flake8_ssot.fix\n"
        "assert 'libcst' not in sys.modules, 'imported too early'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_syntax_the_fixer_cannot_parse_is_reported(registry):
    result = fix_text("from a.legacy import X\ndef (:\n", "a/consumer.py", registry, HERE)
    assert (result.changed, result.error) == (False, "cannot parse it (SyntaxError)")


def test_the_report_words_each_finding_and_the_totals():
    fixed = Finding(1, 0, "SOT101", "import of legacy module 'a.legacy'; use 'a.canonical'")
    stays = Finding(3, 4, "SOT202", "'H(...)' passes legacy parameter 'supervisor'")
    moved = Finding(4, 4, "SOT202", "'H(...)' passes legacy parameter 'supervisor'")
    result = FileFix("m.py", "old\n", "new\n", fixed=(fixed,), manual=(Manual(stays, "by hand", moved),))
    assert describe(result, written=True) == [
        "m.py:1:1: fixed SOT101 import of legacy module 'a.legacy'; use 'a.canonical'",
        "m.py:4:5: needs a human: SOT202 'H(...)' passes legacy parameter 'supervisor'",
        "    why: by hand",
    ]
    assert describe(result, written=False)[1].startswith("m.py:3:5: needs a human:")
    totals = Totals()
    totals.add(result)
    assert totals.sentence(diff=False) == "flake8-ssot: fixed 1 finding in 1 file; 1 finding needs a human"
    totals.add(FileFix("n.py", "x", "x", error="cannot parse it (SyntaxError)"))
    assert totals.sentence(diff=True) == (
        "flake8-ssot: would fix 1 finding in 1 file; 1 finding needs a human; 1 file could not be rewritten"
    )
    assert describe(FileFix("n.py", "x", "x", error="cannot parse it"), written=True) == [
        "n.py:1:1: not fixed: cannot parse it"
    ]


def test_the_diff_marks_a_missing_final_newline():
    result = FileFix("m.py", "import a.legacy", "import a.canonical")
    assert unified_diff(result, "m.py") == (
        "--- a/m.py\n+++ b/m.py\n@@ -1 +1 @@\n-import a.legacy\n\\ No newline at end of file\n"
        "+import a.canonical\n\\ No newline at end of file\n"
    )


def test_only_the_chosen_finding_is_rewritten_and_the_proof_still_sees_every_finding(registry) -> None:
    source = "from a.legacy import X\nfrom a.models import Old\nimport a.old\n"
    found = fix_text(source, "a/consumer.py", registry, HERE)
    legacy, old_name, old_module = sorted(found.fixed + tuple(item.finding for item in found.manual))
    assert [f.code for f in (legacy, old_name, old_module)] == ["SOT101", "SOT102", "SOT101"]

    one = fix_text(source, "a/consumer.py", registry, HERE, only=[old_name])
    assert one.text == "from a.legacy import X\nfrom a.accounts import New as Old\nimport a.old\n"
    assert (one.fixed, one.manual) == ((old_name,), ())  # the others are not this call's business
    # A finding that needs a person: nothing planned, nothing written, the reason given.
    refused = fix_text(source, "a/consumer.py", registry, HERE, only=[old_module])
    assert (refused.changed, [item.finding for item in refused.manual]) == (False, [old_module])
    assert core.plans_a_rewrite(source, "a/consumer.py", registry, HERE, only=[old_name])
    assert not core.plans_a_rewrite(source, "a/consumer.py", registry, HERE, only=[old_module])
    assert core.plans_a_rewrite(source, "a/consumer.py", registry, HERE)
    assert not core.plans_a_rewrite("import a.old\n", "a/consumer.py", registry, HERE)
