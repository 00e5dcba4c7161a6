"""Hostile archives and oversized answers end to end: each is refused with a clear reason,
nothing is written outside the cache, and memory stays bounded.

One child process runs the real CLI once over an index full of hostile projects (listed
after a healthy one) and records its peak RSS growth; every test then checks one thing in
that run's report, the server's log or the file system.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import struct
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from reliability_support import (
    Stream,
    StreamingIndexServer,
    check_args,
    hermetic_environ,
    package,
    publish_sdist,
    publish_wheel,
    reasons,
    repeat,
    statuses,
)

from index_builders import metadata, wheel
from wheelfit.index.limits import DEFAULT_LIMITS, MIB

# --- hostile zips -------------------------------------------------------------------------------

_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")


def _eocd(data: bytes) -> int:
    return data.rfind(b"PK\x05\x06")


def _central_entry(data: bytes, member_suffix: str) -> int:
    """Offset of the central directory entry whose name ends with `member_suffix`."""
    count, _size, start = struct.unpack_from("<HLL", data, _eocd(data) + 10)
    pos = int(start)
    for _ in range(int(count)):
        fields = _CENTRAL.unpack_from(data, pos)
        name = data[pos + 46 : pos + 46 + fields[12]].decode()
        if name.endswith(member_suffix):
            return pos
        pos += 46 + fields[12] + fields[13] + fields[14]
    raise AssertionError(member_suffix)


def _patch(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    patched = bytearray(data)
    struct.pack_into(fmt, patched, offset, value)
    return bytes(patched)


def good_wheel(name: str, body: bytes = b"") -> bytes:
    return wheel(name, "1.0", metadata(name, "1.0", requires=["healthy"]) + body)


def wrong_directory_offset(name: str) -> bytes:
    data = good_wheel(name)
    cd_offset = struct.unpack_from("<L", data, _eocd(data) + 16)[0]
    return _patch(data, _eocd(data) + 16, "<L", cd_offset - 7)


def wrong_member_offset(name: str) -> bytes:
    data = good_wheel(name)
    entry = _central_entry(data, "/METADATA")
    local = struct.unpack_from("<L", data, entry + 42)[0]
    return _patch(data, entry + 42, "<L", local + 1)


def huge_declared_size(name: str) -> bytes:
    data = good_wheel(name)
    return _patch(data, _central_entry(data, "/METADATA") + 24, "<L", 0xFFFFFFF0)


def metadata_bomb(name: str) -> bytes:
    """A METADATA member of 1.9 MB (under the 2 MiB cap) that deflates ~1000:1."""
    return good_wheel(name, b" " * 1_900_000)


# --- hostile sdists -----------------------------------------------------------------------------


def gzip_bomb(top: str, unpacked: int) -> bytes:
    """A .tar.gz whose one member unpacks to `unpacked` bytes: gzip members concatenated."""
    info = tarfile.TarInfo(f"{top}/blob")
    info.size = unpacked
    block = 16 * MIB
    zeros = gzip.compress(bytes(block), compresslevel=9)
    first = gzip.compress(info.tobuf(format=tarfile.GNU_FORMAT) + bytes(block), 9)
    return first + zeros * (unpacked // block)


def endless_tar(top: str) -> tuple[bytes, int]:
    """The header of a member bigger than the download cap (the body streams zeros)."""
    info = tarfile.TarInfo(f"{top}/blob")
    info.size = 2 * DEFAULT_LIMITS.sdist_download_bytes
    return info.tobuf(format=tarfile.GNU_FORMAT), info.size


def escaping_tar(top: str, absolute: Path) -> bytes:
    """A tarball with `../../etc/x`, an absolute path and a link out, beside a real setup.py."""
    evil = {
        "../../etc/x": b"escaped\n",
        f"{top}/../../../etc/x": b"escaped\n",
        str(absolute): b"absolute\n",
        "/etc/wheelfit-x": b"absolute\n",
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, data in evil.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo(f"{top}/setup.cfg")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)
        setup = (b"from setuptools import setup, Extension\n"
                 b"setup(ext_modules=[Extension('a', [])])\n")
        info = tarfile.TarInfo(f"{top}/setup.py")
        info.size = len(setup)
        archive.addfile(info, io.BytesIO(setup))
    return buffer.getvalue()


# --- the run ------------------------------------------------------------------------------------

# Peak RSS of this process image: VmHWM. `getrusage(RUSAGE_SELF).ru_maxrss` would do, but
# Linux carries the parent's RSS at fork time into it across exec (the pytest process is
# bigger than the CLI), so it is only the fallback where /proc is missing.
RUNNER = """
import json, resource, sys
import requests, wheelfit.pipeline.check, wheelfit.pipeline.enrich, wheelfit.index.client
import wheelfit.buildneeds.mapping
from wheelfit.cli import main

