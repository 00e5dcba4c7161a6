"""What a Dockerfile input adds to the model: the Dockerfile's facts (`DockerfileInfo`)
and today's image as it builds it (`CurrentImage`, layer by layer). Frozen dataclasses,
in the report as `Report.dockerfile` and `Report.current`; loaded with the first
Dockerfile (also found as `wheelfit.model.<name>`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DockerfileInfo:
    """What a Dockerfile said: the final stage's base, the target derived from it, the
    inputs its install lines name (build-context paths), what was checked of them, and what
    the parser could not model (`not modelled: <instruction> (line N)`)."""

    path: str
    context: str
    final_stage: str
    base: str
    base_line: int
    python: str | None
    variant: str | None
    release: str | None
    target: str
    inputs: tuple[str, ...] = ()
    checked: tuple[str, ...] = ()
    not_read: tuple[str, ...] = ()
    not_modelled: tuple[str, ...] = ()


@dataclass(frozen=True)
class CurrentLayer:
    """One instruction of today's image that adds bytes, with what its size rests on."""

    instruction: str
    line: int
    size_mb: float | None
    size_mb_range: tuple[float, float] | None = None
    basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class CurrentImage:
    """Today's image as the service's Dockerfile builds it (final stage only), predicted."""

    dockerfile: str
    base: str
    target: str
    size_mb: float | None
    size_mb_range: tuple[float, float] | None
    layers: tuple[CurrentLayer, ...]
    source_builds: int = 0
    build_minutes_range: tuple[float, float] = (0.0, 0.0)
    not_modelled: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
