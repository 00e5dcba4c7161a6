"""Registry of report formats: each is a pure `render(report, *, options) -> str` in its own
module (`options` a `RenderOptions`), imported on first use so `wheelfit --version` pays for
none of them.

- `text`: the terminal view (`terminal.py`); options `color`, `quiet`, `verbose`, `all`.
- `json`: the report model serialised (`json_format.py`); `data/report.schema.json` describes it.
- `markdown`: a pull-request comment (`markdown.py`), at most 65,536 characters.

`render` hands each format the report with every credential redacted (`redact_data`).
"""

from __future__ import annotations

from importlib import import_module
from typing import Protocol

from wheelfit.formats.options import RenderOptions
from wheelfit.model import Report
from wheelfit.redact import redact_data

FORMATS: dict[str, str] = {
    "text": "wheelfit.formats.terminal",
    "json": "wheelfit.formats.json_format",
    "markdown": "wheelfit.formats.markdown",
}


class Renderer(Protocol):
    """A format: a pure function of the report and display options."""

    def __call__(self, report: Report, *, options: RenderOptions | None = None) -> str: ...


def renderer(name: str) -> Renderer:
    """The render function of a registered format (KeyError for an unknown name)."""
    module = import_module(FORMATS[name])
    render: Renderer = module.render
    return render


def render(report: Report, name: str, options: RenderOptions | None = None) -> str:
    """Render a report in the named format, with every credential in it redacted."""
    return renderer(name)(redact_data(report), options=options)
