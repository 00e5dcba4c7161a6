"""index/jobs.py: the client's one pool, one future per key, and continuations that run
once a key is settled without a thread waiting for it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from wheelfit.index.jobs import Jobs

WAIT = 20.0  # generous: only a hang fails


@pytest.fixture
def jobs() -> Iterator[Jobs]:
    pool = Jobs(max_workers=1)
    yield pool
    pool.close()


def _ran(jobs: Jobs, key: tuple[object, ...]) -> threading.Event:
    done = threading.Event()
    jobs.after(key, done.set)
    return done


def test_a_continuation_waits_for_the_first_asker_of_its_key(jobs: Jobs) -> None:
    done = _ran(jobs, ("page", "a"))
    assert not done.wait(0.1)
    assert jobs.once(("page", "a"), lambda: 1) == 1
    assert done.wait(WAIT)


def test_a_continuation_of_a_settled_key_runs_at_once(jobs: Jobs) -> None:
    jobs.once(("page", "a"), lambda: 1)
    assert jobs.after(("page", "a"), lambda: None)  # somebody asked already
    assert _ran(jobs, ("page", "a")).wait(WAIT)


def test_a_key_nobody_asked_for_is_left_to_the_caller(jobs: Jobs) -> None:
    assert not jobs.after(("page", "b"), lambda: None)


def test_a_pending_continuation_holds_no_thread(jobs: Jobs) -> None:
    with jobs.lock:
        future = jobs.register(("page", "slow"))  # settled later, by someone else
    waiting = _ran(jobs, ("page", "slow"))
    other = threading.Event()
    jobs.submit(lambda _: other.set(), None)  # the pool's only thread is free for it
    assert other.wait(WAIT)
    future.set_result(None)
    assert waiting.wait(WAIT)


def test_continuations_run_in_the_pool(jobs: Jobs) -> None:
    names: list[str] = []
    done = threading.Event()
    jobs.after(("page", "a"), lambda: (names.append(threading.current_thread().name),
                                       done.set()))
    jobs.once(("page", "a"), lambda: 1)
    assert done.wait(WAIT)
    assert names[0].startswith("wheelfit-index")


def test_after_close_nothing_runs(jobs: Jobs) -> None:
    done = _ran(jobs, ("page", "a"))
    jobs.close()
    jobs.once(("page", "a"), lambda: 1)
    assert not done.wait(0.2)
    assert not jobs.started


def test_an_error_settles_the_key_for_every_asker(jobs: Jobs) -> None:
    def fail() -> int:
        raise ValueError("boom")

    done = _ran(jobs, ("metadata", "x"))
    with pytest.raises(ValueError, match="boom"):
        jobs.once(("metadata", "x"), fail)
    with pytest.raises(ValueError, match="boom"):
        jobs.once(("metadata", "x"), lambda: 2)
    assert done.wait(WAIT)
    assert not jobs.settled(("metadata", "x"))
