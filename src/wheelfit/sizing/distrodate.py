"""The Debian / Alpine release a python image used on a date (pure over shipped data):
data/distro-releases.tsv, capped by the newest release the Python minor was published with
(data/base-images.tsv), and floored at the oldest release wheelfit's libc tables know."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from wheelfit.compat.targets import ALPINE_MUSL, DEBIAN_GLIBC
from wheelfit.shipped import read_tsv
from wheelfit.sizing.history import to_day
from wheelfit.sizing.sizes import newest_release


@dataclass(frozen=True)
class DistroRelease:
    """One Debian or Alpine release and the day it came out."""

    distro: str
    release: str
    released: date
    source: str
    libc: str = ""


@dataclass(frozen=True)
class DatedRelease:
    """The release the targets use, the one the image had on the date (None: older than the
    table), and the sentence the report gives."""

    release: str
    meant: str | None
    note: str


@lru_cache(maxsize=1)
def distro_releases() -> tuple[DistroRelease, ...]:
    """Every row of data/distro-releases.tsv, oldest first."""
    rows = [DistroRelease(r["distro"], r["release"], to_day(r["released"]), r["source"],
                          r["libc"]) for r in read_tsv("distro-releases.tsv")]
    return tuple(sorted(rows, key=lambda r: r.released))


def _shown(variant: str, release: str) -> str:
    return f"alpine{release}" if variant == "alpine" else release


def release_on(minor: str, variant: str, on: date) -> DatedRelease:
    """The release python:<minor>-<variant> used on a date: the newest one out by then
    (docker-library moves the tag within days of a release), never newer than the newest one
    the minor was published with; when that is older than wheelfit's libc and size tables,
    the oldest release they know, and the note says so."""
    alpine = variant == "alpine"
    rows = [r for r in distro_releases() if r.distro == ("alpine" if alpine else "debian")]
    known = list(ALPINE_MUSL if alpine else DEBIAN_GLIBC)
    image = f"python:{minor}-{'alpine' if alpine else 'slim'}"
    out = [r for r in rows if r.released <= on]
    cap = newest_release(minor, variant)
    capped = ""
    last = next((r for r in rows if r.release == cap), None)
    if out and last is not None and out[-1].released > last.released:
        capped = (f" ({image} was never published on {_shown(variant, out[-1].release)}; "
                  f"its last release was {_shown(variant, last.release)})")
        out = [r for r in out if r.released <= last.released]
    if not out:
        oldest = known[0]
        return DatedRelease(oldest, None, (
            f"{image} on {on.isoformat()} used a release older than wheelfit's "
            f"{'musl' if alpine else 'glibc'} and size tables; the targets take the oldest "
            f"they know, {_shown(variant, oldest)}"))
    meant = out[-1]
    why = (f"{image} meant {_shown(variant, meant.release)} on {on.isoformat()}: the newest "
           f"release out by then ({meant.released.isoformat()}, {meant.source}){capped}")
    if meant.release in known:
        return DatedRelease(meant.release, meant.release, f"{why}; pass "
                            f"{'--alpine' if alpine else '--debian'} to change")
    oldest = known[0]
    return DatedRelease(oldest, meant.release, (
        f"{why}; wheelfit has no size data for it, so the report targets "
        f"{_shown(variant, oldest)}, the oldest release it knows: "
        + _libc_gap(meant, alpine, oldest)))


def _libc_gap(meant: DistroRelease, alpine: bool, used: str) -> str:
    """What judging the wheels on `used` instead of `meant` gets wrong, from their libcs."""
    libc = (f"musl {ALPINE_MUSL[used]}" if alpine else f"glibc {DEBIAN_GLIBC[used]}")
    had = meant.libc or "an unknown libc"
    sizes = f"sizes are {_shown('alpine' if alpine else 'slim', used)}'s"
    if alpine:
        if had.startswith("musl 1.2"):
            return (f"{had} then, {libc} there: the same wheel judgement (musllinux_1_2 and "
                    f"older); {sizes}")
        return (f"{had} then, {libc} there: musllinux_1_2 wheels are judged installable though "
                f"{had} rejects them; {sizes}")
    then = had.removeprefix("glibc ")
    low = int(then.split(".")[1]) + 1 if then.startswith("2.") else None
    high = int(DEBIAN_GLIBC[used].split(".")[1])
    if low is None or low > high:
        return f"{had} then, {libc} there; {sizes}"
    return (f"{had} then, {libc} there: wheels tagged manylinux_2_{low} to manylinux_2_{high} "
            f"are judged installable though {had} rejects them; {sizes}")
