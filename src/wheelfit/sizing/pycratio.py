"""The bytecode term by ratio: .pyc bytes pip writes per .py byte a wheel holds, calibrated on
real installs (docs/estimate.md "Bytecode calibration"), per target CPython minor (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wheelfit.sizing.sizes import MB, Span

# pip byte-compiles at install: .pyc bytes per .py byte from real `pip install --target` runs
# (tools/calibrate_pyc.py, CPython 3.11; docs/estimate.md "Bytecode calibration"): 1.31 over
# all bytes of the calibration sets; 0.71-1.83 per set with the held-out sets.
PYC_PER_PY = (1.31, 0.70, 1.84)
# CPython 3.12+ writes less bytecode than 3.11 for the same files: Σ .pyc of the 12 calibration
# sets compiled by each, over 3.11's (docs/estimate.md "Exact bytecode"). 3.14 is taken as 3.13;
# 3.10 and older were not measured (3.11's ratio stands).
PYC_MINOR_FACTOR = {"3.12": 0.905, "3.13": 0.894, "3.14": 0.894}
# The minors those factors were measured on, and how: the 12 calibration sets (109 wheels) each
# compiled by 3.11, 3.12 and 3.13. 3.11's bytecode times the factor missed the other minor's by
# at most 4.5 % a set (tests/data/estimate/pyc-cross-minor.json), hence the band.
MEASURED_MINORS = frozenset({"3.11", "3.12", "3.13"})
ASSUMED_AS = {"3.14": "3.13"}
CROSS_MINOR_MEASURE = "12 package sets, 109 wheels"
CROSS_MINOR_BAND = 0.05
# Where a minor's factor is assumed or unknown: the largest difference measured between the
# bytecode of 3.11 and 3.12/3.13 of one set (13.2 %), rounded up.
UNMEASURED_BAND = 0.15
# When a wheel's file list is unknown: share of its bytes that are .py files (medians of 79
# wheels) and the wider ratio range that guess carries.
PY_SHARE = {"pure": 0.85, "binary": 0.12}
PYC_GUESS_RANGE = (0.55, 1.5)


def _mb(value: float) -> str:
    return f"{value / MB:.1f} MB"


@dataclass(frozen=True)
class MinorScale:
    """How bytecode compiled by one CPython minor stands in for another's: the factor, the
    band either side of the scaled size, and what they rest on."""

    factor: float
    band: float
    basis: str


def _factor(minor: str) -> float | None:
    return 1.0 if minor == "3.11" else PYC_MINOR_FACTOR.get(minor)


def minor_scale(host: str, target: str) -> MinorScale:
    """The measured factor from `host`'s bytecode (a CPython minor, X.Y) to `target`'s."""
    have, want = _factor(host), _factor(target)
    if have is None or want is None:
        missing = host if have is None else target
        return MinorScale(1.0, UNMEASURED_BAND,
                          f"not scaled: no factor measured for {missing}; "
                          f"±{UNMEASURED_BAND:.0%}, the largest difference measured between "
                          "3.11 and 3.12/3.13")
    factor = want / have
    if {host, target} <= MEASURED_MINORS:
        return MinorScale(factor, CROSS_MINOR_BAND,
                          f"scaled by {factor:.3f} to {target} (measured on "
                          f"{CROSS_MINOR_MEASURE}: ±{CROSS_MINOR_BAND:.0%}, their largest "
                          "error)")
    assumed = "; ".join(f"{m} not measured: taken as {ASSUMED_AS.get(m, '3.11')}"
                        for m in (host, target) if m not in MEASURED_MINORS)
    return MinorScale(factor, UNMEASURED_BAND,
                      f"scaled by {factor:.3f} to {target} ({assumed}; "
                      f"±{UNMEASURED_BAND:.0%})")


def pyc_ratio(python: str | None) -> tuple[tuple[float, float, float], str]:
    """(point, lo, hi) .pyc bytes per .py byte for a target's CPython minor, and its basis."""
    factor = PYC_MINOR_FACTOR.get(python or "")
    if factor is None:
        return PYC_PER_PY, "calibrated on real CPython 3.11 installs"
    point, lo, hi = (round(r * factor, 2) for r in PYC_PER_PY)
    return (point, lo, hi), (f"CPython 3.11's {PYC_PER_PY[0]} from real installs times {factor} "
                             f"for CPython {python}'s smaller bytecode")


def pyc_span(packages: Iterable[tuple[int | None, Span | None, str]],
             python: str | None = None) -> tuple[Span, str]:
    """The bytecode pip writes at install for (py bytes, installed size, kind) per package:
    the calibrated ratio (for the target's `python` minor) times the wheels' own `.py` bytes;
    a package whose file list is unknown is guessed from its size (the .py share of its
    kind) with a wider range."""
    # Summed as floats, in the order `Span` addition and `scaled` would: one Span at the end.
    listed, count, guesses = 0.0, 0, 0
    guessed_point, guessed_lo, guessed_hi = 0.0, 0.0, 0.0
    for py, size, kind in packages:
        if py is not None:
            listed += float(py)
            count += 1
        elif size is not None:
            share = PY_SHARE[kind]
            guessed_point += size.point * share
            guessed_lo += size.lo * share
            guessed_hi += size.hi * share
            guesses += 1
    (point, lo, hi), source = pyc_ratio(python)
    span = Span(listed * point + guessed_point * point,
                listed * lo + guessed_lo * PYC_GUESS_RANGE[0],
                listed * hi + guessed_hi * PYC_GUESS_RANGE[1])
    line = (f"bytecode: pip compiles .py files at install, +{_mb(span.point)} ({point} .pyc "
            f"bytes per .py byte, {source}, docs/estimate.md; "
            f".py bytes from the wheels' file lists: {_mb(listed)} in {count} "
            f"package(s)")
    if guesses:
        line += (f"; {guesses} package(s) without a file list: .py share {PY_SHARE['pure']} "
                 f"of pure, {PY_SHARE['binary']} of binary wheels assumed")
    return span, line + ")"
