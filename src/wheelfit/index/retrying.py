"""Retries of one request: exponential backoff, `Retry-After`, and a cap on all the waits.

An attempt that fails in a way worth retrying raises `Transient`. `retrying` sleeps
`backoff * 2**attempt` (at most `Limits.max_backoff`), or what `Retry-After` asks when that is
longer, and tries again, `retries` times at most. It stops early when the server asks for
more than `Limits.max_retry_after` (no point waiting a fraction of it) or when the next wait
would take the request's waits past `Limits.max_wait_seconds`; the fault then says how many
attempts it took, what the server asked for and how long wheelfit waited.

Why not urllib3's `Retry` (issue 15 asked; checked against urllib3 2.8, again once the
transport sent on urllib3's pools itself): it retries inside one `urlopen`, so attempts
escape the request count, the `-v` log and `Limits.max_requests`; before each retry it
drains the refused answer's body to the end (`drain_conn`) with no size cap and outside
the per-attempt deadline; its first retry waits nothing (`get_backoff_time` is 0 after one
error); a `Retry-After` over its `retry_after_max` is clamped and waited for, where
wheelfit stops at once and says what the server asked; and it has no budget for all the
waits of one request. The loop costs nothing when nothing fails (no request of the
top-500 benchmark was retried).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from wheelfit.errors import IndexFault
from wheelfit.index.limits import Limits
from wheelfit.index.reqlog import log_retry
from wheelfit.index.urls import is_ascii_digits

_T = TypeVar("_T")


class Waits:
    """The waits between tries, which `stop` ends early for good (the run is ending: what
    still waits to try again is work nobody will read); an injected `sleep` (tests) is
    called as is."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self._sleep = sleep
        self._stopping = threading.Event()

    def __call__(self, seconds: float) -> None:
        if self._sleep is time.sleep:
            self._stopping.wait(seconds)
        else:
            self._sleep(seconds)

    def stop(self) -> None:
        """End the waits under way and to come."""
        self._stopping.set()

    def stopped(self) -> bool:
        """True once `stop` was called."""
        return self._stopping.is_set()


class Transient(Exception):
    """One attempt failed in a way worth retrying; `final` is raised when retries run out."""

    def __init__(self, final: IndexFault, retry_after: float | None = None) -> None:
        super().__init__(final.message)
        self.final = final
        self.retry_after = retry_after


def retrying(
    attempt_fn: Callable[[], _T],
    *,
    retries: int,
    backoff: float,
    limits: Limits,
    sleep: Callable[[float], None],
    stopped: Callable[[], bool] = lambda: False,
) -> _T:
    """`attempt_fn()`, tried again after each `Transient` as the module docstring says; a
    wait after which `stopped()` is true ends the tries (the run is over: nobody waits)."""
    attempt = 0
    waited = 0.0
    while True:
        try:
            return attempt_fn()
        except Transient as transient:
            asked = transient.retry_after
            delay = min(backoff * (2**attempt), limits.max_backoff)
            if asked is not None:
                delay = max(delay, asked)
            over_budget = waited + delay > limits.max_wait_seconds
            too_long = asked is not None and asked > limits.max_retry_after
            if attempt >= retries or too_long or over_budget:
                budget_stop = attempt < retries and over_budget and not too_long
                raise _give_up(transient, attempt + 1, waited, retries, limits,
                               budget_stop) from None
            log_retry(transient.final.message, attempt + 1, delay)
            sleep(delay)
            waited += delay
            if stopped():
                raise _give_up(transient, attempt + 1, waited, retries, limits, False) from None
            attempt += 1


def _give_up(
    transient: Transient, attempts: int, waited: float, retries: int, limits: Limits,
    budget_stop: bool,
) -> IndexFault:
    """The last attempt's fault, saying how many attempts and waits it took."""
    final, asked = transient.final, transient.retry_after
    notes = []
    if retries or attempts > 1:
        notes.append(f"after {attempts} attempt{'s' if attempts > 1 else ''}")
    if asked is not None and asked > 0:
        most = ""
        if asked > limits.max_retry_after:
            most = f"wheelfit waits at most {seconds_text(limits.max_retry_after)} s, so "
        notes.append(f"the server asked to wait {seconds_text(asked)} s; {most}"
                     f"it gave up after waiting {seconds_text(waited)} s")
    if budget_stop:
        notes.append(f"waits for one request are capped at "
                     f"{seconds_text(limits.max_wait_seconds)} s")
    if notes:
        final.message = f"{final.message} ({'; '.join(notes)})"
    return final


def seconds_text(value: float) -> str:
    """Seconds for a message: whole above 10 s, else one decimal at most."""
    return f"{value:.0f}" if value >= 10 else f"{round(value, 1):g}"


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if is_ascii_digits(value):
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())
