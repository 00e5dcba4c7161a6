"""The "Today's image" section of the text and markdown reports: the size the service's own
Dockerfile builds today, layer by layer, each with the basis lines that name its sources."""

from __future__ import annotations

from collections.abc import Callable

from wheelfit.model.docker import CurrentImage, CurrentLayer

# Unmodelled items shown before a count; a basis line is cut only past this many characters
# (its source is at its end).
SHOWN = 6
BASIS_CAP = 600


def _num(x: float) -> str:
    return f"{x:g}"


def _size(size: float | None, span: tuple[float, float] | None) -> str:
    if size is None:
        return "unknown"
    return f"~{_num(size)} MB" + (f" ({_num(span[0])}-{_num(span[1])})" if span else "")


def headline(current: CurrentImage) -> str:
    """One line: size, range, source builds and build minutes."""
    low, high = current.build_minutes_range
    minutes = "no build time" if high == 0 else f"{_num(low)}-{_num(high)} min of builds"
    return (f"{_size(current.size_mb, current.size_mb_range)}, "
            f"{current.source_builds} source build(s), {minutes}")


def _gaps(current: CurrentImage) -> list[str]:
    shown = list(current.not_modelled[:SHOWN])
    rest = len(current.not_modelled) - len(shown)
    return shown + ([f"… and {rest} more (--format json lists all)"] if rest > 0 else [])


def _layer_size(layer: CurrentLayer) -> str:
    return _size(layer.size_mb, layer.size_mb_range)


def text_lines(current: CurrentImage, bold: Callable[[str], str]) -> list[str]:
    """The section for the terminal report: the layer table, then each layer's basis."""
    out = ["", bold(f"Today's image ({current.dockerfile}, {current.base})") + ": "
           + headline(current)]
    width = max((len(layer.instruction) for layer in current.layers), default=0)
    for layer in current.layers:
        out.append(f"  {layer.instruction.ljust(width)}  {_layer_size(layer)}")
        out += [f"      {line}" for line in layer.basis]
    out += [f"  not modelled: {gap}" for gap in _gaps(current)]
    out += [f"  note: {note}" for note in current.notes]
    return out


def markdown_lines(current: CurrentImage, escape: Callable[..., str]) -> list[str]:
    """The section for the markdown report, every value through the renderer's `escape`."""
    out = ["", f"### Today's image: {escape(current.dockerfile)} ({escape(current.base)})", "",
           escape(headline(current)), "", "| Layer | Size | Basis |", "| --- | --- | --- |"]
    for layer in current.layers:
        basis = "<br>".join(escape(line, cap=BASIS_CAP) for line in layer.basis)
        out.append(f"| {escape(layer.instruction)} | {_layer_size(layer)} | {basis} |")
    out += [""] + [f"- not modelled: {escape(gap)}" for gap in _gaps(current)]
    return out
