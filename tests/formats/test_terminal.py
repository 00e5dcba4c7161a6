"""The terminal renderer (format `text`): golden outputs, options, colour, and Progress."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest

from formats.canned import CANNED, pair, sdist, service
from formats.golden import assert_golden
from wheelfit.formats import render, renderer
from wheelfit.formats.options import RenderOptions
from wheelfit.formats.terminal import Progress, should_color
from wheelfit.formats.terminal import render as terminal_render
from wheelfit.model import BuildNeeds, PackageResult, Status, Verdict

ANSI = re.compile(r"\x1b\[")
VIEWS = {
    "default": RenderOptions(),
    "quiet": RenderOptions(quiet=True),
    "verbose": RenderOptions(verbose=True),
    "all": RenderOptions(all=True),
    "color": RenderOptions(color=True),
}


@pytest.mark.parametrize("name", sorted(CANNED))
def test_default_view_matches_golden(name: str) -> None:
    assert_golden(f"{name}.txt", terminal_render(CANNED[name]()))


@pytest.mark.parametrize("view", sorted(set(VIEWS) - {"default"}))
def test_service_views_match_golden(view: str) -> None:
    assert_golden(f"service.{view}.txt", terminal_render(service(), options=VIEWS[view]))


def test_text_format_is_the_terminal_renderer() -> None:
    assert renderer("text") is terminal_render


def test_registry_render_passes_options() -> None:
    assert render(service(), "text", RenderOptions(quiet=True)) == terminal_render(
        service(), options=RenderOptions(quiet=True))


@pytest.mark.parametrize("view", sorted(set(VIEWS) - {"color"}))
def test_no_escape_codes_without_color(view: str) -> None:
    assert not ANSI.search(terminal_render(service(), options=VIEWS[view]))


def test_color_paints_statuses() -> None:
    out = terminal_render(service(), options=RenderOptions(color=True))
    assert "\x1b[33msource build\x1b[0m" in out
    assert "\x1b[31munavailable\x1b[0m" in out


def test_color_keeps_columns_aligned() -> None:
    plain = terminal_render(service()).splitlines()
    painted = terminal_render(service(), options=RenderOptions(color=True))
    colored = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in painted.splitlines()]
    assert colored == plain


def test_attention_comes_first_most_urgent_first() -> None:
    out = terminal_render(service())
    table = out[out.index("Needs attention"):out.index("\n\n", out.index("Needs attention"))]
    names = [line.split()[0] for line in table.splitlines()[2:]]
    assert names == ["internal-auth-client", "playwright", "psycopg2", "uwsgi"]


def test_default_view_counts_the_rest_instead_of_listing() -> None:
    out = terminal_render(service())
    assert "And 5 more packages install from wheels on both (--all lists them)." in out
    assert "asgiref" not in out


def test_all_lists_every_package() -> None:
    out = terminal_render(service(), options=RenderOptions(all=True))
    assert "All packages (9)" in out and "asgiref" in out and "--all lists" not in out


def test_unavailable_shows_reason_and_platforms() -> None:
    out = terminal_render(service())
    assert "alpine: unavailable: no wheel for musllinux x86_64 and no sdist" in out
    assert "wheels exist for macosx_11_0_arm64" in out and "and 2 more" in out


def test_source_build_shows_needs_per_libc_and_alternative() -> None:
    out = terminal_render(service())
    assert "alpine needs: apk gcc musl-dev postgresql17-dev; keeps libpq" in out
    assert "slim needs: apt gcc libpq-dev; keeps libpq5" in out
    assert "alternative: psycopg2-binary 2.9.10 (binary-twin)" in out


QT6_GAP = ("Qt 6: Debian bullseye has no package for it (Debian bookworm has): build on a "
           "python:*-slim-bookworm image or newer (--debian bookworm), or use a version of "
           "pyqt6 with a wheel for this image")


def _pyqt6(slim_build: BuildNeeds, reason: str | None = None) -> str:
    slim = replace(sdist("pyqt6", "6.11.0", slim_build), reason=reason)
    alpine = sdist("pyqt6", "6.11.0", BuildNeeds(apk=("build-base", "qt6-qtbase-dev")))
    return terminal_render(replace(service(), packages=(
        pair("pyqt6", "6.11.0", slim, alpine),)))


def test_a_need_the_release_does_not_package_is_said_under_the_needs() -> None:
    out = _pyqt6(BuildNeeds(apt=("build-essential", "libx11-dev"), unknown=(QT6_GAP,)))
    assert ("    slim needs: apt build-essential libx11-dev\n"
            f"    slim not in the plan: {QT6_GAP}\n") in out


def test_what_the_reason_already_says_is_not_repeated() -> None:
    out = _pyqt6(BuildNeeds(apt=("build-essential",), basis="unknown", unknown=(QT6_GAP,)),
                 reason=QT6_GAP)
    assert out.count(QT6_GAP) == 1


def test_order_of_sections() -> None:
    out = terminal_render(service())
    marks = ["Needs attention", "System packages", "Estimate", "Recommendation: slim",
             "Summary:"]
    assert [out.index(m) for m in marks] == sorted(out.index(m) for m in marks)


def test_quiet_drops_details_estimate_and_commands() -> None:
    out = terminal_render(service(), options=RenderOptions(quiet=True))
    assert "Needs attention" in out and "Summary:" in out
    for gone in ("Estimate", "System packages", "Recommendation", "alternative:", "skipped"):
        assert gone not in out


def test_verbose_shows_sources_and_request_accounting() -> None:
    out = terminal_render(service(), options=RenderOptions(verbose=True))
    assert "build needs from data/apk-mapping.yaml#psycopg2" in out
    assert "slim: base image: python:3.12-slim-trixie 124 MB (repo-info)" in out
    assert "Index: https://pypi.org/simple/: 23 requests, 17 from cache, 1.5 MB downloaded" in out


def test_default_view_hides_request_accounting() -> None:
    assert "requests" not in terminal_render(service())


def test_control_characters_in_package_data_are_neutralised() -> None:
    evil = Verdict(Status.UNAVAILABLE, "1", None, reason="x\x1b[2J\x1b]0;pwned\x07\rover\u202e")
    report = replace(service(), packages=(PackageResult("evil\x1b[31m", "1", (), {
        "slim": evil, "alpine": evil}),))
    out = terminal_render(report)
    assert "\x1b" not in out and "\r" not in out and "\x07" not in out and "\u202e" not in out
    assert "evil\\x1b[31m" in out


@pytest.mark.parametrize(("tty", "environ", "flag", "expected"), [
    (True, {}, False, True),
    (False, {}, False, False),
    (True, {"NO_COLOR": "1"}, False, False),
    (True, {"NO_COLOR": ""}, False, True),
    (True, {}, True, False),
    (True, {"TERM": "dumb"}, False, False),
    (False, {"FORCE_COLOR": "1"}, False, True),
    (False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),
], ids=["tty", "pipe", "no-color-env", "empty-no-color", "no-color-flag", "dumb", "force",
        "no-color-beats-force"])
def test_should_color(tty: bool, environ: dict[str, str], flag: bool, expected: bool) -> None:
    assert should_color(FakeStream(tty), environ, no_color=flag) is expected


class FakeStream(io.StringIO):
    """A text stream that claims to be (or not to be) a terminal."""

    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_is_silent_off_a_terminal() -> None:
    stream = FakeStream(False)
    with Progress(3, stream=stream, environ={}) as bar:
        bar.advance()
    assert stream.getvalue() == ""


def test_progress_draws_and_erases_on_a_terminal() -> None:
    stream = FakeStream(True)
    bar = Progress(4, stream=stream, label="resolving", width=8, environ={})
    bar.advance(2)
    assert stream.getvalue().endswith("resolving [####----] 2/4")
    bar.close()
    assert stream.getvalue().endswith("\r\x1b[2K")


def test_progress_never_exceeds_total() -> None:
    stream = FakeStream(True)
    bar = Progress(2, stream=stream, width=4, environ={})
    bar.advance(5)
    assert stream.getvalue().endswith("[####] 2/2")


def test_progress_off_for_dumb_terminal() -> None:
    stream = FakeStream(True)
    Progress(2, stream=stream, environ={"TERM": "dumb"}).advance()
    assert stream.getvalue() == ""
