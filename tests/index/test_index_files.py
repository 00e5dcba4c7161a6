"""files.py: one shared read per wheel for its central directory and METADATA.

A wheel whose directory a caller wants (`want_directory`) takes METADATA from the bytes of
that read when they hold it and it matches the page's metadata hash; every other case keeps
the PEP 658 file. Requests are counted by the loopback server, per path.
"""

from __future__ import annotations

import io
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from index_builders import metadata, sha256, wheel, wheel_name
from index_server import IndexServer, Slow, Status
from wheelfit.errors import IndexResponseError
from wheelfit.index.cache import Store, immutable_key
from wheelfit.index.files import FileReader
from wheelfit.index.http import Transport
from wheelfit.index.limits import Limits
from wheelfit.index.wheelsummary import WheelSummary, decode_summary
from wheelfit.model import DistFile

META = metadata("foo", "1.0", requires=["bar>=2"])
OTHER_META = metadata("foo", "1.0", requires=["other"])
WHEEL = wheel_name("foo", "1.0")
SMALL_TAIL = Limits(tail_bytes=4096)
MEMBERS = 4  # in every wheel `index_builders.wheel` makes


@dataclass
class Setup:
    server: IndexServer
    reader: FileReader
    file: DistFile
    hits: list[int]

    def ranges(self) -> list[str]:
        return [h.headers.get("range", "") for h in self.server.hits_for(f"/files/{WHEEL}")]

    def metadata_hits(self) -> int:
        return len(self.server.hits_for(f"/files/{WHEEL}.metadata"))


def _setup(
    server: IndexServer,
    tmp_path: Path | None,
    *,
    data: bytes | None = None,
    served_meta: bytes | None = META,
    metadata_hashes: tuple[tuple[str, str], ...] | None = None,
    limits: Limits = SMALL_TAIL,
    ranges: bool = True,
    retries: int = 0,
) -> Setup:
    data = wheel("foo", "1.0", META) if data is None else data
    server.route(f"/files/{WHEEL}", data, ranges=ranges)
    if served_meta is not None:
        server.route(f"/files/{WHEEL}.metadata", served_meta)
        if metadata_hashes is None:
            metadata_hashes = (("sha256", sha256(served_meta)),)
    file = DistFile(
        filename=WHEEL,
        url=server.url(f"/files/{WHEEL}"),
        hashes=(("sha256", sha256(data)),),
        metadata_hashes=metadata_hashes,
    )
    hits: list[int] = []
    transport = Transport(retries=retries, backoff=0.0, limits=limits)
    store = Store(tmp_path, "immutable") if tmp_path is not None else None
    reader = FileReader(
        transport,
        store,
        limits,
        refresh=False,
        offline=False,
        on_cache_hit=lambda: hits.append(1),
    )
    return Setup(server, reader, file, hits)


def _files(summary: WheelSummary | None) -> int:
    assert summary is not None
    return summary.files


# --- which requests a wheel costs ---------------------------------------------------------------

TAIL = "bytes=-4096"
FAR = wheel("foo", "1.0", META, filler=20_000, metadata_first=True)  # METADATA before the tail


