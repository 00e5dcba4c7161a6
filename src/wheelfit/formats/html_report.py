"""The body of one report in the HTML format: the answer first (recommendation, counts, size
chart), then every package with filters, the source builds with their plans, problems and the
estimate's basis. Pure; every value from the report goes through `esc`.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from wheelfit.formats.html_chart import DASH, bars, mb, size_chart
from wheelfit.formats.summary import (
    ATTENTION,
    LABELS,
    WHEELS,
    attention,
    counts,
    headline,
    image_gaps,
    incompleteness,
    plan_gaps,
    plural,
    verdict_of,
)
from wheelfit.model import BuildNeeds, Libc, PackageResult, Report, Status, Verdict

MISSING = (Status.UNAVAILABLE, Status.NOT_FOUND)
_BADGE = {
    Status.BINARY_WHEEL: ("ok", "✓"), Status.PURE_WHEEL: ("ok", "✓"),
    Status.SOURCE_BUILD: ("warn", "▲"), Status.UNAVAILABLE: ("bad", "✗"),
    Status.NOT_FOUND: ("bad", "✗"), Status.UNKNOWN: ("warn", "?"),
    Status.NOT_REQUIRED: ("muted", DASH),
}
VIEWS = (("attention", "needs attention"), ("build", "source builds"),
         ("missing", "cannot install"), ("all", "all packages"))


def esc(value: object) -> str:
    """Any value as HTML text (quotes escaped too, so it is safe in attributes)."""
    return escape(str(value), quote=True)


def badge(verdict: Verdict, version: str | None) -> str:
    """A status pill: a symbol and a word, so colour is not the only signal."""
    cls, symbol = _BADGE[verdict.status]
    text = f"{symbol} {LABELS[verdict.status]}"
    if verdict.untrusted:
        cls, text = "warn", text + " (plain linux_)"
    if verdict.version and version and verdict.version != version:
        text += f" {verdict.version}"
    return f'<span class="b {cls}">{esc(text)}</span>'


def header(report: Report, level: int, anchor: str) -> str:
    """The title line and where the report comes from."""
    images = ", ".join(t.image for t in report.targets) or "no targets"
    tag = f"h{level}"
    return (f'<{tag} id="{anchor}">wheelfit report: {esc(report.input)}</{tag}>\n'
            f'<p class="sub">{esc(report.input_format)} · {esc(images)} · Python from '
            f"{esc(report.python_source)}</p>"
            + "".join(f'\n<p class="sub"><strong>No official image</strong> ({esc(name)}): '
                      f"{esc(gap)}</p>" for name, gap in image_gaps(report)))


def _verdict_card(report: Report) -> list[str]:
    rec = report.recommendation
    if rec is None:
        out = ['<p class="verdict none">No recommendation</p>']
    else:
        out = [f'<p class="verdict">Use {esc(rec.variant)} '
               f'<span class="note">(confidence: {esc(rec.confidence)})</span></p>',
               f"<p>{esc(rec.sentence)}</p>"]
        items = [*rec.reasons, *(f"musl: {m}" for m in rec.musl_notes)]
        if items:
            out.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>")
    out.append(f'<p class="note">{esc(plural(len(report.packages), "package"))}: '
               f"{esc(headline(report))}</p>")
    out += [f'<p class="note">Incomplete: {esc(r)}</p>' for r in incompleteness(report)]
    return out


def _glance(report: Report, p: str) -> list[str]:
    if not report.targets:
        return []
    table = counts(report)
    out = [f'<table id="{p}-glance"><caption>At a glance, per target</caption><thead><tr>'
           '<th scope="col">target</th><th scope="col" class="num">from wheels</th>'
           '<th scope="col" class="num">source builds</th>'
           '<th scope="col" class="num">cannot install</th>'
           '<th scope="col" class="num">unknown</th></tr></thead><tbody>']
    for t in report.targets:
        c = table[t.name]
        wheels = sum(c[s.value] for s in WHEELS)
        missing = sum(c[s.value] for s in MISSING)
        out.append(f'<tr><th scope="row">{esc(t.name)}</th><td class="num">{wheels}</td>'
                   f'<td class="num">{c[Status.SOURCE_BUILD.value]}</td>'
                   f'<td class="num">{missing}</td>'
                   f'<td class="num">{c[Status.UNKNOWN.value]}</td></tr>')
    return [*out, "</tbody></table>"]


def answer(report: Report, p: str) -> str:
    """The first screen: recommendation and counts beside the image-size chart."""
    left = ['<div class="card verdict-card">', *_verdict_card(report), "</div>"]
    rec = report.recommendation.variant if report.recommendation else None
    chart = size_chart(bars(report.estimate, rec), f"{p}-chart",
                       f"Estimated image size per variant for {report.input}")
    right = ['<div class="card">']
    if chart:
        note = " ".join(report.estimate.notes) if report.estimate else ""
        right += ["<figure><figcaption>Image size per variant</figcaption>", chart,
                  f'<p class="note">{esc(note)}</p>' if note else "", "</figure>"]
    else:
        right.append('<p class="note">No size estimate in this report.</p>')
    right += [*_glance(report, p), "</div>"]
    return "\n".join(['<section class="answer" aria-label="Answer">', *left, *right,
                      "</section>"])


def _marks(report: Report, pkg: PackageResult) -> dict[str, str]:
    keys: dict[str, list[str]] = {"attention": [], "build": [], "missing": []}
    for i, t in enumerate(report.targets):
        v = verdict_of(pkg, t.name)
        if v.status in ATTENTION or v.untrusted:
            keys["attention"].append(f"t{i}")
        if v.status is Status.SOURCE_BUILD:
            keys["build"].append(f"t{i}")
        if v.status in MISSING:
            keys["missing"].append(f"t{i}")
    return {k: " ".join(v) for k, v in keys.items()}


def _note(pkg: PackageResult) -> str:
    parts: list[str] = []
    if pkg.unresolved:
        parts.append("unresolved: the verdict is for the pin as written")
    for v in pkg.verdicts.values():
        if v.reason and v.reason not in parts:
            parts.append(v.reason)
        for alt in v.alternatives:
            text = f"try {alt.name} {alt.version or ''}".rstrip() + f": {alt.note}"
            if text not in parts:
                parts.append(text)
    parts += [n for n in pkg.notes if n not in parts]
    if pkg.dependencies_unknown:
        parts.append("dependencies unknown")
    return "; ".join(parts)


def _filters(report: Report, p: str, default: str) -> str:
    radios = "".join(
        f'<label><input type="radio" name="view" value="{key}"'
        f'{" checked" if key == default else ""}> {label}</label>' for key, label in VIEWS)
    out = [f'<form class="filters" data-table="{p}-pkgs" aria-controls="{p}-pkgs">',
           f"<fieldset><legend>Show</legend>{radios}</fieldset>"]
    if len(report.targets) > 1:
        options = "".join(f'<option value="t{i}">{esc(t.name)}</option>'
                          for i, t in enumerate(report.targets))
        out.append('<label>on target <select name="target"><option value="any">any target'
                   f"</option>{options}</select></label>")
    out.append(f'<output aria-live="polite">{len(report.packages)} packages</output></form>')
    return "".join(out)


def packages_table(report: Report, p: str) -> str:
    """Every package with its verdict per target, filterable by what needs attention."""
    if not report.packages:
        return '<h2>Packages</h2><p>The input lists no packages to check.</p>'
    default = "attention" if attention(report) else "all"
    head = "".join(f'<th scope="col">{esc(t.name)}</th>' for t in report.targets)
    out = [f'<h2 id="{p}-packages">Packages</h2>', _filters(report, p, default),
           f'<table id="{p}-pkgs"><caption>Verdict per package and target</caption>'
           f'<thead><tr><th scope="col">package</th><th scope="col">version</th>{head}'
           '<th scope="col">notes</th></tr></thead><tbody>']
    for pkg in report.packages:
        marks = _marks(report, pkg)
        attrs = "".join(f' data-{k}="{v}"' for k, v in marks.items())
        cells = "".join(f"<td>{badge(verdict_of(pkg, t.name), pkg.version)}</td>"
                        for t in report.targets)
        name = esc(pkg.name) + ("" if pkg.direct else ' <span class="note">(dependency)</span>')
        out.append(f'<tr{attrs}><th scope="row">{name}</th><td>{esc(pkg.version or "-")}</td>'
                   f'{cells}<td>{esc(_note(pkg))}</td></tr>')
    return "\n".join([*out, "</tbody></table>"])


def _package_lines(build: BuildNeeds, musl: bool) -> list[str]:
    """The apk lines of a musl target's plan, the apt lines of a glibc target's."""
    lines = []
    if musl and build.apk:
        lines.append("apk add --no-cache --virtual .build-deps " + " ".join(build.apk))
    if musl and build.apk_runtime:
        lines.append("apk add --no-cache " + " ".join(build.apk_runtime) + "  # final image")
    if not musl and build.apt:
        lines.append("apt-get install -y --no-install-recommends " + " ".join(build.apt))
    if not musl and build.apt_runtime:
        lines.append("apt-get install -y --no-install-recommends "
                     + " ".join(build.apt_runtime) + "  # final image")
    return lines


def _plan_lines(report: Report, pkg: PackageResult, where: Sequence[str]) -> list[str]:
    """Each target's own package lines (apk before apt), then the build environment."""
    needs = [(t.libc is Libc.MUSL, b) for t in report.targets if t.name in where
             if (b := verdict_of(pkg, t.name).build) is not None]
    lines = [line for musl in (True, False) for m, b in needs if m is musl
             for line in _package_lines(b, musl)]
    lines += [f"ENV {k}={v}" for _, b in needs for k, v in b.env]
    return list(dict.fromkeys(lines))


