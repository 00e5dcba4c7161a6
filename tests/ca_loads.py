"""A spy on `ssl.SSLContext.load_verify_locations`: the tests that count CA-bundle parses."""

from __future__ import annotations

import ssl

import pytest


def count_ca_loads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The arguments of every CA-bundle load from now on (the load still happens)."""
    loads: list[object] = []
    original = ssl.SSLContext.load_verify_locations

    def counting(self: ssl.SSLContext, *args: object, **kwargs: object) -> None:
        loads.append(args or kwargs)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counting)
    return loads
