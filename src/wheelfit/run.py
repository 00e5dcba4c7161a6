"""What the CLI commands do, without click: load inputs, open the index, check, render.

Kept apart from `cli.py` so that `wheelfit --version` imports none of it. What only some runs
need (the fleet table, `--fail-on` rules, the terminal view, the network client) is imported
where it is used, so a run pays for its own path only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wheelfit.check import CheckRequest, check
from wheelfit.errors import ExitCode, UsageError
from wheelfit.formats import render
from wheelfit.model import DependencySpec, IndexOptions, Report
from wheelfit.redact import redact_data, redact_text
from wheelfit.sources import load_spec
from wheelfit.sources.index_config import resolve_index_options
from wheelfit.targets import DEFAULT_PYTHON, default_targets
from wheelfit.verdict import parse_upload_cutoff

if TYPE_CHECKING:
    from wheelfit.index.base import PackageIndex
    from wheelfit.policy import Rule

# How each lock or project format becomes the requirements file the Dockerfile installs.
EXPORT_COMMANDS = {
    "uv-lock": "uv export --format requirements-txt --no-hashes -o requirements.txt",
    "poetry-lock": "poetry export -f requirements.txt --without-hashes -o requirements.txt",
    "pipfile-lock": "pipenv requirements > requirements.txt",
    "pyproject": "uv pip compile pyproject.toml -o requirements.txt",
    "pylock": "export the lock's packages as NAME==VERSION lines to requirements.txt",
}


class IndexPool:
    """One index client per distinct index configuration, shared by the whole run."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        self.clients: dict[tuple[str, ...], PackageIndex] = {}

    def get(self, urls: tuple[str, ...]) -> PackageIndex:
        """The client for these index URLs (opened on first use)."""
        if urls not in self.clients:
            from wheelfit.index.client import open_index

            o = self.options
            self.clients[urls] = open_index(
                urls, cache_dir=o.get("cache_dir"), no_cache=o.get("no_cache", False),
                refresh=o.get("refresh", False), offline=o.get("offline", False),
                timeout=o.get("timeout", 15.0), retries=o.get("retries", 3),
            )
        return self.clients[urls]

    def close(self) -> None:
        """Close every client."""
        for client in self.clients.values():
            client.close()


def _names(values: Sequence[str]) -> frozenset[str]:
    return frozenset(n.strip() for v in values for n in v.split(",") if n.strip())


def _cli_index_options(options: dict[str, Any]) -> IndexOptions:
    return IndexOptions(
        index_url=options.get("index_url"),
        extra_index_urls=tuple(options.get("extra_index_url") or ()),
        pre=options.get("pre", False),
        only_binary=_names(options.get("only_binary") or ()),
        no_binary=_names(options.get("no_binary") or ()),
        prefer_binary=options.get("prefer_binary", False),
    )


def load_inputs(inputs: Sequence[Path], options: dict[str, Any]) -> tuple[list[DependencySpec],
                                                                          list[str]]:
    """Read every input (and with --recursive, every service found) into specs. A --mapping
    overlay is read here too, so a bad one stops the run before any index work."""
    from wheelfit.sources.discover import discover

    if options.get("mapping_path"):
        from wheelfit.mapping import load_mapping

        load_mapping(options["mapping_path"])

    paths = [(p, "") for p in inputs]
    if options.get("recursive"):
        paths += discover(options["recursive"])
        if not paths:
            raise UsageError(f"no dependency files found below {options['recursive']}",
                             hint="Point --recursive at the folder that holds the services.")
    specs = [
        load_spec(path, input_format=options.get("input_format"),
                  extras=options.get("extras", ()), all_extras=options.get("all_extras", False),
                  groups=options.get("groups", ()), dev=options.get("dev", False),
                  keep_going=options.get("keep_going", False), environ=os.environ)
        for path, _ in paths
    ]
    return specs, [redact_text(note) for _, note in paths if note]


