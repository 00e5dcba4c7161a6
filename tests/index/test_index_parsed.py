"""parsed.py: the version-grouped page memo, read one version at a time, and its failure
modes (damage reads as missing; a vanished entry is parsed again from the network)."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path

import pytest
from packaging.version import Version

from index_builders import publish, wheel_name
from index_server import IndexServer
from wheelfit.index.cache import Store
from wheelfit.index.client import IndexClient
from wheelfit.index.mergedpages import merge_indexes
from wheelfit.index.pagememo import PageMemo
from wheelfit.index.parse.pagerows import row_of
from wheelfit.index.parsed import decode_rows, encode
from wheelfit.model import DistFile

V1, V2 = Version("1.0"), Version("2.0")


def dist(name: str, **fields: object) -> DistFile:
    return DistFile(name, f"https://files.example/{name}", **fields)  # type: ignore[arg-type]


GROUPS = {
    V1: [dist("foo-1.0.tar.gz", hashes=(("sha256", "ab"),), requires_python=">=3.8"),
         dist("foo-1.0-py3-none-any.whl", metadata_hashes=(), size=10,
              upload_time="2024-01-01T00:00:00Z")],
    V2: [dist("foo-2.0-py3-none-any.whl", yanked=True, yanked_reason="broken",
              metadata_hashes=(("sha256", "cd"),))],
}


def _unused() -> dict[Version, list[DistFile]]:
    raise AssertionError("the memo should not need the network")


@pytest.fixture
def memo(tmp_path: Path) -> PageMemo:
    memo = PageMemo(Store(tmp_path, "parsed"))
    assert memo.put("key", GROUPS)
    return memo


def test_round_trip_tags_files_with_the_index(memo: PageMemo) -> None:
    files = memo.open("key", "https://index.example/simple", _unused)
    assert files is not None
    assert list(files) == [V1, V2]
    assert files[V1] == [
        DistFile(f.filename, f.url, f.hashes, f.requires_python, f.yanked, f.yanked_reason,
                 f.size, f.upload_time, f.metadata_hashes, "https://index.example/simple")
        for f in GROUPS[V1]
    ]


def test_equal_versions_are_one_key(memo: PageMemo) -> None:
    files = memo.open("key", "", _unused)
    assert files is not None and Version("1.0.0") in files and Version("3") not in files


def test_only_the_versions_asked_for_are_decoded(
    memo: PageMemo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wheelfit.index.parsed as parsed

    decoded: list[bytes] = []
    real = parsed.decode_rows
    monkeypatch.setattr(parsed, "decode_rows",
                        lambda chunk, url: decoded.append(chunk) or real(chunk, url))
    files = memo.open("key", "", _unused)
    assert files is not None
    files[V2]
    files[V2]
    assert len(decoded) == 1 and b"foo-2.0" in decoded[0]



def test_file_names_are_read_without_decoding_rows(
    memo: PageMemo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wheelfit.index.parsed as parsed

    decoded: list[bytes] = []
    real = parsed.decode_rows
    monkeypatch.setattr(parsed, "decode_rows",
                        lambda chunk, url: decoded.append(chunk) or real(chunk, url))
    files = memo.open("key", "", _unused)
    assert files is not None
    assert files.filenames(V1) == ["foo-1.0.tar.gz", "foo-1.0-py3-none-any.whl"]
    assert files.filenames(Version("3")) == [] and decoded == []


def test_file_names_are_read_once_for_every_target_that_asks(
    memo: PageMemo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wheelfit.index.parsed as parsed

    files = memo.open("key", "", _unused)
    assert files is not None
    reads: list[object] = []
    real = parsed.MemoFiles._chunks
    monkeypatch.setattr(parsed.MemoFiles, "_chunks",
                        lambda self, slices: reads.append(slices) or real(self, slices))
    assert files.filenames(V1) == files.filenames(V1) == [f.filename for f in GROUPS[V1]]
    assert len(reads) == 1


def test_file_names_of_a_damaged_version_come_from_the_fallback(
    memo: PageMemo, tmp_path: Path
) -> None:
    path = Store(tmp_path, "parsed").path_for("key")
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF  # inside the last version's chunk
    path.write_bytes(bytes(data))
    files = memo.open("key", "", lambda: {V2: [dist("foo-2.0.tar.gz")]})
    assert files is not None
    assert files.filenames(V2) == ["foo-2.0.tar.gz"]

@pytest.mark.parametrize("cut", [1, 10, 60])
def test_a_damaged_entry_reads_as_missing(memo: PageMemo, tmp_path: Path, cut: int) -> None:
    path = Store(tmp_path, "parsed").path_for("key")
    data = bytearray(path.read_bytes())
    data[cut] ^= 0xFF
    path.write_bytes(bytes(data))
    assert memo.open("key", "", _unused) is None


def test_a_damaged_version_is_fetched_again_when_read(memo: PageMemo, tmp_path: Path) -> None:
    path = Store(tmp_path, "parsed").path_for("key")
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF  # inside the last version's chunk
    path.write_bytes(bytes(data))
    fetched: list[bool] = []

    def again() -> dict[Version, list[DistFile]]:
        fetched.append(True)
        return {V2: [dist("foo-2.0.tar.gz")]}

    files = memo.open("key", "", again)
    assert files is not None
    assert [f.filename for f in files[V1]] == [f.filename for f in GROUPS[V1]] and not fetched
    assert [f.filename for f in files[V2]] == ["foo-2.0.tar.gz"] and fetched == [True]


def test_a_truncated_entry_reads_as_missing(memo: PageMemo, tmp_path: Path) -> None:
    path = Store(tmp_path, "parsed").path_for("key")
    path.write_bytes(path.read_bytes()[:-5])
    assert memo.open("key", "", _unused) is None


def test_a_small_entry_s_first_version_is_read_with_its_head(
    memo: PageMemo, tmp_path: Path
) -> None:
    files = memo.open("key", "", _unused)
    assert files is not None
    Store(tmp_path, "parsed").path_for("key").unlink()  # no second open for the first read
    assert [f.filename for f in files[V1]] == [f.filename for f in GROUPS[V1]]


def test_an_entry_that_vanishes_during_a_run_falls_back(memo: PageMemo, tmp_path: Path) -> None:
    files = memo.open("key", "", lambda: {V2: [dist("foo-2.0.tar.gz")]})
    assert files is not None
    assert len(files[V1]) == 2  # the rows read with the head are used once
    Store(tmp_path, "parsed").path_for("key").unlink()
    assert [f.filename for f in files[V2]] == ["foo-2.0.tar.gz"]


def test_encoded_entries_carry_no_index_url() -> None:
    tagged = {V1: [DistFile("foo-1.0.tar.gz", "https://f/foo-1.0.tar.gz",
                            index_url="https://user:pw@index/simple")]}
    assert b"index/simple" not in encode(tagged)


def test_merged_indexes_keep_index_order_and_each_url_once() -> None:
    first = {V1: [dist("foo-1.0.tar.gz")]}
    second = {V1: [dist("foo-1.0.tar.gz"), dist("foo-1.0-py3-none-any.whl")],
              V2: [dist("foo-2.0.tar.gz")]}
    merged = merge_indexes([first, second])
    assert list(merged) == [V1, V2]
    assert [f.filename for f in merged[V1]] == ["foo-1.0.tar.gz", "foo-1.0-py3-none-any.whl"]


# --- through the client -------------------------------------------------------------------------


def test_a_page_entry_removed_is_fetched_again(
    server: IndexServer, tmp_path: Path, clients: list[IndexClient]
) -> None:
    index = publish(server, "foo", {wheel_name("foo", "1.0"): b"w"})
    clients.append(IndexClient([index], cache_dir=tmp_path, backoff=0.0))
    first = clients[-1].project("foo")
    assert first is not None
    files = first.files  # read before the entry goes (else the first client fetches again)
    for entry in (tmp_path / "pages").rglob("*"):
        if entry.is_file():
            entry.unlink()
    clients.append(IndexClient([index], cache_dir=tmp_path, backoff=0.0))
    again = clients[-1].project("foo")
    assert again is not None and again.files == files
    assert len(server.hits_for("/simple/foo/")) == 2


def test_a_fresh_page_costs_no_request_and_reads_no_body(
    server: IndexServer, tmp_path: Path, clients: list[IndexClient]
) -> None:
    index = publish(server, "foo", {wheel_name("foo", "1.0"): b"w"})
    clients.append(IndexClient([index], cache_dir=tmp_path, backoff=0.0))
    clients[-1].project("foo")
    pages = [p for p in (tmp_path / "pages").rglob("*") if p.is_file()]
    assert len(pages) == 1 and not (tmp_path / "parsed").exists()  # one entry per page
    clients.append(IndexClient([index], cache_dir=tmp_path, backoff=0.0))
    page = clients[-1].project("foo")
    assert page is not None and [f.filename for f in page.files] == [wheel_name("foo", "1.0")]
    assert clients[-1].stats().requests == 0


def test_a_version_written_differently_is_found_through_the_full_index(memo: PageMemo) -> None:
    files = memo.open("key", "", _unused)
    assert files is not None
    assert [f.filename for f in files[Version("1.0.0")]] == [f.filename for f in GROUPS[V1]]
    assert Version("2.0.0") in files and Version("2.1") not in files


def test_a_lookup_by_version_does_not_parse_every_release(
    memo: PageMemo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wheelfit.index.parsed as parsed

    files = memo.open("key", "", _unused)
    assert files is not None
    monkeypatch.setattr(parsed, "Version", None)  # any Version() call would now fail
    assert V2 in files and [f.filename for f in files[V2]] == ["foo-2.0-py3-none-any.whl"]


def _with_head(memo_groups: dict[Version, list[DistFile]], edit: object) -> bytes:
    """An entry for `memo_groups` whose head's group rows went through `edit`."""
    payload = encode(memo_groups)
    size = int.from_bytes(payload[4:8], "big")
    head = json.loads(payload[8:8 + size])
    head["groups"] = edit(head["groups"])  # type: ignore[operator]
    raw = json.dumps(head).encode()
    return payload[:4] + len(raw).to_bytes(4, "big") + raw + payload[8 + size:]