@pytest.mark.parametrize(
    ("wanted", "data", "served_meta", "hashes", "want_ranges", "want_meta_hits", "want_requires"),
    [
        # one range request serves both: METADATA in the tail has the page's hash
        (True, None, META, None, [TAIL], 0, ("bar>=2",)),
        # not wanted: the PEP 658 file, then the directory, as before
        (False, None, META, None, [TAIL], 1, ("bar>=2",)),
        # METADATA outside the fetched tail: the PEP 658 file, no span request
        (True, FAR, META, None, [TAIL], 1, ("bar>=2",)),
        # the wheel's METADATA is not what the page's hash names: the PEP 658 file wins
        (True, None, OTHER_META, None, [TAIL], 1, ("other",)),
        # a metadata file without a hash (PEP 714 `true`): nothing to compare with
        (True, None, META, (), [TAIL], 1, ("bar>=2",)),
        # only hashes of algorithms this Python does not know
        (True, None, META, (("blake3", "ab"),), [TAIL], 1, ("bar>=2",)),
    ],
    ids=[
        "shared",
        "not-wanted",
        "metadata-outside-tail",
        "hash-differs",
        "no-hash",
        "unknown-hash",
    ],
)
def test_requests_for_metadata_then_entries(
    server: IndexServer,
    tmp_path: Path,
    wanted: bool,
    data: bytes | None,
    served_meta: bytes,
    hashes: tuple[tuple[str, str], ...] | None,
    want_ranges: list[str],
    want_meta_hits: int,
    want_requires: tuple[str, ...],
) -> None:
    s = _setup(server, tmp_path, data=data, served_meta=served_meta, metadata_hashes=hashes)
    if wanted:
        s.reader.want_directory(s.file)
    md = s.reader.metadata(s.file)
    summary = s.reader.summary(s.file)
    assert md is not None and md.requires_dist == want_requires
    assert _files(summary) == (MEMBERS + 1 if data is FAR else MEMBERS)  # FAR has filler
    ranges = s.ranges()
    assert ranges == want_ranges
    assert s.metadata_hits() == want_meta_hits


def test_entries_first_then_wanted_metadata_costs_one_request(
    server: IndexServer, tmp_path: Path
) -> None:
    s = _setup(server, tmp_path)
    s.reader.want_directory(s.file)
    assert s.reader.summary(s.file) is not None
    md = s.reader.metadata(s.file)
    assert md is not None and md.requires_dist == ("bar>=2",)
    assert s.ranges() == [TAIL] and s.metadata_hits() == 0


def test_only_bytes_with_the_pages_hash_are_used(server: IndexServer, tmp_path: Path) -> None:
    """The page names META's hash; the metadata file is tampered with, the wheel is not. A
    wanted wheel's own METADATA has that hash, so it is used and the file is never read; the
    PEP 658 path alone refuses the tampered file, as before."""
    genuine = (("sha256", sha256(META)),)
    wanted = _setup(server, tmp_path, served_meta=OTHER_META, metadata_hashes=genuine)
    wanted.reader.want_directory(wanted.file)
    md = wanted.reader.metadata(wanted.file)
    assert md is not None and md.requires_dist == ("bar>=2",)
    assert wanted.metadata_hits() == 0
    alone = _setup(server, None, served_meta=OTHER_META, metadata_hashes=genuine)
    with pytest.raises(IndexResponseError, match="does not match its hash"):
        alone.reader.metadata(alone.file)


def test_a_sdist_is_never_wanted(server: IndexServer, tmp_path: Path) -> None:
    sdist = DistFile("foo-1.0.tar.gz", server.url("/files/foo-1.0.tar.gz"))
    s = _setup(server, tmp_path)
    s.reader.want_directory(sdist)
    assert s.reader.summary(s.file) is not None  # unaffected
    assert s.reader.metadata(s.file) is not None
    assert s.metadata_hits() == 1


@pytest.mark.parametrize("store", [True, False], ids=["cache", "no-cache"])
def test_range_read_metadata_leaves_the_entries_for_this_run(
    server: IndexServer, tmp_path: Path, store: bool
) -> None:
    s = _setup(server, tmp_path if store else None, served_meta=None)
    md = s.reader.metadata(s.file)
    assert md is not None and md.requires_dist == ("bar>=2",)
    assert _files(s.reader.summary(s.file)) == MEMBERS
    assert s.ranges() == [TAIL]
    assert s.hits == []  # this run's read, not a cache hit


def test_metadata_taken_from_a_read_is_not_held_any_longer(
    server: IndexServer, tmp_path: Path
) -> None:
    s = _setup(server, None, served_meta=None)
    assert s.reader.metadata(s.file) is not None
    assert not s.reader.holds_metadata(s.file)


