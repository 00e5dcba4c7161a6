"""Dockerfiles → `DockerfileModel` (pure, no I/O): lexer, variables, stages, RUN reading.

`parse_dockerfile(text, path)` is the entry point; what it cannot interpret it lists in
`not_modelled` instead of guessing.
"""

from __future__ import annotations

from wheelfit.sources.dockerfile.parse import parse_dockerfile

__all__ = ["parse_dockerfile"]
