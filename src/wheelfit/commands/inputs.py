"""Inputs of every command: dependency files → specs, specs + options → `CheckRequest`,
and the index clients a run shares (one per index configuration).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from wheelfit.compat.select import parse_upload_cutoff
from wheelfit.compat.targets import DEFAULT_PYTHON, default_targets
from wheelfit.errors import UsageError
from wheelfit.model import DependencySpec, IndexOptions
from wheelfit.pipeline.check import CheckRequest
from wheelfit.redact import redact_text
from wheelfit.sources.index_config import DEFAULT_INDEX, resolve_index_options
from wheelfit.sources.load import load_spec

if TYPE_CHECKING:
    from pathlib import Path

    from wheelfit.commands.options import RunOptions
    from wheelfit.index.base import PackageIndex


class IndexPool:
    """One index client per distinct index configuration, shared by the whole run."""

    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self.clients: dict[tuple[str, ...], PackageIndex] = {}

    def get(self, urls: tuple[str, ...]) -> PackageIndex:
        """The client for these index URLs (opened on first use)."""
        if urls not in self.clients:
            from wheelfit.index.client import open_index

            o = self.options
            self.clients[urls] = open_index(
                urls, cache_dir=o.cache_dir, no_cache=o.no_cache, refresh=o.refresh,
                offline=o.offline, timeout=o.timeout, retries=o.retries,
            )
        return self.clients[urls]

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
    from wheelfit.sources.discover import discover

    if options.mapping_path:
        from wheelfit.buildneeds.mapping import load_mapping

        load_mapping(options.mapping_path)

    paths = _with_services(inputs)
    if options.recursive:
        paths += discover(options.recursive)
        if not paths:
            raise UsageError(f"no dependency files found below {options.recursive}",
                             hint="Point --recursive at the folder that holds the services.")
    specs = [
        load_spec(path, input_format=options.input_format, extras=options.extras,
                  all_extras=options.all_extras, groups=options.groups, dev=options.dev,
                  keep_going=options.keep_going, environ=os.environ)
        for path, _ in paths
    ]
    return specs, [redact_text(note) for _, note in paths if note]


def _with_services(inputs: Sequence[Path]) -> list[tuple[Path, str]]:
    """(input, note) per input, a Dockerfile replaced by its service's dependency file (once;
    pre-commit passes both when both changed)."""
    from wheelfit.sources.discover import service_file

    found: dict[Path, str] = {}
    for path in inputs:
        if path.name == "Dockerfile":
            chosen = service_file(path)
            found.setdefault(chosen, f"{path}: checking {chosen}, the service's dependency file")
        else:
            found[path] = ""
    return list(found.items())


def build_request(spec: DependencySpec, options: RunOptions) -> CheckRequest:
    """Options and a spec → the request `check()` takes (index layering as pip's)."""
    merged, _ = resolve_index_options(cli_index_options(options), spec.options, os.environ)
    if options.python:
        python, source = options.python, options.python_source
    elif spec.python is not None:
        python, source = spec.python.version, spec.python.source
    else:
        python, source = DEFAULT_PYTHON, f"default {DEFAULT_PYTHON}; pass --python to change"
    exclude_newer = None
    if options.exclude_newer:
        try:
            exclude_newer = parse_upload_cutoff(options.exclude_newer)
        except ValueError:
            raise UsageError(
                f"--exclude-newer {options.exclude_newer!r} is not a date",
                hint="Give YYYY-MM-DD or an RFC 3339 time such as 2020-02-15T00:00:00Z.",
            ) from None
    debian, alpine = _releases(python, options)
    targets = default_targets(options.target_names, python, options.arch or "x86_64",
                              debian, alpine)
    return CheckRequest(
        spec=spec, targets=targets, python_source=source, pre=merged.pre,
        exclude_newer=exclude_newer, only_binary=merged.only_binary,
        no_binary=merged.no_binary, prefer_binary=merged.prefer_binary,
        index_urls=index_urls(merged), find_links=merged.find_links,
        mapping_path=options.mapping_path,
    )


def _releases(python: str, options: RunOptions) -> tuple[str, str]:
    """--debian/--alpine, else the newest release the images were published with for this
    Python (python:3.8 images stopped at bookworm and alpine3.20), else trixie and 3.24."""
    from wheelfit.compat.targets import DEFAULT_ALPINE, DEFAULT_DEBIAN, parse_python
    from wheelfit.sizing.sizes import newest_release

    minor = parse_python(python)[0]
    debian = options.debian or newest_release(minor, "slim") or DEFAULT_DEBIAN
    alpine = options.alpine or newest_release(minor, "alpine") or DEFAULT_ALPINE
    return debian, alpine
