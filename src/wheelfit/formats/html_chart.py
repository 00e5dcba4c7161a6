"""The image-size chart of the HTML report: one inline SVG bar per variant of the estimate.

A variant named `today` (`TODAY`) is the image the project builds now (from its
Dockerfile); when the estimate carries one it is drawn first, with its own pattern and
label, and nothing is drawn for it when it does not. Bars never rely on colour alone: each
has its size as text, the recommended one says so, a range is a whisker, and a variant that
cannot be built is a dashed outline with the words "cannot be built". Pure: values in,
markup out; every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from wheelfit.model import Estimate, VariantEstimate

TODAY = "today"
DASH = "\N{EN DASH}"
WIDTH = 740
LABEL_W = 270
BAR_W = 260
ROW_H = 44
TOP = 8


@dataclass(frozen=True)
class Bar:
    """One row of the chart."""

    name: str
    image: str
    size_mb: float | None
    low_high: tuple[float, float] | None
    available: bool
    today: bool = False
    recommended: bool = False


def bars(estimate: Estimate | None, recommended: str | None) -> list[Bar]:
    """The chart's rows: `today` first when present, then the variants in estimate order."""
    if estimate is None:
        return []
    rows = [_bar(v, recommended) for v in estimate.variants]
    return sorted(rows, key=lambda b: not b.today)


def _bar(v: VariantEstimate, recommended: str | None) -> Bar:
    return Bar(v.name, v.image, v.size_mb, v.size_mb_range, v.available and v.size_mb is not None,
               today=v.name == TODAY, recommended=v.name == recommended)


def mb(x: float) -> str:
    """`402 MB`, `1.2 GB`: a size for people."""
    return f"{x / 1000:.1f} GB" if x >= 1000 else f"{x:.0f} MB"


def _label(b: Bar) -> str:
    if b.today:
        return "today (your Dockerfile)"
    return f"{b.name} ★ recommended" if b.recommended else b.name


def _value(b: Bar) -> str:
    if not b.available or b.size_mb is None:
        return "cannot be built" if not b.available else "size unknown"
    text = f"~{mb(b.size_mb)}"
    if b.low_high:
        text += f" ({mb(b.low_high[0])}{DASH}{mb(b.low_high[1])})"
    return text


def _row(b: Bar, y: int, scale: float, chart_id: str) -> list[str]:
    cls = "bar today" if b.today else ("bar rec" if b.recommended else "bar")
    fill = f' style="fill:url(#{chart_id}-hatch)"' if b.today else ""
    mid = y + ROW_H // 2
    out = [f'<g class="row"><text class="lbl" x="{LABEL_W - 10}" y="{mid - 4}" '
           f'text-anchor="end">{escape(_label(b))}</text>',
           f'<text class="img" x="{LABEL_W - 10}" y="{mid + 12}" text-anchor="end">'
           f'{escape(b.image)}</text>']
    if b.available and b.size_mb is not None:
        width = max(2.0, b.size_mb * scale)
        out.append(f'<rect class="{cls}" x="{LABEL_W}" y="{y + 8}" width="{width:.1f}" '
                   f'height="{ROW_H - 16}" rx="3"{fill}/>')
        end = width
        if b.low_high:
            lo, hi = (LABEL_W + b.low_high[0] * scale, LABEL_W + b.low_high[1] * scale)
            out.append(f'<path class="whisker" d="M{lo:.1f} {mid}H{hi:.1f}M{lo:.1f} {mid - 6}'
                       f'V{mid + 6}M{hi:.1f} {mid - 6}V{mid + 6}"/>')
            end = max(end, hi - LABEL_W)
    else:
        end = BAR_W * 0.35
        out.append(f'<rect class="bar none" x="{LABEL_W}" y="{y + 8}" width="{end:.1f}" '
                   f'height="{ROW_H - 16}" rx="3"/>')
    out.append(f'<text class="val" x="{LABEL_W + end + 8:.1f}" y="{mid + 5}">'
               f'{escape(_value(b))}</text></g>')
    return out


def size_chart(rows: Sequence[Bar], chart_id: str, caption: str) -> str:
    """An accessible SVG bar chart of image sizes ('' when there is nothing to draw)."""
    if not rows:
        return ""
    top = max((max(b.size_mb or 0.0, b.low_high[1] if b.low_high else 0.0) for b in rows
               if b.available), default=0.0)
    scale = BAR_W / top if top > 0 else 0.0
    height = TOP * 2 + ROW_H * len(rows)
    summary = "; ".join(f"{_label(b)}: {_value(b)}" for b in rows)
    out = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
           f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMinYMin meet">',
           f'<title id="{chart_id}-t">{escape(caption)}</title>',
           f'<desc id="{chart_id}-d">{escape(summary)}</desc>',
           '<defs><pattern id="' + chart_id + '-hatch" width="6" height="6" '
           'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
           '<rect class="hatch-bg" width="6" height="6"/><path class="hatch" d="M0 0V6"/>'
           '</pattern></defs>']
    for i, b in enumerate(rows):
        out += _row(b, TOP + i * ROW_H, scale, chart_id)
    out.append("</svg>")
    return "\n".join(out)
