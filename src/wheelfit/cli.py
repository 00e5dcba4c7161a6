"""The command line: options → a CheckRequest → `check()` → a format. The only click user."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from wheelfit import __version__
from wheelfit.errors import ExitCode, UsageError, WheelfitError

EXIT_CODES_HELP = """Exit codes: 0 done · 1 a --fail-on rule tripped · 2 usage error ·
3 input file error · 4 resolution impossible · 5 index unreachable ·
6 report incomplete (some verdicts unknown because the index failed)."""

DEFAULT_INDEX = "https://pypi.org/simple/"


def _fail(error: WheelfitError) -> NoReturn:
    """Print one paragraph to stderr and exit with the error's code."""
    from wheelfit.redact import redact_text

    click.echo(f"wheelfit: error: {redact_text(error.message)}", err=True)
    if error.hint:
        click.echo(f"  {redact_text(error.hint)}", err=True)
    sys.exit(int(error.exit_code))


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="wheelfit")
def cli() -> None:
    """Will your Python dependencies install from wheels on python:slim and python:alpine?"""


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--python", "python", metavar="X.Y", help="Target CPython version "
              "[default: from the input's requires-python, .python-version or Dockerfile, "
              "else 3.12].")
@click.option("--arch", type=click.Choice(["x86_64", "aarch64"]), default="x86_64",
              show_default=True, help="Target CPU architecture.")
@click.option("--debian", type=click.Choice(["bookworm", "trixie"]), default="trixie",
              show_default=True, help="Debian release of the slim image (glibc 2.36 / 2.41).")
@click.option("--alpine", type=click.Choice(["3.20", "3.21", "3.22", "3.23", "3.24"]),
              default="3.24", show_default=True, help="Alpine release of the alpine image.")
@click.option("--target", "targets", type=click.Choice(["slim", "alpine"]), multiple=True,
              help="Image to check (repeatable) [default: both].")
@click.option("--index-url", "-i", metavar="URL", help="Base URL of the simple index "
              f"[default: $PIP_INDEX_URL, then {DEFAULT_INDEX}].")
@click.option("--extra-index-url", metavar="URL", multiple=True,
              help="More indexes to search (repeatable; also $PIP_EXTRA_INDEX_URL).")
@click.option("--pre", is_flag=True, help="Allow pre-releases.")
@click.option("--exclude-newer", metavar="YYYY-MM-DD", help="Ignore files uploaded on or after "
              "this date (UTC) or RFC 3339 time, to check a file as of a past date.")
@click.option("--only-binary", metavar="NAMES", multiple=True,
              help="Never build these from source (`:all:` for every project).")
@click.option("--no-binary", metavar="NAMES", multiple=True,
              help="Always build these from source (`:all:` for every project).")
@click.option("--prefer-binary", is_flag=True, help="Prefer an older wheel over a newer sdist.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--input-format", type=click.Choice(
    ["requirements", "pyproject", "uv-lock", "poetry-lock", "pipfile-lock", "pylock"]),
    help="Read the input as this format instead of guessing from its name.")
@click.option("--extra", "extras", metavar="NAME", multiple=True,
              help="pyproject.toml optional dependencies to include (repeatable).")
@click.option("--all-extras", is_flag=True, help="Include every optional dependency group.")
@click.option("--group", "groups", metavar="NAME", multiple=True,
              help="Dependency group to include (PEP 735 or Poetry; repeatable).")
@click.option("--dev", is_flag=True, help="Pipfile.lock: include the develop section.")
@click.option("--keep-going", is_flag=True, help="Report bad lines and check the rest.")
@click.option("--cache-dir", type=click.Path(path_type=Path), envvar="WHEELFIT_CACHE_DIR",
              help="Where to cache index responses [default: the user cache folder].")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--refresh", is_flag=True, help="Revalidate every cached response.")
@click.option("--offline", is_flag=True, help="Use only the cache; never the network.")
@click.option("--timeout", type=float, default=15.0, show_default=True,
              help="Seconds to wait for the index on each request.")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Retries for transient index failures.")
