"""The HTTP transport: one pooled `requests.Session`, retries, redirects, body caps.

Every request of the index layer goes through `Transport.get` (whole bodies, capped) or
`Transport.stream` (sdists). Transient failures — connection errors and resets, timeouts,
HTTP 429/500/502/503/504 — are retried `retries` times with exponential backoff (429 and
503 honour `Retry-After`, capped). Redirects are followed here, not by requests, so that a
loop or too many hops is an `IndexResponseError`, redirect bodies are never read, and
credentials go only to the origin they were given for.

Every `requests`/`urllib3`/socket exception becomes `IndexUnreachable` (no usable answer:
connection failures, timeouts, and 502/503/504 once retries run out) or
`IndexResponseError` (an answer wheelfit cannot use: other HTTP errors, bad bodies, caps);
messages carry redacted URLs.
TLS verification, proxies, CA bundles and netrc come from requests' `trust_env` handling.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urljoin, urlsplit

from wheelfit import __version__
from wheelfit.errors import IndexFault, IndexResponseError, IndexUnreachable
from wheelfit.index.limits import DEFAULT_LIMITS, Limits
from wheelfit.index.reqlog import log_request
from wheelfit.index.urls import is_ascii_digits, origin, split_credentials
from wheelfit.redact import redact_text, redact_url

if TYPE_CHECKING:
    import requests

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
GATEWAY_STATUSES = frozenset({502, 503, 504})
_T = TypeVar("_T")
# Threads besides the client's workers that send requests at once (resolvers, warmers,
# enrichment); a pool sized for the workers alone discards connections (new TLS handshakes).
CALLER_THREADS = 32
USER_AGENT = f"wheelfit/{__version__} (+https://pypi.org/project/wheelfit/)"
HINT_UNREACHABLE = (
    "Check the index URL and your network (proxies: HTTPS_PROXY/NO_PROXY; CA bundle: "
    "REQUESTS_CA_BUNDLE or SSL_CERT_FILE). Use --index-url to pick another index, or "
    "--offline to use only what is already in the cache."
)
HINT_BAD_ANSWER = (
    "The index answered with something wheelfit cannot use. Check that --index-url points "
    "at a simple index (e.g. https://pypi.org/simple); if it is a temporary problem, try "
    "again later or use --offline to use only the cache."
)
HINT_AUTH = (
    "The index refused access: give credentials in the index URL "
    "(https://user:token@host/simple) or in ~/.netrc."
)


class BodyTooLarge(IndexResponseError):
    """A body exceeded its cap; `status` is the HTTP status of the answer."""

    def __init__(self, message: str, *, url: str, status: int) -> None:
        super().__init__(message, url=url, hint=HINT_BAD_ANSWER)
        self.status = status


@dataclass(frozen=True)
class Fetched:
    """A complete answer: final URL (credential-free), status, headers and body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


