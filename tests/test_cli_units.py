"""Small pieces of the command: escaping, progress on a terminal only, discovery rules, docs."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from flake8_ssot.project.source import Unreadable, decode, split_lines
from flake8_ssot.cli.discovery import discover, matches
from flake8_ssot.project.formats import github
from flake8_ssot.project.report import Reported
from flake8_ssot.cli.main import build_parser
from flake8_ssot.project.runner import Progress
from flake8_ssot.findings import Finding

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_github_commands_escape_data_and_properties() -> None:
    item = Reported("dir,x/a:b%.py", Finding(3, 4, "SOT101", "50% off\r\nnext: line"), "", "f")
    assert github.line(item) == (
        "::error file=dir%2Cx/a%3Ab%25.py,line=3,col=5,title=SOT101::50%25 off%0D%0Anext: line"
    )


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [True, False])
def test_progress_is_shown_only_on_a_terminal(tty: bool) -> None:
    stream = FakeTerminal(tty)
    progress = Progress(2, stream)
    progress.advance()
    progress.advance()
    progress.close()
    if tty:
        assert stream.getvalue().startswith("\rflake8-ssot: checking 1/2 files\033[K")
        assert stream.getvalue().endswith("\rflake8-ssot: checking 2/2 files\033[K\r\033[K")
    else:
        assert stream.getvalue() == ""


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_forced_progress_writes_a_line_every_interval_and_counts_later_rounds() -> None:
    stream, clock = FakeTerminal(False), FakeClock()
    progress = Progress(5, stream, "checking", lines=True, interval=10.0, clock=clock)
    for step in (4.0, 7.0, 1.0, 0.5, 3.0):  # 4, 11, 12, 12.5, 15.5 seconds
        clock.now += step
        progress.advance()
    progress.again(3)  # a later round looks at 3 files again
    clock.now += 2.0
    progress.advance()
    clock.now += 10.0
    progress.advance()
    progress.again(0)  # nothing more to look at: no new round
    clock.now += 0.25
    progress.close()
    assert stream.getvalue() == (
        "flake8-ssot: checking 5 files\n"
        "flake8-ssot: checking 2/5 files, 11 s\n"
        "flake8-ssot: checking 5/5 files, round 2: 2/3, 28 s\n"
        "flake8-ssot: checking 5/5 files, round 2: 2/3, done in 27.8 s\n"
    )


def test_forced_progress_on_a_terminal_is_the_counter_and_nothing_for_no_files() -> None:
    stream = FakeTerminal(True)
    progress = Progress(1, stream, "fixing", lines=True, clock=FakeClock())
    progress.advance()
    progress.clear()  # before the report's lines: the counter goes, the next step redraws it
    progress.close()
    assert stream.getvalue() == "\rflake8-ssot: fixing 1/1 file\033[K\r\033[K\r\033[K"
    empty = FakeTerminal(False)
    Progress(0, empty, lines=True).close()
    assert empty.getvalue() == ""


def test_exclude_patterns_match_basename_or_absolute_path(tmp_path: Path) -> None:
    path = str(tmp_path / "pkg" / "gen" / "x.py")
    assert matches(path, ["x.py"])
    assert matches(path, ["*.py"])
    assert matches(path, [str(tmp_path / "pkg" / "*")])
    assert not matches(path, ["gen"])  # a directory pattern excludes the directory while walking
    assert not matches(path, [])


def test_discovery_is_sorted_and_skips_what_it_should(tmp_path: Path) -> None:
    for name in ("b.py", "a/z.py", "a/y.txt", "a_b.py", "venv2/pyvenv.cfg", "venv2/x.py", "pkg.egg-info/x.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    os.symlink(tmp_path / "a", tmp_path / "link_to_a")
    root = str(tmp_path)
    found = [os.path.relpath(path, root) for path in discover([root], (), ("*.py",))]
    assert found == [os.path.join("a", "z.py"), "a_b.py", "b.py"]
    # Explicit files are checked whatever their name; the same file is listed once.
    explicit = discover([str(tmp_path / "a" / "y.txt"), root, str(tmp_path / "b.py")], (), ("*.py",))
    assert [os.path.relpath(p, root) for p in explicit] == [os.path.join("a", "y.txt"), os.path.join("a", "z.py"), "a_b.py", "b.py"]


def test_decoding_follows_python() -> None:
    assert decode(b"\xef\xbb\xbfx = 1\n") == "x = 1\n"
    assert decode(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n") == "# -*- coding: latin-1 -*-\nx = '\xe9'\n"
    with pytest.raises(Unreadable):
        decode(b"\xef\xbb\xbf# coding: latin-1\n")  # a BOM contradicting the cookie
    assert split_lines("a\r\nb\rc\nd\x0ce\u2028f") == ["a", "b", "c", "d\x0ce\u2028f"]


def test_readme_documents_every_command_line_option() -> None:
    parser = build_parser()
    section = README[README.index("## Command line") : README.index("## Adopting on a big codebase")]
    subparsers = next(action for action in parser._actions if action.choices and isinstance(action.choices, dict))
    for name, subparser in subparsers.choices.items():
        positionals = [action.metavar for action in subparser._actions if not action.option_strings]
        assert (f"**`{name} [{positionals[0]} ...]`**" if positionals else f"**`{name}`**") in section
        for action in subparser._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert re.search(re.escape(option) + r"\b", README), option
