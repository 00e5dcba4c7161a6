"""Credentials of a named index from the variables uv and poetry read (never printed)."""

from __future__ import annotations

from wheelfit.redact import redact_url
from wheelfit.sources.index_config import named_index_url

URL = "https://download.pytorch.org/whl/cpu"


def test_uv_variables_of_the_named_index() -> None:
    env = {"UV_INDEX_PYTORCH_CPU_USERNAME": "bob", "UV_INDEX_PYTORCH_CPU_PASSWORD": "s3cret"}
    assert named_index_url(URL, "pytorch-cpu", env) == (
        "https://bob:s3cret@download.pytorch.org/whl/cpu")


def test_poetry_variables_of_the_named_source() -> None:
    env = {"POETRY_HTTP_BASIC_CORP_USERNAME": "ann", "POETRY_HTTP_BASIC_CORP_PASSWORD": "pw"}
    assert named_index_url(URL, "corp", env) == "https://ann:pw@download.pytorch.org/whl/cpu"


def test_reserved_characters_are_quoted() -> None:
    env = {"UV_INDEX_X_USERNAME": "a@b", "UV_INDEX_X_PASSWORD": "p:/w"}
    assert named_index_url(URL, "x", env).startswith("https://a%40b:p%3A%2Fw@download")


def test_credentials_in_the_url_win() -> None:
    url = "https://me:tok@download.pytorch.org/whl/cpu"
    assert named_index_url(url, "x", {"UV_INDEX_X_USERNAME": "other"}) == url


def test_no_name_or_no_variables_leave_the_url_for_netrc() -> None:
    assert named_index_url(URL, None, {"UV_INDEX_X_USERNAME": "bob"}) == URL
    assert named_index_url(URL, "x", {}) == URL


def test_the_result_is_redacted_for_display() -> None:
    env = {"UV_INDEX_X_USERNAME": "bob", "UV_INDEX_X_PASSWORD": "s3cret"}
    assert "s3cret" not in redact_url(named_index_url(URL, "x", env))
