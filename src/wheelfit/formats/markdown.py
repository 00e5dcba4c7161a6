"""GitHub-flavoured markdown for a pull-request comment (format `markdown`).

Layout: a one-sentence verdict on the first line; the recommendation; a table of only the
packages that matter (source builds, unavailable, not found, unknown, musl-only gaps, with
alternatives); the apk/apt commands in fenced code blocks; the estimate table; problems and
skipped lines; every package inside a collapsible `<details>`; and last the hidden marker
`<!-- wheelfit -->` by which a bot finds the comment to update it in place.

Pure and deterministic. Every piece of package data is escaped (pipes, emphasis, HTML,
`@` mentions), each text is capped, and the whole comment never exceeds `MAX_CHARS` (GitHub's
limit): the details table is trimmed first, then the other lists, each with a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from wheelfit.formats.options import RenderOptions
from wheelfit.formats.summary import (
    WHEELS,
    attention,
    headline,
    image_gaps,
    incompleteness,
    musl_gap,
    no_recommendation,
    plan_gaps,
    plural,
    scrubbed,
    short_list,
    verdict_of,
)
from wheelfit.model import Commands, PackageResult, Report, Status, Variant, Verdict

MARKER = "<!-- wheelfit -->"
MAX_CHARS = 65_536
TEXT_CAP = 300
COMMAND_CAP = 4_000
ICONS = {
    Status.BINARY_WHEEL: "✅ binary wheel", Status.PURE_WHEEL: "✅ pure wheel",
    Status.SOURCE_BUILD: "🛠️ source build", Status.UNAVAILABLE: "❌ unavailable",
    Status.NOT_FOUND: "❌ not found", Status.UNKNOWN: "❔ unknown",
    Status.NOT_REQUIRED: "\N{HEAVY MINUS SIGN} not needed",
}
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$&#!])")
_TRIM_NOTE = ("a GitHub comment holds at most 65,536 characters; `wheelfit check --format "
              "json` lists everything")


def escape(text: str, cap: int = TEXT_CAP) -> str:
    """Package data → inline markdown that renders as the literal text, table-cell safe."""
    if len(text) > cap:
        text = text[: cap - 1] + "…"
    return _SPECIAL.sub(r"\\\1", text).replace("@", "@&#8203;")


def code_block(code: str, info: str = "sh") -> list[str]:
    """A fenced code block whose fence is longer than any backtick run inside."""
    if len(code) > COMMAND_CAP:
        code = code[: COMMAND_CAP - 1] + "…"
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{info}", code, fence]


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A GFM pipe table; cells must already be escaped."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return out


def _status(verdict: Verdict, version: str | None) -> str:
    text = ICONS[verdict.status]
    if verdict.untrusted:
        text = "⚠️ binary wheel (linux\\_ tag)"
    if verdict.version and version and verdict.version != version:
        text += f" {escape(verdict.version)}"
    return text


def _notes(report: Report, pkg: PackageResult) -> str:
    by_text: dict[str, list[str]] = {}
    for target in report.targets:
        v = verdict_of(pkg, target.name)
        if (v.status in WHEELS and not v.untrusted) or v.status is Status.NOT_REQUIRED:
            continue
        what = v.reason or (f"builds {v.file}" if v.file and v.status is Status.SOURCE_BUILD
                            else "")
        if v.available_platforms:
            what += ("; " if what else "") + "wheels only for " + short_list(
                v.available_platforms, 4)
        if what:
            by_text.setdefault(escape(what), []).append(target.name)
    notes = [f"{', '.join(names)}: {text}" for text, names in by_text.items()]
    if musl_gap(report, pkg):
        notes.append("**musl-only gap**: wheels for glibc, none for Alpine")
    notes += [text for text in _alternatives(report, pkg) if text not in notes]
    notes += [escape(n) for n in pkg.notes]
    return "<br>".join(notes)


def _alternatives(report: Report, pkg: PackageResult) -> list[str]:
    """One line per alternative, with the targets it is for unless it is for every one
    ("on alpine: try **psycopg2-binary** …"), so two targets' lines never read as duplicates."""
    offered: dict[str, list[str]] = {}
    for target in report.targets:
        for alt in verdict_of(pkg, target.name).alternatives:
            text = f"try **{escape(alt.name)}** {escape(alt.version or '')}".rstrip()
            offered.setdefault(text + f" ({escape(alt.kind)}): {escape(alt.note)}",
                               []).append(target.name)
    return [text if len(where) == len(report.targets) else f"on {', '.join(where)}: {text}"
            for text, where in offered.items()]


