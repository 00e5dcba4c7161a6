"""Input files → `DependencySpec`: format detection, and `load_spec` through a table of
parsers (`PARSERS`: format → module, function, the keywords it takes).

Formats (the `input_format` names): `requirements` (requirements*.txt, *.in, other *.txt),
`pyproject` (pyproject.toml), `uv-lock` (uv.lock), `poetry-lock` (poetry.lock),
`pipfile-lock` (Pipfile.lock), `pylock` (pylock.toml, pylock.<name>.toml).

Each parser is imported only when a file of its format is read: a run over one uv.lock
does not pay for the requirements, Poetry or pyproject parsers (nor `urllib.request`).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping, Sequence
from importlib import import_module
from pathlib import Path

from wheelfit.errors import InputFileError, UsageError
from wheelfit.model import DependencySpec
from wheelfit.sources.bounds import check_numbers
from wheelfit.sources.reading import read_text

FORMATS = ("requirements", "pyproject", "uv-lock", "poetry-lock", "pipfile-lock", "pylock")
_PYLOCK_NAME = re.compile(r"^pylock\.[^.]+\.toml$")
_NO_EXTRAS = ("requirements", "pipfile-lock")
_NOT_SUPPORTED = {
    "Pipfile": "Lock it with `pipenv lock` and give Pipfile.lock.",
    "setup.py": "List the dependencies in requirements.txt or pyproject.toml, or give a lock.",
    "setup.cfg": "List the dependencies in requirements.txt or pyproject.toml, or give a lock.",
    "environment.yml": "Conda environments are not supported; give a requirements file.",
}

_SELECTION = ("extras", "all_extras", "groups", "dev", "keep_going")
# Format → (module of wheelfit.sources, its parse function, the keywords it takes). The
# module is imported only when a file of its format is read.
PARSERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "requirements": ("requirements", "parse_requirements_text",
                     ("base_dir", "environ", "keep_going", "path")),
    "pyproject": ("pyproject", "parse_pyproject", ("base_dir", *_SELECTION)),
    "uv-lock": ("lock_uv", "parse_uv_lock", ("base_dir", *_SELECTION)),
    "poetry-lock": ("lock_poetry", "parse_poetry_lock", ("base_dir", *_SELECTION)),
    "pipfile-lock": ("lock_pipfile", "parse_pipfile_lock",
                     ("groups", "dev", "keep_going", "environ")),
    "pylock": ("lock_pylock", "parse_pylock", _SELECTION),
}


def detect_format(path: Path) -> str:
    """The input format a file name stands for; raises InputFileError when unknown."""
    name = path.name
    fixed = {
        "pyproject.toml": "pyproject",
        "uv.lock": "uv-lock",
        "poetry.lock": "poetry-lock",
        "Pipfile.lock": "pipfile-lock",
        "pylock.toml": "pylock",
    }
    if name in fixed:
        return fixed[name]
    if _PYLOCK_NAME.match(name):
        return "pylock"
    if name.endswith((".txt", ".in")):
        return "requirements"
    hint = _NOT_SUPPORTED.get(
        name,
        "Name the file as its tool does (requirements.txt, "
        "pyproject.toml, uv.lock, poetry.lock, Pipfile.lock, "
        "pylock.toml) or pass --input-format "
        f"{{{','.join(FORMATS)}}}.",
    )
    raise InputFileError(
        "cannot tell which kind of dependency file this is", path=str(path), hint=hint
    )


def load_spec(
    path: Path,
    *,
    input_format: str | None = None,
    extras: Sequence[str] = (),
    all_extras: bool = False,
    groups: Sequence[str] = (),
    dev: bool = False,
    keep_going: bool = False,
    environ: Mapping[str, str] | None = None,
) -> DependencySpec:
    """Read one dependency file into a `DependencySpec`.

    `input_format` forces one of `FORMATS`; else the file name decides. `extras`,
    `all_extras`, `groups` and `dev` select optional parts (an unknown extra or group is an
    InputFileError listing the known ones). With `keep_going`, bad lines and entries are
    collected in `problems` instead of raising. When the file names no Python version, one
    is taken from `.python-version`, else from the Dockerfile, next to the file.
    """
    env = os.environ if environ is None else environ
    display = str(path)
    if input_format is not None and input_format not in FORMATS:
        raise UsageError(
            f"unknown input format {input_format!r}", hint=f"Use one of: {', '.join(FORMATS)}."
        )
    text = read_text(path, display)
    check_numbers(text, display)
    kind = input_format or detect_format(path)
    module, function, wanted = PARSERS[kind]
    given: dict[str, object] = {
        "base_dir": path.parent, "path": path, "environ": env, "extras": extras,
        "all_extras": all_extras, "groups": groups, "dev": dev, "keep_going": keep_going,
    }
    parse = getattr(import_module(f"wheelfit.sources.{module}"), function)
    spec: DependencySpec = _redacted(
        parse(text, display, **{key: given[key] for key in wanted}))
    ignored = [
        *(["extras"] if (extras or all_extras) and kind in _NO_EXTRAS else []),
        *(["groups"] if (groups or dev) and kind == "requirements" else []),
    ]
    if ignored:
        note = f"{display}: {' and '.join(ignored)} do not apply to {kind} files; ignored"
        spec = dataclasses.replace(spec, notes=(*spec.notes, note))
    if kind == "pyproject":
        from wheelfit.sources.lockhint import lock_note

        beside = lock_note(path, display)
        if beside is not None:
            spec = dataclasses.replace(spec, notes=(*spec.notes, beside))
    if spec.python is None:
        from wheelfit.sources.pythonhint import neighbour_hint

        hint = neighbour_hint(path, display)
        if hint is not None:
            spec = dataclasses.replace(spec, python=hint)
    return spec


def _redacted(spec: DependencySpec) -> DependencySpec:
    """The spec with credentials redacted from every message that may echo the input
    (`--keep-going` problems, notes, skipped entries): they reach every output format."""
    from wheelfit.redact import redact_text

    return dataclasses.replace(
        spec,
        problems=tuple(redact_text(p) for p in spec.problems),
        notes=tuple(redact_text(n) for n in spec.notes),
        skipped=tuple(
            dataclasses.replace(s, text=redact_text(s.text), reason=redact_text(s.reason))
            for s in spec.skipped
        ),
    )
