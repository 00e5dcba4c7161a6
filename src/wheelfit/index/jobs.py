"""The index client's one pool of threads, and one future per thing it fetches per run.

`Jobs.once` runs a piece of work once per key: the first caller runs it in its own thread,
the others wait for its future. `Jobs.submit` runs work in the pool (at most `max_workers`
threads, started on first use). `Jobs.after` runs a continuation in the pool once a key's
future is settled, without any thread waiting for it meanwhile: the warm-up of
`resolve/catalog.py` goes on from a page that way instead of in threads of its own.

A future is settled by a thread that is running its work (or by the parse helper's answer,
`ahead.py`), never by a job still queued: so a pool thread that waits for a future waits
for work under way, and the pool cannot fill up with threads waiting for queued jobs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

_T = TypeVar("_T")
Key = tuple[object, ...]


class Jobs:
    """A lazily started thread pool and the run's futures by key."""

    def __init__(self, max_workers: int) -> None:
        self.lock = threading.Lock()  # also guards what callers keep beside the futures
        self._max_workers = max(1, max_workers)
        self._executor: ThreadPoolExecutor | None = None
        self._closed = False
        self._futures: dict[Key, Future[object]] = {}
        self._after: dict[Key, list[Callable[[], object]]] = {}

    @property
    def started(self) -> bool:
        """True once a thread pool was started (a run the cache answers starts none)."""
        return self._executor is not None

    def future(self, key: Key) -> Future[object] | None:
        """The key's future, if anyone asked for it this run."""
        with self.lock:
            return self._futures.get(key)

    def known(self, key: Key) -> bool:
        """True when somebody asked for `key` this run; call it holding `lock`."""
        return key in self._futures

    def settled(self, key: Key) -> bool:
        """True when the key's work finished this run without an error."""
        future = self.future(key)
        return future is not None and future.done() and future.exception() is None

    def once(self, key: Key, work: Callable[[], _T],
             waiting: Callable[[], None] | None = None) -> _T:
        """`work()`'s result, computed once per run for `key`; `waiting` is called when
        this caller is about to wait for another's work."""
        with self.lock:
            future = self._futures.get(key)
            owner = future is None
            if future is None:
                future = self.register(key)
        if owner:
            try:
                future.set_result(work())
            except BaseException as exc:
                future.set_exception(exc)
        elif waiting is not None and not future.done():
            waiting()
        return future.result()  # type: ignore[return-value]

    def register(self, key: Key) -> Future[object]:
        """A new future for `key`, which the caller settles; call it holding `lock`, for a
        key nobody has asked for. Continuations waiting for the key are attached."""
        future: Future[object] = Future()
        self._futures[key] = future
        for then in self._after.pop(key, ()):
            self._when_done(future, then)
        return future

    def after(self, key: Key, then: Callable[[], object]) -> bool:
        """Run `then` in the pool once `key`'s future is settled; True when somebody asked
        for the key already, False when `then` waits for the key's first asker (the caller
        should start the work)."""
        with self.lock:
            future = self._futures.get(key)
            if future is None:
                self._after.setdefault(key, []).append(then)
                return False
        self._when_done(future, then)
        return True

    def _when_done(self, future: Future[object], then: Callable[[], object]) -> None:
        future.add_done_callback(lambda _done: self.submit(_call, then))

    def submit(self, fn: Callable[[_T], object], arg: _T) -> None:
        """Run `fn(arg)` in the pool; its errors are swallowed (whoever asks for the thing
        itself sees them again). After `close`, nothing runs: prefetching is a hint."""
        with self.lock:
            if self._closed:
                return
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self._max_workers, thread_name_prefix="wheelfit-index"
                )
            future = self._executor.submit(fn, arg)
        future.add_done_callback(_swallow)

    def close(self) -> None:
        """Stop the pool: work under way finishes, queued work is dropped."""
        with self.lock:
            executor, self._executor = self._executor, None
            self._closed = True
            self._after.clear()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def _call(then: Callable[[], object]) -> None:
    then()


def _swallow(future: Future[object]) -> None:
    """Mark a background failure as seen (it is raised again to whoever asks)."""
    if not future.cancelled():
        future.exception()
