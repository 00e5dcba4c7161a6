"""The terminal view (format `text`): what needs attention first, then the build commands, the
estimate and the recommendation; the full package list only with the `all` option.

`render` is a pure function of the report and its options; colour is an option (`color`),
decided by the caller with `should_color()` (TTY, `NO_COLOR`, `--no-color`). Without colour
the output is plain text with no escape codes, for logs and pipes. `Progress` is the only
I/O here (it lives in `progress.py`, so that other formats need not import this module): a
stderr progress bar that does nothing unless stderr is a terminal.

Options: `color`, `quiet` (attention table, problems and summary only), `verbose` (where each
figure comes from, index accounting), `all` (every package, not just a count).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from wheelfit.formats.options import RenderOptions
from wheelfit.formats.progress import Progress as Progress  # re-exported
from wheelfit.formats.progress import isatty
from wheelfit.formats.summary import (
    LABELS,
    WHEELS,
    attention,
    collapse_notes,
    counts,
    headline,
    image_gaps,
    incompleteness,
    musl_gap,
    needs_attention,
    no_recommendation,
    plan_gaps,
    plural,
    scrubbed,
    short_list,
    targets_phrase,
    verdict_of,
)
from wheelfit.model import BuildNeeds, Libc, PackageResult, Report, Status, Target, Verdict

_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33",
        "magenta": "35", "cyan": "36"}
STATUS_STYLE = {
    Status.BINARY_WHEEL: "green", Status.PURE_WHEEL: "green", Status.SOURCE_BUILD: "yellow",
    Status.UNAVAILABLE: "red", Status.NOT_FOUND: "red", Status.UNKNOWN: "magenta",
    Status.NOT_REQUIRED: "dim",
}
Cell = tuple[str, "str | None"]


@dataclass(frozen=True)
class View:
    """The display options of one rendering."""

    color: bool = False
    quiet: bool = False
    verbose: bool = False
    all: bool = False

    @classmethod
    def from_options(cls, options: RenderOptions | None) -> View:
        """The terminal's part of the render options."""
        o = options or RenderOptions()
        return cls(color=o.color, quiet=o.quiet, verbose=o.verbose, all=o.all)

    def paint(self, text: str, style: str | None) -> str:
        """Wrap text in an SGR colour when colour is on."""
        if not self.color or not style or not text:
            return text
        return f"\x1b[{_SGR[style]}m{text}\x1b[0m"


def should_color(stream: TextIO, environ: Mapping[str, str], no_color: bool = False) -> bool:
    """Colour for this stream? Off for `--no-color`, a non-empty `NO_COLOR`, `TERM=dumb` and
    non-terminals; a non-empty `FORCE_COLOR` turns it on for non-terminals."""
    if no_color or environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return isatty(stream)


