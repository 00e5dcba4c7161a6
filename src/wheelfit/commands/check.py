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
from wheelfit.formats import render
from wheelfit.formats.options import RenderOptions
from wheelfit.model import DependencySpec, Report
from wheelfit.pipeline.check import check
from wheelfit.redact import redact_data

if TYPE_CHECKING:
    from pathlib import Path

    from wheelfit.commands.fail_on import Rule
    from wheelfit.commands.options import RunOptions


def check_all(specs: Sequence[DependencySpec], options: RunOptions,
              pool: IndexPool) -> list[Report]:
    """Check every spec; the index clients are shared so each project is fetched once.
    A progress bar runs on stderr for the text format when stderr is a terminal. Every
    string of the reports is redacted here, so nothing after this can print a credential."""
    from dataclasses import replace

    from wheelfit.formats.progress import Progress

    targets = len(options.target_names)
    enabled = options.fmt == "text"
    reports = []
    with Progress(len(specs) * (targets + 1) if enabled else 0) as bar:
        for spec in specs:
            request = replace(build_request(spec, options),
                              on_step=lambda label: bar.advance(label=label))
            reports.append(redact_data(check(request, pool.for_request(request))))
    return reports


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
    """`wheelfit check`: print the report(s); return the exit code."""
    import click

    rules: tuple[Rule, ...] = ()
    if options.fail_on:
        from wheelfit.commands.fail_on import check_targets, parse_rules

        rules = parse_rules(options.fail_on)
        check_targets(rules, options.target_names)
    specs, notes = load_inputs(inputs, options)
    pool = IndexPool(options)
    try:
        reports = check_all(specs, options, pool)
    finally:
        pool.close()
    fmt = options.fmt
    view = RenderOptions(verbose=options.verbose, quiet=options.quiet, all=options.show_all,
                         color=fmt == "text" and _color(options))
    if len(reports) == 1:
        click.echo(render(reports[0], fmt, view), nl=False, color=True)
    else:
        click.echo(_render_fleet(reports, notes, fmt, view), nl=False, color=True)
    worst = ExitCode.OK
    for report in reports:
        if not report.index_complete:
            click.echo(incomplete_warning(report, offline=options.offline), err=True)
        reasons = _evaluate(report, rules)
        for reason in reasons:
            click.echo(f"wheelfit: fail-on: {report.input}: {reason}", err=True)
        worst = max(worst, exit_code(report), ExitCode.POLICY if reasons else ExitCode.OK)
    return worst


def _color(options: RunOptions) -> bool:
    from wheelfit.formats.terminal import should_color

    return should_color(sys.stdout, os.environ, options.no_color)


def _evaluate(report: Report, rules: Sequence[Rule]) -> list[str]:
    if not rules:
        return []
    from wheelfit.commands.fail_on import evaluate

    return evaluate(report, rules)


def _render_fleet(reports: Sequence[Report], notes: Sequence[str], fmt: str,
                  view: RenderOptions) -> str:
    from wheelfit.formats import render_fleet
    from wheelfit.formats.fleet import render_fleet_text, render_service_table, summarise

    own = render_fleet(reports, fmt, notes, view)
    if own is not None:
        return own
    fleet = summarise(reports, notes)
    if fmt == "markdown":
        from wheelfit.formats.markdown_fleet import render_fleet as markdown_fleet

        return markdown_fleet(reports, fleet.fleet)
    if fmt == "json":
        import json

        from wheelfit.formats.json_format import plain, report_dict

        doc = {"schema_version": reports[0].schema_version,
               "services": [report_dict(r) for r in reports], "fleet": plain(fleet.fleet)}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    parts = [render(r, fmt, view) for r in reports]
    return ("\n".join(parts) + "\nServices:\n" + render_service_table(reports) + "\n"
            + render_fleet_text(fleet.fleet))
