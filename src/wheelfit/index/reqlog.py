"""The request log of `-v`: one line per index request on the `wheelfit.http` logger —
method, URL (credentials redacted), status, body bytes as received (a gzip'd page's
compressed bytes, marked "gzip as sent" when the run kept them so), milliseconds, and why it
was sent (a cache miss, or a stored answer revalidated) — and one per answer the disk cache
gave (`wheelfit.cache`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from wheelfit.redact import redact_url

LOG = logging.getLogger("wheelfit.http")
CACHE_LOG = logging.getLogger("wheelfit.cache")


def log_hit(what: str) -> None:
    """Log an answer the disk cache gave without a request (`what`: e.g. a file's name)."""
    CACHE_LOG.info("cache: hit %s (stored)", what)


def log_retry(message: str, attempt: int, delay: float) -> None:
    """Log a failed attempt that is tried again (`message` names the URL, redacted)."""
    LOG.info("retry %d in %.1f s: %s", attempt, delay, message)


def log_request(url: str, headers: Mapping[str, str] | None, status: int,
                size: int | None, started: float | None, coding: str = "") -> None:
    """Log one answered GET (`size`/`started` None for one refused before its body;
    `coding`: the body's `Content-Encoding` when it was kept as sent)."""
    if not LOG.isEnabledFor(logging.INFO):
        return
    sent = headers or {}
    where = redact_url(url) + (f" [{sent['Range']}]" if "Range" in sent else "")
    if "If-None-Match" in sent or "If-Modified-Since" in sent:
        why = "cache: revalidate"
    else:
        why = "cache: miss"
    if size is None or started is None:
        LOG.info("GET %s → %d (%s)", where, status, why)
        return
    if coding:
        why = f"{why}; {coding} as sent"
    LOG.info("GET %s → %d, %d bytes, %.0f ms (%s)", where, status, size,
             (time.monotonic() - started) * 1000, why)