def test_metadata_asked_again_after_it_was_taken_comes_by_its_span(
    server: IndexServer, tmp_path: Path
) -> None:
    s = _setup(server, None, served_meta=None)
    first = s.reader.metadata(s.file)
    assert s.reader.metadata(s.file) == first
    tail, span = s.ranges()
    assert tail == TAIL and span.startswith("bytes=")


def test_metadata_outside_the_tail_without_a_metadata_file_is_fetched_by_span(
    server: IndexServer, tmp_path: Path
) -> None:
    s = _setup(server, tmp_path, data=FAR, served_meta=None)
    md = s.reader.metadata(s.file)
    assert md is not None and md.requires_dist == ("bar>=2",)
    assert s.reader.summary(s.file) is not None
    tail, span = s.ranges()  # the directory is in the tail; METADATA by its exact span
    assert tail == TAIL and span.startswith("bytes=0-")


def _long_directory() -> bytes:
    """foo 1.0 with 300 members: its directory (~25 KB) is longer than the 4 KiB tail, and
    METADATA lies just before it, as wheel builders write it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(300):
            archive.writestr(f"foo/a_rather_long_module_name_number_{i:04}.py", b"X = 1\n")
        archive.writestr("foo-1.0.dist-info/METADATA", META)
        archive.writestr("foo-1.0.dist-info/RECORD", b"")
    return buffer.getvalue()


@pytest.mark.parametrize("served_meta", [META, None], ids=["metadata-file", "no-metadata-file"])
def test_a_long_directory_and_its_metadata_cost_two_range_requests(
    server: IndexServer, tmp_path: Path, served_meta: bytes | None
) -> None:
    """The directory's second request reaches back to METADATA: no third request, neither
    the metadata file nor METADATA's own span."""
    s = _setup(server, tmp_path, data=_long_directory(), served_meta=served_meta)
    s.reader.want_directory(s.file)
    md = s.reader.metadata(s.file)
    assert md is not None and md.requires_dist == ("bar>=2",)
    assert _files(s.reader.summary(s.file)) == 302
    tail, span = s.ranges()
    assert tail == TAIL and span.startswith("bytes=")
    assert s.metadata_hits() == 0


def test_a_warm_store_answers_both_without_requests(server: IndexServer, tmp_path: Path) -> None:
    first = _setup(server, tmp_path)
    first.reader.want_directory(first.file)
    assert first.reader.metadata(first.file) is not None
    assert first.reader.summary(first.file) is not None
    again = _setup(server, tmp_path)
    again.reader.want_directory(again.file)
    before = len(server.hits)
    assert again.reader.metadata(again.file) == first.reader.metadata(first.file)
    assert _files(again.reader.summary(again.file)) == _files(first.reader.summary(first.file))
    assert len(server.hits) == before and len(again.hits) == 2


def test_the_store_keeps_the_summary_not_the_file_list(
    server: IndexServer, tmp_path: Path
) -> None:
    first = _setup(server, tmp_path)
    summary = first.reader.summary(first.file)
    key = immutable_key("wheel-summary", first.file.url, first.file.hash())
    stored = Store(tmp_path, "immutable").get(key)
    assert stored is not None and decode_summary(stored) == summary


def test_an_older_file_list_in_the_store_is_summarised_without_a_request(
    server: IndexServer, tmp_path: Path
) -> None:
    s = _setup(server, tmp_path)
    old = immutable_key("wheel-entries", s.file.url, s.file.hash())
    Store(tmp_path, "immutable").put(old, b'[["foo/__init__.py",4,10],["foo.libs/x.so",5,7]]')
    summary = s.reader.summary(s.file)
    assert summary is not None and (summary.installed_bytes, summary.py_bytes) == (17, 10)
    assert s.ranges() == [] and s.hits == [1]