@click.option("-v", "--verbose", is_flag=True, help="Show requests and where figures come from.")
@click.option("-q", "--quiet", is_flag=True, help="Only what needs attention and the summary.")
def check(inputs: tuple[Path, ...], **options: Any) -> None:
    """Check dependency files against python:slim and python:alpine."""
    if not inputs:
        raise click.UsageError("give at least one dependency file, e.g. "
                               "`wheelfit check requirements.txt`")
    try:
        code = run_check(list(inputs), options)
    except WheelfitError as error:
        _fail(error)
    sys.exit(int(code))


def run_check(inputs: Sequence[Path], options: dict[str, Any]) -> ExitCode:
    """Load every input, check it, print the chosen format; return the exit code."""
    from wheelfit.check import check as run
    from wheelfit.formats import render
    from wheelfit.index.client import open_index
    from wheelfit.sources import load_spec

    specs = [
        load_spec(path, input_format=options["input_format"], extras=options["extras"],
                  all_extras=options["all_extras"], groups=options["groups"],
                  dev=options["dev"], keep_going=options["keep_going"], environ=os.environ)
        for path in inputs
    ]
    index_urls = _index_urls(options, specs[0].options.index_url,
                             specs[0].options.extra_index_urls)
    index = open_index(
        index_urls, cache_dir=options["cache_dir"], no_cache=options["no_cache"],
        refresh=options["refresh"], offline=options["offline"], timeout=options["timeout"],
        retries=options["retries"],
    )
    worst = ExitCode.OK
    try:
        for spec in specs:
            request = _request(spec, options, index_urls)
            report = run(request, index)
            click.echo(render(report, options["fmt"], {"verbose": options["verbose"],
                                                       "quiet": options["quiet"]}), nl=False)
            worst = max(worst, _report_exit_code(report))
    finally:
        index.close()
    return worst


def _index_urls(
    options: dict[str, Any], file_index: str | None, file_extra: Sequence[str]
) -> tuple[str, ...]:
    primary = (options["index_url"] or file_index or os.environ.get("PIP_INDEX_URL")
               or DEFAULT_INDEX)
    extra = list(options["extra_index_url"]) or list(file_extra) or os.environ.get(
        "PIP_EXTRA_INDEX_URL", "").split()
    return tuple(dict.fromkeys([primary, *extra]))


def _request(spec: Any, options: dict[str, Any], index_urls: tuple[str, ...]) -> Any:
    from wheelfit.check import CheckRequest
    from wheelfit.targets import DEFAULT_PYTHON, default_targets
    from wheelfit.verdict import parse_upload_cutoff

    if options["python"]:
        python, source = options["python"], "--python"
    elif spec.python is not None:
        python, source = spec.python.version, spec.python.source
    else:
        python, source = DEFAULT_PYTHON, f"default {DEFAULT_PYTHON}; pass --python to change"
    exclude_newer = None
    if options["exclude_newer"]:
        try:
            exclude_newer = parse_upload_cutoff(options["exclude_newer"])
        except ValueError:
            raise UsageError(
                f"--exclude-newer {options['exclude_newer']!r} is not a date",
                hint="Give YYYY-MM-DD or an RFC 3339 time such as 2020-02-15T00:00:00Z.",
            ) from None
    targets = default_targets(options["targets"] or ("slim", "alpine"), python,
                              options["arch"], options["debian"], options["alpine"])
    return CheckRequest(
        spec=spec, targets=targets, python_source=source,
        pre=options["pre"] or spec.options.pre, exclude_newer=exclude_newer,
        only_binary=_names(options["only_binary"]) | spec.options.only_binary,
        no_binary=_names(options["no_binary"]) | spec.options.no_binary,
        prefer_binary=options["prefer_binary"] or spec.options.prefer_binary,
        index_urls=index_urls,
    )


def _names(values: Sequence[str]) -> frozenset[str]:
    return frozenset(n.strip() for v in values for n in v.split(",") if n.strip())


def _report_exit_code(report: Any) -> ExitCode:
    if any(p.kind == "conflict" for p in report.problems):
        return ExitCode.RESOLUTION
    if not report.complete:
        return ExitCode.INCOMPLETE
    return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point for the console script and `python -m wheelfit`."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="wheelfit",
                 standalone_mode=True)
    except WheelfitError as error:
        _fail(error)
    except KeyboardInterrupt:
        click.echo("wheelfit: interrupted", err=True)
        sys.exit(130)
