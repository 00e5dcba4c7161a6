"""Inputs of every command: dependency files → specs, specs + options → `CheckRequest`,
and the index clients a run shares (one per index configuration).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from wheelfit.compat.select import parse_upload_cutoff
from wheelfit.compat.targets import DEFAULT_PYTHON, default_targets
from wheelfit.errors import UsageError
from wheelfit.model import DependencySpec, IndexOptions
from wheelfit.pipeline.check import CheckRequest
from wheelfit.redact import redact_text
from wheelfit.sources.index_config import (
    DEFAULT_INDEX,
    named_index_url,
    resolve_index_options,
)
from wheelfit.sources.load import load_spec

if TYPE_CHECKING:
    from datetime import date, datetime
    from pathlib import Path

    from wheelfit.commands.options import RunOptions
    from wheelfit.index.base import PackageIndex
    from wheelfit.model.docker import DockerfileInfo


class IndexPool:
    """One index client per distinct index configuration, shared by the whole run."""

    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self.clients: dict[tuple[str, ...], PackageIndex] = {}

    def get(self, urls: tuple[str, ...]) -> PackageIndex:
        """The client for these index URLs (opened on first use)."""
        if urls not in self.clients:
            from wheelfit.index.client import open_index
            from wheelfit.pipeline.sdistplan import BUILD_FILES_SCAN

            o = self.options
            self.clients[urls] = open_index(
                urls, cache_dir=o.cache_dir, no_cache=o.no_cache, refresh=o.refresh,
                offline=o.offline, timeout=o.timeout, retries=o.retries,
                sdist_scan=BUILD_FILES_SCAN,
            )
        return self.clients[urls]

    def for_request(self, request: CheckRequest) -> PackageIndex:
        """The request's client, with the packages a lock pins to another index routed to
        that index's own client."""
        default = self.get(request.index_urls)
        if not request.routes:
            return default
        from wheelfit.index.routed import RoutedIndex

        return RoutedIndex(default, {name: (url, self.get((url,)))
                                     for name, url in request.routes})

    def close(self) -> None:
        """Close every client."""
        for client in self.clients.values():
            client.close()


def _names(values: Sequence[str]) -> frozenset[str]:
    return frozenset(n.strip() for v in values for n in v.split(",") if n.strip())


def cli_index_options(options: RunOptions) -> IndexOptions:
    """The index settings given on the command line (layered over the file's and pip's)."""
    return IndexOptions(
        index_url=options.index_url,
        extra_index_urls=tuple(options.extra_index_url),
        pre=options.pre,
        only_binary=_names(options.only_binary),
        no_binary=_names(options.no_binary),
        prefer_binary=options.prefer_binary,
    )


def index_urls(merged: IndexOptions) -> tuple[str, ...]:
    """The primary index (PyPI when none is configured), then the extra ones, once each."""
    return tuple(dict.fromkeys([merged.index_url or DEFAULT_INDEX, *merged.extra_index_urls]))


def load_inputs(inputs: Sequence[Path], options: RunOptions) -> tuple[list[DependencySpec],
                                                                      list[str]]:
    """Read every input (and with --recursive, every service found) into specs. A --mapping
    overlay is read here too, so a bad one stops the run before any index work."""
    if options.mapping_path:
        from wheelfit.buildneeds.mapping import load_mapping

        load_mapping(options.mapping_path)

    found: list[tuple[Path, str]] = []
    if options.recursive:
        from wheelfit.sources.discover import discover

        found = discover(options.recursive)
    if options.recursive and not (inputs or found):
        raise UsageError(f"no dependency files found below {options.recursive}",
                         hint="Point --recursive at the folder that holds the services.")

    def load(path: Path) -> DependencySpec:
        return load_spec(path, input_format=options.input_format, extras=options.extras,
                         all_extras=options.all_extras, groups=options.groups,
                         dev=options.dev, keep_going=options.keep_going, environ=os.environ)

    notes = [note for _, note in found if note]
    specs = [spec for path in inputs for spec in _specs_of(path, load, options)]
    specs += [spec for path, _ in found for spec in _service_specs(path, load, options, notes)]
    if not specs:
        raise UsageError(f"no service below {options.recursive} has a dependency input "
                         "wheelfit can read", hint="; ".join(notes))
    return specs, [redact_text(note) for note in notes]