def test_a_damaged_head_row_is_fetched_again_when_its_version_is_read(tmp_path: Path) -> None:
    memo = PageMemo(Store(tmp_path, "parsed"))
    Store(tmp_path, "parsed").put("key", _with_head(
        GROUPS, lambda rows: [rows[0], [rows[1][0], "not an offset", *rows[1][2:]]]))
    files = memo.open("key", "", lambda: {V2: [dist("foo-2.0.tar.gz")]})
    assert files is not None
    assert [f.filename for f in files[V1]] == [f.filename for f in GROUPS[V1]]
    assert [f.filename for f in files[V2]] == ["foo-2.0.tar.gz"]


@pytest.mark.parametrize("edit", [
    lambda rows: [[1.0, *rows[0][1:]], rows[1]],   # a version that is not text
    lambda rows: [rows[0][:3], rows[1]],            # a row one field short
    lambda rows: {"1.0": rows[0]},                  # not a list of rows
], ids=["number", "short", "object"])
def test_a_head_of_the_wrong_shape_reads_as_missing(tmp_path: Path, edit: object) -> None:
    Store(tmp_path, "parsed").put("key", _with_head(GROUPS, edit))
    assert PageMemo(Store(tmp_path, "parsed")).open("key", "", _unused) is None


ROWS = [
    DistFile("a-1.0.tar.gz", "https://h/a-1.0.tar.gz"),
    DistFile("a-1.0-py3-none-any.whl", "https://h/a.whl", (("sha256", "ab"),), ">=3.8", True,
             "broken", 123, "2024-01-02T03:04:05Z", (("sha256", "cd"), ("md5", "ef"))),
    DistFile("a-1.0-py3-none-any.whl", "https://h/b.whl", (), None, False, None, None, None, ()),
]