def _package_row(report: Report, pkg: PackageResult, notes: bool) -> list[str]:
    name = escape(pkg.name) + (" \\*" if pkg.unresolved else "")
    row = [name, escape(pkg.version or "-"),
           *[_status(verdict_of(pkg, t.name), pkg.version) for t in report.targets]]
    return [*row, _notes(report, pkg)] if notes else row


def _trimmed(lines: list[str], shown: int, total: int, what: str) -> list[str]:
    if shown >= total:
        return lines
    return [*lines, "", f"_… {plural(total - shown, what)} more in the report, not shown "
                        f"here: {_TRIM_NOTE}._"]


@dataclass(frozen=True)
class _Limits:
    lists: int
    details: int


def _verdict_line(report: Report) -> str:
    where, summary = escape(report.input), escape(headline(report), cap=2_000)
    if report.recommendation is not None:
        return (f"**wheelfit** recommends **{escape(report.recommendation.variant)}** for "
                f"{where}: {summary}")
    return (f"**wheelfit** checked {where} "
            f"({plural(len(report.packages), 'package')}): {summary}")


def _recommendation(report: Report, limit: int) -> list[str]:
    rec = report.recommendation
    if rec is None:
        withheld = no_recommendation(report)
        return ["", f"**No recommendation**: {escape(withheld.split(': ', 1)[1])}."] \
            if withheld else []
    out = ["", f"**Recommendation: {escape(rec.variant)}** (confidence: "
               f"{escape(rec.confidence)}). {escape(rec.sentence)}"]
    items = [escape(r) for r in rec.reasons] + [f"musl: {escape(m)}" for m in rec.musl_notes]
    if items[:limit]:
        out += ["", *[f"- {item}" for item in items[:limit]]]
    return _trimmed(out, min(limit, len(items)), len(items), "reason")


def _attention(report: Report, limit: int) -> list[str]:
    needy = attention(report)
    if not needy:
        return []
    header = ["Package", "Version", *[t.name for t in report.targets], "Notes"]
    rows = [_package_row(report, p, notes=True) for p in needy[:limit]]
    out = ["", "### Needs attention", "", *table(header, rows)]
    return _trimmed(out, min(limit, len(needy)), len(needy), "package")


def _gaps(report: Report, variant: Variant) -> list[str]:
    """One item per need a build plan names no package for, on this kind of image (unless
    the verdict's reason, in the attention table, says it already)."""
    return [f"- **{escape(pkg.name)}** on {escape(t.name)}, not in the plan: {escape(gap)}"
            for pkg in report.packages for t in report.targets if t.variant is variant
            for gap in plan_gaps(verdict_of(pkg, t.name))]


def _commands(report: Report, limit: int) -> list[str]:
    c = report.commands or Commands()
    out: list[str] = []
    for label, cmd, variant in (("Alpine, build stage", c.apk_build, Variant.ALPINE),
                                ("Alpine, final image", c.apk_runtime, None),
                                ("Slim, build stage", c.apt_build, Variant.SLIM),
                                ("Slim, final image", c.apt_runtime, None)):
        if cmd:
            out += ["", f"{label}:", "", *code_block(cmd)]
        gaps = _gaps(report, variant) if variant else []
        if gaps:
            out += _trimmed(["", *gaps[:limit]], min(limit, len(gaps)), len(gaps), "line")
    if c.env:
        env = "\n".join(f"ENV {k}={v}" for k, v in c.env)
        out += ["", "Build environment:", "", *code_block(env, "dockerfile")]
    return ["", "### System packages for the source builds", *out] if out else []


def _num(x: float) -> str:
    return f"{x:g}"


def _estimate(report: Report, limit: int) -> list[str]:
    est = report.estimate
    if est is None or not est.variants:
        return []
    rows = []
    for v in est.variants[:limit]:
        if not v.available:
            size = "not possible"
        elif v.size_mb is None:
            size = "unknown"
        else:
            size = f"~{_num(v.size_mb)} MB" + (
                f" ({_num(v.size_mb_range[0])}-{_num(v.size_mb_range[1])})"
                if v.size_mb_range else "")
        low, high = v.build_minutes_range
        minutes = "none" if high == 0 else f"{_num(low)}-{_num(high)} min"
        if v.heavy_builds:
            minutes += " (heavy: " + escape(", ".join(v.heavy_builds)) + ")"
        rows.append([escape(v.name), escape(v.image), size, str(v.source_builds), minutes])
    out = ["", "### Estimate", "",
           *table(["Variant", "Image", "Size", "Source builds", "Build time"], rows)]
    out = _trimmed(out, min(limit, len(est.variants)), len(est.variants), "variant")
    notes = [escape(n) for n in est.notes[:limit]]
    return out + (["", "_" + " ".join(notes) + "_"] if notes else [])