def build_request(spec: DependencySpec, options: dict[str, Any]) -> CheckRequest:
    """Options and a spec → the request `check()` takes (index layering as pip's)."""
    merged, _ = resolve_index_options(_cli_index_options(options), spec.options, os.environ)
    if options.get("python"):
        python, source = options["python"], "--python"
    elif spec.python is not None:
        python, source = spec.python.version, spec.python.source
    else:
        python, source = DEFAULT_PYTHON, f"default {DEFAULT_PYTHON}; pass --python to change"
    exclude_newer = None
    if options.get("exclude_newer"):
        try:
            exclude_newer = parse_upload_cutoff(options["exclude_newer"])
        except ValueError:
            raise UsageError(
                f"--exclude-newer {options['exclude_newer']!r} is not a date",
                hint="Give YYYY-MM-DD or an RFC 3339 time such as 2020-02-15T00:00:00Z.",
            ) from None
    debian, alpine = _releases(python, options)
    targets = default_targets(
        options.get("targets") or ("slim", "alpine"), python, options.get("arch") or "x86_64",
        debian, alpine,
    )
    urls = tuple(dict.fromkeys([merged.index_url or "https://pypi.org/simple/",
                                *merged.extra_index_urls]))
    return CheckRequest(
        spec=spec, targets=targets, python_source=source, pre=merged.pre,
        exclude_newer=exclude_newer, only_binary=merged.only_binary,
        no_binary=merged.no_binary, prefer_binary=merged.prefer_binary, index_urls=urls,
        find_links=merged.find_links,
        mapping_path=options.get("mapping_path"),
    )


def _releases(python: str, options: dict[str, Any]) -> tuple[str, str]:
    """--debian/--alpine, else the newest release the images were published with for this
    Python (python:3.8 images stopped at bookworm and alpine3.20), else trixie and 3.24."""
    from wheelfit.sizes import newest_release
    from wheelfit.targets import DEFAULT_ALPINE, DEFAULT_DEBIAN, parse_python

    minor = parse_python(python)[0]
    debian = options.get("debian") or newest_release(minor, "slim") or DEFAULT_DEBIAN
    alpine = options.get("alpine") or newest_release(minor, "alpine") or DEFAULT_ALPINE
    return debian, alpine


def check_all(specs: Sequence[DependencySpec], options: dict[str, Any],
              pool: IndexPool) -> list[Report]:
    """Check every spec; the index clients are shared so each project is fetched once.
    A progress bar runs on stderr for the text format when stderr is a terminal. Every
    string of the reports is redacted here, so nothing after this can print a credential."""
    from dataclasses import replace

    from wheelfit.formats.progress import Progress

    targets = len(options.get("targets") or ("slim", "alpine"))
    enabled = options.get("fmt", "text") == "text"
    reports = []
    with Progress(len(specs) * (targets + 1) if enabled else 0) as bar:
        for spec in specs:
            request = replace(build_request(spec, options),
                              on_step=lambda label: bar.advance(label=label))
            reports.append(redact_data(check(request, pool.get(request.index_urls))))
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
    if faults:
        what.append(f"{len(faults)} package(s) with unreadable dependencies")
    example = (reasons or faults or ["the index failed"])[0]
    advice = ("run once without --offline to fill the cache" if offline else
              "try again later, raise --timeout or --retries, or check --index-url")
    return (f"wheelfit: warning: {report.input}: the report is incomplete: "
            f"{'; '.join(what)}. First cause: {example}. Exit code 6; {advice}.")


