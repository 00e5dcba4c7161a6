"""Counts and selections shared by every format: verdicts per target and status, what needs
attention (and in which order), and small phrasing helpers. Pure functions of the report."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import fields, is_dataclass, replace
from enum import Enum
from typing import TypeVar, cast

from wheelfit.model import Libc, PackageResult, Report, Status, Verdict

ATTENTION = (Status.SOURCE_BUILD, Status.UNAVAILABLE, Status.NOT_FOUND, Status.UNKNOWN)
WHEELS = (Status.BINARY_WHEEL, Status.PURE_WHEEL)
LABELS = {
    Status.BINARY_WHEEL: "binary wheel",
    Status.PURE_WHEEL: "pure wheel",
    Status.SOURCE_BUILD: "source build",
    Status.UNAVAILABLE: "unavailable",
    Status.NOT_FOUND: "not found",
    Status.NOT_REQUIRED: "not needed",
    Status.UNKNOWN: "unknown",
}
# Lower is more urgent: what cannot be installed first, then builds, then doubtful wheels.
SEVERITY = {
    Status.NOT_FOUND: 0,
    Status.UNAVAILABLE: 0,
    Status.UNKNOWN: 1,
    Status.SOURCE_BUILD: 2,
    Status.BINARY_WHEEL: 4,
    Status.PURE_WHEEL: 4,
    Status.NOT_REQUIRED: 5,
}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Anything `clean_text` changes: the control characters, newline and tab.
_DIRTY = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_PLAIN = (int, bool, float, type(None))
T = TypeVar("T")


def clean_text(text: str) -> str:
    """Control and bidi characters (escapes, NUL, CR, RLO…) → `\\xNN`; newline, tab → space."""
    text = text.replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xFF
                        else f"\\x{ord(m.group()):02x}", text)


def scrubbed(value: T) -> T:
    """A copy of a report (or any part of it) with every string passed through `clean_text`,
    so index-supplied names cannot move the cursor or break a line."""
    return cast(T, _scrub(value))


_INIT_FIELDS: dict[type, tuple[str, ...]] = {}


def _scrub(value: object) -> object:
    """`value` scrubbed; a part with nothing to clean comes back as the same object, so a
    clean report is walked but not copied."""
    kind = type(value)
    if kind is str:  # most of a report: one scan tells a clean text
        text = cast(str, value)
        return text if _DIRTY.search(text) is None else clean_text(text)
    if kind in _PLAIN:
        return value
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return clean_text(value)
    if is_dataclass(value) and not isinstance(value, type):
        names = _INIT_FIELDS.get(type(value))
        if names is None:
            names = _INIT_FIELDS.setdefault(type(value),
                                            tuple(f.name for f in fields(value) if f.init))
        changed = {}
        for name in names:
            old = getattr(value, name)
            new = _scrub(old)
            if new is not old:
                changed[name] = new
        return replace(value, **changed) if changed else value
    if isinstance(value, Mapping):
        pairs = [(k, _scrub(k), v, _scrub(v)) for k, v in value.items()]
        if all(nk is k and nv is v for k, nk, v, nv in pairs):
            return value
        return {nk: nv for _, nk, _, nv in pairs}
    if isinstance(value, tuple):
        items = tuple(_scrub(v) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


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


def severity(pkg: PackageResult) -> int:
    """How urgent a package is (0 = cannot be installed somewhere; 3 = only a linux_ wheel)."""
    ranks = [3 if v.untrusted and v.status in WHEELS else SEVERITY[v.status]
             for v in pkg.verdicts.values()]
    return min(ranks, default=5)


def attention(report: Report) -> list[PackageResult]:
    """Packages that need attention, most urgent first, report order within a level."""
    return sorted((p for p in report.packages if needs_attention(p)), key=severity)


def musl_gap(report: Report, pkg: PackageResult) -> bool:
    """True when the package installs from a wheel on every glibc target but not on a musl one."""
    glibc = [pkg.verdicts.get(t.name) for t in report.targets if t.libc is Libc.GLIBC]
    musl = [pkg.verdicts.get(t.name) for t in report.targets if t.libc is Libc.MUSL]
    return (bool(glibc) and all(v is not None and v.status in WHEELS for v in glibc)
            and any(v is not None and v.status in ATTENTION for v in musl))


def verdict_of(pkg: PackageResult, target: str) -> Verdict:
    """The package's verdict on a target (`not needed` when the target has none)."""
    return pkg.verdicts.get(target) or Verdict(Status.NOT_REQUIRED)


def plan_gaps(verdict: Verdict, *, reason_shown: bool = True) -> tuple[str, ...]:
    """What the verdict's build plan names no system package for (`BuildNeeds.unknown`), each
    on one line; with `reason_shown`, less what the verdict's reason says already."""
    said = (verdict.reason or "") if reason_shown else ""
    unknown = verdict.build.unknown if verdict.build is not None else ()
    return tuple(" ".join(u.split()) for u in unknown if u not in said)


