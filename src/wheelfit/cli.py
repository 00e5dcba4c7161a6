"""The command line: click's options → one frozen `RunOptions` → the command. The only
click user.

Every error reaches the user through `_fail()`: one paragraph on stderr, the exit code of
the error's class (see EXIT_CODES_HELP), never a traceback. Errors, click's usage messages
and command output pass through redaction on their way out.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from wheelfit import __version__
from wheelfit.errors import ExitCode, UsageError, WheelfitError

if TYPE_CHECKING:
    from pathlib import Path

    from wheelfit.commands.options import RunOptions

EXIT_CODES_HELP = """Exit codes: 0 done · 1 a --fail-on rule tripped · 2 usage error ·
3 input error (a file, a setting, or a package not on the index unless --fail-on is given) ·
4 resolution impossible · 5 index unreachable · 6 report incomplete (some verdicts unknown
because the index failed)."""

F = TypeVar("F", bound=Callable[..., Any])


class _PathType(click.Path):
    """`click.Path(path_type=pathlib.Path)`, but pathlib is imported only when a path is given
    (`wheelfit --version` and `--help` do without it and the `urllib.parse` it loads)."""

    def coerce_path_result(self, value: Any) -> Any:
        """The value as a `pathlib.Path`."""
        from pathlib import Path

        return value if isinstance(value, Path) else Path(value)


def _fail(error: WheelfitError) -> NoReturn:
    """Print one paragraph to stderr and exit with the error's code."""
    from wheelfit.redact import redact_text

    click.echo(f"wheelfit: error: {redact_text(error.message)}", err=True)
    if error.hint:
        click.echo(f"  {redact_text(error.hint)}", err=True)
    sys.exit(int(error.exit_code))


class _FormatChoice(click.Choice[str]):
    """The report formats of the registry (`wheelfit.formats.FORMATS`), read when a value
    is checked or help is shown, so `wheelfit --version` imports none of it."""

    def __init__(self) -> None:
        super().__init__((), case_sensitive=False)

    @property
    def choices(self) -> tuple[str, ...]:
        from wheelfit.formats import FORMATS

        return tuple(FORMATS)

    @choices.setter
    def choices(self, _value: Any) -> None:
        pass


def _run_options(params: dict[str, Any]) -> RunOptions:
    """One RunOptions: the command line and `WHEELFIT_*` variables over `[tool.wheelfit]`
    over the defaults. -v says which settings file applied, and turns request logs on."""
    from pathlib import Path

    from click.core import ParameterSource

    from wheelfit.commands.config import load_config
    from wheelfit.commands.options import RunOptions

    ctx = click.get_current_context()
    from_env = frozenset(name for name in params
                         if ctx.get_parameter_source(name) is ParameterSource.ENVIRONMENT)
    given = from_env | {name for name in params
                        if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE}
    config = load_config(Path.cwd())
    options = RunOptions.from_cli(params, config=config, given=given, from_env=from_env)
    if not options.offline:  # an offline run starts no thread (and skips loading ctypes)
        from wheelfit.commands.arenas import cap_arenas

        cap_arenas()  # before any thread starts
    if options.verbose:
        from wheelfit.commands.logs import enable_logging

        enable_logging(options.verbose)
        where = (f"{config.path} [tool.wheelfit]" if config.path else
                 "none (no pyproject.toml with [tool.wheelfit] from here up to the git root)")
        click.echo(f"wheelfit: settings: {where}", err=True)
    return options


def _apply(func: F, decorators: Sequence[Callable[[F], F]]) -> F:
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def target_options(func: F) -> F:
    """--python, --arch, --debian, --alpine, --target."""
    return _apply(func, [
        click.option("--python", "python", metavar="X.Y", envvar="WHEELFIT_PYTHON",
                     help="Target CPython version "
                     "[default: the input's requires-python, .python-version or Dockerfile, "
                     "else 3.12]."),
        click.option("--arch", type=click.Choice(["x86_64", "aarch64"]), default="x86_64",
                     show_default=True, envvar="WHEELFIT_ARCH",
                     help="Target CPU architecture."),
        click.option("--debian", type=click.Choice(["bullseye", "bookworm", "trixie"]),
                     envvar="WHEELFIT_DEBIAN",
                     help="Debian release of the slim image (glibc 2.31 / 2.36 / 2.41) [default: "
                     "trixie, or the last one published for an older Python]."),
        click.option("--alpine", type=click.Choice(["3.20", "3.21", "3.22", "3.23", "3.24"]),
                     envvar="WHEELFIT_ALPINE",
                     help="Alpine release of the image [default: 3.24, or the last one "
                     "published for an older Python]."),
        click.option("--target", "targets", type=click.Choice(["slim", "alpine"]),
                     multiple=True, envvar="WHEELFIT_TARGET",
                     help="Image to check (repeatable) [default: both]."),
    ])


