"""A warm run the cache answers costs what an offline run costs (issue 15, warm line): no
request and no worker thread; a page past its lifetime is still asked again (conditionally,
with its ETag), and only that page. Threads are counted, not timed."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cli_inprocess import Run
from loopback import LoopbackIndex
from wheelfit.index.cache import Store
from wheelfit.index.pagememo import PageMemo, page_key
from wheelfit.index.parse.pages import ACCEPT

PINNED = ("requests==2.32.3\ncharset-normalizer==3.3.2\nidna==3.7\nurllib3==2.2.1\n"
          "certifi==2024.6.2\ndocopt==0.6.2\n")
# Not all pinned: the resolver's path (ranges kept to the recorded files).
LOOSE = ("requests<=2.32.3\ncharset-normalizer<=3.3.2\nidna<=3.7\nurllib3<=2.2.1\n"
         "certifi<=2024.6.2\ndocopt\n")


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the threads started while the test runs (the server's too)."""
    names: list[str] = []
    start = threading.Thread.start

    def counting(self: threading.Thread) -> None:
        names.append(self.name)
        start(self)

    monkeypatch.setattr(threading.Thread, "start", counting)
    yield names


def _check(wheelfit: Callable[..., Run], work: Path, text: str, out: str) -> dict[str, object]:
    path = work / "requirements.txt"
    path.write_text(text, encoding="utf-8")
    result = wheelfit(str(path), "--python", "3.12", "--format", "json", "-o", str(work / out))
    assert result.code in (0, 1), result.err
    report = json.loads((work / out).read_text(encoding="utf-8"))
    assert isinstance(report, dict)
    return report


def _without_stats(report: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in report.items() if k != "stats"}


@pytest.mark.parametrize("text", [PINNED, LOOSE], ids=["pinned", "resolved"])
def test_a_run_the_cache_answers_sends_nothing_and_starts_no_thread(
    wheelfit: Callable[..., Run], work: Path, fresh_index_server: LoopbackIndex,
    started: list[str], text: str,
) -> None:
    cold = _check(wheelfit, work, text, "cold.json")
    assert fresh_index_server.count() > 0 and started  # the first run fetched, in threads
    fresh_index_server.reset()
    started.clear()
    warm = _check(wheelfit, work, text, "warm.json")
    assert fresh_index_server.requests == []
    assert started == []
    assert _without_stats(warm) == _without_stats(cold)


def test_a_stale_page_is_asked_again_and_alone(
    wheelfit: Callable[..., Run], work: Path, fresh_index_server: LoopbackIndex,
) -> None:
    cold = _check(wheelfit, work, PINNED, "cold.json")
    cache = PageMemo(Store(work.parent / "cache", "pages"))
    key = page_key(f"{fresh_index_server.url}/idna/", ACCEPT)
    found = cache.load(key, "", dict)
    assert found is not None
    meta = found[0]
    meta.stored_at -= meta.lifetime + 60  # past its lifetime
    assert cache.renew(key, meta, "", dict) is not None
    fresh_index_server.reset()
    warm = _check(wheelfit, work, PINNED, "warm.json")
    asked = fresh_index_server.requests
    assert [r.path for r in asked] == ["/simple/idna/"]
    assert asked[0].status == 304 and "if-none-match" in {k.lower() for k in asked[0].headers}
    assert _without_stats(warm) == _without_stats(cold)
