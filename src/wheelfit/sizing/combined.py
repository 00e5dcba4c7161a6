"""One image from several inputs of one Dockerfile (two requirements files, -r plus inline
specs, several stages): the report of all their packages, and its estimate and
recommendation, so "after" counts one base image and every package once, as "today" does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from wheelfit.model import Estimate, Recommendation, Report, Status


def merged_report(reports: Sequence[Report]) -> Report:
    """The first report with every input's packages (a name in several inputs: the first
    input's), its input naming them all."""
    packages = {p.name: p for r in reversed(reports) for p in r.packages}
    return replace(reports[0], input=", ".join(r.input for r in reports),
                   packages=tuple(packages.values()))


def combined(reports: Sequence[Report]) -> tuple[Estimate, Recommendation | None]:
    """The estimate of every variant over all the inputs' packages, and the recommendation
    (None when a package could not be judged, as for one input). Sizes rest on the verdicts'
    central-directory and download sizes, as today's image does."""
    from wheelfit.sizing.estimate import estimate
    from wheelfit.sizing.recommend import recommend

    merged = merged_report(reports)
    downloads = {(p.name, target): v.download_bytes for p in merged.packages
                 for target, v in p.verdicts.items() if v.download_bytes}
    est = estimate(merged, wheel_sizes=downloads)
    unjudged = any(v.status is Status.UNKNOWN for p in merged.packages
                   for v in p.verdicts.values())
    return est, None if unjudged else recommend(merged, est)