def _problems(report: Report, limit: int) -> list[str]:
    items = []
    for p in report.problems:
        where = f" ({escape(p.target)})" if p.target else ""
        items.append(f"- **{escape(p.kind)}**{where}: {escape(p.message)}")
    for s in report.skipped:
        items.append(f"- skipped {escape(s.origin)}: {escape(s.text)} ({escape(s.reason)})")
    if any(p.unresolved for p in report.packages):
        items.append("- \\* unresolved: resolution failed; the verdict is for the pin as written")
    items += [f"- **incomplete**: {escape(reason)}" for reason in incompleteness(report)]
    if not items:
        return []
    out = ["", "### Problems", "", *items[:limit]]
    return _trimmed(out, min(limit, len(items)), len(items), "item")


def _details(report: Report, limit: int) -> list[str]:
    if not report.packages:
        return []
    if limit <= 0:
        return ["", f"_The list of all {plural(len(report.packages), 'package')} is not shown: "
                    f"{_TRIM_NOTE}._"]
    header = ["Package", "Version", *[t.name for t in report.targets]]
    rows = [_package_row(report, p, notes=False) for p in report.packages[:limit]]
    out = ["", "<details>", f"<summary>All packages ({len(report.packages)})</summary>",
           "", *table(header, rows)]
    shown = min(limit, len(report.packages))
    return [*_trimmed(out, shown, len(report.packages), "package"), "", "</details>"]


def _compose(report: Report, limits: _Limits) -> str:
    out = [_verdict_line(report)]
    out += [f"\n> **No official image** ({escape(name)}): {escape(gap)}"
            for name, gap in image_gaps(report)]
    if report.dockerfile is not None:
        from wheelfit.formats.dockersection import markdown_lines

        out += markdown_lines(report.dockerfile, escape)
    out += _recommendation(report, limits.lists)
    out += _attention(report, limits.lists)
    out += _commands(report, limits.lists)
    if report.current is not None:
        from wheelfit.formats.currentsection import markdown_lines as current_lines

        out += current_lines(report.current, escape)
    out += _estimate(report, limits.lists)
    out += _problems(report, limits.lists)
    out += _details(report, limits.details)
    out += ["", MARKER]
    return "\n".join(out) + "\n"


def length(text: str) -> int:
    """Length as GitHub may count it: UTF-16 code units (≥ code points, so conservative)."""
    return len(text.encode("utf-16-le")) // 2


def _largest(fits: Callable[[int], bool], high: int) -> int:
    """The largest n in [0, high] with fits(n) true, given fits is monotone and fits(0)."""
    low = 0
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if fits(mid) else (low, mid - 1)
    return low


def service_body(report: Report, max_chars: int) -> str:
    """One report's comment without the marker, at most `max_chars` long when the head fits
    (a fleet comment holds several of them and one marker)."""
    tail = "\n" + MARKER + "\n"
    text = render(report, options=RenderOptions(max_chars=max_chars + len(tail)))
    return text.removesuffix(tail)


def render(report: Report, *, options: RenderOptions | None = None) -> str:
    """The pull-request comment, at most `options.max_chars` (default `MAX_CHARS`) UTF-16
    code units long; with a budget too small for the head, the head as short as it goes."""
    report = scrubbed(report)
    budget = MAX_CHARS if options is None or options.max_chars is None else options.max_chars
    most = max(len(report.packages),
               len(report.problems) + len(report.skipped) + 1 + len(incompleteness(report)),
               len(report.estimate.variants) if report.estimate else 0,
               len(report.recommendation.reasons) + len(report.recommendation.musl_notes)
               if report.recommendation else 0,
               sum(len(plan_gaps(v)) for p in report.packages for v in p.verdicts.values()))
    text = _compose(report, _Limits(most, most))
    if length(text) <= budget:
        return text

    def details_fit(n: int) -> bool:
        return length(_compose(report, _Limits(most, n))) <= budget

    if details_fit(0):
        return _compose(report, _Limits(most, _largest(details_fit, len(report.packages))))

    def lists_fit(n: int) -> bool:
        return length(_compose(report, _Limits(n, 0))) <= budget

    return _compose(report, _Limits(_largest(lists_fit, most), 0))
