"""One TLS context per CA location for the run, instead of one per connection.

`requests` hands urllib3 the CA bundle's path for every pool, and urllib3 builds a fresh
`SSLContext` for every new connection and parses the whole bundle into it: about 20-30 ms
of CPU per connection (a cold top-500 run opened 33 connections: ~1 s). `SharedContexts`
is an `HTTPAdapter` mixin that gives each pool a context built once per CA location (the
same `verify` value requests resolved: `True` for its default bundle, a file, or a
directory), so connections only do their handshake. Verification is unchanged: the context
requires a certificate and checks the host name. `verify=False` and client certificates
keep requests' own path.
"""

from __future__ import annotations

import os
import ssl
import threading
from typing import Any


class SharedContexts:
    """Mixin for `requests.adapters.HTTPAdapter` (put it first among the bases)."""

    def build_connection_pool_key_attributes(
        self, request: Any, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """requests' pool attributes, with the shared context in place of the CA path."""
        scheme = str(getattr(request, "url", "") or "").partition(":")[0].lower()
        context = self._shared_context(scheme, verify, cert)
        # With the shared context, requests' CA settings are replaced anyway: `True` spares
        # its `os.path.isdir` of the bundle on every request.
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(  # type: ignore[misc]
            request, True if context is not None else verify, cert
        )
        if context is not None:
            pool_kwargs.pop("ca_certs", None)
            pool_kwargs.pop("ca_cert_dir", None)
            pool_kwargs["ssl_context"] = context
        return host_params, pool_kwargs

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        """requests' settings; without the CA path when the pool has the shared context (or
        urllib3 would parse the bundle again for each connection). Set in one step: another
        thread may be opening a connection of the same pool."""
        scheme = url.partition(":")[0].lower()
        if self._shared_context(scheme, verify, cert) is None:
            super().cert_verify(conn, url, verify, cert)  # type: ignore[misc]
            return
        conn.cert_reqs = "CERT_REQUIRED"
        conn.ca_certs = None
        conn.ca_cert_dir = None

    def _shared_context(self, scheme: object, verify: Any, cert: Any) -> ssl.SSLContext | None:
        """The context for `verify`, looked up (its location checked) once per value."""
        if scheme != "https" or cert is not None or not isinstance(verify, (bool, str)):
            return None
        state = self.__dict__
        with state.setdefault("_contexts_lock", threading.Lock()):
            by_verify: dict[bool | str, ssl.SSLContext | None] = state.setdefault("_by_verify", {})
            if verify in by_verify:
                return by_verify[verify]
            location = _location(verify)
            contexts: dict[str, ssl.SSLContext] = state.setdefault("_contexts", {})
            context = None
            if location is not None:
                context = contexts.get(location)
                if context is None:
                    context = contexts[location] = _context_for(location)
            by_verify[verify] = context
            return context


def _location(verify: Any) -> str | None:
    """The CA file or directory requests would use for `verify`; None: leave it to requests
    (verification off, or a path that does not exist, which requests reports itself)."""
    if verify is True:
        from requests.utils import DEFAULT_CA_BUNDLE_PATH

        verify = DEFAULT_CA_BUNDLE_PATH
    if isinstance(verify, str) and verify and os.path.exists(verify):
        return verify
    return None


def _context_for(location: str) -> ssl.SSLContext:
    from urllib3.util.ssl_ import create_urllib3_context

    context = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED)
    if os.path.isdir(location):
        context.load_verify_locations(capath=location)
    else:
        context.load_verify_locations(cafile=location)
    return context
