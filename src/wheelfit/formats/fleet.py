"""Fleet audits: many services' reports and what they add up to."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from wheelfit.formats.fleetsavings import FleetSavings, fleet_savings, render_text
from wheelfit.model import Report, Status, Variant, Verdict

BLOCKING = (Status.SOURCE_BUILD, Status.UNAVAILABLE, Status.NOT_FOUND, Status.UNKNOWN)


@dataclass(frozen=True)
class FleetSummary:
    """What a platform team asks of many services at once."""

    services: int
    alpine_ready: tuple[str, ...]
    alpine_blocked: tuple[str, ...]
    top_blockers: tuple[tuple[str, int], ...]
    distinct_packages: int
    notes: tuple[str, ...] = ()
    # Today (from each service's Dockerfile) vs the recommended variant; None when no
    # service was checked through a Dockerfile.
    today_vs_recommended: FleetSavings | None = None


@dataclass(frozen=True)
class FleetReport:
    """Every service's report plus the fleet summary."""

    services: tuple[Report, ...]
    fleet: FleetSummary


def _compiles_or_fails(v: Verdict) -> bool:
    """A verdict that keeps a service off alpine: a pure-Python sdist needs no compiler."""
    return v.status in BLOCKING and not (v.status is Status.SOURCE_BUILD and v.native is False)


def _blocks_alpine(report: Report) -> set[str]:
    names = {t.name for t in report.targets if t.variant is Variant.ALPINE}
    return {
        p.name for p in report.packages
        for target, v in p.verdicts.items() if target in names and _compiles_or_fails(v)
    }


def summarise(reports: Sequence[Report], notes: Sequence[str] = ()) -> FleetReport:
    """Build the fleet summary: alpine-ready services, the packages that block most."""
    ready: list[str] = []
    blocked: list[str] = []
    blockers: Counter[str] = Counter()
    for report in reports:
        blocking = _blocks_alpine(report)
        (blocked if blocking else ready).append(report.input)
        blockers.update(blocking)
    distinct = {p.name for r in reports for p in r.packages}
    top = tuple(sorted(blockers.items(), key=lambda kv: (-kv[1], kv[0]))[:10])
    return FleetReport(
        services=tuple(reports),
        fleet=FleetSummary(
            services=len(reports), alpine_ready=tuple(ready), alpine_blocked=tuple(blocked),
            top_blockers=top, distinct_packages=len(distinct), notes=tuple(notes),
            today_vs_recommended=fleet_savings(reports)
            if any(r.current is not None for r in reports) else None,
        ),
    )


def service_rows(reports: Sequence[Report]) -> list[list[str]]:
    """One row per service: packages, source builds per target, what blocks alpine."""
    rows = [["service", "input", "packages", "slim builds", "alpine builds", "alpine blocked by"]]
    for report in reports:
        builds = {t.name: sum(1 for p in report.packages
                              if p.verdicts[t.name].status is Status.SOURCE_BUILD
                              and p.verdicts[t.name].native is not False)
                  for t in report.targets}
        blockers = sorted(_blocks_alpine(report))
        path = report.input.replace("\\", "/")
        service = path.rsplit("/", 2)[-2] if path.count("/") else "."
        rows.append([service, path.rsplit("/", 1)[-1], str(len(report.packages)),
                     str(builds.get("slim", "-")), str(builds.get("alpine", "-")),
                     ", ".join(blockers) or "-"])
    return rows


def render_service_table(reports: Sequence[Report]) -> str:
    """The per-service table as aligned text."""
    rows = service_rows(reports)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows) + "\n"


def render_fleet_text(fleet: FleetSummary) -> str:
    """The fleet summary as a few lines of text."""
    lines = [f"Fleet: {fleet.services} services, {fleet.distinct_packages} distinct packages",
             f"  can move to alpine with no source build: {len(fleet.alpine_ready)}"
             + (f" ({', '.join(fleet.alpine_ready)})" if fleet.alpine_ready else ""),
             f"  need source builds or lack packages on alpine: {len(fleet.alpine_blocked)}"
             + (f" ({', '.join(fleet.alpine_blocked)})" if fleet.alpine_blocked else "")]
    if fleet.top_blockers:
        lines.append("  packages that block the most services on alpine: "
                     + ", ".join(f"{n} ({c})" for n, c in fleet.top_blockers))
    lines += [f"  note: {n}" for n in fleet.notes]
    savings = "" if fleet.today_vs_recommended is None else \
        "\n" + render_text(fleet.today_vs_recommended)
    return "\n".join(lines) + "\n" + savings
