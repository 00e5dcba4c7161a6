"""A migration printed as a unified diff, headed by today → after size and build minutes."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from wheelfit.model import VariantEstimate


@dataclass(frozen=True)
class TodaySize:
    """What the service's image is today (predicted from its Dockerfile)."""

    size_mb: float
    build_minutes_range: tuple[float, float] | None = None


def _minutes(span: tuple[float, float] | None) -> str:
    if span is None:
        return "?"
    lo, hi = span
    return f"{lo:.1f} min" if round(lo, 1) == round(hi, 1) else f"{lo:.1f}-{hi:.1f} min"


def _size(after: VariantEstimate) -> str:
    if after.size_mb is None:
        return "? MB"
    spread = (f" ({after.size_mb_range[0]:.0f}-{after.size_mb_range[1]:.0f})"
              if after.size_mb_range else "")
    return f"{after.size_mb:.0f} MB{spread}"


def size_line(after: VariantEstimate, today: TodaySize | None = None, *,
              label: str = "") -> str:
    """`# size: today 900 MB → after 120 MB (100-150); build: today ? → after 1-3 min`.

    `today` is the prediction of the image the Dockerfile builds now; without it the line
    says "today ? MB" rather than guess."""
    today_mb = f"{today.size_mb:.0f} MB" if today is not None else "? MB"
    today_min = _minutes(today.build_minutes_range) if today is not None else "?"
    saved = ""
    if today is not None and after.size_mb is not None:
        change = today.size_mb - after.size_mb
        saved = f", saves {change:.0f} MB" if change >= 0 else f", adds {-change:.0f} MB"
    where = f" ({label})" if label else ""
    return (f"# size{where}: today {today_mb} → after {_size(after)}{saved}; build minutes: "
            f"today {today_min} → after {_minutes(after.build_minutes_range)}")


def unified(before: str, after: str, path: str, variant: str) -> str:
    """`--- path` / `+++ path (variant)` and the hunks; empty when nothing changed."""
    lines = difflib.unified_diff(before.split("\n"), after.split("\n"), fromfile=path,
                                 tofile=f"{path} ({variant})", lineterm="")
    return "\n".join(lines)


def migration_text(header: Sequence[str], notes: Sequence[str], diff: str) -> str:
    """The whole output: header lines, notes as comments, then the diff."""
    body = diff if diff else "# no change: the Dockerfile already builds this variant"
    return "\n".join([*header, *(f"# note: {n}" for n in notes), body]) + "\n"
