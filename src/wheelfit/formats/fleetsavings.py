"""Fleets: each service's image today (predicted from its Dockerfile) against the recommended
variant, and what the fleet saves in MB and build minutes. Only a service checked through its
Dockerfile has a "today"; the others are listed without one and left out of the totals. A
Dockerfile with several inputs is one image, so one row: today against the recommendation
over all its inputs' packages (`sizing/combined.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wheelfit.model import Recommendation, Report, VariantEstimate


@dataclass(frozen=True)
class ServiceSaving:
    """One service: today's image and build minutes, the recommended variant's, the saving."""

    service: str
    today_mb: float | None
    today_build_minutes: tuple[float, float] | None
    recommended: str | None
    recommended_mb: float | None
    recommended_build_minutes: tuple[float, float] | None
    saved_mb: float | None
    saved_build_minutes: tuple[float, float] | None
    note: str = ""


@dataclass(frozen=True)
class FleetSavings:
    """Every service's row and the totals over the services that have both figures."""

    services: tuple[ServiceSaving, ...]
    compared: int
    saved_mb: float
    saved_build_minutes: tuple[float, float]


def _saving(service: str, report: Report, recommendation: Recommendation | None,
            variants: Sequence[VariantEstimate], note: str) -> ServiceSaving:
    current = report.current
    chosen = recommendation.variant if recommendation else None
    variant = next((v for v in variants if v.name == chosen), None)
    today_mb = current.size_mb if current else None
    today_minutes = current.build_minutes_range if current else None
    after_mb = variant.size_mb if variant else None
    after_minutes = variant.build_minutes_range if variant else None
    if chosen is None:
        note = "no recommendation"
    saved_mb = round(today_mb - after_mb, 1) if today_mb is not None and after_mb is not None \
        else None
    saved_minutes = None
    if today_minutes is not None and after_minutes is not None:
        saved_minutes = (round(today_minutes[0] - after_minutes[0], 2),
                         round(today_minutes[1] - after_minutes[1], 2))
    return ServiceSaving(service, today_mb, today_minutes, chosen, after_mb,
                         after_minutes, saved_mb, saved_minutes, note)


def service_saving(report: Report) -> ServiceSaving:
    """Today vs the recommended variant for one service (None where a figure is missing)."""
    note = "" if report.current else "no Dockerfile: no image today"
    if report.current is None and report.dockerfile is not None:
        note = f"its image is on the row of {report.dockerfile.path}'s first input"
    return _saving(report.input, report, report.recommendation,
                   report.estimate.variants if report.estimate else (), note)


def image_saving(group: Sequence[Report]) -> ServiceSaving:
    """One Dockerfile's image built from several inputs (today's is on the first report):
    the service is the Dockerfile, compared with the variant recommended for all of them."""
    from wheelfit.sizing.combined import combined

    first = group[0]
    after, recommendation = combined(group)
    service = first.dockerfile.path if first.dockerfile else first.input
    note = (f"one image from {len(group)} inputs ({', '.join(r.input for r in group)}); "
            "after: the variant recommended for all their packages")
    return _saving(service, first, recommendation, after.variants, note)


def _images(reports: Sequence[Report]) -> dict[int, list[Report]]:
    """Each report whose today's image holds several inputs, by position, with the reports
    of those inputs (itself first)."""
    images: dict[int, list[Report]] = {}
    for number, report in enumerate(reports):
        current = report.current
        if current is None or len(current.inputs) < 2 or report.dockerfile is None:
            continue
        path = report.dockerfile.path
        by_input = {r.input: r for r in reports
                    if r.dockerfile is not None and r.dockerfile.path == path}
        images[number] = [by_input[name] for name in current.inputs if name in by_input]
    return images


def fleet_savings(reports: Sequence[Report]) -> FleetSavings:
    """The rows of every service (one per image) and the fleet's totals."""
    images = _images(reports)
    folded = {id(r) for group in images.values() for r in group}
    rows = tuple(image_saving(images[n]) if n in images else service_saving(r)
                 for n, r in enumerate(reports) if n in images or id(r) not in folded)
    both = [r for r in rows if r.saved_mb is not None and r.saved_build_minutes is not None]
    return FleetSavings(
        services=rows, compared=len(both),
        saved_mb=round(sum(r.saved_mb or 0.0 for r in both), 1),
        saved_build_minutes=(round(sum(r.saved_build_minutes[0] for r in both
                                       if r.saved_build_minutes), 2),
                             round(sum(r.saved_build_minutes[1] for r in both
                                       if r.saved_build_minutes), 2)))


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _minutes(span: tuple[float, float] | None) -> str:
    if span is None:
        return "-"
    return "none" if span == (0.0, 0.0) else f"{span[0]:g}-{span[1]:g}"


def rows(savings: FleetSavings) -> list[list[str]]:
    """The table: header, then one row per service."""
    out = [["service", "today MB", "today build min", "recommended", "after MB",
            "after build min", "saved MB", "saved build min", "note"]]
    for r in savings.services:
        out.append([r.service, _mb(r.today_mb), _minutes(r.today_build_minutes),
                    r.recommended or "-", _mb(r.recommended_mb),
                    _minutes(r.recommended_build_minutes), _mb(r.saved_mb),
                    _minutes(r.saved_build_minutes), r.note or "-"])
    return out


def total_line(savings: FleetSavings) -> str:
    """The fleet's total saving, over the services that have a today and a recommendation."""
    if not savings.compared:
        return ("no service has both a predicted image today (a Dockerfile) and a "
                "recommendation: nothing to total")
    low, high = savings.saved_build_minutes
    return (f"total saved over the {savings.compared} service(s) compared: "
            f"{savings.saved_mb:g} MB (one image each), {low:g}-{high:g} build minutes (one "
            "build each)")


def render_text(savings: FleetSavings) -> str:
    """The table as aligned text, then the total."""
    table = rows(savings)
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    lines = ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in table]
    return "Today vs recommended:\n" + "\n".join(lines) + f"\n  {total_line(savings)}\n"
