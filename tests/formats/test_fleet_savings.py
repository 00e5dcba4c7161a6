"""Fleets: today's image (from each service's Dockerfile) against the recommended variant."""

from __future__ import annotations

import json
from dataclasses import replace

from formats.canned import BOTH, clean, service
from wheelfit.commands.outputs import render_reports
from wheelfit.formats.fleet import summarise
from wheelfit.formats.fleetsavings import fleet_savings, service_saving
from wheelfit.formats.markdown_fleet import render_fleet
from wheelfit.formats.options import RenderOptions
from wheelfit.model import (
    CurrentImage,
    DockerfileInfo,
    PackageResult,
    Report,
    Status,
    Verdict,
)
from wheelfit.sizing.combined import combined
from wheelfit.sizing.estimate import estimate


def _today(report: Report, mb: float, minutes: tuple[float, float],
           inputs: tuple[str, ...] = ("requirements.txt",)) -> Report:
    current = CurrentImage("svc/Dockerfile", "python:3.12", "slim", mb, (mb - 10, mb + 10), (),
                           2, minutes, inputs=inputs)
    return replace(report, input="svc/requirements.txt", current=current)


def test_a_service_with_a_dockerfile_is_compared_with_the_recommended_variant() -> None:
    row = service_saving(_today(service(), 1154.5, (1.0, 5.0)))
    assert (row.today_mb, row.recommended, row.recommended_mb) == (1154.5, "slim", 402.0)
    assert row.saved_mb == 752.5 and row.saved_build_minutes == (0.5, 3.0)


def test_a_service_without_a_dockerfile_has_no_today() -> None:
    row = service_saving(service())
    assert row.today_mb is None and row.saved_mb is None
    assert row.note == "no Dockerfile: no image today"


def _input(name: str, package: str, mb: int) -> Report:
    """One input of svc/Dockerfile with one pure package of `mb` MB, estimated."""
    one = Verdict(Status.PURE_WHEEL, "1.0", installed_bytes=mb * 1_000_000)
    info = DockerfileInfo(path="svc/Dockerfile", context="svc", final_stage="0",
                          base="python:3.12-slim", base_line=1, python="3.12",
                          variant="slim", release="trixie", target="slim")
    report = Report(input=name, input_format="requirements", targets=BOTH,
                    python_source="default", dockerfile=info, packages=(
                        PackageResult(package, "1.0", ("-r",), {"slim": one, "alpine": one}),))
    return replace(report, estimate=estimate(report))


def _one_image(today_mb: float) -> list[Report]:
    """svc/Dockerfile installs a.txt and b.txt: today's image is on a.txt's report."""
    first, second = _input("svc/a.txt", "django", 10), _input("svc/b.txt", "flask", 3)
    current = CurrentImage("svc/Dockerfile", "python:3.12", "slim", today_mb,
                           (today_mb - 10, today_mb + 10), (), 0, (0.0, 0.0),
                           inputs=("svc/a.txt", "svc/b.txt"))
    return [replace(first, current=current), second]


def test_an_image_of_several_inputs_is_one_service() -> None:
    savings = fleet_savings(_one_image(1100.0))
    assert [r.service for r in savings.services] == ["svc/Dockerfile"]


def test_an_image_of_several_inputs_is_compared_with_all_their_packages() -> None:
    reports = _one_image(1100.0)
    after, recommendation = combined(reports)
    assert recommendation is not None
    chosen = next(v for v in after.variants if v.name == recommendation.variant)
    row = fleet_savings(reports).services[0]
    assert (row.today_mb, row.recommended, row.recommended_mb) == (
        1100.0, recommendation.variant, chosen.size_mb)
    assert row.saved_mb == round(1100.0 - (chosen.size_mb or 0.0), 1)
    assert "svc/a.txt, svc/b.txt" in row.note


def test_an_image_of_several_inputs_counts_in_the_total() -> None:
    savings = fleet_savings([*_one_image(1100.0), _today(service(), 500.0, (0.5, 2.0))])
    assert savings.compared == 2


def test_every_format_has_the_one_row_of_an_image_of_several_inputs() -> None:
    reports = [*_one_image(1100.0), clean()]
    view = RenderOptions()
    text = render_reports(reports, [], "text", view)
    table = text[text.index("Today vs recommended:"):]
    assert "svc/Dockerfile" in table and "svc/b.txt  " not in table
    assert "total saved over the 1 service(s) compared" in table
    markdown = render_fleet(reports, summarise(reports).fleet)
    assert "| svc/Dockerfile |" in markdown
    fleet = json.loads(render_reports(reports, [], "json", view))["fleet"]
    rows = fleet["today_vs_recommended"]["services"]
    assert [r["service"] for r in rows] == ["svc/Dockerfile", clean().input]
    assert rows[0]["saved_mb"] is not None


def test_the_total_counts_only_the_compared_services() -> None:
    savings = fleet_savings([_today(service(), 1154.5, (1.0, 5.0)), service(),
                             _today(service(), 500.0, (0.5, 2.0))])
    assert savings.compared == 2
    assert savings.saved_mb == 752.5 + 98.0
    assert savings.saved_build_minutes == (0.5, 3.0)


def test_fleets_without_a_dockerfile_have_no_table() -> None:
    assert summarise([service(), clean()]).fleet.today_vs_recommended is None


def test_text_markdown_and_json_carry_the_comparison() -> None:
    reports = [_today(service(), 1154.5, (1.0, 5.0)), clean()]
    view = RenderOptions()
    text = render_reports(reports, [], "text", view)
    assert "Today vs recommended:" in text and "752.5" in text
    assert "total saved over the 1 service(s) compared: 752.5 MB" in text
    markdown = render_fleet(reports, summarise(reports).fleet)
    assert "| service | today MB |" in markdown and "752.5" in markdown
    fleet = json.loads(render_reports(reports, [], "json", view))["fleet"]
    assert fleet["today_vs_recommended"]["saved_mb"] == 752.5
    assert fleet["today_vs_recommended"]["services"][1]["today_mb"] is None