def peak_kib():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

before = peak_kib()
code = None
try:
    main(sys.argv[2:])
except SystemExit as done:
    code = done.code
finally:
    after = peak_kib()
    with open(sys.argv[1], "w") as out:
        json.dump({"code": code, "before_kib": before, "growth_kib": after - before}, out)
"""

PROJECTS = [
    "wrong-cd-offset", "wrong-member-offset", "huge-declared", "zip-bomb",
    "sdist-declared-huge", "sdist-endless", "sdist-gzip-bomb", "sdist-escape",
]


@dataclass(frozen=True)
class HostileRun:
    code: int
    report: dict[str, Any]
    growth_mib: float
    server: StreamingIndexServer
    root: Path
    before: frozenset[str]
    absolute: Path


def tree(root: Path) -> frozenset[str]:
    """Every path below `root`, except the cache (which wheelfit owns)."""
    return frozenset(str(p.relative_to(root)) for p in root.rglob("*")
                     if "cache" not in p.relative_to(root).parts)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRun]:
    root = tmp_path_factory.mktemp("hostile")
    absolute = root / "absolute-x"
    cwd = root / "a" / "b"
    cwd.mkdir(parents=True)
    (root / "tmp").mkdir()
    server = StreamingIndexServer()
    server.start()
    try:
        url = publish_wheel(server, "healthy")
        publish_wheel(server, "wrong-cd-offset", pep658=False,
                      data=wrong_directory_offset("wrong-cd-offset"))
        publish_wheel(server, "wrong-member-offset", pep658=False,
                      data=wrong_member_offset("wrong-member-offset"))
        publish_wheel(server, "huge-declared", pep658=False,
                      data=huge_declared_size("huge-declared"))
        publish_wheel(server, "zip-bomb", pep658=False, data=metadata_bomb("zip-bomb"))
        publish_sdist(server, "sdist-declared-huge", "1.0", {"setup.py": b""})
        server.streams["/files/sdist-declared-huge-1.0.tar.gz"] = Stream(
            lambda: [b""], length=2 * DEFAULT_LIMITS.sdist_download_bytes)
        head, size = endless_tar("sdist-endless-1.0")
        publish_sdist(server, "sdist-endless", "1.0", {}, suffix=".tar", data=head)
        server.streams["/files/sdist-endless-1.0.tar"] = Stream(
            lambda: [head, *repeat(bytes(256 * 1024), size)])
        publish_sdist(server, "sdist-gzip-bomb", "1.0", {},
                      data=gzip_bomb("sdist-gzip-bomb-1.0",
                                     DEFAULT_LIMITS.sdist_unpacked_bytes + 64 * MIB))
        publish_sdist(server, "sdist-escape", "1.0", {},
                      data=escaping_tar("sdist-escape-1.0", absolute))
        (cwd / "requirements.txt").write_text("\n".join(["healthy", *PROJECTS]) + "\n")
        (root / "runner.py").write_text(RUNNER)
        before = tree(root)
        env = hermetic_environ(root / "cache", {"TMPDIR": str(root / "tmp")})
        done = subprocess.run(
            [sys.executable, str(root / "runner.py"), str(root / "rss.json"),
             *check_args(url, "requirements.txt", retries=0)],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False,
        )
        measured = json.loads((root / "rss.json").read_text())
        (root / "rss.json").unlink()
        assert "Traceback" not in done.stderr, done.stderr
        yield HostileRun(done.returncode, json.loads(done.stdout), measured["growth_kib"] / 1024,
                         server, root, before, absolute)
    finally:
        server.stop()


def test_run_finishes_with_a_report(hostile: HostileRun) -> None:
    assert hostile.code in (0, 6)
    assert statuses(hostile.report, "healthy") == {"pure-wheel"}


def test_memory_growth_is_bounded(hostile: HostileRun) -> None:
    assert hostile.growth_mib < 200


@pytest.mark.parametrize(("name", "why"), [
    ("wrong-cd-offset", "wrong offsets"),
    ("wrong-member-offset", "wrong offset"),
    ("huge-declared", "declares 4294967280 bytes (cap 2097152)"),
    ("zip-bomb", "compression bomb"),
])
def test_hostile_wheel_dependencies_unknown_with_reason(
    hostile: HostileRun, name: str, why: str
) -> None:
    assert package(hostile.report, name)["dependencies_unknown"] is True
    assert why in reasons(hostile.report, name)


def test_hostile_wheel_metadata_is_never_trusted(hostile: HostileRun) -> None:
    """Every hostile wheel's METADATA requires `healthy`: none of them may count."""
    assert package(hostile.report, "healthy")["requested_by"] == ["requirements.txt:1"]


