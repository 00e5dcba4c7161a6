"""`wheelfit check`: every input checked against the shared index clients, rendered in the
chosen format (one report, or a fleet of them), with the exit code the reports call for.

What only some runs need (the fleet table, `--fail-on` rules, the terminal view) is imported
where it is used, so a run pays for its own path only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from wheelfit.commands.inputs import IndexPool, build_request, load_inputs
from wheelfit.errors import ExitCode
from wheelfit.formats.options import RenderOptions
from wheelfit.model import DependencySpec, Report, Target
from wheelfit.pipeline.check import check
from wheelfit.redact import redact_data

if TYPE_CHECKING:
    from pathlib import Path

    from wheelfit.commands.fail_on import Rule
    from wheelfit.commands.options import RunOptions
    from wheelfit.model.docker import CurrentImage


def check_all(specs: Sequence[DependencySpec], options: RunOptions,
              pool: IndexPool) -> list[Report]:
    """Check every spec; the index clients are shared so each project is fetched once.
    Progress goes to stderr (a bar on a terminal, plain lines every few seconds elsewhere;
    none with --quiet). Every string of the reports is redacted here, so nothing after this
    can print a credential."""
    from dataclasses import replace

    from wheelfit.formats.progress import Progress

    targets = len(options.target_names)
    reports = []
    warned: set[str] = set()
    total = 0 if options.quiet else len(specs) * (targets + 1)
    with Progress(total) as bar:
        for number, spec in enumerate(specs, 1):
            where = f"{spec.path} ({number}/{len(specs)})" if len(specs) > 1 else spec.path

            def step(label: str, where: str = where) -> None:
                bar.advance(label=f"{where}: {label}")

            request = replace(build_request(spec, options), on_step=step)
            for gap in _image_gaps(request.targets, warned):
                bar.say(f"wheelfit: warning: {gap}")
            reports.append(check(request, pool.for_request(request)))
    return [redact_data(r) for r in with_current(reports, specs)]


def _image_gaps(targets: Sequence[Target], said: set[str]) -> list[str]:
    """`<target>: no official python X.Y image exists for <release> ...` for each target
    whose pair was never published, once per run (`said` keeps what was said)."""
    from wheelfit.compat.targets import image_gap

    found = [f"{t.name}: {gap}" for t in targets if (gap := image_gap(t)) is not None]
    fresh = [line for line in found if line not in said]
    said.update(fresh)
    return fresh


def with_current(reports: Sequence[Report], specs: Sequence[DependencySpec]) -> list[Report]:
    """The reports with today's image predicted from their Dockerfile. The inputs of one
    Dockerfile make one image: it is predicted once, with all their packages, and attached
    to the first of them."""
    out = list(reports)
    groups: dict[str, list[int]] = {}
    for number, spec in enumerate(specs):
        if spec.dockerfile is not None and reports[number].estimate is not None:
            groups.setdefault(spec.dockerfile.path, []).append(number)
    if not groups:
        return out  # no Dockerfile: the image model and its parser are not imported
    from dataclasses import replace
    from pathlib import Path

    from wheelfit.sizing.combined import merged_report
    from wheelfit.sizing.current import predict_current
    from wheelfit.sources.dockerinput import parse_model

    for path, members in groups.items():
        first = reports[members[0]]
        current = predict_current(parse_model(Path(path)),
                                  merged_report([reports[n] for n in members]))
        if current is not None and len(members) > 1:
            current = _merged(current, [reports[n] for n in members])
        out[members[0]] = replace(first, current=current)
    return out


def _merged(current: CurrentImage, group: Sequence[Report]) -> CurrentImage:
    """One image from several inputs: their source builds and build minutes add up."""
    from dataclasses import replace

    variant = current.target
    found = [v for r in group for v in (r.estimate.variants if r.estimate else ())
             if v.name == variant]
    return replace(
        current, inputs=tuple(r.input for r in group),
        source_builds=sum(v.source_builds for v in found),
        build_minutes_range=(round(sum(v.build_minutes_range[0] for v in found), 2),
                             round(sum(v.build_minutes_range[1] for v in found), 2)),
        notes=(*current.notes, "one image from several inputs: their packages are in one "
               "layer; source builds and build minutes are the sum of their estimates"))


def exit_code(report: Report) -> ExitCode:
    """4 for a conflict, 6 for an incomplete report, else 0."""
    if any(p.kind == "conflict" for p in report.problems):
        return ExitCode.RESOLUTION
    if not report.index_complete:
        return ExitCode.INCOMPLETE
    return ExitCode.OK


def incomplete_warning(report: Report, *, offline: bool) -> str:
    """One paragraph for stderr: what the index failed to give, and what to try."""
    from wheelfit.model import Status

    unknown = sorted({p.name for p in report.packages
                      for v in p.verdicts.values() if v.status is Status.UNKNOWN})
    faults = [p.message for p in report.problems if p.kind == "index"]
    reasons = [v.reason for p in report.packages for v in p.verdicts.values()
               if v.status is Status.UNKNOWN and v.reason]
    what = []
    if unknown:
        what.append(f"{len(unknown)} package(s) unknown ({', '.join(unknown[:5])}"
                    + (", …" if len(unknown) > 5 else "") + ")")
    if faults:  # one problem per target and package: count the packages
        names = {message.split(":", 1)[0] for message in faults}
        what.append(f"{len(names)} package(s) with unreadable dependencies")
    example = (reasons or faults or ["the index failed"])[0]
    advice = ("run once without --offline to fill the cache" if offline else
              "try again later, raise --timeout or --retries, or check --index-url")
    return (f"wheelfit: warning: {report.input}: the report is incomplete: "
            f"{'; '.join(what)}. First cause: {example}. Exit code 6; {advice}.")


def run_check(inputs: Sequence[Path], options: RunOptions) -> ExitCode:
    """`wheelfit check`: print the report(s), write the --output files; return the exit code."""
    import click

    from wheelfit.commands.outputs import parse_outputs, render_reports, write_outputs

    rules: tuple[Rule, ...] = ()
    if options.fail_on:
        from wheelfit.commands.fail_on import check_targets, parse_rules

        rules = parse_rules(options.fail_on)
        check_targets(rules, options.target_names)
    outputs = parse_outputs(options.outputs, options.output, options.fmt)
    specs, notes = load_inputs(inputs, options)
    pool = IndexPool(options)
    try:
        reports = check_all(specs, options, pool)
    finally:
        pool.close()
    shown = "text" if options.output is not None else options.fmt
    view = RenderOptions(verbose=options.verbose > 0, quiet=options.quiet, all=options.show_all,
                         color=shown == "text" and _color(options))
    write_outputs(reports, notes, outputs, view)
    click.echo(render_reports(reports, notes, shown, view), nl=False, color=True)
    worst = ExitCode.OK
    for report in reports:
        if not report.index_complete:
            click.echo(incomplete_warning(report, offline=options.offline), err=True)
        worst = max(worst, _not_found(report, policy=bool(rules)))
        reasons = _evaluate(report, rules)
        for reason in reasons:
            click.echo(f"wheelfit: fail-on: {report.input}: {reason}", err=True)
        worst = max(worst, exit_code(report), ExitCode.POLICY if reasons else ExitCode.OK)
    return worst


def _not_found(report: Report, *, policy: bool) -> ExitCode:
    """A package missing from the index is an input error (exit 3) unless --fail-on rules
    are given: they then decide alone, and this is only a warning."""
    import click

    from wheelfit.formats.summary import plural, short_list
    from wheelfit.model import Status

    names = [p.name for p in report.packages
             if any(v.status is Status.NOT_FOUND for v in p.verdicts.values())]
    if not names:
        return ExitCode.OK
    kind = "warning" if policy else "error"
    click.echo(f"wheelfit: {kind}: {report.input}: {plural(len(names), 'package')} not on the "
               f"index: {short_list(names, 10)}. Check the spelling and the version, or pass "
               "--index-url for a private index"
               + (" (--fail-on any:not-found fails on it)." if policy else
                  "; exit 3 (with --fail-on, your rules decide)."), err=True)
    return ExitCode.OK if policy else ExitCode.INPUT


def _color(options: RunOptions) -> bool:
    from wheelfit.formats.terminal import should_color

    return should_color(sys.stdout, os.environ, options.no_color)


def _evaluate(report: Report, rules: Sequence[Rule]) -> list[str]:
    if not rules:
        return []
    from wheelfit.commands.fail_on import evaluate

    return evaluate(report, rules)
