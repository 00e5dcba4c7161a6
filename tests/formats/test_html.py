"""The HTML renderer: golden pages, escaping of untrusted text, no network, accessible markup,
the size chart (with and without `today`), the filters' data and the fleet page."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from formats.canned import (
    CANNED,
    QT6_GAP,
    clean,
    conflict,
    hostile,
    service,
    service_estimate,
    with_pyqt6,
)
from formats.golden import assert_golden
from wheelfit.formats import fleet_renderer, render_fleet, renderer
from wheelfit.formats.html import render
from wheelfit.formats.html import render_fleet as html_fleet
from wheelfit.formats.html_chart import TODAY
from wheelfit.formats.html_report import esc
from wheelfit.model import BuildNeeds, Estimate, VariantEstimate


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each element kind."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, list[str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        if self._open:
            self.text.setdefault(self._open[-1], []).append(data)


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


def rows(html: str) -> dict[str, dict[str, str | None]]:
    """Package name → the attributes of its row in the packages table."""
    found = re.findall(r'<tr( data-attention[^>]*)><th scope="row">([^<]+)', html)
    return {name.strip(): dict(re.findall(r'data-(\w+)="([^"]*)"', attrs))
            for attrs, name in found}


@pytest.mark.parametrize("name", sorted(CANNED))
def test_matches_golden(name: str) -> None:
    assert_golden(f"{name}.html", render(CANNED[name]()))


def test_fleet_matches_golden() -> None:
    assert_golden("fleet.html", html_fleet([service(), clean(), conflict()]))


def test_html_format_is_registered_with_its_fleet_page() -> None:
    assert renderer("html") is render
    assert fleet_renderer("html") is html_fleet


def test_formats_without_a_fleet_page_have_no_fleet_renderer() -> None:
    assert render_fleet([clean()], "markdown") is None


def test_untrusted_text_is_escaped() -> None:
    html = render(hostile())
    assert "<script>alert(1)" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_only_script_is_our_own() -> None:
    scripts = [t for t, _ in parse(render(hostile())).tags if t == "script"]
    assert scripts == ["script"]


@pytest.mark.parametrize("name", sorted(CANNED))
def test_nothing_is_loaded_from_anywhere(name: str) -> None:
    html = render(CANNED[name]())
    for tag, attrs in parse(html).tags:
        assert "src" not in attrs, tag
        assert tag not in ("link", "iframe", "object", "embed", "img")
    assert "@import" not in html and not re.search(r"url\((?!#)", html)


def test_a_content_security_policy_forbids_loads() -> None:
    assert "default-src 'none'" in render(clean())


def test_dark_and_light_schemes() -> None:
    html = render(clean())
    assert "@media (prefers-color-scheme:dark)" in html and 'content="light dark"' in html


def test_every_table_has_a_caption_and_scoped_headers() -> None:
    html = render(service())
    assert html.count("<table") == html.count("<caption") > 0
    headers = [a for t, a in parse(html).tags if t == "th"]
    assert headers and all(a.get("scope") in ("col", "row") for a in headers)


def test_the_chart_is_labelled_for_assistive_technology() -> None:
    tags = parse(render(service())).tags
    svg = next(a for t, a in tags if t == "svg")
    assert svg["role"] == "img"
    ids = {a.get("id") for _, a in tags}
    assert set((svg["aria-labelledby"] or "").split()) <= ids


def test_the_chart_says_each_size_in_words() -> None:
    desc = " ".join(parse(render(service())).text["desc"])
    assert "slim ★ recommended: ~402 MB (380 MB\N{EN DASH}430 MB)" in desc
    assert "alpine: cannot be built" in desc


def test_no_today_bar_without_a_current_image() -> None:
    assert "today (your Dockerfile)" not in render(service())


def test_the_current_image_is_drawn_first_when_the_report_has_it() -> None:
    today = VariantEstimate(TODAY, "python:3.12-bookworm", 1_180.0, None, 0)
    est = service_estimate()
    report = replace(service(), estimate=Estimate((*est.variants, today), est.notes))
    desc = " ".join(parse(render(report)).text["desc"])
    assert desc.startswith("today (your Dockerfile): ~1.2 GB; slim")


def test_a_report_without_estimate_has_no_chart() -> None:
    assert "<svg" not in render(clean())


def test_rows_carry_the_targets_that_need_attention() -> None:
    found = rows(render(service()))
    assert found["psycopg2"] == {"attention": "t0 t1", "build": "t0 t1", "missing": ""}
    assert found["playwright"] == {"attention": "t1", "build": "", "missing": "t1"}
    assert found["django"] == {"attention": "", "build": "", "missing": ""}


def test_the_filter_starts_on_what_needs_attention() -> None:
    assert 'value="attention" checked' in render(service())


def test_the_filter_starts_on_everything_when_nothing_needs_attention() -> None:
    assert 'value="all" checked' in render(clean())


def test_source_builds_show_their_plans() -> None:
    html = render(service())
    assert "apk add --no-cache --virtual .build-deps gcc musl-dev postgresql17-dev" in html
    assert "apt-get install -y --no-install-recommends gcc libpq-dev" in html


def test_a_need_the_release_does_not_package_is_said_beside_the_plan() -> None:
    html = render(with_pyqt6(BuildNeeds(apt=("libx11-dev",), unknown=(QT6_GAP,))))
    item = html[html.index("<h3>pyqt6 6.11.0"):]
    plan = "apt-get install -y --no-install-recommends libx11-dev"
    assert item.index(plan) < item.index(f"slim not in the plan: {esc(QT6_GAP)}") < item.index(
        "<h3>", 1)


def test_a_gap_the_reason_already_says_is_not_repeated_beside_the_plan() -> None:
    html = render(with_pyqt6(BuildNeeds(apt=("libx11-dev",), unknown=(QT6_GAP,)),
                             reason=QT6_GAP))
    assert "not in the plan" not in html and html.count(esc(QT6_GAP)) == 1


def test_each_target_shows_the_plan_for_its_own_package_manager() -> None:
    report = with_pyqt6(BuildNeeds(apt=("libx11-dev",), unknown=(QT6_GAP,)))
    qt = report.packages[-1]
    alpine = replace(qt.verdicts["alpine"], build=BuildNeeds(
        apk=("qt6-qtbase-dev",), apt=("qt6-base-dev",)))  # apt for the default release
    html = render(replace(report, packages=(
        *report.packages[:-1], replace(qt, verdicts={**qt.verdicts, "alpine": alpine}))))
    item = html[html.index("<h3>pyqt6 6.11.0"):]
    item = item[:item.index("<h3>", 1)]
    assert "qt6-qtbase-dev" in item and "qt6-base-dev" not in item


def test_the_fleet_ranks_blockers_and_links_each_service() -> None:
    html = html_fleet([service(), clean(), conflict()])
    ranked = re.findall(r'<td class="num">(\d+)</td><th scope="row">([^<]+)</th>', html)
    assert ranked[0] == ("1", "internal-auth-client") and len(ranked) == 4
    assert all(f'href="#s{i}"' in html and f'id="s{i}"' in html for i in range(3))


def test_fleet_ids_are_unique() -> None:
    ids = [a["id"] for _, a in parse(html_fleet([service(), service()])).tags if "id" in a]
    assert len(ids) == len(set(ids))


def test_credentials_are_redacted_through_the_registry() -> None:
    report = replace(clean(), index_urls=("https://ci-user:tok3n-XYZ@pypi.internal/simple/",))
    page = render_fleet([report], "html") or ""
    assert "tok3n-XYZ" not in page and "***@pypi.internal" in page