def test_hostile_wheels_are_range_read_not_downloaded(hostile: HostileRun) -> None:
    for name in ("wrong-cd-offset", "wrong-member-offset", "huge-declared", "zip-bomb"):
        hits = hostile.server.hits_for(f"/files/{name.replace('-', '_')}-1.0-py3-none-any.whl")
        assert hits and all("range" in h.headers for h in hits), name


@pytest.mark.parametrize(("name", "why"), [
    ("sdist-declared-huge", f"the answer is {2 * DEFAULT_LIMITS.sdist_download_bytes} bytes "
                            f"(cap {DEFAULT_LIMITS.sdist_download_bytes})"),
    ("sdist-endless", f"larger than {DEFAULT_LIMITS.sdist_download_bytes} bytes"),
    ("sdist-gzip-bomb", f"unpacks to more than {DEFAULT_LIMITS.sdist_unpacked_bytes} bytes"),
])
def test_oversized_sdist_refused_with_reason(hostile: HostileRun, name: str, why: str) -> None:
    assert "sdist not readable: " in reasons(hostile.report, name)
    assert why in reasons(hostile.report, name)


def test_endless_sdist_download_stops_at_the_cap(hostile: HostileRun) -> None:
    stream = hostile.server.streams["/files/sdist-endless-1.0.tar"]
    cap = DEFAULT_LIMITS.sdist_download_bytes
    assert stream.sent and all(sent < cap + 16 * MIB for sent in stream.sent)


def test_escaping_members_are_never_written(hostile: HostileRun) -> None:
    assert not (hostile.root / "etc").exists()
    assert not hostile.absolute.exists()
    assert not Path("/etc/wheelfit-x").exists()


def test_nothing_new_outside_the_cache(hostile: HostileRun) -> None:
    assert tree(hostile.root) == hostile.before


def test_escaping_sdist_is_still_scanned(hostile: HostileRun) -> None:
    assert "setup script mentions ext_modules" in reasons(hostile.report, "sdist-escape")


def test_symlinked_member_is_not_followed(hostile: HostileRun) -> None:
    assert "root:" not in json.dumps(hostile.report)


def test_every_hostile_project_has_a_verdict(hostile: HostileRun) -> None:
    """Caps make `dependencies unknown`, never a crash: every project is in the report."""
    names = {p["name"] for p in hostile.report["packages"]}
    assert set(PROJECTS) <= names


def test_child_got_no_stray_temp_files(hostile: HostileRun) -> None:
    assert os.listdir(hostile.root / "tmp") == []
