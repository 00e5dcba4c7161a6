"""The official python images over time (pure over shipped data): which row of
data/python-image-history.tsv a tag had on a date, and which Python an unversioned tag
(`python:slim`, `python:alpine`, `python:3-slim`, `latest`) meant then
(data/python-releases.tsv)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from wheelfit.shipped import read_tsv


@dataclass(frozen=True)
class ImageRow:
    """One observed version of a python image tag, from `valid_from` on."""

    tag: str
    python_version: str
    variant: str
    distro: str
    arch: str
    compressed_bytes: int | None
    uncompressed_bytes: int | None
    valid_from: date
    source: str

    @property
    def minor(self) -> str:
        """`3.12` of `3.12.14`."""
        return ".".join(self.python_version.split(".")[:2])

    def line(self) -> str:
        """The row as a basis line: tag, Python, size, date and source."""
        size = (f"{self.compressed_bytes / 1e6:.1f} MB compressed" if self.compressed_bytes
                else f"{(self.uncompressed_bytes or 0) / 1e6:.1f} MB on disk")
        return (f"{self.tag} ({self.python_version}, {self.distro}, {self.arch}) = {size} "
                f"from {self.valid_from.isoformat()}; source {self.source}")


def to_day(text: str) -> date:
    """`2026-08` or `2026-08-05` → a date (the first of the month when no day is given)."""
    parts = [int(p) for p in text.split("-")]
    return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)


def _bytes(text: str) -> int | None:
    return int(text) if text.strip() else None


@lru_cache(maxsize=1)
def image_rows() -> tuple[ImageRow, ...]:
    """Every row of data/python-image-history.tsv, oldest first."""
    rows = [ImageRow(r["tag"], r["python_version"], r["variant"], r["distro"], r["arch"],
                     _bytes(r["compressed_bytes"]), _bytes(r["uncompressed_bytes"]),
                     to_day(r["valid_from"]), r["source"])
            for r in read_tsv("python-image-history.tsv")]
    return tuple(sorted(rows, key=lambda r: r.valid_from))


@lru_cache(maxsize=1)
def releases() -> tuple[tuple[str, date, str], ...]:
    """(minor, first final release date, source), oldest first."""
    rows = [(r["python"], to_day(r["released"]), r["source"])
            for r in read_tsv("python-releases.tsv")]
    return tuple(sorted(rows, key=lambda r: r[1]))


def python_meant(on: date) -> tuple[str, str] | None:
    """The Python minor an unversioned python tag meant on a date, and why; None before
    the oldest release in the table."""
    known = [r for r in releases() if r[1] <= on]
    if not known:
        return None
    minor, released, source = known[-1]
    return minor, (f"on {on.isoformat()} the unversioned python tags meant Python {minor}, "
                   f"the newest minor by then (released {released.isoformat()}, {source})")


def image_at(minor: str, variant: str, on: date, arch: str = "amd64") -> ImageRow | None:
    """The newest row of that Python minor and variant whose `valid_from` is on or before
    the date; None when the table holds none that old."""
    found = [r for r in image_rows() if r.minor == minor and r.variant == variant
             and r.arch == arch and r.valid_from <= on]
    return found[-1] if found else None
