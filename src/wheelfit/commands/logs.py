"""`-v`/`-vv`: the `wheelfit.*` loggers (requests, cache hits and misses, ignored cache
entries) printed to stderr, every credential redacted."""

from __future__ import annotations

import logging
import sys

from wheelfit.redact import redact_text

_HANDLER_NAME = "wheelfit-stderr"


class _Redacting(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))


def enable_logging(verbosity: int) -> None:
    """-v: one line per request (method, URL, status, bytes, ms) and per cache hit;
    -vv: debug lines too. Idempotent (one handler however often it is called)."""
    if verbosity <= 0:
        return
    logger = logging.getLogger("wheelfit")
    logger.setLevel(logging.INFO if verbosity == 1 else logging.DEBUG)
    for existing in logger.handlers:
        if existing.get_name() == _HANDLER_NAME and isinstance(existing, logging.StreamHandler):
            existing.setStream(sys.stderr)
            return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(_Redacting("wheelfit: %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.propagate = False
