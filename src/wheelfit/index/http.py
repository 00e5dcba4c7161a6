"""The HTTP transport: urllib3's connection pools, retries, redirects, body caps.

Every request of the index layer goes through `Transport.get` (whole bodies, capped) or
`Transport.stream` (sdists). Transient failures — connection errors and resets, timeouts,
HTTP 429/500/502/503/504 — are retried by `retrying.py` (backoff, `Retry-After`, a cap on
the waits of one request). Redirects are followed here, so that a loop or too many hops
is an `IndexResponseError`, redirect bodies are never read, and credentials go only to the
origin they were given for.

Requests go out on urllib3's pools directly (`sending.py`; a `requests.Session` only holds
the settings), bodies are read in large pieces and decoded with zlib (`bodies.py`); a caller
that asks (`keep_coding`: project pages, inflated by the parse helper) gets a gzip or deflate
body as sent, which `bodies.inflate` decodes under the same cap and errors. The request log
and `bytes_downloaded` count body bytes as received (before decoding).
Every urllib3/http.client/socket exception becomes `IndexUnreachable` (no usable answer:
connection failures, timeouts, and 502/503/504 once retries run out) or
`IndexResponseError` (an answer wheelfit cannot use: other HTTP errors, bad bodies, caps);
messages carry redacted URLs.
`timeout` bounds each wait for bytes (connect, then between two reads, as pip's and uv's);
a whole request must be complete within `Limits.request_deadline(timeout)`, enforced by a
watchdog that shuts the socket (`deadline.py`), so a server that trickles its headers or
body cannot hold a request longer. One run sends at most `Limits.max_requests` requests.
TLS verification, proxies, CA bundles and netrc are what requests' `trust_env` handling
would find, looked up once per origin (`sending.py`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urljoin, urlsplit

from wheelfit import __version__
from wheelfit.errors import IndexFault, IndexResponseError, IndexUnreachable
from wheelfit.index.bodies import (
    ACCEPT_ENCODING,
    READ_SIZE,
    BodyTooLarge,
    too_large,
    undecodable,
)
from wheelfit.index.faults import bad, reason_of, status_fault, unreachable
from wheelfit.index.limits import DEFAULT_LIMITS, Limits
from wheelfit.index.reqlog import log_request
from wheelfit.index.retrying import Transient, Waits, retry_after, retrying, seconds_text
from wheelfit.index.urls import is_ascii_digits, is_local, origin, split_credentials
from wheelfit.redact import redact_url

__all__ = ["BodyTooLarge", "Fetched", "RequestCapReached", "Transport"]

if TYPE_CHECKING:
    import requests

    from wheelfit.index.deadline import Scope
    from wheelfit.index.sending import Answer, Sender

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_T = TypeVar("_T")
# Threads besides the client's workers that send requests at once (resolvers, warmers,
# enrichment); a pool sized for the workers alone discards connections (new TLS handshakes).
CALLER_THREADS = 32
STREAM_CHUNK = 64 * 1024  # what a streamed sdist's reader is handed at a time
USER_AGENT = f"wheelfit/{__version__} (+https://pypi.org/project/wheelfit/)"


@dataclass(frozen=True)
class Fetched:
    """A complete answer: final URL (credential-free), status, headers and body; `coding`
    is the `Content-Encoding` the body still carries (only with `keep_coding`), else ""."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    coding: str = ""


class RequestCapReached(IndexResponseError):
    """The run already sent `Limits.max_requests` requests; this one was not sent."""


