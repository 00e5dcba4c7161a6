"""Transport failures as wheelfit errors: the one place where a `requests`/urllib3/socket
exception or an HTTP status becomes `IndexUnreachable` or `IndexResponseError`, with a short
redacted cause and a hint on what to do next (pure: no I/O).
"""

from __future__ import annotations

import re

from wheelfit.errors import IndexFault, IndexResponseError, IndexUnreachable
from wheelfit.redact import redact_text, redact_url

GATEWAY_STATUSES = frozenset({502, 503, 504})
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

_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")]+")


def reason_of(exc: BaseException) -> str:
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


def unreachable(reason: str, url: str) -> IndexUnreachable:
    safe = redact_url(url)
    return IndexUnreachable(f"{safe}: {reason}", url=safe, hint=HINT_UNREACHABLE)


def bad(reason: str, url: str) -> IndexResponseError:
    safe = redact_url(url)
    return IndexResponseError(f"{safe}: {reason}", url=safe, hint=HINT_BAD_ANSWER)


def status_fault(status: int, reason: str, url: str) -> IndexFault:
    """502/503/504 mean a gateway got no answer from the index: unreachable. Any other
    status is an answer wheelfit cannot use."""
    safe = redact_url(url)
    text = f"HTTP {status} {reason}".strip()
    if status in GATEWAY_STATUSES:
        return IndexUnreachable(f"{safe}: {text}", url=safe, hint=HINT_UNREACHABLE)
    hint = HINT_AUTH if status in (401, 403) else HINT_BAD_ANSWER
    return IndexResponseError(f"{safe}: {text}", url=safe, hint=hint)