class _Transient(Exception):
    """One attempt failed in a way worth retrying; `final` is raised when retries run out."""

    def __init__(self, final: IndexFault, retry_after: float | None = None) -> None:
        super().__init__(final.message)
        self.final = final
        self.retry_after = retry_after


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
        self.retries = max(0, retries)
        self.backoff = max(0.0, backoff)
        self.limits = limits
        self._sleep = sleep
        self._owns_session = session is None
        self._session = session
        self._pool_size = pool_size
        self._credentials: dict[tuple[str, int], tuple[str, str]] = {}
        self._lock = threading.Lock()
        self._requests = 0
        self._bytes = 0

    @property
    def session(self) -> requests.Session:
        """The pooled session, created (and `requests` imported) at the first request: a
        run answered from the cache never pays for either."""
        with self._lock:
            if self._session is None:
                self._session = _new_session(self._pool_size)
            session = self._session
            if not any(prefix.startswith("file:") for prefix in session.adapters):
                from wheelfit.index.fileadapter import FileAdapter

                session.mount("file://", FileAdapter())
        return session

    # --- accounting -----------------------------------------------------------------------

    @property
    def requests_made(self) -> int:
        """Requests sent (every attempt and every redirect hop)."""
        with self._lock:
            return self._requests

    @property
    def bytes_downloaded(self) -> int:
        """Body bytes received (after content decoding)."""
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
    ) -> Fetched:
        """GET `url` (credential-free) and read its body, at most `max_bytes` of it."""
        return self._retrying(lambda: self._get_once(url, headers, max_bytes, accept))

    @contextmanager
    def stream(
        self, url: str, *, headers: Mapping[str, str] | None = None, max_bytes: int
    ) -> Iterator[Iterator[bytes]]:
        """GET `url` and yield an iterator over its body chunks (retries before the body)."""
        response, final_url = self._retrying(lambda: self._open(url, headers, (200,)))
        try:
            yield self._chunks(
                response, final_url, max_bytes, time.monotonic() + self.limits.request_seconds
            )
        finally:
            response.close()

    def close(self) -> None:
        """Close the session if this transport created it."""
        if self._owns_session and self._session is not None:
            self._session.close()

    # --- internals --------------------------------------------------------------------------

    def _retrying(self, attempt_fn: Callable[[], _T]) -> _T:
        attempt = 0
        while True:
            try:
                return attempt_fn()
            except _Transient as transient:
                if attempt >= self.retries:
                    final = transient.final
                    if self.retries:
                        final.message = f"{final.message} (after {attempt + 1} attempts)"
                    raise final from None
                delay = self.backoff * (2**attempt)
                delay = min(delay, self.limits.max_backoff)
                if transient.retry_after is not None:
                    delay = max(delay, min(transient.retry_after, self.limits.max_retry_after))
                self._sleep(delay)
                attempt += 1

    def _get_once(
        self,
        url: str,
        headers: Mapping[str, str] | None,
        max_bytes: int,
        accept: Collection[int],
    ) -> Fetched:
        started = time.monotonic()
        deadline = started + self.limits.request_seconds
        response, final_url = self._open(url, headers, accept)
        try:
            body = b"".join(self._chunks(response, final_url, max_bytes, deadline))
        except IndexFault as fault:
            if isinstance(fault, IndexUnreachable):
                raise _Transient(fault) from None
            raise
        finally:
            response.close()
        log_request(final_url, headers, response.status_code, len(body), started)
        from requests.structures import CaseInsensitiveDict

        return Fetched(final_url, response.status_code, CaseInsensitiveDict(response.headers), body)

    def _open(
        self, url: str, headers: Mapping[str, str] | None, accept: Collection[int]
    ) -> tuple[requests.Response, str]:
        """Send the request, following redirects; return the accepted response."""
        current = url
        visited = {url}
        for _hop in range(self.limits.max_redirects + 1):
            response = self._send(current, headers)
            status = response.status_code
            if status in REDIRECT_STATUSES and status not in accept:
                location = response.headers.get("Location")
                response.close()
                if not location:
                    raise _bad(f"HTTP {status} redirect without a Location", current)
                current = self._next_hop(current, location)
                if current in visited:
                    raise _bad("redirect loop", url)
                visited.add(current)
                continue
            if status in accept:
                return response, current
            log_request(current, headers, status, None, None)
            reason = response.reason or ""
            retry_after = _retry_after(response.headers.get("Retry-After"))
            response.close()
            fault = _status_fault(status, reason, current)
            if status in RETRY_STATUSES:
                raise _Transient(fault, retry_after)
            raise fault
        raise _bad(f"more than {self.limits.max_redirects} redirects", url)

    def _next_hop(self, current: str, location: str) -> str:
        try:
            target = urljoin(current, location.strip())
            scheme = urlsplit(target).scheme.lower()
        except ValueError:
            raise _bad("redirect to an invalid URL", current) from None
        target, _credentials = split_credentials(target)  # never follow embedded credentials
        if scheme not in ("http", "https") and not (
            scheme == "file" and current.lower().startswith("file:")
        ):
            raise _bad(f"redirect to an unsupported URL scheme {scheme!r}", current)
        return target

    def _send(self, url: str, headers: Mapping[str, str] | None) -> requests.Response:
        import http.client

        import requests
        import urllib3

        self._count(requests_=1)
        try:
            return self.session.get(
                url,
                headers=dict(headers or {}),
                auth=self._auth_for(url),
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
            )
        except requests.exceptions.SSLError as exc:
            raise _unreachable(f"TLS error ({_reason(exc)})", url) from None
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
            requests.exceptions.InvalidHeader,
            requests.exceptions.URLRequired,
            ValueError,
        ) as exc:
            raise _unreachable(f"invalid URL or header ({_reason(exc)})", url) from None
        except requests.exceptions.Timeout:
            raise _Transient(_unreachable(f"timed out after {self.timeout:g} s", url)) from None
        except (
            requests.RequestException,
            urllib3.exceptions.HTTPError,
            http.client.HTTPException,
            OSError,
        ) as exc:
            raise _Transient(_unreachable(f"connection failed ({_reason(exc)})", url)) from None

    def _chunks(
        self, response: requests.Response, url: str, max_bytes: int, deadline: float
    ) -> Iterator[bytes]:
        import http.client

        import requests
        import urllib3

        declared = response.headers.get("Content-Length", "")
        if is_ascii_digits(declared) and int(declared) > max_bytes:
            raise BodyTooLarge(
                f"{redact_url(url)}: the answer is {int(declared)} bytes (cap {max_bytes})",
                url=redact_url(url),
                status=response.status_code,
            )
        received = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                received += len(chunk)
                self._count(bytes_=len(chunk))
                if received > max_bytes:
                    raise BodyTooLarge(
                        f"{redact_url(url)}: the answer is larger than {max_bytes} bytes",
                        url=redact_url(url),
                        status=response.status_code,
                    )
                if time.monotonic() > deadline:
                    raise _unreachable(
                        f"the answer took longer than {self.limits.request_seconds:g} s", url
                    )
                yield chunk
        except requests.exceptions.ContentDecodingError as exc:
            raise _bad(f"undecodable body ({_reason(exc)})", url) from None
        except (
            requests.RequestException,
            urllib3.exceptions.HTTPError,
            http.client.HTTPException,
            OSError,
        ) as exc:
            raise _unreachable(f"connection broken while reading ({_reason(exc)})", url) from None


