"""The only network code of wheelfit: simple-index pages, metadata, range reads, the cache.

Importing this package is cheap; `IndexClient`/`open_index` (which pull in `requests`) and
`cache_info`/`cache_clear` are loaded on first use.

Modules: `base` (the `PackageIndex` protocol), `pages` (page parsing), `metadata` (core
metadata parsing), `rangezip` (zip directory parsing), `rangefetch` (range requests),
`sdist` (sdist streaming), `http` (transport), `fileadapter` (file:// URLs), `cache`
(disk cache), `client` (`IndexClient`), `limits` (caps), `urls` (credential handling).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wheelfit.index.cache import cache_clear, cache_info, default_cache_dir
    from wheelfit.index.client import IndexClient, open_index

__all__ = ["IndexClient", "cache_clear", "cache_info", "default_cache_dir", "open_index"]

_LAZY = {
    "IndexClient": "wheelfit.index.client",
    "open_index": "wheelfit.index.client",
    "cache_info": "wheelfit.index.cache",
    "cache_clear": "wheelfit.index.cache",
    "default_cache_dir": "wheelfit.index.cache",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
