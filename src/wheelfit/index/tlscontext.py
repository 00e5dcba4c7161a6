"""One TLS context per CA location for the run, instead of one per connection.

urllib3 builds a fresh `SSLContext` for every new connection when it is given a CA path,
and parses the whole bundle into it: about 20-30 ms of CPU per connection (a cold top-500
run opened 33 connections: ~1 s). `SharedContexts.context(verify)` builds one context per
CA location (`verify` as requests spells it: `True` for its default bundle, a file, or a
directory), and the transport's pools hand it to every connection, so connections only do
their handshake. Verification is unchanged: the context requires a certificate and checks
the host name.
"""

from __future__ import annotations

import os
import ssl
import threading
from typing import Any


class SharedContexts:
    """The TLS contexts of one transport, by `verify` value (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_verify: dict[bool | str, ssl.SSLContext | None] = {}
        self._by_location: dict[str, ssl.SSLContext] = {}

    def context(self, verify: Any) -> ssl.SSLContext | None:
        """The context for `verify` (its location checked once per value); None for
        `verify=False`, a path that does not exist, or a value that is not a path."""
        if verify is False or not isinstance(verify, (bool, str)):
            return None
        with self._lock:
            if verify in self._by_verify:
                return self._by_verify[verify]
            location = _location(verify)
            context = None
            if location is not None:
                context = self._by_location.get(location)
                if context is None:
                    context = self._by_location[location] = _context_for(location)
            self._by_verify[verify] = context
            return context


def _location(verify: bool | str) -> str | None:
    """The CA file or directory requests would use for `verify`; None when it does not
    exist (the caller reports that)."""
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
