#!/usr/bin/env python3
"""Make the stored page answers of some projects stale (stored an hour earlier) in a wheelfit
cache, to measure the stale case of a warm run: only those pages should be asked again.

    PYTHONPATH=src python bench/age_pages.py /var/tmp/wf-x requests six numpy
"""

from __future__ import annotations

import sys
from pathlib import Path

from wheelfit.index.cache import PageCache
from wheelfit.index.parse.pages import ACCEPT


def main(cache_dir: str, names: list[str], index: str = "https://pypi.org/simple") -> None:
    """Move each named project's stored answer an hour back in time."""
    cache = PageCache(Path(cache_dir))
    for name in names:
        url = f"{index}/{name}/"
        meta = cache.load(url, ACCEPT)
        if meta is None:
            raise SystemExit(f"{url}: not in the cache at {cache_dir}")
        meta.stored_at -= 3600
        cache.save(url, ACCEPT, meta)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
