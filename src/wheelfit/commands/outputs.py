"""Where a check's report goes: stdout in `--format`, plus files (`--output FORMAT=PATH`,
`-o PATH`), each rendered from the one report and written atomically (a temporary file in
the same folder, then a rename), so a reader never sees half a report.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wheelfit.errors import InputFileError, UsageError
from wheelfit.formats import FORMATS, render
from wheelfit.formats.options import RenderOptions
from wheelfit.model import Report


@dataclass(frozen=True)
class Output:
    """One file to write: a registered format and a path."""

    fmt: str
    path: Path


def _known(fmt: str, given: str) -> str:
    if fmt not in FORMATS:
        raise UsageError(f"{given}: unknown format {fmt!r}",
                         hint="Formats: " + ", ".join(FORMATS) + ".")
    return fmt


def parse_outputs(values: Sequence[str], single: Path | None, fmt: str) -> tuple[Output, ...]:
    """`--output FORMAT=PATH` values and `-o PATH` (for `fmt`) → outputs, checked before any
    work: a known format, a path given once, a folder that exists."""
    outputs: list[Output] = []
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise UsageError(f"--output {value!r}: expected FORMAT=PATH",
                             hint="e.g. --output json=report.json --output markdown=report.md")
        outputs.append(Output(_known(name.strip().lower(), f"--output {value!r}"),
                              Path(path.strip())))
    if single is not None:
        outputs.append(Output(_known(fmt, "--format"), single))
    seen: set[Path] = set()
    for output in outputs:
        key = Path(os.path.abspath(output.path))
        if key in seen:
            raise UsageError(f"{output.path}: named by two outputs",
                             hint="Give each output its own path.")
        seen.add(key)
        folder = output.path.parent
        if not folder.is_dir():
            raise InputFileError("cannot write the report: the folder does not exist",
                                 path=str(output.path), hint=f"Create {folder} first.")
        if output.path.is_dir():
            raise InputFileError("cannot write the report: this is a folder",
                                 path=str(output.path), hint="Name a file in it.")
    return tuple(outputs)


def render_reports(reports: Sequence[Report], notes: Sequence[str], fmt: str,
                   view: RenderOptions) -> str:
    """One report in `fmt`, or a fleet: a format module's own `render_fleet` (html, sarif);
    markdown as one comment with a section per service; JSON as one document; else every
    report, then the service table and the fleet summary."""
    if len(reports) == 1:
        return render(reports[0], fmt, view)
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
        from wheelfit.formats.json_format import plain, report_dict
        from wheelfit.formats.jsontext import dumps_indented

        doc = {"schema_version": reports[0].schema_version,
               "services": [report_dict(r) for r in reports], "fleet": plain(fleet.fleet)}
        return dumps_indented(doc) + "\n"
    parts = [render(r, fmt, view) for r in reports]
    return ("\n".join(parts) + "\nServices:\n" + render_service_table(reports) + "\n"
            + render_fleet_text(fleet.fleet))


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename."""
    import tempfile

    folder = path.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise InputFileError(f"cannot write the report ({error.strerror})", path=str(path),
                             hint=f"Check that {folder} exists and is writable.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise InputFileError(f"cannot write the report ({error.strerror})", path=str(path),
                             hint="Check the free space and the permissions there.") from None


def write_outputs(reports: Sequence[Report], notes: Sequence[str],
                  outputs: Sequence[Output], view: RenderOptions) -> None:
    """Render the reports once per output format and write each file."""
    plain_view = RenderOptions(quiet=view.quiet, verbose=view.verbose, all=view.all)
    rendered: dict[str, str] = {}
    for output in outputs:
        if output.fmt not in rendered:
            rendered[output.fmt] = render_reports(reports, notes, output.fmt, plain_view)
        write_atomic(output.path, rendered[output.fmt])