class Transport:
    """HTTP(S) and file:// access with retries, caps and request accounting."""

    def __init__(
        self,
        *,
        timeout: float = 15.0,
        retries: int = 3,
        backoff: float = 0.5,
        pool_size: int = 16,
        session: requests.Session | None = None,
        limits: Limits = DEFAULT_LIMITS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = timeout
        self.deadline = limits.request_deadline(timeout)
        self.retries = max(0, retries)
        self.backoff = max(0.0, backoff)
        self.limits = limits
        self._waits = Waits(sleep)
        self._owns_session = session is None
        self._session = session
        self._sender: Sender | None = None
        self._pool_size = pool_size
        self._credentials: dict[tuple[str, int], tuple[str, str]] = {}
        self._lock = threading.Lock()
        self._requests = 0
        self._bytes = 0

    @property
    def session(self) -> requests.Session:
        """The settings (headers, auth, proxies, verify, cert, trust_env), created (and
        `requests` imported) at the first request: a run answered from the cache never
        pays for either. Its adapters are not used."""
        with self._lock:
            if self._session is None:
                self._session = _new_session()
            return self._session

    def _sending(self) -> Sender:
        """The session's `Sender` (`sending.py`), made at the first request."""
        sender = self._sender
        if sender is None:
            from wheelfit.index.sending import Sender

            session = self.session
            # connections kept for reuse (not a limit on those opened)
            keep = max(self._pool_size, 10) + CALLER_THREADS
            with self._lock:
                if self._sender is None:
                    self._sender = Sender(session, pool_size=keep)
                sender = self._sender
        return sender

    # --- accounting -----------------------------------------------------------------------

    @property
    def requests_made(self) -> int:
        """Requests sent (every attempt and every redirect hop)."""
        with self._lock:
            return self._requests

    @property
    def bytes_downloaded(self) -> int:
        """Body bytes received, as sent (before content decoding)."""
        with self._lock:
            return self._bytes

    def _count(self, requests_: int = 0, bytes_: int = 0) -> None:
        with self._lock:
            self._requests += requests_
            self._bytes += bytes_

    # --- credentials ----------------------------------------------------------------------

    def add_credentials(self, url: str) -> str:
        """Remember `user:password@` of `url` for its origin; return the URL without them."""
        clean, credentials = split_credentials(url)
        key = origin(clean)
        if credentials is not None and key is not None:
            with self._lock:
                self._credentials.setdefault(key, credentials)
        return clean

    def _auth_for(self, url: str) -> tuple[str, str] | None:
        if not self._credentials:  # read without the lock: only ever grows
            return None
        key = origin(url)
        if key is None:
            return None
        with self._lock:
            found = self._credentials.get(key)
            if found is None and key[1] == 443 and url.lower().startswith("https:"):
                found = self._credentials.get((key[0], 80))  # http -> https upgrade
        return found

    # --- requests ---------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        max_bytes: int,
        accept: Collection[int] = (200,),
        keep_coding: bool = False,
    ) -> Fetched:
        """GET `url` (credential-free) and read its body, at most `max_bytes` of it. With
        `keep_coding`, a gzip or deflate body is not decoded (`Fetched.coding`; `inflate`
        decodes it): its cap then holds for the bytes as sent."""
        return self._retrying(
            lambda: self._get_once(url, headers, max_bytes, accept, keep_coding))

    @contextmanager
    def stream(
        self, url: str, *, headers: Mapping[str, str] | None = None, max_bytes: int
    ) -> Iterator[Iterator[bytes]]:
        """GET `url` and yield an iterator over its body chunks (retries before the body).

        Streams are for big downloads (sdists): the whole stream, retries included, gets
        the longer of the request deadline and `Limits.sdist_seconds`."""
        from wheelfit.index.deadline import WATCHDOG

        started = time.monotonic()
        with WATCHDOG.scope(max(self.deadline, self.limits.sdist_seconds)) as scope:
            try:
                response, final_url = self._retrying(lambda: self._open(url, headers, (200,)))
            except IndexFault:
                if scope.expired:
                    raise self._late(url, scope) from None
                raise
            received = [0, 0]
            try:
                if scope.expired:
                    raise self._late(url, scope)
                chunks = self._chunks(response, final_url, max_bytes, scope, [0], STREAM_CHUNK)
                yield _counted(chunks, received)
            finally:
                if not received[1]:  # read to its end: the connection is reused
                    response.close()
                response.release_conn()
                # the bytes read, which may stop before the end (the reader found its files)
                log_request(final_url, headers, response.status, received[0], started)

    def stop(self) -> None:
        """End the retry waits under way and to come (`retrying.Waits`)."""
        self._waits.stop()

    def close(self) -> None:
        """Close the pools, and the session if this transport created it."""
        if self._sender is not None:
            self._sender.close()
        if self._owns_session and self._session is not None:
            self._session.close()

    # --- internals --------------------------------------------------------------------------

    def _retrying(self, attempt_fn: Callable[[], _T]) -> _T:
        return retrying(attempt_fn, retries=self.retries, backoff=self.backoff,
                        limits=self.limits, sleep=self._waits, stopped=self._waits.stopped)

    def _get_once(
        self,
        url: str,
        headers: Mapping[str, str] | None,
        max_bytes: int,
        accept: Collection[int],
        keep_coding: bool = False,
    ) -> Fetched:
        from wheelfit.index.bodies import decoder_for
        from wheelfit.index.deadline import WATCHDOG

        started = time.monotonic()
        received = [0]
        coding = ""
        with WATCHDOG.scope(self.deadline) as scope:
            try:
                response, final_url = self._open(url, headers, accept)
                complete = False
                try:
                    if scope.expired:  # headers cut short by the watchdog look complete
                        raise self._late(url, scope)
                    if keep_coding:
                        sent = response.headers.get("Content-Encoding", "")
                        coding = sent if decoder_for(sent) is not None else ""
                    body = b"".join(self._chunks(response, final_url, max_bytes, scope,
                                                 received, encoding=None if coding else ""))
                    complete = True
                finally:
                    if not complete:  # a connection with unread bytes is not reused
                        response.close()
                    response.release_conn()
            except (Transient, IndexFault) as failed:
                if scope.expired:  # not retried: a server this slow would be as slow again
                    raise self._late(url, scope) from None
                if isinstance(failed, IndexUnreachable):
                    raise Transient(failed) from None
                raise
        log_request(final_url, headers, response.status, received[0], started,
                    coding=coding)
        return Fetched(final_url, response.status, response.headers, body, coding)

    def _late(self, url: str, scope: Scope) -> IndexUnreachable:
        return unreachable(
            f"no complete answer within {seconds_text(scope.seconds)} s, the most one request "
            f"may take with --timeout {self.timeout:g} (the server sends too slowly; not "
            "retried)",
            url,
        )

    def _open(
        self, url: str, headers: Mapping[str, str] | None, accept: Collection[int]
    ) -> tuple[Answer, str]:
        """Send the request, following redirects; return the accepted response."""
        current = url
        visited = {url}
        for _hop in range(self.limits.max_redirects + 1):
            response = self._send(current, headers)
            status = response.status
            if status in REDIRECT_STATUSES and status not in accept:
                location = response.headers.get("Location")
                _discard(response)
                if not location:
                    raise bad(f"HTTP {status} redirect without a Location", current)
                current = self._next_hop(current, location)
                if current in visited:
                    raise bad("redirect loop", url)
                visited.add(current)
                continue
            if status in accept:
                return response, current
            log_request(current, headers, status, None, None)
            reason = response.reason or ""
            asked = retry_after(response.headers.get("Retry-After"))
            _discard(response)
            fault = status_fault(status, reason, current)
            if status in RETRY_STATUSES:
                raise Transient(fault, asked)
            raise fault
        raise bad(f"more than {self.limits.max_redirects} redirects", url)

    def _next_hop(self, current: str, location: str) -> str:
        try:
            target = urljoin(current, location.strip())
            scheme = urlsplit(target).scheme.lower()
        except ValueError:
            raise bad("redirect to an invalid URL", current) from None
        target, _credentials = split_credentials(target)  # never follow embedded credentials
        if scheme not in ("http", "https") and not (scheme == "file" and is_local(current)):
            raise bad(f"redirect to an unsupported URL scheme {scheme!r}", current)
        return target

    def _send(self, url: str, headers: Mapping[str, str] | None) -> Answer:
        import http.client
        import ssl

        import urllib3

        with self._lock:
            capped = self._requests >= self.limits.max_requests
            if not capped:
                self._requests += 1
        if capped:
            safe = redact_url(url)
            raise RequestCapReached(
                f"{safe}: not requested: this run already sent {self.limits.max_requests} "
                "index requests, the most wheelfit sends in one run",
                url=safe,
                hint="A dependency tree this large is unusual: look for a package whose "
                "dependencies fan out (its notes say so); split the input if it is real.",
            )
        errors = urllib3.exceptions
        try:
            return self._sending().send(url, headers, self._auth_for(url), self.timeout)
        except (errors.SSLError, ssl.SSLError) as exc:
            raise unreachable(f"TLS error ({reason_of(exc)})", url) from None
        except (ValueError, http.client.InvalidURL) as exc:
            raise unreachable(f"invalid URL or header ({reason_of(exc)})", url) from None
        except (errors.ProxyError, errors.NewConnectionError) as exc:
            raise Transient(unreachable(f"connection failed ({reason_of(exc)})", url)) from None
        except (errors.TimeoutError, TimeoutError):
            raise Transient(unreachable(f"timed out after {self.timeout:g} s", url)) from None
        except (errors.HTTPError, http.client.HTTPException, OSError) as exc:
            raise Transient(unreachable(f"connection failed ({reason_of(exc)})", url)) from None

    def _chunks(
        self, response: Answer, url: str, max_bytes: int, scope: Scope, received: list[int],
        read_size: int = READ_SIZE, encoding: str | None = "",
    ) -> Iterator[bytes]:
        """The body's decoded chunks (`encoding`: the coding to undo, "" for the answer's
        own, None for none); `received[0]` adds up the bytes as sent."""
        import http.client
        import zlib

        import urllib3

        from wheelfit.index.bodies import body_chunks

        declared = response.headers.get("Content-Length", "")
        if is_ascii_digits(declared) and int(declared) > max_bytes:
            raise BodyTooLarge(
                f"{redact_url(url)}: the answer is {int(declared)} bytes (cap {max_bytes})",
                url=redact_url(url),
                status=response.status,
            )
        decoded = 0
        if encoding == "":
            encoding = response.headers.get("Content-Encoding")
        try:
            for raw, chunk in body_chunks(response, encoding, max_bytes, read_size):
                decoded += len(chunk)
                received[0] += raw
                self._count(bytes_=raw)
                if decoded > max_bytes:
                    raise too_large(url, max_bytes, response.status)
                if scope.expired or time.monotonic() > scope.at:
                    raise self._late(url, scope)
                if chunk:
                    yield chunk
        except zlib.error as exc:
            raise undecodable(encoding, exc, url) from None
        except (
            urllib3.exceptions.HTTPError,
            http.client.HTTPException,
            OSError,
        ) as exc:
            if scope.expired:
                raise self._late(url, scope) from None
            raise unreachable(f"connection broken while reading ({reason_of(exc)})", url) from None


def _discard(response: Answer) -> None:
    """Close an answer whose body is not wanted (its connection is not reused)."""
    response.close()
    response.release_conn()


def _counted(chunks: Iterator[bytes], received: list[int]) -> Iterator[bytes]:
    """The chunks, adding their sizes up in `received[0]`; `received[1]` is 1 at the end."""
    for chunk in chunks:
        received[0] += len(chunk)
        yield chunk
    received[1] = 1


def _new_session() -> requests.Session:
    import requests

    session = requests.Session()
    session.trust_env = True
    # OpenSSL's SSL_CERT_FILE/SSL_CERT_DIR, which corporate setups often rely on, as the CA;
    # REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE still win over them (`sending._verify`, as requests).
    for variable in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        value = os.environ.get(variable)
        if value and os.path.exists(value):
            session.verify = value
            break
    session.max_redirects = DEFAULT_LIMITS.max_redirects
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept-Encoding"] = ACCEPT_ENCODING  # what bodies.py decodes
    return session
