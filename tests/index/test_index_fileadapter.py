"""fileadapter.py through the transport: a PEP 503 tree on disk served as file:// URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from wheelfit.index.http import Transport


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "simple" / "foo").mkdir(parents=True)
    (tmp_path / "simple" / "foo" / "index.html").write_text("<a href='x'>x</a>")
    (tmp_path / "blob.bin").write_bytes(bytes(range(100)))
    return tmp_path


def test_directory_url_serves_its_index_html(tree: Path) -> None:
    answer = Transport().get((tree / "simple" / "foo").as_uri() + "/", max_bytes=1000)
    assert answer.body == b"<a href='x'>x</a>"
    assert answer.headers["Content-Type"] == "text/html"


def test_missing_file_is_a_404(tree: Path) -> None:
    answer = Transport().get((tree / "simple" / "bar").as_uri() + "/", max_bytes=10, accept=(404,))
    assert answer.status == 404


@pytest.mark.parametrize(
    ("spec", "content_range", "body"),
    [
        ("bytes=-10", "bytes 90-99/100", bytes(range(90, 100))),
        ("bytes=5-9", "bytes 5-9/100", bytes(range(5, 10))),
        ("bytes=95-", "bytes 95-99/100", bytes(range(95, 100))),
        ("bytes=-500", "bytes 0-99/100", bytes(range(100))),
    ],
)
def test_range_requests_are_answered_with_206(
    tree: Path, spec: str, content_range: str, body: bytes
) -> None:
    answer = Transport().get(
        (tree / "blob.bin").as_uri(), headers={"Range": spec}, max_bytes=1000, accept=(206,)
    )
    assert (answer.headers["Content-Range"], answer.body) == (content_range, body)


def test_range_past_the_end_is_a_416(tree: Path) -> None:
    answer = Transport().get(
        (tree / "blob.bin").as_uri(), headers={"Range": "bytes=200-"}, max_bytes=10, accept=(416,)
    )
    assert answer.headers["Content-Range"] == "bytes */100"