def _service_specs(path: Path, load: Callable[[Path], DependencySpec], options: RunOptions,
                   notes: list[str]) -> list[DependencySpec]:
    """A discovered service's specs; a Dockerfile that installs nothing wheelfit reads
    gives way to the folder's dependency file, or the service is skipped (with a note)."""
    from wheelfit.sources.dockerinput import NoDependencyInput

    try:
        return _specs_of(path, load, options)
    except NoDependencyInput:
        from wheelfit.sources.discover import dependency_file

        other = dependency_file(path.parent)
        then = f"{other} checked instead" if other else "skipped"
        notes.append(f"{path}: installs no dependency input wheelfit can read; {then}")
        return [load(other)] if other else []


def _specs_of(path: Path, load: Callable[[Path], DependencySpec],
              options: RunOptions) -> list[DependencySpec]:
    """A dependency file's spec; a Dockerfile's (or a folder's Dockerfile's) inputs."""
    if options.input_format is None:
        from wheelfit.sources.dockerinput import dockerfile_in, is_dockerfile, load_dockerfile

        found = dockerfile_in(path) if os.path.isdir(path) else path
        if found is not None and is_dockerfile(found):
            return load_dockerfile(found, load, context=options.context)
    return [load(path)]


def build_request(spec: DependencySpec, options: RunOptions) -> CheckRequest:
    """Options and a spec → the request `check()` takes (index layering as pip's)."""
    merged, _ = resolve_index_options(cli_index_options(options), spec.options, os.environ)
    exclude_newer = None
    if options.exclude_newer:
        try:
            exclude_newer = parse_upload_cutoff(options.exclude_newer)
        except ValueError:
            raise UsageError(
                f"--exclude-newer {options.exclude_newer!r} is not a date",
                hint="Give YYYY-MM-DD or an RFC 3339 time such as 2020-02-15T00:00:00Z.",
            ) from None
    python, source = _python(spec, options, exclude_newer)
    debian, alpine, dated = _releases(python, options, spec.dockerfile,
                                      exclude_newer.date() if exclude_newer else None)
    if dated:
        spec = replace(spec, notes=spec.notes + dated)
    targets = default_targets(options.target_names, python, options.arch or "x86_64",
                              debian, alpine)
    dockerfile = spec.dockerfile
    if dockerfile is not None and "." not in (dockerfile.python or "") and not options.python:
        spec = replace(spec, dockerfile=replace(dockerfile, target=source))
    return CheckRequest(
        spec=spec, targets=targets, python_source=source, pre=merged.pre,
        exclude_newer=exclude_newer, only_binary=merged.only_binary,
        no_binary=merged.no_binary, prefer_binary=merged.prefer_binary,
        index_urls=index_urls(merged), find_links=merged.find_links,
        mapping_path=options.mapping_path, routes=_routes(spec), offline=options.offline,
        exact_bytecode=options.exact_bytecode, bytecode_cache=_bytecode_cache(options),
    )


def _bytecode_cache(options: RunOptions) -> Path | None:
    """Where `--exact-bytecode` keeps its results: the cache folder, unless --no-cache."""
    if not options.exact_bytecode or options.no_cache:
        return None
    from wheelfit.index.cache import resolve_cache_dir

    return resolve_cache_dir(options.cache_dir)


def _routes(spec: DependencySpec) -> tuple[tuple[str, str], ...]:
    """(project, its index URL with credentials from the environment) for every package
    the lock takes from another index."""
    return tuple(
        (p.name, named_index_url(p.index_url, p.index_name, os.environ))
        for p in spec.locked or () if p.index_url
    )


