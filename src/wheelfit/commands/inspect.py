"""`wheelfit inspect`: the wheel matrix of one project, as text or JSON."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from wheelfit.commands.inputs import IndexPool, cli_index_options, index_urls
from wheelfit.errors import UsageError
from wheelfit.model import IndexOptions
from wheelfit.sources.index_config import resolve_index_options

if TYPE_CHECKING:
    from wheelfit.commands.options import RunOptions


def run_inspect(project: str, version: str | None, options: RunOptions) -> str:
    """`wheelfit inspect`: the wheel matrix of one project."""
    import json

    from wheelfit.compat.matrix import inspect_project
    from wheelfit.formats.inspect import inspect_dict, render_inspect

    merged, _ = resolve_index_options(cli_index_options(options), IndexOptions(), os.environ)
    pool = IndexPool(options)
    try:
        page = pool.get(index_urls(merged)).project(project)
    finally:
        pool.close()
    if page is None:
        raise UsageError(f"{project} is not on the index",
                         hint="Check the spelling, or pass --index-url for a private index.")
    result = inspect_project(page, version, pre=options.pre)
    if options.fmt == "json":
        return json.dumps(inspect_dict(result), indent=2) + "\n"
    return render_inspect(result)
