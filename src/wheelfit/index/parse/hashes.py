"""Bytes checked against the hashes an index publishes for a file (no I/O)."""

from __future__ import annotations

import hashlib

Hashes = tuple[tuple[str, str], ...]


def verifiable(hashes: Hashes | None) -> bool:
    """True when at least one of `hashes` uses an algorithm this Python always has."""
    return any(name in hashlib.algorithms_guaranteed for name, _ in hashes or ())


def matches(data: bytes, hashes: Hashes | None) -> bool:
    """True when `data` matches every one of `hashes` that can be checked here (and one can)."""
    known = [(n, v) for n, v in hashes or () if n in hashlib.algorithms_guaranteed]
    return bool(known) and all(hashlib.new(n, data).hexdigest() == v.lower() for n, v in known)
