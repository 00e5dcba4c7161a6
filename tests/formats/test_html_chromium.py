"""The HTML report in a real browser: Debian's headless Chromium takes a screenshot (it must
show a page and its size chart) and logs no console message (no script error, no blocked
load). Skipped, with the reason, where Chromium is not installed; CI installs it."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from formats.canned import clean, conflict, service
from formats.png_pixels import colour_counts, write_rgb
from wheelfit.formats.html import render, render_fleet

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (apt-get install chromium); CI installs it")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0")
RECOMMENDED_BAR = (0x1F, 0x5F, 0xBF)  # --rec in the light scheme


def chromium(page: Path, work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on a local page with a fresh profile."""
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={work / 'profile'}", *args, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)


def console(stderr: str) -> list[str]:
    """The lines Chromium logs for the page's console (errors, warnings, CSP refusals)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def shoot(html: str, work: Path) -> tuple[bytes, str]:
    """A 1280 by 1200 screenshot of the page and Chromium's stderr."""
    work.mkdir(parents=True, exist_ok=True)
    page, png = work / "report.html", work / "shot.png"
    page.write_text(html, encoding="utf-8")
    done = chromium(page, work, f"--screenshot={png}", "--window-size=1280,1200")
    assert done.returncode == 0, done.stderr[-2000:]
    return png.read_bytes(), done.stderr


PAGES: dict[str, Callable[[], str]] = {
    "report": lambda: render(service()),
    "fleet": lambda: render_fleet([service(), clean(), conflict()]),
}


@pytest.fixture(scope="module", params=sorted(PAGES))
def shot(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         ) -> tuple[bytes, str]:
    return shoot(PAGES[request.param](), tmp_path_factory.mktemp(request.param))


def test_the_screenshot_is_not_blank(shot: tuple[bytes, str]) -> None:
    colours = colour_counts(shot[0])
    assert len(colours) > 200, f"only {len(colours)} colours: the page looks blank"


def test_the_screenshot_shows_the_size_chart(shot: tuple[bytes, str]) -> None:
    assert colour_counts(shot[0])[RECOMMENDED_BAR] > 2_000


def test_the_page_logs_nothing_to_the_console(shot: tuple[bytes, str]) -> None:
    assert console(shot[1]) == []


def test_the_filter_script_runs(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(service()), encoding="utf-8")
    dom = chromium(page, tmp_path, "--dump-dom").stdout
    assert "4 of 9 packages shown" in dom
    assert len(re.findall(r"<tr[^>]* hidden", dom)) == 5


@pytest.fixture(scope="module")
def broken_log(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The console of our page with a failing script and a load the policy refuses."""
    html = render(clean()).replace(
        "</body>", '<img src="http://127.0.0.1:9/x.png"><script>notDefined();</script></body>')
    return console(shoot(html, tmp_path_factory.mktemp("broken"))[1])


def test_the_console_check_catches_a_script_error(broken_log: list[str]) -> None:
    assert any("notDefined" in line for line in broken_log)


def test_the_console_check_catches_a_blocked_load(broken_log: list[str]) -> None:
    assert any("127.0.0.1:9" in line for line in broken_log)


def test_the_blank_check_catches_a_blank_image() -> None:
    assert len(colour_counts(write_rgb(64, 64, (255, 255, 255)))) <= 200
