"""Image references and `python` tags: `python:3.12-slim-bookworm@sha256:…` read apart.

A reference is `[registry/][namespace/]name[:tag][@digest]`. The official image is `python`
with no namespace, `library/`, `docker.io/library/` or an architecture namespace
(`amd64/`, `arm64v8/`, …, or a variable that chooses one). Tag forms: `X[.Y[.Z]]`,
optionally `-slim`, `-alpine[N.N]`, a Debian codename (`-bookworm`, `-slim-trixie`, …);
`slim`, `alpine`, `latest` and no tag mean the newest Python. A tag in another shape
(`3.12-bookworm-slim`, `3.13-windowsservercore`) gets no variant: reported, not guessed.
"""

from __future__ import annotations

import re

from wheelfit.sources.dockerfile.model import BaseImage, ImageVariant, PythonTag

DEBIAN_RELEASES = frozenset({"jessie", "stretch", "buster", "bullseye", "bookworm", "trixie",
                             "forky"})
_ARCH_NAMESPACES = frozenset({"amd64", "arm32v5", "arm32v6", "arm32v7", "arm64v8", "i386",
                              "ppc64le", "s390x", "riscv64", "mips64le", "windows-amd64"})
_OFFICIAL_PREFIXES = frozenset({"", "library", "docker.io/library", "index.docker.io/library",
                                "registry-1.docker.io/library", "docker.io"})
_VERSION = re.compile(r"(\d+(?:\.\d+){0,2})(?:(?:a|b|rc)\d+)?")
_ALPINE = re.compile(r"alpine(\d+\.\d+)?")
_VARIABLE = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")


def split_reference(reference: str) -> tuple[str, str | None, str | None]:
    """(name, tag, digest) of an image reference."""
    rest, _, digest = reference.partition("@")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        return rest[:colon], rest[colon + 1:], digest or None
    return rest, None, digest or None


def is_official_python(name: str) -> bool:
    """True for the Docker Official `python` image under any of its spellings."""
    prefix, _, last = name.rpartition("/")
    if last != "python":
        return False
    return (prefix.lower() in _OFFICIAL_PREFIXES or prefix in _ARCH_NAMESPACES
            or _VARIABLE.fullmatch(prefix) is not None)


def _suffix(parts: list[str]) -> tuple[ImageVariant, str | None] | None:
    """Variant and release of the words after the version, or None for an unknown form."""
    if not parts:
        return ImageVariant.FULL, None
    first, rest = parts[0], parts[1:]
    alpine = _ALPINE.fullmatch(first)
    if alpine and not rest:
        return ImageVariant.ALPINE, alpine.group(1)
    if first == "slim":
        if not rest:
            return ImageVariant.SLIM, None
        if len(rest) == 1 and rest[0] in DEBIAN_RELEASES:
            return ImageVariant.SLIM, rest[0]
        return None
    if first in DEBIAN_RELEASES and not rest:
        return ImageVariant.FULL, first
    return None


def parse_python_tag(tag: str | None) -> PythonTag:
    """The Python version, variant and release a `python` image tag names."""
    if tag is None or tag == "latest":
        return PythonTag(None, ImageVariant.FULL, None)
    parts = tag.split("-")
    version = None
    match = _VERSION.fullmatch(parts[0])
    if match:
        version, parts = parts[0], parts[1:]
    found = _suffix(parts)
    if found is None:
        return PythonTag(version, None, None)
    return PythonTag(version, found[0], found[1])


def base_image(reference: str, line: int, platform: str | None) -> BaseImage:
    """A `FROM` image reference read apart (not a stage name)."""
    name, tag, digest = split_reference(reference)
    python = parse_python_tag(tag) if is_official_python(name) else None
    return BaseImage(reference=reference, line=line, name=name, tag=tag, digest=digest,
                     platform=platform, python=python)