def test_an_older_file_list_is_stored_again_as_a_summary(
    server: IndexServer, tmp_path: Path
) -> None:
    s = _setup(server, tmp_path)
    old = immutable_key("wheel-entries", s.file.url, s.file.hash())
    Store(tmp_path, "immutable").put(old, b'[["foo/__init__.py",4,10]]')
    s.reader.summary(s.file)
    key = immutable_key("wheel-summary", s.file.url, s.file.hash())
    stored = Store(tmp_path, "immutable").get(key)
    assert stored is not None and decode_summary(stored) is not None


def test_a_damaged_older_file_list_is_read_again_from_the_wheel(
    server: IndexServer, tmp_path: Path
) -> None:
    s = _setup(server, tmp_path)
    old = immutable_key("wheel-entries", s.file.url, s.file.hash())
    Store(tmp_path, "immutable").put(old, b'[["foo/__init__.py","ten"]]')
    assert _files(s.reader.summary(s.file)) == MEMBERS
    assert s.ranges() == [TAIL]


# --- failures -----------------------------------------------------------------------------------


def test_damaged_metadata_member_fails_metadata_but_not_the_entries(
    server: IndexServer, tmp_path: Path
) -> None:
    data = bytearray(wheel("foo", "1.0", META, compression=0))
    at = data.find(b"Requires-Dist")
    data[at] ^= 1  # CRC-32 no longer matches
    s = _setup(server, tmp_path, data=bytes(data), served_meta=None)
    with pytest.raises(IndexResponseError, match="CRC-32"):
        s.reader.metadata(s.file)
    assert _files(s.reader.summary(s.file)) == MEMBERS
    assert s.ranges() == [TAIL]


def test_damaged_metadata_member_of_a_wanted_wheel_falls_back_to_the_metadata_file(
    server: IndexServer, tmp_path: Path
) -> None:
    data = bytearray(wheel("foo", "1.0", META, compression=0))
    data[data.find(b"Requires-Dist")] ^= 1
    s = _setup(server, tmp_path, data=bytes(data))
    s.reader.want_directory(s.file)
    md = s.reader.metadata(s.file)
    assert md is not None and md.requires_dist == ("bar>=2",)
    assert s.metadata_hits() == 1 and s.ranges() == [TAIL]


def test_failed_directory_read_falls_back_and_is_not_kept(
    server: IndexServer, tmp_path: Path
) -> None:
    s = _setup(server, tmp_path)
    server.fault(f"/files/{WHEEL}", Status(500))
    s.reader.want_directory(s.file)
    md = s.reader.metadata(s.file)
    assert md is not None and md.requires_dist == ("bar>=2",)
    assert s.metadata_hits() == 1
    assert s.reader.summary(s.file) is not None  # asked again, served this time
    assert s.ranges() == [TAIL, TAIL]


def test_server_ignoring_ranges_on_a_large_wanted_wheel(
    server: IndexServer, tmp_path: Path
) -> None:
    data = wheel("foo", "1.0", META, filler=300_000)
    s = _setup(
        server,
        tmp_path,
        data=data,
        ranges=False,
        limits=Limits(tail_bytes=4096, full_wheel_bytes=100_000),
    )
    s.reader.want_directory(s.file)
    md = s.reader.metadata(s.file)
    assert md is not None and md.requires_dist == ("bar>=2",)
    assert s.reader.summary(s.file) is None
    assert s.metadata_hits() == 1
    assert s.ranges() == [TAIL]  # the refusal is the server's answer to every range request


# --- concurrency --------------------------------------------------------------------------------


def test_concurrent_metadata_and_entries_share_one_read(server: IndexServer) -> None:
    s = _setup(server, None)
    # the directory's answer waits until every caller has surely joined the one read, so
    # that no caller comes after the first has taken METADATA from it (a loaded machine)
    server.fault(f"/files/{WHEEL}", Slow(1.0))
    s.reader.want_directory(s.file)
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def ask(i: int) -> None:
        barrier.wait()
        try:
            if i % 2:
                assert s.reader.metadata(s.file) is not None
            else:
                assert s.reader.summary(s.file) is not None
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert s.ranges() == [TAIL] and s.metadata_hits() == 0
