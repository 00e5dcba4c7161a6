"""`split_credentials`: the userinfo comes off; a URL without one comes back as it is."""

from __future__ import annotations

import pytest

from wheelfit.index.urls import split_credentials

CASES = [
    ("https://pypi.org/simple/six/", ("https://pypi.org/simple/six/", None)),
    ("https://u:p%40ss@host/simple/", ("https://host/simple/", ("u", "p@ss"))),
    ("https://token@host/x", ("https://host/x", ("token", ""))),
    ("https://host/files/a@b.whl", ("https://host/files/a@b.whl", None)),  # @ in the path
    ("http://[::1/simple", ("http://[::1/simple", None)),                  # not a URL
    ("", ("", None)),
]


@pytest.mark.parametrize(("url", "expected"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_credentials_are_split_off(url: str, expected: object) -> None:
    assert split_credentials(url) == expected
