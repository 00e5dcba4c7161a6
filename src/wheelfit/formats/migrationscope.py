"""Two narrow judgements of the Dockerfile migration: a FROM whose Python version is an ARG
(`python:${PY}-slim…`) can keep the ARG, and an install of inline specs builds nothing when
none of them builds from source on the target."""

from __future__ import annotations

import re

from packaging.utils import canonicalize_name

from wheelfit.sources.dockerfile.model import BaseImage, PythonInstall

# `python:${PY}-slim…` / `python:$PY-slim…`: an ARG in place of the Python version only.
_ARG_VERSION = re.compile(r"(?P<name>[\w./:-]*?python):(?P<arg>\$\{\w+\}|\$\w+)"
                          r"(?P<rest>[\w.-]*)(?P<digest>@[\w:]+)?(?=\s|$)")
# A requirement named plainly (`name[extra]==1.0`), not a path, URL or file.
_NAMED = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[=<>!~;].*)?$")


def arg_version_swap(text: str, base: BaseImage, suffix: str) -> str | None:
    """The FROM line with its variant swapped when an ARG stands for the Python version
    alone (`python:${PY}-slim-bookworm` → `python:${PY}-alpine3.24`); None otherwise."""
    tag = base.python
    if tag is None or tag.python is None or base.tag is None:
        return None
    for found in _ARG_VERSION.finditer(text):
        rest = found.group("rest")
        if rest and not base.tag.endswith(rest):
            continue
        if base.tag[:len(base.tag) - len(rest)] == tag.python:
            new = f"{found.group('name')}:{found.group('arg')}-{suffix}"
            return text[:found.start()] + new + text[found.end():]
    return None


def may_build(install: PythonInstall, builds: tuple[str, ...] | None) -> bool:
    """False only for an install of plainly named inline specs none of which builds on the
    target (`builds`: the packages that do; None when not known)."""
    if builds is None or install.requirements or not install.specs:
        return True
    names = [_NAMED.match(spec) for spec in install.specs]
    if not all(names):  # a local project, a URL or a file may build: count it as building
        return True
    building = {canonicalize_name(n) for n in builds}
    return any(canonicalize_name(m.group(1)) in building for m in names if m)
