"""pyfetch.py: a wheel's `.py` members by coalesced range requests, inflated under caps."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from index_builders import BytesSource, publish
from index_server import IndexServer
from wheelfit.errors import IndexResponseError, OfflineMiss
from wheelfit.index.client import open_index
from wheelfit.index.parse.rangezip import CentralEntry
from wheelfit.index.pyfetch import SourceCaps, Span, coalesce, iter_sources, member_spans
from wheelfit.index.wheelsummary import compiled_by_pip
from wheelfit.model import DistFile

PY = {"pkg/__init__.py": b"A = 1\n" * 50, "pkg/mod.py": b"def f():\n    return 2\n" * 40}
LATE = {"pkg/late.py": b"B = 'late'\n" * 30}
NOT_COMPILED = {"pkg-1.0.data/scripts/tool.py": b"print(1)\n", "pkg-1.0.dist-info/x.py": b""}


def build(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A wheel-shaped zip of `members`, in order, plus a .dist-info."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr("pkg-1.0.dist-info/METADATA", b"Metadata-Version: 2.1\nName: pkg\n")
        archive.writestr("pkg-1.0.dist-info/RECORD", b"")
    return buffer.getvalue()


def blob(size: int, name: str = "blob") -> dict[str, bytes]:
    """An incompressible member that keeps the members around it apart."""
    return {f"pkg/{name}.bin": os.urandom(size)}


def entry(name: str, offset: int, size: int = 10) -> CentralEntry:
    return CentralEntry(name, size, size, offset, 0, 0, 0)


@pytest.mark.parametrize(("spans", "gap", "most", "merged"), [
    ([(0, 10), (10, 20)], 0, 100, [(0, 20)]),
    ([(0, 10), (15, 20)], 4, 100, [(0, 10), (15, 20)]),
    ([(0, 10), (15, 20)], 5, 100, [(0, 20)]),
    ([(0, 10), (10, 20), (20, 30)], 0, 20, [(0, 20), (20, 30)]),
    ([(0, 50), (50, 60)], 0, 20, [(0, 50), (50, 60)]),
    ([(20, 30), (0, 10)], 10, 100, [(0, 30)]),
    ([], 10, 100, []),
], ids=["touching", "gap-too-wide", "gap-just-fits", "size-cap", "big-alone", "unordered",
        "none"])
def test_coalesce_merges_close_spans_under_the_size_cap(
    spans: list[tuple[int, int]], gap: int, most: int, merged: list[tuple[int, int]],
) -> None:
    given = [Span(a, b, (entry(f"m{a}.py", a),)) for a, b in spans]
    assert [(s.start, s.end) for s in coalesce(given, gap=gap, most=most)] == merged


def test_a_merged_span_keeps_its_members_in_archive_order() -> None:
    given = [Span(10, 20, (entry("b.py", 10),)), Span(0, 10, (entry("a.py", 0),))]
    assert [e.name for e in coalesce(given, gap=0, most=100)[0].entries] == ["a.py", "b.py"]


def test_a_member_span_ends_where_the_next_member_starts() -> None:
    entries = [entry("b.bin", 100), entry("a.py", 0), entry("c.py", 300)]
    spans = member_spans(entries, 400, lambda n: n.endswith(".py"))
    assert [(s.start, s.end) for s in spans] == [(0, 100), (300, 400)]


def test_every_compiled_member_comes_with_its_bytes() -> None:
    data = build({**PY, **NOT_COMPILED, **LATE})
    got = dict(iter_sources(BytesSource(data), compiled_by_pip))
    assert got == {**PY, **LATE}


def test_members_close_together_cost_one_request() -> None:
    source = BytesSource(build({**PY, **blob(300_000), **LATE}))
    list(iter_sources(source, compiled_by_pip, SourceCaps(gap_bytes=1024)))
    spans = [c for c in source.calls if c[0] == "span"]
    assert len(spans) == 1  # the late member lies in the tail already


def test_members_far_apart_cost_a_request_each() -> None:
    source = BytesSource(build({**PY, **blob(300_000), **LATE, **blob(300_000, "tail")}))
    list(iter_sources(source, compiled_by_pip, SourceCaps(gap_bytes=1024)))
    assert len([c for c in source.calls if c[0] == "span"]) == 2


def test_a_gap_under_the_bound_is_fetched_rather_than_split() -> None:
    source = BytesSource(build({**PY, **blob(300_000), **LATE, **blob(300_000, "tail")}))
    list(iter_sources(source, compiled_by_pip, SourceCaps(gap_bytes=400_000)))
    assert len([c for c in source.calls if c[0] == "span"]) == 1


def test_a_member_above_the_cap_is_refused_before_any_member_request() -> None:
    source = BytesSource(build({**PY, **blob(300_000)}))
    with pytest.raises(IndexResponseError, match="cap 100"):
        list(iter_sources(source, compiled_by_pip, SourceCaps(member_bytes=100)))
    assert [c[0] for c in source.calls] == ["tail"]


def test_all_members_above_the_wheel_cap_are_refused() -> None:
    source = BytesSource(build({**PY, **LATE}))
    with pytest.raises(IndexResponseError, match="not compiled"):
        list(iter_sources(source, compiled_by_pip, SourceCaps(wheel_bytes=500)))


def test_a_compression_bomb_is_refused() -> None:
    source = BytesSource(build({"pkg/bomb.py": b"#" * (20 << 20)}))
    with pytest.raises(IndexResponseError, match="compression bomb"):
        list(iter_sources(source, compiled_by_pip))


def test_damaged_deflate_data_is_refused() -> None:
    text = "".join(f"NAME_{n} = {n * 7919}\n" for n in range(4000)).encode()
    data = bytearray(build({"pkg/data.py": text}))
    middle = data.index(b"pkg/data.py") + 200  # inside the member's deflate stream
    data[middle:middle + 64] = bytes(64)
    with pytest.raises(IndexResponseError, match=r"deflate|CRC|declared size"):
        list(iter_sources(BytesSource(bytes(data)), compiled_by_pip))


def wheel_file(url: str, data: bytes) -> DistFile:
    import hashlib

    return DistFile("pkg-1.0-py3-none-any.whl", url,
                    hashes=(("sha256", hashlib.sha256(data).hexdigest()),))


@pytest.mark.parametrize("ranges", [True, False], ids=["ranges", "server-ignores-ranges"])
def test_the_client_reads_sources_over_http(server: IndexServer, tmp_path: Path,
                                            ranges: bool) -> None:
    data = build({**PY, **blob(300_000), **LATE})
    index_url = publish(server, "pkg", {"pkg-1.0-py3-none-any.whl": data}, ranges=ranges)
    file = wheel_file(server.url("/files/pkg-1.0-py3-none-any.whl"), data)
    with open_index(index_url, cache_dir=tmp_path, retries=0) as client:
        assert dict(client.wheel_sources(file, compiled_by_pip)) == {**PY, **LATE}


def test_offline_the_sources_are_a_clear_miss(server: IndexServer, tmp_path: Path) -> None:
    data = build(PY)
    index_url = publish(server, "pkg", {"pkg-1.0-py3-none-any.whl": data})
    file = wheel_file(server.url("/files/pkg-1.0-py3-none-any.whl"), data)
    with open_index(index_url, cache_dir=tmp_path, offline=True) as client, \
            pytest.raises(OfflineMiss, match=r"Python files of pkg-1\.0"):
        client.wheel_sources(file, compiled_by_pip)
