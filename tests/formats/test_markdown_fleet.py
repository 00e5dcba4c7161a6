"""A fleet's pull-request comment: one head, a `<details>` per service, one marker, and
never more than GitHub's 65,536 characters (issue 17, item 7)."""

from __future__ import annotations

import re
from dataclasses import replace

from markdown_it import MarkdownIt

from formats.canned import clean, large, service
from wheelfit.formats.fleet import summarise
from wheelfit.formats.markdown import MARKER, MAX_CHARS, length, render, service_body
from wheelfit.formats.markdown_fleet import render_fleet
from wheelfit.model import Report

MD = MarkdownIt("commonmark").enable(["table"])


def _fleet(n: int = 7, packages: int = 90) -> list[Report]:
    return [replace(large(packages), input=f"svc{i}/requirements.txt") for i in range(n)]


def _render(reports: list[Report], max_chars: int = MAX_CHARS) -> str:
    return render_fleet(reports, summarise(reports).fleet, max_chars)


def test_seven_services_one_comment_each_would_be_over_the_limit() -> None:
    assert sum(length(render(r)) for r in _fleet()) > 75_000  # the 77.8 KB


def test_seven_service_fleet_fits_one_comment() -> None:
    out = _render(_fleet())
    assert length(out) <= MAX_CHARS


def test_every_service_has_its_details_block() -> None:
    out = _render(_fleet())
    summaries = re.findall(r"^<summary>(svc\d)/requirements\.txt: ", out, re.M)
    assert summaries == [f"svc{i}" for i in range(7)]


def test_details_blocks_are_balanced() -> None:
    out = _render(_fleet())
    assert out.count("<details>") == out.count("</details>") == 14  # service + its packages


def test_rows_are_cut_at_a_row_boundary_with_how_many_more() -> None:
    out = _render(_fleet())
    rows = [line for line in out.splitlines() if line.startswith("|")]
    assert rows and all(row.endswith(" |") or row.endswith("|") for row in rows)
    assert {len(row.split(" | ")) for row in rows if "binary wheel |" in row} == {4}
    assert re.search(r"_… \d+ packages more in the report, not shown here", out)


def test_tables_parse_with_whole_rows() -> None:
    tokens = MD.parse(_render(_fleet()))
    rows = sum(1 for t in tokens if t.type == "tr_open")
    cells = sum(1 for t in tokens if t.type in ("td_open", "th_open"))
    assert rows > 100 and cells >= 4 * rows


def test_one_marker_last() -> None:
    out = _render(_fleet())
    assert out.count(MARKER) == 1 and out.endswith("\n" + MARKER + "\n")


def test_small_fleet_keeps_every_comment_whole() -> None:
    reports = [service(), clean()]
    out = _render(reports)
    for report in reports:
        assert service_body(report, MAX_CHARS).rstrip("\n") in out
    assert "more in the report" not in out


def test_short_services_stay_whole_when_long_ones_are_cut() -> None:
    reports = [clean(), *_fleet(3, 400)]
    out = _render(reports)
    assert service_body(clean(), MAX_CHARS).rstrip("\n") in out
    assert length(out) <= MAX_CHARS


def test_head_names_the_fleet_and_its_blockers() -> None:
    out = _render(_fleet(2, 20))
    assert out.startswith("**wheelfit** checked 2 services (20 distinct packages)")
    assert "Packages that block the most services on alpine:" in out


def test_thousands_of_services_are_counted_not_dropped() -> None:
    out = _render(_fleet(300, 30), max_chars=20_000)
    assert length(out) <= 20_000
    assert re.search(r"_… \d+ services more in the report\._", out)
