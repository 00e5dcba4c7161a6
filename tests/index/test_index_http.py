"""http.py against a real loopback server: retries, faults, redirects, caps, credentials."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from index_server import IndexServer, Reset, Slow, Status, Trickle
from wheelfit.errors import IndexResponseError, IndexUnreachable
from wheelfit.index.http import BodyTooLarge, RequestCapReached, Transport
from wheelfit.index.limits import Limits
from wheelfit.index.retrying import retry_after


class Sleeps(list[float]):
    """Records the delays the transport asks for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _transport(**kwargs: object) -> Transport:
    options: dict[str, object] = {"retries": 3, "backoff": 0.0, "sleep": Sleeps()}
    options.update(kwargs)
    return Transport(**options)  # type: ignore[arg-type]


def test_transient_503s_are_retried_until_success(server: IndexServer) -> None:
    server.route("/p", b"ok")
    server.fault("/p", Status(503), Status(502))
    transport = _transport()
    assert transport.get(server.url("/p"), max_bytes=100).body == b"ok"
    assert len(server.hits_for("/p")) == 3
    assert transport.requests_made == 3


def test_each_retry_is_in_the_request_log(server: IndexServer,
                                          caplog: pytest.LogCaptureFixture) -> None:
    """-v shows the attempts a retry sends again, so request counts add up (issue 15)."""
    server.route("/p", b"ok")
    server.fault("/p", Status(503))
    with caplog.at_level("INFO", logger="wheelfit.http"):
        _transport().get(server.url("/p"), max_bytes=100)
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert len(retries) == 1 and retries[0].startswith("retry 1 in 0.0 s: ")
    assert server.url("/p") in retries[0] and "503" in retries[0]


def test_a_stream_is_in_the_request_log_with_the_bytes_read(
        server: IndexServer, caplog: pytest.LogCaptureFixture) -> None:
    """Streamed sdists are requests like any other in -v (issue 15: 20 were missing)."""
    server.route("/s.tar.gz", b"x" * 300_000)
    with caplog.at_level("INFO", logger="wheelfit.http"), \
            _transport().stream(server.url("/s.tar.gz"), max_bytes=10**6) as chunks:
        next(chunks)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and lines[0].startswith(f"GET {server.url('/s.tar.gz')} → 200, ")
    assert "300000 bytes" not in lines[0]  # only what was read: the reader stopped early


def test_persistent_500_is_a_response_error_after_all_retries(server: IndexServer) -> None:
    server.fault("/p", *[Status(500)] * 10)
    with pytest.raises(IndexResponseError, match=r"HTTP 500.*after 3 attempts"):
        _transport(retries=2).get(server.url("/p"), max_bytes=100)
    assert len(server.hits_for("/p")) == 3


def test_persistent_503_is_unreachable_after_all_retries(server: IndexServer) -> None:
    server.fault("/p", *[Status(503)] * 10)
    with pytest.raises(IndexUnreachable, match=r"HTTP 503.*after 2 attempts"):
        _transport(retries=1).get(server.url("/p"), max_bytes=100)


def test_backoff_doubles_between_attempts(server: IndexServer) -> None:
    server.fault("/p", *[Status(504)] * 3)
    server.route("/p", b"ok")
    sleeps = Sleeps()
    _transport(backoff=0.5, sleep=sleeps).get(server.url("/p"), max_bytes=100)
    assert sleeps == [0.5, 1.0, 2.0]


def test_429_honours_retry_after(server: IndexServer) -> None:
    server.fault("/p", Status(429, (("Retry-After", "7"),)))
    server.route("/p", b"ok")
    sleeps = Sleeps()
    _transport(sleep=sleeps).get(server.url("/p"), max_bytes=100)
    assert sleeps == [7.0]


def test_retry_after_beyond_the_cap_is_not_waited_for(server: IndexServer) -> None:
    server.fault("/p", Status(429, (("Retry-After", "3600"),)))
    server.route("/p", b"ok")
    sleeps = Sleeps()
    with pytest.raises(IndexResponseError) as info:
        _transport(sleep=sleeps, limits=Limits(max_retry_after=30.0)).get(
            server.url("/p"), max_bytes=100
        )
    assert sleeps == []
    assert (
        "the server asked to wait 3600 s; wheelfit waits at most 30 s, so it gave up after "
        "waiting 0 s" in str(info.value)
    )


def test_waits_of_one_request_are_capped_in_total(server: IndexServer) -> None:
    server.fault("/p", *[Status(503, (("Retry-After", "20"),))] * 10)
    sleeps = Sleeps()
    with pytest.raises(IndexUnreachable) as info:
        _transport(retries=10, sleep=sleeps, limits=Limits(max_wait_seconds=50.0)).get(
            server.url("/p"), max_bytes=100
        )
    assert sleeps == [20.0, 20.0]
    assert "after 3 attempts" in str(info.value)
    assert "waits for one request are capped at 50 s" in str(info.value)