def _new_session(pool_size: int) -> requests.Session:
    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    session.trust_env = True
    # requests reads REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE itself (and they win over this), but
    # not OpenSSL's SSL_CERT_FILE/SSL_CERT_DIR, which corporate setups often rely on.
    for variable in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        value = os.environ.get(variable)
        if value and os.path.exists(value):
            session.verify = value
            break
    session.max_redirects = DEFAULT_LIMITS.max_redirects
    session.headers["User-Agent"] = USER_AGENT
    keep = max(pool_size, 10) + CALLER_THREADS  # connections kept for reuse, not opened
    adapter = HTTPAdapter(pool_connections=8, pool_maxsize=keep, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")]+")


def _reason(exc: BaseException) -> str:
    """A short cause: the innermost OS error when there is one ("[Errno 111] Connection
    refused"), else the exception's first line, cut at a word."""
    inner: BaseException | None = exc
    while inner is not None:
        if isinstance(inner, OSError) and inner.strerror:
            return redact_text(inner.strerror)
        inner = inner.__cause__ or inner.__context__
    text = str(exc) or type(exc).__name__
    found = _ERRNO.search(text)
    if found:
        return redact_text(found.group(0).strip())
    import requests

    if isinstance(exc, requests.Timeout) or "timed out" in text.lower():
        return "timed out (raise --timeout if the index is slow)"
    line = redact_text(text.splitlines()[0])
    return line if len(line) <= 160 else line[:160].rsplit(" ", 1)[0] + " …"


def _unreachable(reason: str, url: str) -> IndexUnreachable:
    safe = redact_url(url)
    return IndexUnreachable(f"{safe}: {reason}", url=safe, hint=HINT_UNREACHABLE)


def _bad(reason: str, url: str) -> IndexResponseError:
    safe = redact_url(url)
    return IndexResponseError(f"{safe}: {reason}", url=safe, hint=HINT_BAD_ANSWER)


def _status_fault(status: int, reason: str, url: str) -> IndexFault:
    """502/503/504 mean a gateway got no answer from the index: unreachable. Any other
    status is an answer wheelfit cannot use."""
    safe = redact_url(url)
    text = f"HTTP {status} {reason}".strip()
    if status in GATEWAY_STATUSES:
        return IndexUnreachable(f"{safe}: {text}", url=safe, hint=HINT_UNREACHABLE)
    hint = HINT_AUTH if status in (401, 403) else HINT_BAD_ANSWER
    return IndexResponseError(f"{safe}: {text}", url=safe, hint=hint)


def _retry_after(value: str | None) -> float | None:
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
