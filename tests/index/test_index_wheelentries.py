"""wheelentries.py: a wheel this run reads both the directory and the metadata of is one
store entry (issue 15: two file creations per chosen wheel); a summary without metadata is
stored alone; older separate entries still answer; a damaged paired entry reads as
missing and is fetched again. Real loopback server, requests counted per path."""

from __future__ import annotations

from pathlib import Path

import pytest

from index_builders import metadata, sha256, wheel, wheel_name
from index_server import IndexServer
from wheelfit.index.cache import Store, immutable_key
from wheelfit.index.files import FileReader
from wheelfit.index.http import Transport
from wheelfit.index.limits import Limits
from wheelfit.index.wheelentries import PRESENT, decode_paired, encode_paired
from wheelfit.index.wheelsummary import WheelSummary, encode_summary
from wheelfit.model import DistFile

META = metadata("foo", "1.0", requires=["bar>=2"])
WHEEL = wheel_name("foo", "1.0")
LIMITS = Limits(tail_bytes=4096)
SUMMARY = WheelSummary(4, 100, 10, 1, 0, ())


def _file(server: IndexServer) -> DistFile:
    data = wheel("foo", "1.0", META)
    server.route(f"/files/{WHEEL}", data)
    server.route(f"/files/{WHEEL}.metadata", META)
    return DistFile(filename=WHEEL, url=server.url(f"/files/{WHEEL}"),
                    hashes=(("sha256", sha256(data)),),
                    metadata_hashes=(("sha256", sha256(META)),))


def _reader(root: Path) -> FileReader:
    return FileReader(Transport(retries=0, limits=LIMITS), Store(root, "immutable"), LIMITS,
                      refresh=False, offline=False, on_cache_hit=lambda: None)


def _entries(root: Path) -> list[Path]:
    return [p for p in (root / "immutable").rglob("*") if p.is_file()]


def _requests(server: IndexServer) -> int:
    return len(server.hits)


def test_a_chosen_wheel_is_one_entry(server: IndexServer, tmp_path: Path) -> None:
    file = _file(server)
    reader = _reader(tmp_path)
    reader.want_directory(file)
    assert reader.summary(file) is not None
    assert reader.metadata(file) is not None
    reader.flush()
    assert len(_entries(tmp_path)) == 1


def test_one_entry_answers_metadata_and_summary_next_run(
    server: IndexServer, tmp_path: Path
) -> None:
    file = _file(server)
    first = _reader(tmp_path)
    first.want_directory(file)
    summary = first.summary(file)
    first.metadata(file)
    before = _requests(server)
    again = _reader(tmp_path)
    assert again.stored(file, "metadata") and again.stored(file, "summary")
    assert again.summary(file) == summary
    metadata_ = again.metadata(file)
    assert metadata_ is not None and metadata_.requires_dist == ("bar>=2",)
    assert _requests(server) == before


def test_a_summary_whose_metadata_never_comes_is_stored_at_flush(
    server: IndexServer, tmp_path: Path
) -> None:
    file = _file(server)
    reader = _reader(tmp_path)
    reader.want_directory(file)
    summary = reader.summary(file)
    assert _entries(tmp_path) == []
    reader.flush()
    before = _requests(server)
    assert _reader(tmp_path).summary(file) == summary
    assert _requests(server) == before


def test_a_summary_of_a_wheel_not_wanted_is_stored_at_once(
    server: IndexServer, tmp_path: Path
) -> None:
    file = _file(server)
    _reader(tmp_path).summary(file)
    assert len(_entries(tmp_path)) == 1


def test_older_separate_entries_still_answer(server: IndexServer, tmp_path: Path) -> None:
    file = _file(server)
    store = Store(tmp_path, "immutable")
    store.put(immutable_key("pep658", file.url, file.hash()), PRESENT + META)
    store.put(immutable_key("wheel-summary", file.url, file.hash()), encode_summary(SUMMARY))
    reader = _reader(tmp_path)
    assert reader.summary(file) == SUMMARY
    assert reader.metadata(file) is not None
    assert _requests(server) == 0


@pytest.mark.parametrize(
    "payload",
    [b"\x02\x00\x00\xff\xff" + META, b"\x02\x00\x00\x00\x03abc{not json", b"\x01" + META],
    ids=["length-past-the-end", "summary-undecodable", "not-paired"],
)
def test_a_damaged_paired_entry_reads_as_missing(
    server: IndexServer, tmp_path: Path, payload: bytes
) -> None:
    file = _file(server)
    Store(tmp_path, "immutable").put(
        immutable_key("pep658+summary", file.url, file.hash()), payload)
    reader = _reader(tmp_path)
    assert reader.summary(file) is not None
    assert reader.metadata(file) is not None
    assert len(server.hits_for(f"/files/{WHEEL}")) == 1
    assert len(server.hits_for(f"/files/{WHEEL}.metadata")) == 1


def test_a_truncated_paired_entry_reads_as_missing(server: IndexServer, tmp_path: Path) -> None:
    file = _file(server)
    store = Store(tmp_path, "immutable")
    key = immutable_key("pep658+summary", file.url, file.hash())
    store.put(key, encode_paired(META, SUMMARY))
    path = store.path_for(key)
    path.write_bytes(path.read_bytes()[:-7])  # a write cut short
    assert _reader(tmp_path).metadata(file) is not None
    assert len(server.hits_for(f"/files/{WHEEL}.metadata")) == 1


def test_paired_payload_round_trip() -> None:
    assert decode_paired(encode_paired(META, SUMMARY)) == (META, SUMMARY)