def test_retry_after_within_the_cap_is_named_when_retries_run_out(
    server: IndexServer,
) -> None:
    server.fault("/p", *[Status(429, (("Retry-After", "2"),))] * 3)
    sleeps = Sleeps()
    with pytest.raises(IndexResponseError) as info:
        _transport(retries=1, sleep=sleeps).get(server.url("/p"), max_bytes=100)
    assert sleeps == [2.0]
    assert "after 2 attempts; the server asked to wait 2 s" in str(info.value)


def test_404_is_not_retried(server: IndexServer) -> None:
    with pytest.raises(IndexResponseError, match="HTTP 404"):
        _transport().get(server.url("/missing"), max_bytes=100)
    assert len(server.hits_for("/missing")) == 1


def test_401_hints_at_credentials(server: IndexServer) -> None:
    server.fault("/p", Status(401))
    with pytest.raises(IndexResponseError) as info:
        _transport().get(server.url("/p"), max_bytes=100)
    assert "credentials" in (info.value.hint or "")


def test_answer_slower_than_the_timeout_is_unreachable_after_retries(server: IndexServer) -> None:
    server.route("/p", b"ok")
    server.fault("/p", Slow(2.0), Slow(2.0))
    with pytest.raises(IndexUnreachable, match="timed out"):
        _transport(timeout=0.3, retries=1).get(server.url("/p"), max_bytes=100)
    assert len(server.hits_for("/p")) == 2


def test_connection_reset_mid_body_is_retried(server: IndexServer) -> None:
    server.route("/p", b"a complete body")
    server.fault("/p", Reset())
    assert _transport().get(server.url("/p"), max_bytes=10_000).body == b"a complete body"
    assert len(server.hits_for("/p")) == 2


def test_persistent_reset_is_unreachable(server: IndexServer) -> None:
    server.route("/p", b"a complete body")
    server.fault("/p", *[Reset()] * 3)
    with pytest.raises(IndexUnreachable, match="connection broken"):
        _transport(retries=2).get(server.url("/p"), max_bytes=10_000)


def test_refused_connection_is_unreachable_with_a_next_step() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(IndexUnreachable) as info:
        _transport(retries=1).get(f"http://127.0.0.1:{port}/simple/x/", max_bytes=100)
    assert "--offline" in (info.value.hint or "")
    assert "--index-url" in (info.value.hint or "")


def test_redirect_is_followed_and_the_final_url_reported(server: IndexServer) -> None:
    server.route("/old/", status=301, headers={"Location": "../new/"})
    server.route("/new/", b"moved")
    answer = _transport().get(server.url("/old/"), max_bytes=100)
    assert (answer.body, answer.url) == (b"moved", server.url("/new/"))


def test_redirect_loop_is_a_response_error(server: IndexServer) -> None:
    server.route("/a", status=302, headers={"Location": "/b"})
    server.route("/b", status=302, headers={"Location": "/a"})
    with pytest.raises(IndexResponseError, match="redirect loop"):
        _transport().get(server.url("/a"), max_bytes=100)


def test_too_many_redirects_is_a_response_error(server: IndexServer) -> None:
    for hop in range(5):
        server.route(f"/r{hop}", status=307, headers={"Location": f"/r{hop + 1}"})
    server.route("/r5", b"end")
    with pytest.raises(IndexResponseError, match="more than 3 redirects"):
        _transport(limits=Limits(max_redirects=3)).get(server.url("/r0"), max_bytes=100)


def test_declared_length_above_the_cap_is_refused_before_reading(server: IndexServer) -> None:
    server.route("/big", b"x" * 5_000_000)
    transport = _transport()
    with pytest.raises(BodyTooLarge, match="5000000 bytes"):
        transport.get(server.url("/big"), max_bytes=1_000_000)
    assert transport.bytes_downloaded < 1_000_000


def test_undeclared_length_above_the_cap_is_cut_while_streaming(server: IndexServer) -> None:
    server.route("/big", b"x" * 3_000_000, close_delimited=True)
    transport = _transport()
    with pytest.raises(BodyTooLarge, match="larger than 1000000 bytes"):
        transport.get(server.url("/big"), max_bytes=1_000_000)
    assert transport.bytes_downloaded < 1_200_000


def test_credentials_go_only_to_their_origin(
    server: IndexServer, other_server: IndexServer
) -> None:
    server.route("/simple/", status=302, headers={"Location": other_server.url("/elsewhere")})
    other_server.route("/elsewhere", b"ok")
    transport = _transport()
    clean = transport.add_credentials(f"http://user:s3cret@127.0.0.1:{server.port}/simple/")
    transport.get(clean, max_bytes=100)
    assert server.hits_for("/simple/")[0].headers["authorization"].startswith("Basic ")
    assert "authorization" not in other_server.hits_for("/elsewhere")[0].headers


def test_credentials_are_removed_from_the_url() -> None:
    clean = _transport().add_credentials("https://user:s3cret@host.example/simple")
    assert clean == "https://host.example/simple"


