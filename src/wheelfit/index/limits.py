"""Every size, time and count cap the index layer enforces, in one place.

The defaults are sized for PyPI and the usual private indexes; tests pass smaller values
to exercise the caps with small bodies. Nothing here imports anything heavy.
"""

from __future__ import annotations

from dataclasses import dataclass

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class Limits:
    """Caps applied while talking to an index; every cap breach is an `IndexResponseError`."""

    # Project pages (PEP 503 HTML / PEP 691 JSON). The largest PyPI pages are a few MiB.
    page_bytes: int = 32 * MIB
    # PEP 503 HTML pages: start tags per page and attributes per tag. PyPI's largest pages
    # have tens of thousands of anchors of at most five attributes; a page beyond these is
    # refused before its tags are built (the scanner is linear, the caps bound memory).
    page_tags: int = 500_000
    tag_attributes: int = 100
    # A core metadata file (PEP 658 `.metadata`, a wheel's METADATA, an sdist's PKG-INFO).
    metadata_bytes: int = 2 * MIB
    # The zip central directory of a wheel (or zip sdist).
    central_directory_bytes: int = 8 * MIB
    # Bytes asked for by the first `Range: bytes=-N` request of a wheel. Of the 1,230 wheels
    # in bench/snapshot, 64 KiB holds the whole central directory of 96% (median 1.7 KiB,
    # p95 50 KiB) and METADATA as well of 89%; 128 KiB would spare 2.5% more wheels a second
    # request, for 64 KiB more on every wheel.
    tail_bytes: int = 64 * KIB
    # When a server ignores `Range` and sends the whole wheel, read it only up to this size.
    full_wheel_bytes: int = 20 * MIB
    # Uncompressed/compressed ratio above which a member counts as a compression bomb
    # (only checked for members bigger than `bomb_min_bytes`).
    bomb_ratio: int = 200
    bomb_min_bytes: int = 64 * KIB
    # Sdist streaming: compressed bytes downloaded, uncompressed bytes walked, members seen,
    # seconds spent.
    sdist_download_bytes: int = 100 * MIB
    sdist_unpacked_bytes: int = 1024 * MIB
    sdist_members: int = 100_000
    # A tar member's extended headers (pax `x`/`g`, GNU long name/link `L`/`K`) together:
    # `tarfile` reads them whole before any other cap sees the member. Real ones hold a
    # path or a few keys (well under 4 KiB).
    sdist_extended_header_bytes: int = 1 * MIB
    sdist_seconds: float = 120.0
    # Cache entries read back (anything bigger, or not a regular file, reads as missing):
    # a project page's answer (status and a few headers) and a parsed-page memo entry
    # (rows of a page, a little smaller than the page). Metadata and file-list entries are
    # capped by `metadata_bytes` and `central_directory_bytes`.
    cache_page_answer_bytes: int = 1 * MIB
    cache_memo_bytes: int = 2 * 32 * MIB
    # HTTP: redirects followed per request, longest backoff between two attempts.
    max_redirects: int = 10
    max_backoff: float = 30.0
    # The longest `Retry-After` honoured: a server that asks for more is not retried (the
    # message says what it asked for), and the most a single request waits in total
    # between its attempts (backoff and Retry-After together), whatever `--retries` says.
    max_retry_after: float = 30.0
    max_wait_seconds: float = 60.0
    # One request (connect, headers, body; redirects included) must be complete within
    # `request_timeouts` x `--timeout` seconds, however steadily the server trickles bytes
    # (`--timeout` itself bounds each wait for the next bytes, as in pip). The product is
    # capped at `request_seconds`, unless `--timeout` alone is longer. Streamed sdists get at
    # least `sdist_seconds`.
    request_timeouts: float = 4.0
    request_seconds: float = 120.0
    # Requests sent by one client in one run (every attempt, hop and range read). A fully
    # pinned 1,000-package input sends about 3,100; a hostile dependency tree is cut here.
    max_requests: int = 20_000

    def request_deadline(self, timeout: float) -> float:
        """Seconds one request may take in total for this `--timeout`."""
        return max(timeout, min(self.request_timeouts * timeout, self.request_seconds))


DEFAULT_LIMITS = Limits()
