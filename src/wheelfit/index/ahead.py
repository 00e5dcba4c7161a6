"""Project pages fetched ahead (`IndexClient.prefetch`), a few at a time.

A page fetched ahead is handed to the parse helper (`parseproc.py`) and its index thread
goes on: the page's future is settled when the helper answers. At most `AHEAD_PAGES` such
pages are on their way at a time, from the GET to the helper's answer; the others wait in
order for a slot without holding a thread. So the index pool's other threads stay free for
the metadata and wheel reads the resolution waits on, and only a few bodies wait in memory
for the helper. A page someone asks for meanwhile is fetched by the one who asks.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future

from wheelfit.index.mergedpages import merge_indexes
from wheelfit.index.parsed import Groups
from wheelfit.model import ProjectPage

AHEAD_PAGES = 8


class AheadSlots:
    """`AHEAD_PAGES` slots for pages fetched ahead, and the pages waiting for one."""

    def __init__(self, slots: int = AHEAD_PAGES) -> None:
        self._lock = threading.Lock()
        self._free = slots
        self._parked: deque[str] = deque()

    def take(self, name: str) -> bool:
        """True when `name` may be fetched now (a slot is taken: `give_back` it after);
        False when it is parked until one is given back."""
        with self._lock:
            if not self._free:
                self._parked.append(name)
                return False
            self._free -= 1
            return True

    def give_back(self) -> str | None:
        """Free a slot; the first page parked, to be started again, if any."""
        with self._lock:
            self._free += 1
            return self._parked.popleft() if self._parked else None

    def spare(self) -> str | None:
        """A parked page to start again when a slot is free (a parked page that turned out
        fetched already must not strand the others)."""
        with self._lock:
            return self._parked.popleft() if self._parked and self._free else None


def page_of(canonical: str, found: Sequence[tuple[str, Groups | None]]) -> ProjectPage | None:
    """One project's page from each index's files (None where an index does not know it);
    None when no index knows it."""
    known = [(url, groups) for url, groups in found if groups is not None]
    if not known:
        return None
    return ProjectPage(name=canonical, groups=merge_indexes([g for _, g in known]),
                       index_urls=tuple(u for u, _ in known))


def page_into(future: Future[object], canonical: str, index_url: str,
              done: Future[Groups | None], then: Callable[[], None]) -> None:
    """Settle a page's future from its one index's fetch, then call `then`."""
    try:
        future.set_result(page_of(canonical, [(index_url, done.result())]))
    except BaseException as exc:
        future.set_exception(exc)
    then()
