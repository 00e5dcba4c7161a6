"""Registry of report formats: each is a pure `render(report, *, options) -> str` in its own
module (`options` a `RenderOptions`), imported on first use so `wheelfit --version` pays for
none of them.

- `text`: the terminal view (`terminal.py`); options `color`, `quiet`, `verbose`, `all`.
- `json`: the report model serialised (`json_format.py`); `data/report.schema.json` describes it.
- `markdown`: a pull-request comment (`markdown.py`), at most 65,536 characters.
- `html`: one self-contained page with a size chart and filters (`html.py`).
- `sarif`: SARIF 2.1.0 for code scanning, one result per blocking package (`sarif.py`).

A format that draws a fleet (`check --recursive`) as one document of its own also has
`render_fleet(reports, *, notes, options)`; `render_fleet` here returns None for the others.

`render` hands each format the report with every credential redacted (`redact_data`).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the registry alone (`--format`'s choices, help) loads no report code
    from wheelfit.formats.options import RenderOptions
    from wheelfit.model import Report

FORMATS: dict[str, str] = {
    "text": "wheelfit.formats.terminal",
    "json": "wheelfit.formats.json_format",
    "markdown": "wheelfit.formats.markdown",
    "html": "wheelfit.formats.html",
    "sarif": "wheelfit.formats.sarif",
}


class Renderer(Protocol):
    """A format: a pure function of the report and display options."""

    def __call__(self, report: Report, *, options: RenderOptions | None = None) -> str: ...


class FleetRenderer(Protocol):
    """A format's own document for many reports (a fleet)."""

    def __call__(self, reports: Sequence[Report], *, notes: Sequence[str] = (),
                 options: RenderOptions | None = None) -> str: ...


def renderer(name: str) -> Renderer:
    """The render function of a registered format (KeyError for an unknown name)."""
    module = import_module(FORMATS[name])
    render: Renderer = module.render
    return render


def render(report: Report, name: str, options: RenderOptions | None = None) -> str:
    """Render a report in the named format, with every credential in it redacted."""
    from wheelfit.redact import redact_data

    return renderer(name)(redact_data(report), options=options)


def fleet_renderer(name: str) -> FleetRenderer | None:
    """The fleet renderer of a registered format, or None when it has none."""
    module = import_module(FORMATS[name])
    found: FleetRenderer | None = getattr(module, "render_fleet", None)
    return found


def render_fleet(reports: Sequence[Report], name: str, notes: Sequence[str] = (),
                 options: RenderOptions | None = None) -> str | None:
    """Many reports as one document of the named format, every credential redacted; None when
    the format has no fleet document of its own (the caller joins single reports)."""
    from wheelfit.redact import redact_data

    draw = fleet_renderer(name)
    if draw is None:
        return None
    return draw([redact_data(r) for r in reports], notes=[redact_data(n) for n in notes],
                options=options)
