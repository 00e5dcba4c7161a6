"""The short "From Dockerfile" section of the text and markdown reports: the final stage's
base, the target derived from it, the inputs found and checked, and what was not modelled."""

from __future__ import annotations

from collections.abc import Callable

from wheelfit.model.docker import DockerfileInfo

# A Dockerfile with many unmodelled commands lists this many, then a count.
SHOWN = 8


def _items(info: DockerfileInfo) -> list[tuple[str, str]]:
    stage = info.final_stage
    rows = [("final stage", f"{stage}, FROM {info.base} (line {info.base_line})"),
            ("target", info.target),
            ("inputs found", ", ".join(info.inputs) or "none"),
            ("checked", ", ".join(info.checked) or "none")]
    rows += [("not read", item) for item in info.not_read]
    return rows


def _gaps(info: DockerfileInfo) -> list[str]:
    shown = list(info.not_modelled[:SHOWN])
    rest = len(info.not_modelled) - len(shown)
    return shown + ([f"… and {rest} more not modelled (--format json lists all)"]
                    if rest > 0 else [])


def text_lines(info: DockerfileInfo) -> list[str]:
    """The section for the terminal report."""
    out = ["", f"From Dockerfile {info.path}:"]
    out += [f"  {label}: {value}" for label, value in _items(info)]
    out += [f"  {gap}" for gap in _gaps(info)]
    return out


def markdown_lines(info: DockerfileInfo, escape: Callable[[str], str]) -> list[str]:
    """The section for the markdown report, every value through the renderer's `escape`."""
    out = ["", f"**From Dockerfile** {escape(info.path)}", ""]
    out += [f"- {label}: {escape(value)}" for label, value in _items(info)]
    out += [f"- {escape(gap)}" for gap in _gaps(info)]
    return out