def _build_item(report: Report, pkg: PackageResult) -> list[str]:
    where = [t.name for t in report.targets
             if verdict_of(pkg, t.name).status is Status.SOURCE_BUILD]
    plans = _plan_lines(report, pkg, where)
    out = [f"<h3>{esc(pkg.name)} {esc(pkg.version or '')} "
           f'<span class="note">builds from source on {esc(", ".join(where))}</span></h3>']
    if plans:
        out.append("<pre><code>" + esc("\n".join(plans)) + "</code></pre>")
    else:
        out.append('<p class="note">No known system packages: the build may need none, or '
                   "the mapping does not know this project.</p>")
    out += [f'<p class="note">{esc(name)} not in the plan: {esc(gap)}</p>'
            for name in where for gap in plan_gaps(verdict_of(pkg, name))]
    alts = {a for t in where for a in verdict_of(pkg, t).alternatives}
    if alts:
        out.append("<ul>" + "".join(
            f"<li>instead: {esc(a.name)} {esc(a.version or '')} ({esc(a.kind)}): "
            f"{esc(a.note)}</li>" for a in sorted(alts, key=lambda a: (a.kind, a.name)))
            + "</ul>")
    return out


def builds(report: Report, p: str) -> str:
    """Source builds: per package its plan (apk/apt lines), then the report's commands."""
    needy = [pkg for pkg in report.packages
             if any(v.status is Status.SOURCE_BUILD for v in pkg.verdicts.values())]
    if not needy:
        return ""
    out = [f'<h2 id="{p}-builds">Source builds and their plans</h2>']
    for pkg in needy:
        out += _build_item(report, pkg)
    c = report.commands
    if c is not None:
        commands = [(label, cmd) for label, cmd in (
            ("Alpine, build stage", c.apk_build), ("Alpine, final image", c.apk_runtime),
            ("Slim, build stage", c.apt_build), ("Slim, final image", c.apt_runtime)) if cmd]
        if commands:
            out.append("<h3>All system packages, per image</h3>")
        for label, cmd in commands:
            out.append(f'<p>{esc(label)}:</p><pre><code>{esc(cmd)}</code></pre>')
        if c.env:
            env = "\n".join(f"ENV {k}={v}" for k, v in c.env)
            out.append(f"<p>Build environment:</p><pre><code>{esc(env)}</code></pre>")
    return "\n".join(out)


