"""One GET through the session's adapter, with the environment looked up once per origin.

`requests.Session.get` redoes per call what a run needs once: with `trust_env` it scans
`os.environ` for proxies twice (`get_environ_proxies`: ~175 reads of the environment per
request), looks for a netrc file, and reads `REQUESTS_CA_BUNDLE`/`CURL_CA_BUNDLE`; it
also merges the session's settings, builds a cookie jar for the request, parses cookies
out of every answer, runs hooks and probes the answer for a redirect. The transport
follows redirects itself, sends no cookies and sets no hooks, so `Sender` prepares the
request and hands it to the session's adapter (`Session.get_adapter`, so mounted adapters
such as file:// still apply), with what requests' `trust_env` handling would have found —
proxies and NO_PROXY for the URL's origin, the netrc entry of its host, the CA bundle —
resolved on the first request to each origin and kept for the session.

The answers are requests' own: `Response` objects and requests' exceptions, as before.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests


@dataclass(frozen=True)
class Route:
    """What requests would merge into a request to one origin: its adapter, proxies (from
    the environment unless NO_PROXY bypasses the host), TLS settings and netrc credentials."""

    adapter: Any
    proxies: Mapping[str, str]
    verify: bool | str | None
    cert: Any
    netrc: tuple[str, str] | None


class Sender:
    """Sends GETs for one session; see the module docstring."""

    def __init__(self, session: requests.Session) -> None:
        self._session = session
        self._headers = {k: v for k, v in session.headers.items() if v is not None}
        self._routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._verify = _verify(session)

    def route(self, url: str) -> Route:
        """The settings of requests to `url`'s origin (looked up at its first request)."""
        origin = _origin_of(url)
        found = self._routes.get(origin)
        if found is None:
            found = self._resolve(url)
            with self._lock:
                found = self._routes.setdefault(origin, found)
        return found

    def send(
        self,
        url: str,
        headers: Mapping[str, str] | None,
        auth: tuple[str, str] | None,
        timeout: float,
    ) -> requests.Response:
        """GET `url` (streamed, redirects not followed); `auth` wins over the session's and
        over netrc. Raises what requests raises."""
        import requests

        prepared = requests.PreparedRequest()
        prepared.prepare_method("GET")
        prepared.prepare_url(url, None)  # first, as requests does: bad URLs fail here
        route = self.route(url)
        merged = dict(self._headers)
        if headers:
            merged.update(headers)
        prepared.prepare_headers(merged)
        prepared.prepare_body(None, None)
        prepared.prepare_auth(auth or self._session.auth or route.netrc, url)
        response: requests.Response = route.adapter.send(
            prepared, stream=True, timeout=timeout, verify=route.verify, cert=route.cert,
            proxies=route.proxies,
        )
        return response

    def _resolve(self, url: str) -> Route:
        from requests.utils import get_environ_proxies, get_netrc_auth

        session = self._session
        proxies: dict[str, str] = dict(session.proxies)
        netrc = None
        if session.trust_env:
            proxies.update(get_environ_proxies(url, no_proxy=None))
            if session.auth is None:
                netrc = get_netrc_auth(url)
        return Route(
            adapter=session.get_adapter(url),
            proxies={k: v for k, v in proxies.items() if v is not None},
            verify=self._verify,
            cert=session.cert,
            netrc=netrc,
        )


def _verify(session: requests.Session) -> bool | str | None:
    """requests' `verify` for a request that sets none: REQUESTS_CA_BUNDLE, else
    CURL_CA_BUNDLE (with `trust_env`), else the session's."""
    if session.trust_env:
        found = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if found:
            return found
    return session.verify


def _origin_of(url: str) -> str:
    """`scheme://netloc` of `url`, as typed (what proxies, netrc and adapters depend on)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return f"{scheme.lower()}://{netloc.lower()}"
