"""Dockerfiles → `DockerfileModel` (pure, no I/O): `parse_dockerfile(text, path)`.

The layers, lowest first: `lexer` (directives, continuations, comments, heredocs, flags,
exec form), `words` and `expand` (ARG/ENV words and bounded substitution), `images`
(references and python tags), `shell` (a RUN's simple commands and their if-branches),
`installs` and `system` (installer and apt/apk command lines), `context` (image paths back
to the build context), `run` (one RUN), `parse` (stages and scopes). `model` holds the
frozen result. What the parser cannot interpret is listed in `not_modelled`, never guessed.
"""

from __future__ import annotations

from wheelfit.sources.dockerfile.parse import parse_dockerfile

__all__ = ["parse_dockerfile"]