def index_options(func: F) -> F:
    """Index location, cache and network behaviour."""
    return _apply(func, [
        click.option("--index-url", "-i", metavar="URL", envvar="WHEELFIT_INDEX_URL",
                     help="Base URL of the simple index "
                     "[default: the requirements file's, $PIP_INDEX_URL, $UV_INDEX_URL, pip's "
                     "config, then https://pypi.org/simple/]."),
        click.option("--extra-index-url", metavar="URL", multiple=True,
                     help="More indexes to search (repeatable)."),
        click.option("--cache-dir", type=_PathType(),
                     envvar="WHEELFIT_CACHE_DIR",
                     help="Cache folder [default: the user cache folder; $WHEELFIT_CACHE_DIR]."),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the cache."),
        click.option("--refresh", is_flag=True, help="Revalidate every cached response."),
        click.option("--offline", is_flag=True, envvar="WHEELFIT_OFFLINE",
                     help="Use only the cache and file: indexes; never the network."),
        click.option("--timeout", type=click.FloatRange(0.1, 600), default=15.0,
                     show_default=True, help="Seconds to wait for the index to connect or "
                     "send more bytes (as pip's --timeout). A whole request must also finish "
                     "within 4 x this (at most 120 s, or --timeout if longer), however "
                     "steadily the server trickles bytes."),
        click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
                     help="Retries for transient index failures (waits between them, "
                     "Retry-After included, total at most 60 s per request)."),
    ])


def selection_options(func: F) -> F:
    """Options that change which files pip may choose."""
    return _apply(func, [
        click.option("--pre", is_flag=True, help="Allow pre-releases."),
        click.option("--exclude-newer", metavar="DATE", help="Ignore files uploaded on or "
                     "after this date (YYYY-MM-DD, UTC, or an RFC 3339 time)."),
        click.option("--only-binary", metavar="NAMES", multiple=True,
                     help="Never build these from source (`:all:` for every project)."),
        click.option("--no-binary", metavar="NAMES", multiple=True,
                     help="Always build these from source (`:all:` for every project)."),
        click.option("--prefer-binary", is_flag=True,
                     help="Prefer an older wheel over a newer sdist, as pip does."),
    ])


def exact_bytecode_option(func: F) -> F:
    """--exact-bytecode (check and dockerfile: wherever image sizes are reported)."""
    return click.option(
        "--exact-bytecode", is_flag=True, default=None,
        help="Size the .pyc files pip writes exactly: fetch the chosen wheels' .py files "
        "(HTTP ranges) and compile them with a CPython of the target's version "
        "(pythonX.Y on PATH, else this one, said so) in a bounded helper process; "
        "results are cached. Default: a calibrated ratio of the .py bytes.")(func)


def input_options(func: F) -> F:
    """How to read the dependency files."""
    return _apply(func, [
        click.option("--input-format", type=click.Choice(
            ["requirements", "pyproject", "uv-lock", "poetry-lock", "pipfile-lock", "pylock"]),
            help="Read the input as this format instead of guessing from its name."),
        click.option("--extra", "extras", metavar="NAME", multiple=True,
                     help="pyproject.toml optional dependencies to include (repeatable)."),
        click.option("--all-extras", is_flag=True, help="Include every optional group."),
        click.option("--group", "groups", metavar="NAME", multiple=True,
                     help="Dependency group to include (PEP 735 or Poetry; repeatable)."),
        click.option("--dev", is_flag=True, help="Pipfile.lock: include the develop section."),
        click.option("--keep-going", is_flag=True, help="Report bad lines; check the rest."),
        click.option("--mapping", "mapping_path", type=_PathType(), envvar="WHEELFIT_MAPPING",
                     help="Your own apk/apt mapping file, layered over the bundled one."),
    ])


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, "-V", "--version", prog_name="wheelfit")
def cli() -> None:
    """Will your Python dependencies install from wheels on python:slim and python:alpine?"""


