"""The terminal view: what needs attention first, then every package, then the summary."""

from __future__ import annotations

from collections.abc import Sequence

from wheelfit.formats.summary import LABELS, counts, headline, needs_attention
from wheelfit.model import PackageResult, Report, Status, Verdict


def _cell(verdict: Verdict, version: str | None) -> str:
    text = LABELS[verdict.status]
    if verdict.version and verdict.version != version:
        text += f" ({verdict.version})"
    if verdict.untrusted:
        text += " [linux_ tag]"
    return text


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def _rows(report: Report, packages: Sequence[PackageResult]) -> list[list[str]]:
    header = ["package", "version", *[t.name for t in report.targets]]
    rows = [header]
    for pkg in packages:
        mark = "" if not pkg.unresolved else " *"
        rows.append([pkg.name + mark, pkg.version or "-",
                     *[_cell(pkg.verdicts[t.name], pkg.version) for t in report.targets]])
    return rows


def _details(report: Report, pkg: PackageResult) -> list[str]:
    lines = []
    for target in report.targets:
        verdict = pkg.verdicts[target.name]
        if verdict.status in (Status.BINARY_WHEEL, Status.PURE_WHEEL) and not verdict.untrusted:
            continue
        if verdict.status is Status.NOT_REQUIRED:
            continue
        what = verdict.file or verdict.reason or LABELS[verdict.status]
        line = f"    {pkg.name} on {target.name}: {what}"
        if verdict.file and verdict.reason:
            line += f" ({verdict.reason})"
        if verdict.available_platforms:
            shown = ", ".join(verdict.available_platforms[:6])
            more = len(verdict.available_platforms) - 6
            line += f"; wheels exist for {shown}" + (f" and {more} more" if more > 0 else "")
        lines.append(line)
    return lines


def render(report: Report, *, options: dict[str, object] | None = None) -> str:
    """Plain text for a terminal or a log."""
    opts = options or {}
    out = [f"{report.input} ({report.input_format}): {len(report.packages)} packages"]
    for target in report.targets:
        out.append(f"  {target.name:<7}{target.image}  ({target.libc.value} "
                   f"{target.libc_version}, {target.arch})")
    out.append(f"  Python {report.targets[0].python_full if report.targets else '?'} "
               f"({report.python_source})")
    out.append("")
    attention = [p for p in report.packages if needs_attention(p)]
    if attention:
        out.append("Needs attention:")
        out += _table(_rows(report, attention))
        for pkg in attention:
            out += _details(report, pkg)
        out.append("")
    if not opts.get("quiet"):
        out.append(f"All packages ({len(report.packages)}):")
        out += _table(_rows(report, report.packages)) if report.packages else ["  (none)"]
        out.append("")
    for problem in report.problems:
        where = f" [{problem.target}]" if problem.target else ""
        out.append(f"{problem.kind}{where}: {problem.message}")
    if any(p.unresolved for p in report.packages):
        out.append("* unresolved: resolution failed; the verdict is for the pin as written")
    for skipped in report.skipped:
        out.append(f"skipped {skipped.origin}: {skipped.text} ({skipped.reason})")
    table = counts(report)
    summary = []
    for target in report.targets:
        c = table[target.name]
        wheels = c[Status.BINARY_WHEEL.value] + c[Status.PURE_WHEEL.value]
        summary.append(f"{target.name} {wheels} wheels, {c[Status.SOURCE_BUILD.value]} source "
                       f"builds, {c[Status.UNAVAILABLE.value] + c[Status.NOT_FOUND.value]} "
                       "unavailable")
    if report.problems or report.skipped:
        out.append("")
    out.append("Summary: " + headline(report))
    out.append("         " + " · ".join(summary))
    if opts.get("verbose"):
        s = report.stats
        out.append(f"Requests: {s.requests} to the index, {s.from_cache} from cache, "
                   f"{s.bytes_downloaded} bytes downloaded")
    return "\n".join(out) + "\n"
