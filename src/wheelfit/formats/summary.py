"""Counts shared by every format: verdicts per target and status, and what needs attention."""

from __future__ import annotations

from wheelfit.model import PackageResult, Report, Status

ATTENTION = (Status.SOURCE_BUILD, Status.UNAVAILABLE, Status.NOT_FOUND, Status.UNKNOWN)
LABELS = {
    Status.BINARY_WHEEL: "binary wheel",
    Status.PURE_WHEEL: "pure wheel",
    Status.SOURCE_BUILD: "source build",
    Status.UNAVAILABLE: "unavailable",
    Status.NOT_FOUND: "not found",
    Status.NOT_REQUIRED: "not needed",
    Status.UNKNOWN: "unknown",
}


def counts(report: Report) -> dict[str, dict[str, int]]:
    """target name → status value → number of packages (every status present, zeros too)."""
    result = {t.name: {s.value: 0 for s in Status} for t in report.targets}
    for pkg in report.packages:
        for target, verdict in pkg.verdicts.items():
            result[target][verdict.status.value] += 1
    return result


def needs_attention(pkg: PackageResult) -> bool:
    """A package that does not simply install from a wheel on some target."""
    return any(v.status in ATTENTION or v.untrusted for v in pkg.verdicts.values())


def headline(report: Report) -> str:
    """One sentence: how each target fares."""
    parts = []
    table = counts(report)
    for target in report.targets:
        c = table[target.name]
        builds = c[Status.SOURCE_BUILD.value]
        missing = c[Status.UNAVAILABLE.value] + c[Status.NOT_FOUND.value]
        unknown = c[Status.UNKNOWN.value]
        if missing:
            state = f"{missing} package{'s' if missing != 1 else ''} cannot be installed"
        elif builds:
            state = f"{builds} source build{'s' if builds != 1 else ''}"
        else:
            state = "every package installs from a wheel"
        if unknown:
            state += f", {unknown} unknown"
        parts.append(f"{target.name}: {state}")
    return "; ".join(parts) + "."
