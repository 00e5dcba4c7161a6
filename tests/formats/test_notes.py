"""Notes that inform (issue 17 item 6): repeated notes of one kind collapse into one line,
and markdown says which target an alternative is for."""

from __future__ import annotations

from dataclasses import replace

from formats.canned import PSYCOPG2_ALTS, clean, pair, pure, sdist
from wheelfit.formats import render
from wheelfit.formats.options import RenderOptions
from wheelfit.formats.summary import collapse_notes, note_kind
from wheelfit.model import Alternative, PackageResult

LOCK_NOTE = "the index has {n} file(s) the lock does not list: {name}-1-cp312-win_amd64.whl"


def test_note_kind_drops_counts_and_details() -> None:
    assert note_kind(LOCK_NOTE.format(n=12, name="numpy")) == \
        "the index has file(s) the lock does not list"


def test_one_note_of_a_kind_keeps_its_package_and_text() -> None:
    note = LOCK_NOTE.format(n=2, name="numpy")
    assert collapse_notes([("numpy", note)]) == [f"numpy: {note}"]


def test_repeated_notes_collapse_with_count_and_first_names() -> None:
    names = ["numpy", "scipy", "torch", "pillow", "lxml"]
    lines = collapse_notes([(n, LOCK_NOTE.format(n=i + 2, name=n)) for i, n in enumerate(names)])
    assert lines == ["the index has file(s) the lock does not list: 5 packages "
                     "(numpy, scipy, torch, …)"]


def test_kinds_stay_apart_and_in_order() -> None:
    lines = collapse_notes([("a", LOCK_NOTE.format(n=1, name="a")),
                            ("b", "b 1.0 is yanked on the index"),
                            ("c", LOCK_NOTE.format(n=3, name="c"))])
    assert lines == ["the index has file(s) the lock does not list: 2 packages (a, c)",
                     "b: b 1.0 is yanked on the index"]


def test_the_terminal_shows_one_line_for_forty_lock_notes() -> None:
    packages = tuple(
        replace(p, notes=(LOCK_NOTE.format(n=9, name=f"pkg{i:02}"),))
        for i in range(40) for p in [pair(f"pkg{i:02}", "1", pure(f"pkg{i:02}", "1"),
                                          pure(f"pkg{i:02}", "1"))])
    text = render(replace(clean(), packages=packages), "text", RenderOptions())
    lines = [line for line in text.splitlines() if "the lock does not list" in line]
    assert lines == ["note: the index has file(s) the lock does not list: 40 packages "
                     "(pkg00, pkg01, pkg02, …)"]


def _alternatives_on(slim_alts: tuple[Alternative, ...],
                     alpine_alts: tuple[Alternative, ...]) -> PackageResult:
    return pair("psycopg2", "2.9.10", sdist("psycopg2", "2.9.10", alternatives=slim_alts),
                sdist("psycopg2", "2.9.10", alternatives=alpine_alts))


def test_markdown_names_the_target_of_a_one_target_alternative() -> None:
    other = (Alternative("alpine-package", "py3-psycopg2", "2.9.9-r0", "apk add py3-psycopg2"),)
    report = replace(clean(), packages=(_alternatives_on(PSYCOPG2_ALTS, other),))
    md = render(report, "markdown", RenderOptions())
    assert "on slim: try **psycopg2-binary** 2.9.10" in md
    assert "on alpine: try **py3-psycopg2** 2.9.9-r0" in md


def test_markdown_omits_the_target_when_an_alternative_is_for_both() -> None:
    report = replace(clean(), packages=(_alternatives_on(PSYCOPG2_ALTS, PSYCOPG2_ALTS),))
    md = render(report, "markdown", RenderOptions())
    assert md.count("try **psycopg2-binary** 2.9.10") == 1
    assert "on slim: try" not in md and "on alpine: try" not in md