def _fail_on_help() -> str:
    from wheelfit.commands.fail_on import rules_help

    return "Exit 1 when a rule trips, e.g. alpine:source-build. " + rules_help()


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("inputs", nargs=-1, type=_PathType())
@click.option("--recursive", "-r", "recursive", type=_PathType(),
              help="Audit every service's dependency file below this folder.")
@click.option("--context", "context", type=_PathType(),
              help="The build context of a Dockerfile input (default: its folder).")
@target_options
@index_options
@selection_options
@input_options
@exact_bytecode_option
@click.option("--format", "fmt", type=_FormatChoice(), default="text", show_default=True,
              envvar="WHEELFIT_FORMAT", help="Format on stdout (or of the -o file).")
@click.option("--output", "outputs", metavar="FORMAT=PATH", multiple=True,
              envvar="WHEELFIT_OUTPUT", help="Also write the report in FORMAT to PATH "
              "(repeatable; any --format value). The report is computed once.")
@click.option("-o", "--output-file", "output", type=_PathType(), help="Write the --format "
              "report to this file; stdout then shows the terminal view.")
@click.option("--fail-on", "fail_on", metavar="TARGET:CONDITION", multiple=True,
              envvar="WHEELFIT_FAIL_ON",
              help="Exit 1 when a rule trips (repeatable), e.g. alpine:source-build, "
              "any:unavailable. Conditions: source-build, native-build, unavailable, "
              "not-found, unknown, not-wheel, untrusted, versions-differ. Without it, a "
              "package that is not on the index exits 3.")
@click.option("--all", "show_all", is_flag=True, help="List every package, not only those "
              "that need attention.")
@click.option("--no-color", is_flag=True, help="No colour (also: $NO_COLOR).")
@click.option("-v", "--verbose", count=True, help="-v: every index request (method, URL, "
              "status, bytes, ms, cache hit or miss), the settings file used, and where "
              "each figure comes from; -vv: debug lines too.")
@click.option("-q", "--quiet", is_flag=True, help="Only what needs attention and the summary; "
              "no progress on stderr.")
def check(inputs: tuple[Path, ...], **options: Any) -> None:
    """Check dependency files (or a Dockerfile) against python:slim and python:alpine."""
    from wheelfit.commands.check import run_check

    if not inputs and not options["recursive"]:
        raise click.UsageError("give at least one dependency file, e.g. "
                               "`wheelfit check requirements.txt`, or --recursive DIR")
    try:
        code = run_check(list(inputs), _run_options(options))
    except WheelfitError as error:
        _fail(error)
    sys.exit(int(code))


@cli.command()
@click.argument("input_path", metavar="INPUT", type=_PathType())
@click.option("--variant", type=click.Choice(
    ["slim", "slim-multistage", "alpine", "alpine-cleanup", "alpine-multistage"]),
    help="Variant to write [default: the recommended one].")
@click.option("--diff", is_flag=True, help="INPUT is the service's Dockerfile: print its own "
              "lines rewritten for the variant, as a unified diff (sizes today → after).")
@target_options
@index_options
@selection_options
@input_options
@exact_bytecode_option
def dockerfile(input_path: Path, **options: Any) -> None:
    """Print a Dockerfile for the recommended (or chosen) variant (--diff: the service's
    own Dockerfile rewritten for it)."""
    from wheelfit.commands.dockerfile import run_dockerfile
    from wheelfit.redact import redact_text

    try:
        click.echo(redact_text(run_dockerfile(input_path, _run_options(options))),
                   nl=False)
    except WheelfitError as error:
        _fail(error)


@cli.command(name="inspect")
@click.argument("project")
@click.argument("version", required=False)
@index_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--pre", is_flag=True, help="Pre-releases count for the first musllinux "
              "release (default: final releases only).")