def run_check(inputs: Sequence[Path], options: dict[str, Any]) -> ExitCode:
    """`wheelfit check`: print the report(s); return the exit code."""
    import click

    rules: tuple[Rule, ...] = ()
    if options.get("fail_on"):
        from wheelfit.policy import check_targets, parse_rules

        rules = parse_rules(options["fail_on"])
        check_targets(rules, options.get("targets") or ("slim", "alpine"))
    specs, notes = load_inputs(inputs, options)
    pool = IndexPool(options)
    try:
        reports = check_all(specs, options, pool)
    finally:
        pool.close()
    fmt = options.get("fmt", "text")
    view = {"verbose": options.get("verbose", False), "quiet": options.get("quiet", False),
            "all": options.get("show_all", False), "color": fmt == "text" and _color(options)}
    if len(reports) == 1:
        click.echo(render(reports[0], fmt, view), nl=False, color=True)
    else:
        click.echo(_render_fleet(reports, notes, fmt, view), nl=False, color=True)
    worst = ExitCode.OK
    for report in reports:
        if not report.index_complete:
            click.echo(incomplete_warning(report, offline=options.get("offline", False)),
                       err=True)
        reasons = _evaluate(report, rules)
        for reason in reasons:
            click.echo(f"wheelfit: fail-on: {report.input}: {reason}", err=True)
        worst = max(worst, exit_code(report), ExitCode.POLICY if reasons else ExitCode.OK)
    return worst


def _color(options: dict[str, Any]) -> bool:
    from wheelfit.formats.terminal import should_color

    return should_color(sys.stdout, os.environ, options.get("no_color", False))


def _evaluate(report: Report, rules: Sequence[Rule]) -> list[str]:
    if not rules:
        return []
    from wheelfit.policy import evaluate

    return evaluate(report, rules)


def _render_fleet(reports: Sequence[Report], notes: Sequence[str], fmt: str,
                  view: dict[str, object]) -> str:
    from wheelfit.fleet import render_fleet_text, render_service_table, summarise

    fleet = summarise(reports, notes)
    if fmt == "json":
        import json

        from wheelfit.formats.json_format import plain, report_dict

        doc = {"schema_version": reports[0].schema_version,
               "services": [report_dict(r) for r in reports], "fleet": plain(fleet.fleet)}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    parts = [render(r, fmt, view) for r in reports]
    return ("\n".join(parts) + "\nServices:\n" + render_service_table(reports) + "\n"
            + render_fleet_text(fleet.fleet))


def run_inspect(project: str, version: str | None, options: dict[str, Any]) -> str:
    """`wheelfit inspect`: the wheel matrix of one project."""
    import json

    from wheelfit.inspect import inspect_dict, inspect_project, render_inspect

    merged, _ = resolve_index_options(_cli_index_options(options), IndexOptions(), os.environ)
    urls = tuple(dict.fromkeys([merged.index_url or "https://pypi.org/simple/",
                                *merged.extra_index_urls]))
    pool = IndexPool(options)
    try:
        page = pool.get(urls).project(project)
    finally:
        pool.close()
    if page is None:
        raise UsageError(f"{project} is not on the index",
                         hint="Check the spelling, or pass --index-url for a private index.")
    result = inspect_project(page, version)
    if options.get("fmt") == "json":
        return json.dumps(inspect_dict(result), indent=2) + "\n"
    return render_inspect(result)


def run_dockerfile(path: Path, options: dict[str, Any]) -> str:
    """`wheelfit dockerfile`: a Dockerfile for the recommended or chosen variant."""
    from wheelfit.dockerfile import dockerfile

    specs, _ = load_inputs([path], options)
    pool = IndexPool(options)
    try:
        report = check_all(specs, options, pool)[0]
    finally:
        pool.close()
    variant = options.get("variant") or (
        report.recommendation.variant if report.recommendation else "slim")
    if specs[0].format == "requirements":
        return dockerfile(report, variant, requirements_path=path.name)
    export = EXPORT_COMMANDS.get(specs[0].format, "export it to requirements.txt")
    text = dockerfile(report, variant, requirements_path="requirements.txt")
    note = (f"# pip cannot read {path.name}; create requirements.txt next to it first:\n"
            f"#   {export}\n")
    first, _, rest = text.partition("\n")
    return f"{first}\n{note}{rest}" if first.startswith("# syntax") else note + text
