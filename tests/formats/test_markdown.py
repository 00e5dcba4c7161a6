"""The markdown renderer: golden outputs, GFM structure (via markdown-it-py), escaping, size."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from formats.canned import CANNED, QT6_GAP, hostile, large, service, with_pyqt6
from formats.golden import assert_golden
from wheelfit.formats import renderer
from wheelfit.formats.markdown import MARKER, MAX_CHARS, code_block, escape, length, render
from wheelfit.formats.options import RenderOptions
from wheelfit.model import BuildNeeds

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def tables(text: str) -> list[list[list[str]]]:
    """Every table as rows of cell texts (header row first), as a GFM renderer sees them."""
    found: list[list[list[str]]] = []
    row: list[str] | None = None
    for token in MD.parse(text):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            found[-1].append(row)
            row = None
        elif token.type == "inline" and row is not None:
            row.append(_plain(token))
    return found


def _plain(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "html_inline":
            parts.append(child.content)
    return "".join(parts)


@pytest.mark.parametrize("name", sorted(CANNED))
def test_matches_golden(name: str) -> None:
    assert_golden(f"{name}.md", render(CANNED[name]()))


def test_markdown_format_is_registered() -> None:
    assert renderer("markdown") is render


@pytest.mark.parametrize("name", sorted(CANNED))
def test_first_line_is_one_sentence(name: str) -> None:
    first = render(CANNED[name]()).split("\n", 1)[0]
    assert first.startswith("**wheelfit** ") and first.endswith(".")
    assert first.count(". ") == 0


@pytest.mark.parametrize("name", sorted(CANNED))
def test_marker_is_the_last_line_and_appears_once(name: str) -> None:
    out = render(CANNED[name]())
    assert out.endswith(f"\n{MARKER}\n") and out.count(MARKER) == 1


@pytest.mark.parametrize("name", sorted(CANNED))
def test_every_table_row_has_the_header_column_count(name: str) -> None:
    for rows in raw_table_rows_by_table(render(CANNED[name]())):
        assert {len(r) for r in rows} == {len(rows[0])}


def raw_table_rows_by_table(text: str) -> list[list[list[str]]]:
    """Raw rows grouped per table (tables are separated by non-table lines)."""
    groups: list[list[list[str]]] = []
    previous = False
    for line in text.splitlines():
        is_row = line.startswith("|")
        if is_row:
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            if not previous:
                groups.append([])
            groups[-1].append(cells)
        previous = is_row
    return groups


def test_service_renders_three_tables_with_expected_headers() -> None:
    found = tables(render(service()))
    assert [t[0] for t in found] == [
        ["Package", "Version", "slim", "alpine", "Notes"],
        ["Variant", "Image", "Size", "Source builds", "Build time"],
        ["Package", "Version", "slim", "alpine"],
    ]


def test_attention_table_lists_only_packages_that_matter() -> None:
    attention = tables(render(service()))[0]
    assert [r[0] for r in attention[1:]] == ["internal-auth-client", "playwright", "psycopg2",
                                              "uwsgi"]


def test_musl_only_gap_and_alternatives_are_noted() -> None:
    rows = {r[0]: r for r in tables(render(service()))[0][1:]}
    assert "musl-only gap" in rows["playwright"][-1]
    assert "try psycopg2-binary 2.9.10 (binary-twin)" in rows["psycopg2"][-1]


def test_details_is_collapsible_and_lists_every_package() -> None:
    out = render(service())
    details = out[out.index("<details>"):out.index("</details>")]
    assert "<summary>All packages (9)</summary>" in details
    assert [r[0] for r in tables(details)[0][1:]] == [p.name for p in service().packages]


def test_commands_and_env_are_fenced_code_blocks() -> None:
    commands = service().commands
    assert commands is not None
    fences = [(t.info, t.content.strip()) for t in MD.parse(render(service()))
              if t.type == "fence"]
    assert fences == [("sh", commands.apk_build), ("sh", commands.apk_runtime),
                      ("sh", commands.apt_build), ("sh", commands.apt_runtime),
                      ("dockerfile", "ENV PG_CONFIG=/usr/bin/pg_config")]


def test_a_need_the_release_does_not_package_is_said_under_the_slim_build_stage() -> None:
    out = render(with_pyqt6(BuildNeeds(apt=("libx11-dev",), unknown=(QT6_GAP,))))
    slim = out[out.index("Slim, build stage:"):out.index("Slim, final image:")]
    assert slim.rstrip().endswith(f"- **pyqt6** on slim, not in the plan: {escape(QT6_GAP)}")


def test_a_gap_on_slim_is_not_said_for_alpine() -> None:
    out = render(with_pyqt6(BuildNeeds(apt=("libx11-dev",), unknown=(QT6_GAP,))))
    assert "not in the plan" not in out[:out.index("Slim, build stage:")]


def test_a_gap_the_reason_already_says_is_not_repeated() -> None:
    out = render(with_pyqt6(BuildNeeds(apt=("libx11-dev",), unknown=(QT6_GAP,)),
                            reason=QT6_GAP))
    assert out.count(escape(QT6_GAP)) == 1


def test_hostile_cells_render_as_literal_text() -> None:
    rows = tables(render(hostile()))[0]
    odd = next(r for r in rows if r[0] == "odd-pkg")
    assert "no wheel | no sdist </details> <b>bold</b> * `code` _x_ [l](u) $a$" in odd[-1]
    assert "weird|platform" in odd[-1]


def test_hostile_data_produces_no_html_or_emphasis() -> None:
    html = MD.render(render(hostile()))
    assert "<b>bold" not in html and "<em>x</em>" not in html and "<script>" not in html
    assert html.count("<details>") == 1 and html.count("</details>") == 1


def test_code_fence_outgrows_backticks_in_the_command() -> None:
    fences = [t for t in MD.parse(render(hostile())) if t.type == "fence"]
    assert fences[0].content.strip() == "apk add ```` a|b"


@pytest.mark.parametrize(("text", "expected"), [
    ("a|b", "a\\|b"),
    ("x_86", "x\\_86"),
    ("<b>", "\\<b\\>"),
    ("[l](u)", "\\[l\\](u)"),
    ("a\\b", "a\\\\b"),
    ("@team", "@&#8203;team"),
    ("plain-1.0", "plain-1.0"),
], ids=["pipe", "underscore", "html", "link", "backslash", "mention", "plain"])
def test_escape(text: str, expected: str) -> None:
    assert escape(text) == expected


def test_escape_caps_long_text() -> None:
    assert escape("x" * 1000, cap=10) == "x" * 9 + "…"


def test_code_block_fence() -> None:
    assert code_block("a ``` b") == ["````sh", "a ``` b", "````"]


def test_mentions_do_not_ping() -> None:
    out = render(replace(service(), input="@octocat/requirements.txt"))
    assert "@octocat" not in out and "@&#8203;octocat" in out


def test_large_report_stays_under_the_comment_limit() -> None:
    out = render(large(1000))
    assert length(out) <= MAX_CHARS and len(out) <= MAX_CHARS


def test_large_report_trims_details_with_a_note_and_keeps_the_marker() -> None:
    out = render(large(1000))
    assert "packages more in the report, not shown here: a GitHub comment holds at most " \
        "65,536 characters" in out
    assert out.endswith(MARKER + "\n") and "</details>" in out


def test_large_report_keeps_every_attention_row() -> None:
    attention = tables(render(large(1000)))[0]
    assert len(attention) - 1 == 100


def test_tiny_budget_trims_the_attention_table_too() -> None:
    out = render(large(200), options=RenderOptions(max_chars=4000))
    assert length(out) <= 4000
    assert "<details>" not in out and "not shown" in out and out.endswith(MARKER + "\n")


def test_untrimmed_report_has_no_trim_note() -> None:
    assert "not shown" not in render(service())


def test_deterministic() -> None:
    assert render(large(300)) == render(large(300))