def problems(report: Report, p: str) -> str:
    """Problems, skipped input lines, and why the report is incomplete."""
    items = [f"<li><strong>{esc(x.kind)}</strong>"
             + (f" ({esc(x.target)})" if x.target else "") + f": {esc(x.message)}</li>"
             for x in report.problems]
    items += [f"<li>skipped {esc(s.origin)}: <code>{esc(s.text)}</code> ({esc(s.reason)})</li>"
              for s in report.skipped]
    items += [f"<li><strong>incomplete</strong>: {esc(r)}</li>" for r in incompleteness(report)]
    if not items:
        return ""
    return f'<h2 id="{p}-problems">Problems</h2><ul>' + "".join(items) + "</ul>"


def estimate_details(report: Report) -> str:
    """The estimate as a table with its basis, folded."""
    est = report.estimate
    if est is None or not est.variants:
        return ""
    rows = []
    for v in est.variants:
        size = ("not possible" if not v.available else "unknown" if v.size_mb is None
                else f"~{mb(v.size_mb)}")
        low, high = v.build_minutes_range
        minutes = "none" if high == 0 else f"{low:g}{DASH}{high:g} min"
        rows.append(f'<tr><th scope="row">{esc(v.name)}</th><td>{esc(v.image)}</td>'
                    f'<td>{esc(size)}</td><td class="num">{v.source_builds}</td>'
                    f"<td>{esc(minutes)}</td><td>{esc('; '.join(v.basis))}</td></tr>")
    return ("<details><summary>How the sizes were estimated</summary><table><caption>"
            "Estimate per variant</caption><thead><tr><th scope=\"col\">variant</th>"
            '<th scope="col">image</th><th scope="col">size</th>'
            '<th scope="col" class="num">source builds</th><th scope="col">build time</th>'
            '<th scope="col">basis</th></tr></thead><tbody>' + "".join(rows)
            + "</tbody></table></details>")


def report_body(report: Report, p: str, level: int) -> str:
    """One report's sections; `p` prefixes every id, `level` is the title's heading level."""
    parts: Sequence[str] = (answer(report, p), packages_table(report, p), builds(report, p),
                            problems(report, p), estimate_details(report))
    body = "\n".join(part for part in parts if part)
    for depth in (3, 2):  # the sections' headings sit one level below the title
        shifted = depth + level - 1
        body = body.replace(f"<h{depth}", f"<h{shifted}").replace(f"</h{depth}>",
                                                                  f"</h{shifted}>")
    return header(report, level, p) + "\n" + body
