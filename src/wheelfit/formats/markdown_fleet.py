"""The markdown comment of a fleet: a head (the services table and what they add up to),
then each service's own comment inside a `<details>`, and one marker — all within one
GitHub comment (`markdown.MAX_CHARS`).

When the whole does not fit, the room left after the head is shared out: services whose
comment is short keep it whole, the others get an equal share and are cut by
`markdown.render`'s own rules (rows cut at a row boundary, with how many more the report
holds). A service whose head alone does not fit its share is replaced by one line.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from wheelfit.formats.fleet import FleetSummary, service_rows
from wheelfit.formats.fleetsavings import rows as savings_rows
from wheelfit.formats.fleetsavings import total_line
from wheelfit.formats.markdown import MARKER, MAX_CHARS, escape, length, service_body, table
from wheelfit.formats.summary import headline, plural
from wheelfit.model import Report


def _head(reports: Sequence[Report], fleet: FleetSummary, shown: int) -> str:
    ready, blocked = len(fleet.alpine_ready), len(fleet.alpine_blocked)
    out = [f"**wheelfit** checked {plural(fleet.services, 'service')} "
           f"({fleet.distinct_packages} distinct packages): {ready} can move to alpine with no "
           f"source build; {blocked} need source builds or lack packages on alpine.", ""]
    header, *rows = service_rows(reports)
    out += table([h.capitalize() for h in header], [[escape(c) for c in r] for r in rows[:shown]])
    if shown < len(rows):
        out += ["", f"_… {plural(len(rows) - shown, 'service')} more in the report._"]
    if fleet.top_blockers:
        out += ["", "Packages that block the most services on alpine: " + escape(
            ", ".join(f"{n} ({c})" for n, c in fleet.top_blockers), cap=2_000)]
    out += [f"- note: {escape(n)}" for n in fleet.notes]
    if fleet.today_vs_recommended is not None:
        savings = fleet.today_vs_recommended
        header, *body = savings_rows(savings)
        out += ["", "Today vs recommended:", "",
                *table(header, [[escape(c) for c in r] for r in body[:shown]]), "",
                escape(total_line(savings))]
    return "\n".join(out)


def _fitted_head(reports: Sequence[Report], fleet: FleetSummary, room: int) -> str:
    """The head with as many rows of the services table as fit in `room`."""
    low, high = 0, len(reports)
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if length(_head(reports, fleet, mid)) <= room else (low, mid - 1)
    return _head(reports, fleet, low)


def _wrap(report: Report, body: str) -> str:
    summary = html.escape(f"{report.input}: {headline(report)}"[:300], quote=False)
    return "\n".join(["", "<details>", f"<summary>{summary}</summary>", "", body.rstrip("\n"),
                      "", "</details>"])


def _left_out(report: Report) -> str:
    return _wrap(report, f"_{escape(report.input)}: {plural(len(report.packages), 'package')} "
                         "checked; not shown here (the comment is full): the JSON or HTML "
                         "report has this service._")


def _shares(sizes: Sequence[int], room: int) -> list[int | None]:
    """Per service, None to keep its comment whole, else the share it must fit in."""
    order = sorted(range(len(sizes)), key=lambda i: sizes[i])
    shares: list[int | None] = [None] * len(sizes)
    for position, i in enumerate(order):
        share = room // (len(order) - position)
        if sizes[i] <= share:
            room -= sizes[i]
            continue
        for j in order[position:]:
            shares[j] = share
        break
    return shares


def render_fleet(reports: Sequence[Report], fleet: FleetSummary,
                 max_chars: int = MAX_CHARS) -> str:
    """The fleet's pull-request comment, at most `max_chars` UTF-16 code units long."""
    head = _fitted_head(reports, fleet, max_chars // 2)
    tail = "\n\n" + MARKER + "\n"
    full = [_wrap(r, service_body(r, max_chars)) for r in reports]
    room = max_chars - length(head) - length(tail)
    if sum(length(part) for part in full) <= room:
        return head + "".join(full) + tail
    overhead = [length(_wrap(r, "")) for r in reports]
    shares = _shares([length(part) for part in full], room)
    parts = []
    for report, part, share, extra in zip(reports, full, shares, overhead, strict=True):
        if share is not None:
            part = _wrap(report, service_body(report, max(share - extra, 0)))
            if length(part) > share:
                part = _left_out(report)
        parts.append(part)
    return head + "".join(_within(parts, max_chars - length(head) - length(tail))) + tail


def _within(parts: list[str], room: int) -> list[str]:
    """The parts, the last ones replaced by a count when even their stand-ins overflow
    (thousands of services)."""
    dropped = 0
    while parts:
        note = f"\n\n_… {plural(dropped, 'service')} more in the report._" if dropped else ""
        if length("".join(parts) + note) <= room:
            return [*parts, note]
        parts = parts[:-1]
        dropped += 1
    return [f"\n\n_… {plural(dropped, 'service')} more in the report._"]
