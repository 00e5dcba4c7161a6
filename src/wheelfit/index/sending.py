"""One GET on urllib3's connection pools, with the environment looked up once per origin.

The transport sends below `requests`: a `requests.Session` only holds the settings (headers,
`auth`, `proxies`, `verify`, `cert`, `trust_env`), and `Sender` sends each GET on a urllib3
pool itself (about a third of the CPU of the session's adapter path per small GET on
loopback: no `PreparedRequest`, no per-request pool-key building and CA checks, no
`Response` wrapper). What requests' `trust_env` handling would find — proxies and NO_PROXY
for the URL's origin, the netrc entry of its host, the CA bundle — is resolved on the first
request to each origin and kept (`Route`), as is the origin's pool. Proxies (with their
`user:password@` as Proxy-Authorization) go through urllib3's `ProxyManager`; `file://`
URLs are answered by `fileadapter.py`. The pools attach each connection to the request's
deadline (`deadline.py`), share one TLS context per CA location (`tlscontext.py`), and
connect (without a proxy) through one lookup per host (`lookups.py`).

Answers are urllib3 responses (or `fileadapter.FileAnswer`), unread; errors are urllib3's,
http.client's and the socket's, translated by the transport.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from wheelfit.index.urls import is_local

if TYPE_CHECKING:
    import requests

# A request target that needs no percent-encoding (what requests' `requote_uri` leaves as is).
_PLAIN_TARGET = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,/:;=?@\[\]]*")


class Answer(Protocol):
    """What the transport reads of an answer (a urllib3 response or a file's)."""

    status: int
    reason: str | None

    @property
    def headers(self) -> Any: ...

    def read(self, amt: int | None = None, decode_content: bool | None = None) -> bytes: ...

    def close(self) -> None: ...

    def release_conn(self) -> None: ...


@dataclass(frozen=True)
class Route:
    """What requests to one origin use: proxies (from the environment unless NO_PROXY
    bypasses the host), the TLS `verify` value, netrc credentials, and how to send."""

    proxies: Mapping[str, str]
    verify: bool | str | None
    netrc: tuple[str, str] | None
    url_auth: tuple[str, str] | None = None
    proxy: str | None = None  # the proxy URL chosen for the origin's scheme
    pool: tuple[str, int | None, str] = ("", None, "http")  # host, port, scheme


class Sender:
    """Sends GETs with one session's settings; see the module docstring."""

    def __init__(self, session: requests.Session, pool_size: int = 10) -> None:
        from urllib3 import Timeout

        from wheelfit.index.lookups import HostLookups
        from wheelfit.index.tlscontext import SharedContexts

        self._session = session
        self._headers = {k: v for k, v in session.headers.items() if v is not None}
        self._routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._verify = _verify(session)
        # basic credentials only: a requests `AuthBase` object needs requests' own path
        self._session_auth = session.auth if isinstance(session.auth, tuple) else None
        self._pool_size = pool_size
        self._contexts = SharedContexts()
        self._lookups = HostLookups()
        self._managers: dict[tuple[str, bool], Any] = {}
        self._timeouts: dict[float, Timeout] = {}

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
    ) -> Answer:
        """GET `url` (unread, redirects not followed); `auth` wins over the session's, then
        netrc's, then the URL's own (requests' order). Raises what urllib3, http.client and
        sockets raise."""
        if is_local(url):
            from wheelfit.index.fileadapter import open_file

            return open_file(url, headers or {})
        route = self.route(url)
        merged = dict(self._headers)
        if headers:
            merged.update(headers)
        credentials = auth or self._session_auth or route.netrc or route.url_auth
        if credentials is not None:
            merged["Authorization"] = basic_auth(credentials)
        wait = self._timeouts.get(timeout)
        if wait is None:
            from urllib3 import Timeout

            wait = self._timeouts.setdefault(timeout, Timeout(connect=timeout, read=timeout))
        options: dict[str, Any] = {
            "headers": merged, "retries": False, "redirect": False, "preload_content": False,
            "decode_content": False, "timeout": wait,
        }
        manager = self._manager(route.proxy, route.pool[2])
        if route.proxy is None:
            # the manager's pool for the origin (it may have replaced one it evicted)
            pool = manager.connection_from_host(*route.pool)
            answer: Answer = pool.urlopen("GET", _target(url), **options)
        else:
            answer = manager.urlopen("GET", _without_userinfo(url), **options)
        return answer

    def close(self) -> None:
        """Close every pool."""
        with self._lock:
            managers = list(self._managers.values())
            self._managers.clear()
            self._routes.clear()
        for manager in managers:
            manager.clear()
        self._lookups.clear()

    def _resolve(self, url: str) -> Route:
        from requests.utils import get_auth_from_url, get_environ_proxies, get_netrc_auth
        from urllib3.util import parse_url

        session = self._session
        proxies: dict[str, str] = dict(session.proxies)
        netrc = None
        if session.trust_env:
            proxies.update(get_environ_proxies(url, no_proxy=None))
            if session.auth is None:
                netrc = get_netrc_auth(url)
        proxies = {k: v for k, v in proxies.items() if v is not None}
        parsed = parse_url(url)
        scheme = (parsed.scheme or "").lower()
        if scheme not in ("http", "https") or not parsed.host:
            raise ValueError(f"not an http(s) URL: {scheme or 'no scheme'}")
        user, password = get_auth_from_url(url)
        url_auth = (user, password) if (user or password) else None
        proxy = _proxy_for(proxies, scheme, parsed.host)
        return Route(proxies=proxies, verify=self._verify, netrc=netrc,
                     url_auth=url_auth, proxy=proxy, pool=(parsed.host, parsed.port, scheme))

    def _manager(self, proxy: str | None, scheme: str) -> Any:
        """The PoolManager (no proxy) or ProxyManager for `proxy`, made once."""
        key = (proxy or "", scheme == "https")
        found = self._managers.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._managers.get(key)
            if found is None:
                found = self._managers[key] = self._new_manager(proxy, scheme)
            return found

    def _new_manager(self, proxy: str | None, scheme: str) -> Any:
        import urllib3

        from wheelfit.index.deadline import watch
        from wheelfit.index.lookups import resolve_through

        options: dict[str, Any] = {"num_pools": 32, "maxsize": self._pool_size, "block": False}
        options.update(self._tls_options(scheme))
        if proxy is None:
            manager: Any = urllib3.PoolManager(**options)
            resolve_through(manager, self._lookups)
        else:
            manager = _proxy_manager(proxy, options)
        watch(manager)
        return manager

    def _tls_options(self, scheme: str) -> dict[str, Any]:
        """urllib3's TLS settings for this session: the shared context when it can be used,
        else what requests would have handed urllib3."""
        cert = self._session.cert
        verify = self._verify
        options: dict[str, Any] = {}
        if cert is not None:
            options.update(_cert_options(cert))
        if verify is False:
            options["cert_reqs"] = "CERT_NONE"
            return options
        options["cert_reqs"] = "CERT_REQUIRED"
        if scheme != "https":  # no CA bundle to parse for plain HTTP
            return options
        context = self._contexts.context(verify)
        if context is not None and cert is None:
            options["ssl_context"] = context
        else:
            options.update(_ca_options(verify))
        return options