def _python(spec: DependencySpec, options: RunOptions,
            cutoff: datetime | None = None) -> tuple[str, str]:
    """--python, else the input's (a Dockerfile's FROM, requires-python, .python-version),
    else the newest python image's version; with the sentence saying which. An unversioned
    python tag in FROM means, with --exclude-newer, the Python it meant on that date."""
    if options.python:
        return options.python, options.python_source
    dockerfile = spec.dockerfile
    if (cutoff is not None and dockerfile is not None and dockerfile.variant is not None
            and "." not in (dockerfile.python or "")):
        dated = _unversioned_on(dockerfile, cutoff.date())
        if dated is not None:
            return dated
    if spec.python is not None:
        return spec.python.version, spec.python.source
    newest, as_of = newest_image_python()
    why = "the input names no Python version"
    if spec.dockerfile is not None:
        why = f"{spec.dockerfile.base} in {spec.dockerfile.path} names no Python version"
    return newest, (f"{why}: the newest python image in wheelfit's size table, as of "
                    f"{as_of}; pass --python to change")


def _unversioned_on(dockerfile: DockerfileInfo, on: date) -> tuple[str, str] | None:
    """The Python an unversioned FROM tag meant on a date, with the sentence and the image
    row of that date (data/python-image-history.tsv) when the table has one."""
    from wheelfit.sizing.history import image_at, python_meant

    meant = python_meant(on)
    if meant is None:
        return None
    minor, why = meant
    row = image_at(minor, dockerfile.variant or "full", on)
    image = f"; the image then: {row.line()}" if row is not None else ""
    return minor, f"{dockerfile.base} in {dockerfile.path} names no version: {why}{image}"


def newest_image_python() -> tuple[str, str]:
    """The newest Python minor the official images are published for in the base-image
    table, and the date of that row (else the built-in default)."""
    from wheelfit.sizing.sizes import base_images

    rows = base_images().values()
    if not rows:
        return DEFAULT_PYTHON, "no table"
    newest = max(rows, key=lambda r: tuple(int(p) for p in r.python.split(".")))
    dates = [r.on_disk_date or r.compressed_date for r in rows if r.python == newest.python]
    return newest.python, max(d for d in dates if d) if any(dates) else "an unknown date"


def _releases(python: str, options: RunOptions, dockerfile: DockerfileInfo | None = None,
              on: date | None = None) -> tuple[str, str, tuple[str, ...]]:
    """--debian/--alpine, else the Dockerfile's release for its own variant, else (with
    --exclude-newer) the release the image used on that date, else the newest release the
    images were published with for this Python (python:3.8 images stopped at bookworm and
    alpine3.20), else trixie and 3.24; with a note for each release the date chose."""
    from wheelfit.compat.targets import DEFAULT_ALPINE, DEFAULT_DEBIAN, parse_python
    from wheelfit.sizing.sizes import newest_release

    minor = parse_python(python)[0]
    own = dockerfile.release if dockerfile is not None and not options.python else None
    if dockerfile is not None and own is not None:
        flag = options.alpine if dockerfile.variant == "alpine" else options.debian
        if not flag:
            _check_release(dockerfile, own)
    alpine_own = own if dockerfile is not None and dockerfile.variant == "alpine" else None
    debian_own = own if alpine_own is None else None
    chosen = {"slim": options.debian or debian_own, "alpine": options.alpine or alpine_own}
    notes: list[str] = []
    for variant, release in chosen.items():
        if release is None and on is not None:
            from wheelfit.sizing.distrodate import release_on

            dated = release_on(minor, variant, on)
            chosen[variant] = dated.release
            if variant in options.target_names:
                notes.append(dated.note)
    debian = chosen["slim"] or newest_release(minor, "slim") or DEFAULT_DEBIAN
    alpine = chosen["alpine"] or newest_release(minor, "alpine") or DEFAULT_ALPINE
    return debian, alpine, tuple(notes)


def _check_release(dockerfile: DockerfileInfo, release: str) -> None:
    """A release the targets have no libc data for is an error naming the FROM line."""
    from wheelfit.compat.targets import ALPINE_MUSL, DEBIAN_GLIBC

    alpine = dockerfile.variant == "alpine"
    known = ALPINE_MUSL if alpine else DEBIAN_GLIBC
    if release in known:
        return
    flag = "--alpine" if alpine else "--debian"
    raise UsageError(
        f"{dockerfile.path}:{dockerfile.base_line}: FROM {dockerfile.base} names "
        f"{'Alpine' if alpine else 'Debian'} {release}, which wheelfit has no "
        f"{'musl' if alpine else 'glibc'} data for",
        hint=f"Pass {flag} with one of: {', '.join(known)} (a nearby release).")
