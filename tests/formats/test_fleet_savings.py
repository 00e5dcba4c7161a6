"""Fleets: today's image (from each service's Dockerfile) against the recommended variant."""

from __future__ import annotations

import json
from dataclasses import replace

from formats.canned import clean, service
from wheelfit.commands.outputs import render_reports
from wheelfit.formats.fleet import summarise
from wheelfit.formats.fleetsavings import fleet_savings, service_saving
from wheelfit.formats.markdown_fleet import render_fleet
from wheelfit.formats.options import RenderOptions
from wheelfit.model import CurrentImage, Report


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


def test_an_image_of_several_inputs_is_not_compared_with_one_input() -> None:
    row = service_saving(_today(service(), 900.0, (1.0, 5.0), inputs=("a.txt", "b.txt")))
    assert row.saved_mb is None and "2 inputs" in row.note


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