def image_gaps(report: Report) -> list[tuple[str, str]]:
    """(target name, sentence) for each target whose Python and release never had an
    official image: what every format says near its top."""
    from wheelfit.compat.targets import image_gap

    return [(t.name, gap[0].upper() + gap[1:]) for t in report.targets
            if (gap := image_gap(t)) is not None]


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 package`, `2 packages` (or the given plural)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def short_list(names: Sequence[str], limit: int = 5) -> str:
    """`a, b, c` or `a, b, c, d, e and 7 more`."""
    shown = ", ".join(names[:limit])
    rest = len(names) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def targets_phrase(report: Report) -> str:
    """`both`, `slim`, or `every target`: how to say "on all the targets"."""
    if len(report.targets) == 1:
        return report.targets[0].name
    return "both" if len(report.targets) == 2 else "every target"


def headline(report: Report) -> str:
    """One sentence: how each target fares."""
    if not report.packages:
        return "the input lists no packages to check."
    parts = []
    table = counts(report)
    conflicts = {p.target for p in report.problems if p.kind == "conflict"}
    for target in report.targets:
        c = table[target.name]
        pure = sum(1 for p in report.packages
                   if (v := p.verdicts.get(target.name)) and v.status is Status.SOURCE_BUILD
                   and v.native is False)
        builds = c[Status.SOURCE_BUILD.value] - pure
        missing = c[Status.UNAVAILABLE.value] + c[Status.NOT_FOUND.value]
        unknown = c[Status.UNKNOWN.value]
        linux = sum(1 for p in report.packages if verdict_of(p, target.name).untrusted)
        states = []
        if target.name in conflicts or None in conflicts:
            states.append("resolution impossible")
        if missing:
            states.append(f"{plural(missing, 'package')} cannot be installed")
        if builds:
            states.append(plural(builds, "source build"))
        if pure:
            states.append(f"{plural(pure, 'pure-Python sdist')} (no compiler)")
        if unknown:
            states.append(f"{unknown} unknown")
        if linux:
            states.append(f"{linux} with only a plain linux_ wheel")
        if not states:
            states.append("every package installs from a wheel")
        parts.append(f"{target.name}: {', '.join(states)}")
    return "; ".join(parts) + "." if parts else "no targets."


def dependencies_unknown(report: Report) -> list[PackageResult]:
    """The packages whose own dependencies could not be read."""
    return [p for p in report.packages if p.dependencies_unknown]


def incompleteness(report: Report) -> list[str]:
    """Why the report is not complete, one clause per cause (empty when it is complete):
    `dependencies of 24 packages are unknown (sdist-only, no static metadata)`."""
    out = []
    unknown = sorted({p.name for p in report.packages
                      if any(v.status is Status.UNKNOWN for v in p.verdicts.values())})
    if unknown:
        out.append(f"{plural(len(unknown), 'package')} unknown (the index failed: "
                   f"{short_list(unknown)})")
    faults = sum(1 for p in report.problems if p.kind == "index")
    if faults and not unknown:
        out.append(f"the index failed for {plural(faults, 'request')}")
    rest = [p for p in dependencies_unknown(report) if p.name not in unknown]
    sdist = [p.name for p in rest if _sdist_only(p)]
    other = [p.name for p in rest if not _sdist_only(p)]
    if sdist:
        out.append(f"dependencies of {plural(len(sdist), 'package')} are unknown (sdist-only, "
                   f"no static metadata: {short_list(sdist)})")
    if other:
        out.append(f"dependencies of {plural(len(other), 'package')} are unknown (no "
                   f"readable metadata: {short_list(other)})")
    return out


_COUNT = re.compile(r"\b\d+ ")


def note_kind(note: str) -> str:
    """What a note says, without its numbers and details: the part before its first ': '
    with counts dropped ("the index has 3 file(s) the lock does not list: a.whl" → "the
    index has file(s) the lock does not list")."""
    return _COUNT.sub("", note.split(": ", 1)[0]).strip()


def collapse_notes(notes: Sequence[tuple[str, str]], *, limit: int = 3) -> list[str]:
    """(package, note) pairs → lines: `package: note` for a kind seen once, else one line
    per kind with the count and the first names ("kind: 40 packages (a, b, c, …)")."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name, note in notes:
        groups.setdefault(note_kind(note), []).append((name, note))
    lines = []
    for kind, members in groups.items():
        if len(members) == 1:
            lines.append(f"{members[0][0]}: {members[0][1]}")
            continue
        names = list(dict.fromkeys(name for name, _ in members))
        shown = ", ".join(names[:limit]) + (", …" if len(names) > limit else "")
        lines.append(f"{kind}: {plural(len(names), 'package')} ({shown})")
    return lines


def unjudged(report: Report) -> list[str]:
    """Names of the packages with an unknown verdict on some target (the index failed)."""
    return [p.name for p in report.packages
            if any(v.status is Status.UNKNOWN for v in p.verdicts.values())]


def no_recommendation(report: Report) -> str | None:
    """Why the report recommends nothing although it checked packages, or None."""
    names = unjudged(report)
    if report.recommendation is not None or not names:
        return None
    return (f"no recommendation: {plural(len(names), 'package')} could not be judged "
            f"({short_list(names)})")


def _sdist_only(pkg: PackageResult) -> bool:
    return any(v.status is Status.SOURCE_BUILD for v in pkg.verdicts.values())