def basic_auth(credentials: tuple[str, str]) -> str:
    """The Authorization header of HTTP basic authentication."""
    user, password = credentials
    try:
        raw = f"{user}:{password}".encode("latin-1")
    except UnicodeEncodeError:
        raw = f"{user}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def _proxy_for(proxies: Mapping[str, str], scheme: str, host: str) -> str | None:
    """requests' proxy choice for a URL (`select_proxy`), with a scheme added if missing."""
    from requests.utils import prepend_scheme_if_needed

    for key in (f"{scheme}://{host}", scheme, f"all://{host}", "all"):
        found = proxies.get(key)
        if found:
            return str(prepend_scheme_if_needed(found, "http"))  # type: ignore[no-untyped-call]
    return None


def _proxy_manager(proxy: str, pool_kw: dict[str, Any]) -> Any:
    """A ProxyManager for `proxy`; its `user:password@` becomes Proxy-Authorization."""
    import urllib3
    from requests.utils import get_auth_from_url

    if proxy.lower().startswith("socks"):
        try:
            from urllib3.contrib.socks import SOCKSProxyManager
        except ImportError:
            raise ValueError("a SOCKS proxy needs the PySocks package") from None
        user, password = get_auth_from_url(proxy)
        return SOCKSProxyManager(proxy, username=user or None, password=password or None,
                                 **pool_kw)
    headers = {}
    user, password = get_auth_from_url(proxy)
    if user or password:
        headers["Proxy-Authorization"] = basic_auth((user, password))
    return urllib3.ProxyManager(proxy, proxy_headers=headers, **pool_kw)


def _ca_options(verify: Any) -> dict[str, Any]:
    """A CA path requests would have passed (no shared context: it does not exist)."""
    import os

    if not isinstance(verify, str) or not os.path.exists(verify):
        raise OSError(f"Could not find a suitable TLS CA certificate bundle, invalid path: "
                      f"{verify}")
    if os.path.isdir(verify):
        return {"ca_cert_dir": verify}
    return {"ca_certs": verify}


def _cert_options(cert: Any) -> dict[str, Any]:
    if isinstance(cert, str):
        return {"cert_file": cert}
    return {"cert_file": cert[0], "key_file": cert[1]}


def _verify(session: requests.Session) -> bool | str | None:
    """requests' `verify` for a request that sets none: REQUESTS_CA_BUNDLE, else
    CURL_CA_BUNDLE (with `trust_env`), else the session's."""
    import os

    if session.trust_env:
        found = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if found:
            return found
    return session.verify


def _origin_of(url: str) -> str:
    """`scheme://netloc` of `url`, as typed (what proxies, netrc and pools depend on)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return f"{scheme.lower()}://{netloc.lower()}"


def _target(url: str) -> str:
    """The request target of `url`: path and query, no fragment, percent-encoded as
    requests would."""
    rest = url.partition("://")[2]
    cut = len(rest)
    for mark in "/?#":
        at = rest.find(mark)
        if at != -1 and at < cut:
            cut = at
    target = rest[cut:].split("#", 1)[0]
    if not target.startswith("/"):
        target = "/" + target
    if _PLAIN_TARGET.fullmatch(target) is None:
        from requests.utils import requote_uri

        target = str(requote_uri(target))
    return target


def _without_userinfo(url: str) -> str:
    """`url` without `user:password@` (proxied requests carry credentials in a header)."""
    scheme, sep, rest = url.partition("://")
    netloc, slash, tail = rest.partition("/")
    if "@" in netloc:
        netloc = netloc.rsplit("@", 1)[1]
    return f"{scheme}{sep}{netloc}{slash}{tail}".split("#", 1)[0]

