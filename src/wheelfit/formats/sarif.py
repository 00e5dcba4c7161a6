"""SARIF 2.1.0 for code scanning (format `sarif`).

One result per package that blocks an image the report checks: it builds from source there
(`wheelfit/source-build`), cannot be installed there (`wheelfit/unavailable`), or is not on
the index (`wheelfit/not-found`). The level is `error` when the package blocks the
recommended image (with no recommendation: when it blocks every target it is needed on), else
`warning`. Unknown verdicts (the index failed) are not results: they say nothing about the
package, and the report's exit code 6 already tells.

A result sits at the line that asks for the package: its own requirement, or for a
dependency the requirement that pulls it in. Where only the file is known (a lock without
line numbers) it sits at line 1 and its message says so. `partialFingerprints` hash the
rule, the package name and the file, so an alert survives version bumps and moved lines.
A fleet is one run with every service's results. Pure and deterministic.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from packaging.utils import canonicalize_name

from wheelfit import __version__
from wheelfit.formats.options import RenderOptions
from wheelfit.formats.summary import scrubbed
from wheelfit.model import PackageResult, Report, Status, Verdict

SCHEMA_URI = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
              "sarif-schema-2.1.0.json")
FINGERPRINT = "wheelfitPackage/v1"
_ORIGIN = re.compile(r"^(?P<path>.+):(?P<line>[0-9]+)$")


@dataclass(frozen=True)
class Rule:
    """A SARIF rule: one kind of blocking verdict."""

    id: str
    name: str
    short: str
    full: str
    help: str


RULES = {
    Status.NOT_FOUND: Rule(
        "wheelfit/not-found", "PackageNotFound",
        "The package is not on the index",
        "No project of this name is on the configured index, so no image can install it.",
        "Check the spelling in the dependency file, or point wheelfit (and pip) at the index "
        "that serves it with --index-url / --extra-index-url."),
    Status.UNAVAILABLE: Rule(
        "wheelfit/unavailable", "PackageUnavailable",
        "No file of this package installs on the image",
        "The chosen version has no wheel for the image's platform and no sdist to build: pip "
        "fails on this image.",
        "Use the image the report recommends, pin a version that ships a wheel for this "
        "platform, or replace the package with an alternative the report names."),
    Status.SOURCE_BUILD: Rule(
        "wheelfit/source-build", "PackageSourceBuild",
        "The package builds from source on the image",
        "There is no wheel for the image's platform, so pip builds the sdist: the build stage "
        "needs a compiler and system headers, and the image takes longer to build.",
        "Install the apk/apt build packages the report lists in a build stage, pin a version "
        "with a wheel for this platform, or use the binary twin or image the report "
        "suggests."),
}
_ORDER = (Status.NOT_FOUND, Status.UNAVAILABLE, Status.SOURCE_BUILD)
_PHRASE = {Status.NOT_FOUND: "is not on the index for",
           Status.UNAVAILABLE: "cannot be installed on",
           Status.SOURCE_BUILD: "builds from source on"}


def _rule_json(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.id, "name": rule.name,
        "shortDescription": {"text": rule.short}, "fullDescription": {"text": rule.full},
        "help": {"text": rule.help, "markdown": rule.help},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["dependencies", "containers"]},
    }


def _parent(entry: str, by_name: Mapping[str, PackageResult]) -> PackageResult | None:
    """The package a `requested_by` entry names (`django 5.1.4`), or None for an origin."""
    if _ORIGIN.match(entry):
        return None
    head = entry.split(" ", 1)[0].split("[", 1)[0]
    return by_name.get(canonicalize_name(head))


def _origins(report: Report, pkg: PackageResult) -> tuple[list[str], str | None]:
    """The `file[:line]` origins that ask for a package, and the dependency that pulled it
    in when it is not asked for directly (breadth first up the `requested_by` chain)."""
    by_name: dict[str, PackageResult] = {canonicalize_name(p.name): p for p in report.packages}
    seen = {canonicalize_name(pkg.name)}
    queue: list[tuple[PackageResult, str | None]] = [(pkg, None)]
    while queue:
        current, via = queue.pop(0)
        found = [o for o in current.requested_by if _parent(o, by_name) is None]
        if found:
            return found, via
        for entry in current.requested_by:
            parent = _parent(entry, by_name)
            if parent is not None and canonicalize_name(parent.name) not in seen:
                seen.add(canonicalize_name(parent.name))
                queue.append((parent, via or parent.name))
    return [], None


def _location(report: Report, pkg: PackageResult) -> tuple[str, int | None, str | None]:
    """(file, line or None, the dependency that pulls the package in)."""
    origins, via = _origins(report, pkg)
    for origin in origins:
        match = _ORIGIN.match(origin)
        if match:
            return match["path"], int(match["line"]), via
    return (origins[0] if origins else report.input), None, via


def _uri(path: str) -> str:
    return quote(path.replace("\\", "/"), safe="/")


def _blocking(report: Report, pkg: PackageResult) -> dict[str, Verdict]:
    return {t.name: pkg.verdicts[t.name] for t in report.targets
            if t.name in pkg.verdicts and pkg.verdicts[t.name].status in RULES}


def _level(report: Report, pkg: PackageResult, blocked: dict[str, Verdict]) -> str:
    rec = report.recommendation
    if rec is not None:
        return "error" if rec.variant in blocked else "warning"
    needed = [t for t, v in pkg.verdicts.items() if v.status is not Status.NOT_REQUIRED]
    return "error" if needed and all(t in blocked for t in needed) else "warning"


def _message(pkg: PackageResult, blocked: dict[str, Verdict], rec: str | None,
             where: tuple[str, int | None, str | None]) -> str:
    path, line, via = where
    name = f"{pkg.name} {pkg.version}" if pkg.version else pkg.name
    parts = [f"{_PHRASE[s]} {', '.join(t for t, v in blocked.items() if v.status is s)}"
             for s in _ORDER if any(v.status is s for v in blocked.values())]
    text = f"{name} {' and '.join(parts)}."
    reasons = sorted({v.reason for v in blocked.values() if v.reason})
    if reasons:
        text += "".join(f" {r[:1].upper()}{r[1:].rstrip('.')}." for r in reasons)
    if rec is not None:
        text += (f" It blocks the recommended image ({rec})." if rec in blocked
                 else f" The recommended image ({rec}) is not affected.")
    alternatives = sorted({f"{a.name} {a.version or ''}".rstrip()
                           for v in blocked.values() for a in v.alternatives})
    if alternatives:
        text += f" Alternatives: {', '.join(alternatives)}."
    if via is not None:
        text += f" It is a dependency of {via}."
    if line is None:
        text += f" The line in {path} is not known; this result points at line 1."
    return text


def _result(report: Report, pkg: PackageResult, blocked: dict[str, Verdict]) -> dict[str, object]:
    rec = report.recommendation.variant if report.recommendation else None
    first = (blocked[rec] if rec in blocked else
             next(v for s in _ORDER for v in blocked.values() if v.status is s))
    rule = RULES[first.status]
    where = _location(report, pkg)
    uri = _uri(where[0])
    digest = hashlib.sha256(
        f"{rule.id}|{canonicalize_name(pkg.name)}|{uri}".encode()).hexdigest()[:32]
    return {
        "ruleId": rule.id, "ruleIndex": list(RULES).index(first.status),
        "level": _level(report, pkg, blocked),
        "message": {"text": _message(pkg, blocked, rec, where)},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri},
                                            "region": {"startLine": where[1] or 1}}}],
        "partialFingerprints": {FINGERPRINT: digest},
        "properties": {"package": pkg.name, "version": pkg.version,
                       "targets": sorted(blocked)},
    }


def results(report: Report) -> list[dict[str, object]]:
    """One SARIF result per package that blocks one of the report's targets."""
    out = []
    for pkg in report.packages:
        blocked = _blocking(report, pkg)
        if blocked:
            out.append(_result(report, pkg, blocked))
    return out


def document(reports: Sequence[Report]) -> dict[str, object]:
    """The SARIF log: one run of wheelfit over every report."""
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "wheelfit", "version": __version__,
                                "semanticVersion": __version__,
                                "rules": [_rule_json(r) for r in RULES.values()]}},
            "results": [r for report in reports for r in results(scrubbed(report))],
            "columnKind": "unicodeCodePoints",
        }],
    }


def render(report: Report, *, options: RenderOptions | None = None) -> str:
    """One report as a SARIF 2.1.0 log."""
    del options
    return json.dumps(document([report]), indent=2, ensure_ascii=False) + "\n"


def render_fleet(reports: Sequence[Report], *, notes: Sequence[str] = (),
                 options: RenderOptions | None = None) -> str:
    """A fleet as one SARIF log with every service's results in one run."""
    del notes, options
    return json.dumps(document(reports), indent=2, ensure_ascii=False) + "\n"