def inspect_command(project: str, version: str | None, **options: Any) -> None:
    """Wheel availability of PROJECT[==VERSION] over Pythons, libcs and arches."""
    from wheelfit.commands.inspect import run_inspect

    if "==" in project and version is None:
        project, version = project.split("==", 1)
    from wheelfit.redact import redact_text

    try:
        click.echo(redact_text(run_inspect(project, version, _run_options(options))),
                   nl=False)
    except WheelfitError as error:
        _fail(error)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the report (`--format json`)."""
    from wheelfit.formats.schema import schema_text

    click.echo(schema_text(), nl=False)


@cli.group()
def mapping() -> None:
    """The apk/apt mapping of PyPI projects to system packages."""


@mapping.command(name="validate")
@click.argument("path", type=_PathType())
def mapping_validate(path: Path) -> None:
    """Check a mapping file against the schema."""
    from wheelfit.buildneeds.mapping import load_mapping

    try:
        loaded = load_mapping(path)
    except WheelfitError as error:
        _fail(error)
    except OSError as error:
        _fail(UsageError(f"{path}: cannot read the mapping file ({error.strerror})"))
    from wheelfit.redact import redact_text

    click.echo(redact_text(f"{path}: valid ({len(loaded.projects)} projects after merging)"))


@mapping.command(name="export")
@click.option("--format", "fmt", default="pep804", show_default=True, metavar="FORMAT",
              help="pep804: PEP 804 mapping JSON.")
@click.option("--ecosystem", metavar="alpine|debian",
              help="One ecosystem's mapping document; both (a JSON array) when left out.")
@click.option("--mapping", "mapping_path", type=_PathType(dir_okay=False),
              help="A mapping overlay to lay over the bundled one first.")
@click.option("-o", "--output", type=_PathType(dir_okay=False), help="Write to FILE.")
def mapping_export(fmt: str, ecosystem: str | None, mapping_path: Path | None,
                   output: Path | None) -> None:
    """Write wheelfit's system-package knowledge as PEP 804 mappings."""
    from wheelfit.commands.mapping_export import run_mapping_export

    try:
        click.echo(run_mapping_export(fmt, ecosystem, output, mapping_path), nl=False)
    except WheelfitError as error:
        _fail(error)


@cli.group()
def cache() -> None:
    """The HTTP cache."""


@cache.command(name="info")
@click.option("--cache-dir", type=_PathType(), envvar="WHEELFIT_CACHE_DIR")
def cache_info_command(cache_dir: Path | None) -> None:
    """Where the cache is and how big."""
    from wheelfit.index.cache import cache_info

    path, entries, size = cache_info(cache_dir)
    click.echo(f"{path}: {entries} entries, {size / 1e6:.1f} MB")


@cache.command(name="clear")
@click.option("--cache-dir", type=_PathType(), envvar="WHEELFIT_CACHE_DIR")
def cache_clear_command(cache_dir: Path | None) -> None:
    """Delete everything in the cache."""
    from wheelfit.index.cache import cache_clear

    cache_clear(cache_dir)
    click.echo("cache cleared")


def _usage_error(error: click.ClickException) -> NoReturn:
    """click's own message for a bad command line, redacted (it quotes the bad value)."""
    import io

    from wheelfit.redact import redact_text

    shown = io.StringIO()
    error.show(file=shown)
    click.echo(redact_text(shown.getvalue()), err=True, nl=False)
    sys.exit(error.exit_code)


# A run allocates a few hundred thousand objects that live until its end (pages' files,
# verdicts, the report) and few reference cycles: the collector would only walk the live
# ones again and again (even at thresholds of 20,000/50/100 that was ~20% of an offline
# top-500 run's CPU). It is off for the run and back on afterwards; the peak RSS of a cold
# top-500 run is the same with it off (121 vs 122 MB, docs/benchmarks.md). When the run is the
# process's own (no `argv` given) its objects are frozen at the end: the interpreter's last
# collection at exit would walk them all once more (~50 ms of an offline top-500 run).

def main(argv: Sequence[str] | None = None) -> None:
    """Entry point for the console script and `python -m wheelfit`."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="wheelfit",
                        standalone_mode=False)
    except click.ClickException as error:
        _usage_error(error)
    except WheelfitError as error:
        _fail(error)
    except (KeyboardInterrupt, click.Abort):
        click.echo("wheelfit: interrupted", err=True)
        sys.exit(130)
    finally:
        if argv is None:
            gc.freeze()
        if collecting:
            gc.enable()
    if isinstance(code, int) and code:
        sys.exit(code)


__all__ = ["ExitCode", "cli", "main"]