def test_errors_never_show_credentials(server: IndexServer) -> None:
    server.fault("/simple/", *[Status(500)] * 5)
    transport = _transport(retries=1)
    clean = transport.add_credentials(f"http://user:s3cret@127.0.0.1:{server.port}/simple/")
    with pytest.raises(IndexResponseError) as info:
        transport.get(clean, max_bytes=100)
    text = f"{info.value} {info.value.url} {info.value.hint} {info.value!r}"
    assert "s3cret" not in text and "user:" not in text


@pytest.mark.parametrize(
    ("timeout", "deadline"),
    [(15.0, 60.0), (3.0, 12.0), (0.5, 2.0), (40.0, 120.0), (300.0, 300.0)],
)
def test_request_deadline_is_a_multiple_of_the_timeout_with_a_ceiling(
    timeout: float, deadline: float
) -> None:
    assert Limits().request_deadline(timeout) == deadline


def test_request_cap_refuses_requests_beyond_it(server: IndexServer) -> None:
    server.route("/p", b"ok")
    transport = _transport(limits=Limits(max_requests=2))
    transport.get(server.url("/p"), max_bytes=100)
    transport.get(server.url("/p"), max_bytes=100)
    with pytest.raises(RequestCapReached, match="already sent 2 index requests"):
        transport.get(server.url("/p"), max_bytes=100)
    assert len(server.hits_for("/p")) == 2


@pytest.mark.parametrize(
    ("value", "seconds"), [("7", 7.0), ("\u00b2", None), ("soon", None), ("", None)]
)
def test_retry_after_values(value: str, seconds: float | None) -> None:
    assert retry_after(value) == seconds


def test_callers_beyond_the_worker_pool_keep_their_connections(
    server: IndexServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The transport is shared by the client's workers *and* by callers' own threads
    (targets, warmers, enrichment): more requests than `pool_size` at once must not make
    urllib3 discard connections (each discard is a new TCP/TLS handshake later)."""
    import logging
    import threading

    callers = 12
    server.route("/p", b"ok")
    server.fault("/p", *[Slow(0.2)] * callers)  # so that the requests overlap
    transport = _transport(pool_size=2)
    barrier = threading.Barrier(callers)

    def ask() -> None:
        barrier.wait()
        transport.get(server.url("/p"), max_bytes=100)

    threads = [threading.Thread(target=ask) for _ in range(callers)]
    with caplog.at_level(logging.WARNING, logger="urllib3.connectionpool"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(server.hits_for("/p")) == callers
    assert not [r for r in caplog.records if "pool is full" in r.getMessage()]


def test_a_trickled_body_is_cut_at_the_request_deadline(server: IndexServer) -> None:
    server.route("/p", b"x" * 100_000)
    server.fault("/p", Trickle(interval=0.05))
    transport = _transport(timeout=0.5, retries=0)  # deadline: 4 x 0.5 s
    started = time.monotonic()
    with pytest.raises(IndexUnreachable, match="no complete answer within 2 s"):
        transport.get(server.url("/p"), max_bytes=1_000_000)
    assert time.monotonic() - started < 10


def test_a_trickled_stream_is_cut_at_its_deadline(server: IndexServer) -> None:
    server.route("/p", b"x" * 100_000)
    server.fault("/p", Trickle(interval=0.05))
    transport = _transport(timeout=0.5, retries=0, limits=Limits(sdist_seconds=1.0))
    started = time.monotonic()
    with (
        pytest.raises(IndexUnreachable, match="no complete answer within 2 s"),
        transport.stream(server.url("/p"), max_bytes=1_000_000) as chunks,
    ):
        for _chunk in chunks:
            pass
    assert time.monotonic() - started < 10


def test_a_kept_alive_connection_serves_the_next_request(server: IndexServer) -> None:
    server.route("/p", b"ok")
    transport = _transport(timeout=0.5, retries=0)
    assert transport.get(server.url("/p"), max_bytes=100).body == b"ok"
    time.sleep(2.5)  # past the first request's deadline
    assert transport.get(server.url("/p"), max_bytes=100).body == b"ok"


def test_a_request_past_its_deadline_is_not_retried(server: IndexServer) -> None:
    server.route("/p", b"x" * 100_000)
    server.fault("/p", Trickle(interval=0.05), Trickle(interval=0.05))
    with pytest.raises(IndexUnreachable, match="not retried"):
        _transport(timeout=0.3, retries=1).get(server.url("/p"), max_bytes=1_000_000)
    assert len(server.hits_for("/p")) == 1


def test_stop_ends_a_retry_wait_at_once_and_gives_up(server: IndexServer) -> None:
    server.fault("/p", *[Status(503)] * 4)
    transport = Transport(retries=3, backoff=30.0)  # the real sleep: 30 s, 60 s, ...
    threading.Timer(0.3, transport.stop).start()
    started = time.monotonic()
    with pytest.raises(IndexUnreachable, match="503"):
        transport.get(server.url("/p"), max_bytes=100)
    assert time.monotonic() - started < 5.0
    assert len(server.hits_for("/p")) == 1  # no attempt after the stop