@pytest.mark.parametrize("file", ROWS, ids=["sdist", "every-field", "empty-hashes"])
def test_decoded_rows_are_the_files_written(file: DistFile) -> None:
    """`decode_rows` builds `DistFile`s by position: the fields' order is pinned here."""
    assert [f.name for f in fields(DistFile)] == [
        "filename", "url", "hashes", "requires_python", "yanked", "yanked_reason", "size",
        "upload_time", "metadata_hashes", "index_url"]
    chunk = json.dumps([row_of(file)]).encode()
    assert decode_rows(chunk, "https://idx/") == [replace(file, index_url="https://idx/")]


PUBLIC_TEXTS = ["1.0", "1.0+cpu", "1.0+gpu.2", "1.0.1", "1.0.post1", "10.0", "1!1.0", "0.9"]


@pytest.mark.parametrize("wanted", ["1.0", "1.0.0", "1.0+cpu", "1.0.1", "1!1.0", "2.0"])
def test_versions_of_the_same_public_part(tmp_path: Path, wanted: str) -> None:
    """`same_public` from the head's texts: every version whose public part is the pin's,
    newest first, as a scan of every release would find them."""
    memo = PageMemo(Store(tmp_path, "parsed"))
    groups = {Version(t): [dist(f"foo-{t}.tar.gz")] for t in PUBLIC_TEXTS}
    assert memo.put("key", groups)
    files = memo.open("key", "", _unused)
    assert files is not None
    asked = Version(wanted)
    expected = sorted((v for v in groups if Version(v.public) == Version(asked.public)),
                      reverse=True)
    assert files.same_public(asked) == expected
    assert files.same_public(asked) == expected  # and again, from what it kept