def _table(rows: Sequence[Sequence[Cell]], view: View) -> list[str]:
    widths = [max(len(r[i][0]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = []
        for i, (text, style) in enumerate(row):
            pad = " " * (widths[i] - len(text)) if i < len(row) - 1 else ""
            cells.append(view.paint(text, "bold" if n == 0 else style) + pad)
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines


def _cell(verdict: Verdict, version: str | None) -> Cell:
    text = LABELS[verdict.status]
    if verdict.version and version and verdict.version != version:
        text += f" ({verdict.version})"
    if verdict.untrusted:
        text += " [linux_]"
    return text, "yellow" if verdict.untrusted else STATUS_STYLE[verdict.status]


def _package_rows(report: Report, packages: Sequence[PackageResult]) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[("package", None), ("version", None),
                               *[(t.name, None) for t in report.targets]]]
    for pkg in packages:
        rows.append([(pkg.name + (" *" if pkg.unresolved else ""), None),
                     (pkg.version or "-", None),
                     *[_cell(verdict_of(pkg, t.name), pkg.version) for t in report.targets]])
    return rows


def _header(report: Report, view: View) -> list[str]:
    python = report.targets[0].python_full if report.targets else "?"
    out = [view.paint(f"{report.input} ({report.input_format}): "
                      f"{plural(len(report.packages), 'package')}", "bold")
           + f", Python {python} ({report.python_source})"]
    width = max((len(t.name) for t in report.targets), default=0)
    image = max((len(t.image) for t in report.targets), default=0)
    for t in report.targets:
        out.append(f"  {t.name.ljust(width)}  {t.image.ljust(image)}  "
                   f"{t.libc.value} {t.libc_version}, {t.arch}")
    out += [view.paint(f"  {name}: {gap}", "yellow") for name, gap in image_gaps(report)]
    if report.dockerfile is not None:
        from wheelfit.formats.dockersection import text_lines

        out += text_lines(report.dockerfile)
    return out


def _group(report: Report, pkg: PackageResult) -> list[tuple[list[Target], Verdict]]:
    """Targets with the same verdict share one detail line."""
    groups: list[tuple[list[Target], Verdict]] = []
    for target in report.targets:
        verdict = verdict_of(pkg, target.name)
        if verdict.status in WHEELS and not verdict.untrusted:
            continue
        if verdict.status is Status.NOT_REQUIRED:
            continue
        for members, seen in groups:
            if (seen.status, seen.version, seen.file, seen.reason, seen.available_platforms) == (
                    verdict.status, verdict.version, verdict.file, verdict.reason,
                    verdict.available_platforms):
                members.append(target)
                break
        else:
            groups.append(([target], verdict))
    return groups


def _needs(target: Target, verdict: Verdict) -> list[str]:
    build = verdict.build
    if build is None:
        return []
    musl = target.libc is Libc.MUSL
    tool, pkgs, keeps = ("apk", build.apk, build.apk_runtime) if musl else (
        "apt", build.apt, build.apt_runtime)
    gaps = [f"{target.name} not in the plan: {u}" for u in plan_gaps(verdict)]
    if not pkgs and not keeps:
        return gaps
    line = f"{target.name} needs: {tool} {' '.join(pkgs) or '(nothing)'}"
    if keeps:
        line += f"; keeps {' '.join(keeps)}"
    if build.env:
        line += "; env " + " ".join(f"{k}={v}" for k, v in build.env)
    return [line, *gaps, *_built_first(target, build)]


def _built_first(target: Target, build: BuildNeeds) -> list[str]:
    """The build requirements pip's isolated build compiles first, one line each, with the
    packages of this target's plan (a verdict's line may stand for several targets)."""
    musl = target.libc is Libc.MUSL
    out = []
    for child in build.build_requires:
        if child.verdict is not Status.SOURCE_BUILD or child.build is None:
            continue
        tool, pkgs = ("apk", child.build.apk) if musl else ("apt", child.build.apt)
        out.append(f"{target.name} builds first: {child.name} {child.version or ''} from "
                   f"source; {tool} {' '.join(pkgs) or '(nothing)'} "
                   f"(basis {child.build.basis or 'unknown'})")
    return out


def _alternatives(report: Report, pkg: PackageResult) -> list[str]:
    """One line per alternative, naming its targets when not every target offers it."""
    offered: dict[str, list[str]] = {}
    for target in report.targets:
        for alt in verdict_of(pkg, target.name).alternatives:
            line = f"{alt.name} {alt.version or ''}".rstrip() + f" ({alt.kind}): {alt.note}"
            offered.setdefault(line, []).append(target.name)
    return [f"alternative{'' if len(where) == len(report.targets) else ' on ' + ', '.join(where)}"
            f": {line}" for line, where in offered.items()]


def _details(report: Report, pkg: PackageResult, view: View) -> list[str]:
    out = ["  " + view.paint(f"{pkg.name} {pkg.version or ''}".rstrip(), "bold")]
    for targets, verdict in _group(report, pkg):
        names = ", ".join(t.name for t in targets)
        text = LABELS[verdict.status]
        if verdict.version and verdict.version != pkg.version:
            text += f" {verdict.version}"
        if verdict.file:
            text += f" from {verdict.file}" if verdict.status is Status.SOURCE_BUILD else (
                f" {verdict.file}")
        if verdict.reason:
            text += f": {verdict.reason}"
        out.append(f"    {names}: " + view.paint(text, STATUS_STYLE[verdict.status]))
        if verdict.available_platforms:
            out.append("      wheels exist for " + short_list(verdict.available_platforms, 6))
        for target in targets:
            out += [f"    {line}" for line in _needs(target, verdict_of(pkg, target.name))]
        if view.verbose and verdict.status in (*WHEELS, Status.SOURCE_BUILD):
            native = {True: "yes", False: "no", None: "unknown"}[verdict.native]
            out.append(f"      native code: {native}")
            out += [f"      evidence: {e}" for e in verdict.evidence]
            if verdict.build and verdict.build.source:
                out.append(f"      build needs from {verdict.build.source}")
            if verdict.build and verdict.build.build_requires_note:
                out.append(f"      {verdict.build.build_requires_note}")
    if musl_gap(report, pkg):
        out.append("    musl only: installs from a wheel on glibc, not on Alpine")
    out += [f"    {line}" for line in _alternatives(report, pkg)]
    out += [f"    note: {note}" for note in pkg.notes]
    return out


def _commands(report: Report, view: View) -> list[str]:
    c = report.commands
    if c is None:
        return []
    rows = [(label, cmd) for label, cmd in (
        ("apk build", c.apk_build), ("apk runtime", c.apk_runtime),
        ("apt build", c.apt_build), ("apt runtime", c.apt_runtime),
        ("build env", " ".join(f"{k}={v}" for k, v in c.env))) if cmd]
    if not rows:
        return []
    width = max(len(label) for label, _ in rows)
    return ["", view.paint("System packages for the source builds", "bold"),
            *[f"  {label.ljust(width)}  {cmd}" for label, cmd in rows]]


def _num(x: float) -> str:
    return f"{x:g}"


def _size(size: float | None, span: tuple[float, float] | None, available: bool) -> str:
    if not available:
        return "not possible"
    if size is None:
        return "unknown"
    text = f"~{_num(size)} MB"
    return text + (f" ({_num(span[0])}-{_num(span[1])})" if span else "")


def _estimate(report: Report, view: View) -> list[str]:
    est = report.estimate
    if est is None or not est.variants:
        return []
    rows: list[list[Cell]] = [[("variant", None), ("image", None), ("size", None),
                               ("source builds", None), ("build time", None)]]
    for v in est.variants:
        low, high = v.build_minutes_range
        minutes = "none" if high == 0 else f"{_num(low)}-{_num(high)} min"
        if v.heavy_builds:
            minutes += f" (heavy: {', '.join(v.heavy_builds)})"
        rows.append([(v.name, None), (v.image, None),
                     (_size(v.size_mb, v.size_mb_range, v.available),
                      None if v.available else "red"),
                     (str(v.source_builds), "yellow" if v.source_builds else None),
                     (minutes, None)])
    out = ["", view.paint("Estimate", "bold"), *_table(rows, view)]
    if view.verbose:
        for v in est.variants:
            out += [f"    {v.name}: {basis}" for basis in v.basis]
        out += [f"    note: {note}" for note in est.notes]
    return out


def _current(report: Report, view: View) -> list[str]:
    if report.current is None:
        return []
    from wheelfit.formats.currentsection import text_lines

    return text_lines(report.current, lambda text: view.paint(text, "bold"))


def _recommendation(report: Report, view: View) -> list[str]:
    rec = report.recommendation
    if rec is None:
        withheld = no_recommendation(report)
        return ["", view.paint(withheld[0].upper() + withheld[1:], "yellow")] if withheld else []
    return ["", view.paint("Recommendation: ", "bold") + view.paint(rec.variant, "cyan")
            + f" (confidence: {rec.confidence})", f"  {rec.sentence}",
            *[f"  - {r}" for r in rec.reasons], *[f"  musl: {m}" for m in rec.musl_notes]]


def _bytes(n: int) -> str:
    if n < 1000:
        return f"{n} B"
    return f"{n / 1000:.1f} kB" if n < 1_000_000 else f"{n / 1_000_000:.1f} MB"


def _footer(report: Report, view: View) -> list[str]:
    out: list[str] = []
    for problem in report.problems:
        where = f" [{problem.target}]" if problem.target else ""
        out.append(view.paint(f"{problem.kind}{where}: ", "red" if problem.kind == "conflict"
                              else "yellow") + problem.message)
    if any(p.unresolved for p in report.packages):
        out.append("* unresolved: resolution failed; the verdict is for the pin as written")
    if not view.quiet:
        out += [f"skipped {s.origin}: {s.text} ({s.reason})" for s in report.skipped]
        out += [f"note: {line}" for line in collapse_notes(
            [(p.name, n) for p in report.packages if not needs_attention(p) for n in p.notes])]
    return ["", *out] if out else []


def _summary(report: Report, view: View) -> list[str]:
    out = ["", view.paint("Summary: ", "bold") + headline(report)]
    missing = incompleteness(report)
    if missing:
        out.append(view.paint("Incomplete: ", "yellow") + "; ".join(missing) + ".")
    if view.verbose:
        table = counts(report)
        for t in report.targets:
            c = table[t.name]
            parts = [f"{LABELS[Status(s)]} {n}" for s, n in c.items() if n]
            out.append(f"  {t.name}: " + (", ".join(parts) or "no packages"))
        s = report.stats
        out.append(f"Index: {', '.join(report.index_urls) or '(none)'}: "
                   f"{plural(s.requests, 'request')}, {s.from_cache} from cache, "
                   f"{_bytes(s.bytes_downloaded)} downloaded")
    return out


def _rest_line(report: Report, n: int, *, more: bool) -> str:
    """`And 37 more packages install from wheels on both` (or `All 3 packages …`)."""
    verb = "installs" if n == 1 else "install"
    what = f"And {plural(n, 'more package')}" if more else f"All {plural(n, 'package')}"
    if not more and n == 1:
        what = "The only package"
    return f"{what} {verb} from wheels on {targets_phrase(report)}"


def render(report: Report, *, options: RenderOptions | None = None) -> str:
    """The report for a terminal (ANSI colour with `color`) or a log (plain)."""
    view = View.from_options(options)
    report = scrubbed(report)
    out = [] if view.quiet else _header(report, view)
    needy = attention(report)
    if needy:
        out += ["", view.paint(f"Needs attention ({plural(len(needy), 'package')})", "bold")]
        out += _table(_package_rows(report, needy), view)
        if not view.quiet:
            for pkg in needy:
                out += ["", *_details(report, pkg, view)]
    if not view.quiet:
        out += _commands(report, view) + _current(report, view) + _estimate(report, view)
        out += _recommendation(report, view)
    out += _footer(report, view)
    rest = [p for p in report.packages if not needs_attention(p)]
    if view.all and not view.quiet:
        out += ["", view.paint(f"All packages ({len(report.packages)})", "bold")]
        out += _table(_package_rows(report, report.packages), view) if report.packages else [
            "  (none)"]
    elif rest and not view.quiet:
        out += ["", _rest_line(report, len(rest), more=bool(needy)) + " (--all lists them)."]
    out += _summary(report, view)
    while out and out[0] == "":
        out.pop(0)
    return "\n".join(out) + "\n"
