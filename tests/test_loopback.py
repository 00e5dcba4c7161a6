"""The replay index behaves like PyPI, and the recorded data is whole and consistent."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.utils import canonicalize_name

from loopback import (
    NOT_RECORDED_HEADER,
    RECORDED,
    STANDIN_HEADER,
    FileIndex,
    LoopbackIndex,
    RecordedData,
    negotiate,
    parse_range,
)

PIP_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, "
    "text/html; q=0.01"
)
NUMPY_MUSL = "numpy-1.26.4-cp312-cp312-musllinux_1_1_x86_64.whl"
REPO = Path(__file__).resolve().parent.parent


def get(
    server: LoopbackIndex, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """One raw HTTP request (no redirects followed, no decoding)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


class Anchors(HTMLParser):
    """Collects (attrs, text) of every <a> in a PEP 503 page."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self._attrs: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._attrs = dict(attrs)

    def handle_data(self, data: str) -> None:
        if self._attrs is not None:
            self.anchors.append((self._attrs, data))
            self._attrs = None


def anchors(body: bytes) -> list[tuple[dict[str, str | None], str]]:
    parser = Anchors()
    parser.feed(body.decode())
    return parser.anchors


def json_page(server: LoopbackIndex, name: str) -> dict[str, Any]:
    status, headers, body = get(server, f"/simple/{name}/", {"Accept": PIP_ACCEPT})
    assert status == 200
    assert headers["content-type"] == "application/vnd.pypi.simple.v1+json"
    return json.loads(body)


# --- pages --------------------------------------------------------------------------------


def test_json_page_is_the_recorded_page_with_urls_rewritten(
    fresh_index_server: LoopbackIndex, recorded_data: RecordedData
) -> None:
    page = json_page(fresh_index_server, "requests")
    stored = recorded_data.page("requests")
    assert stored is not None
    assert page["name"] == stored["name"] == "requests"
    assert page["meta"] == stored["meta"]
    assert page["versions"] == stored["versions"]
    assert [f["filename"] for f in page["files"]] == [f["filename"] for f in stored["files"]]
    for served, original in zip(page["files"], stored["files"], strict=True):
        assert served["url"] == fresh_index_server.file_url(original["filename"])
        for key in ("hashes", "requires-python", "yanked", "size", "upload-time"):
            assert served[key] == original[key]
    yanked = {f["filename"]: f["yanked"] for f in page["files"] if f["yanked"]}
    assert yanked["requests-2.32.0-py3-none-any.whl"].startswith("Yanked due to conflicts")


def test_html_page_renders_the_same_files(fresh_index_server: LoopbackIndex) -> None:
    status, headers, body = get(fresh_index_server, "/simple/requests/")  # no Accept → HTML
    assert status == 200 and headers["content-type"] == "text/html"
    links = anchors(body)
    page = json_page(fresh_index_server, "requests")
    assert [text for _, text in links] == [f["filename"] for f in page["files"]]
    by_name = {text: attrs for attrs, text in links}
    wheel = by_name["requests-2.32.3-py3-none-any.whl"]
    sha = next(f for f in page["files"] if f["filename"] == "requests-2.32.3-py3-none-any.whl")
    assert wheel["href"] == (
        fresh_index_server.file_url("requests-2.32.3-py3-none-any.whl")
        + "#sha256="
        + sha["hashes"]["sha256"]
    )
    assert wheel["data-requires-python"] == ">=3.8"  # unescaped by the parser
    assert b'data-requires-python="&gt;=3.8"' in body
    assert wheel["data-core-metadata"] == "sha256=" + sha["core-metadata"]["sha256"]
    assert wheel["data-dist-info-metadata"] == wheel["data-core-metadata"]
    assert "data-yanked" not in wheel
    assert by_name["requests-2.32.0-py3-none-any.whl"]["data-yanked"].startswith("Yanked due")
    assert "data-core-metadata" not in by_name["requests-2.32.3.tar.gz"]


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        (PIP_ACCEPT, "json"),
        ("application/vnd.pypi.simple.v1+json", "json"),
        ("application/vnd.pypi.simple.latest+json", "json"),
        ("application/vnd.pypi.simple.v1+json; q=0.1, text/html", "html"),
        ("application/vnd.pypi.simple.v1+html", "html"),
        ("text/html", "html"),
        ("*/*", "html"),
        (None, "html"),
        ("application/json", None),
        ("application/vnd.pypi.simple.v1+json; q=0", None),
    ],
)
def test_content_negotiation(accept: str | None, kind: str | None) -> None:
    chosen = negotiate(accept)
    assert (chosen[0] if chosen else None) == kind


def test_unacceptable_accept_is_406(fresh_index_server: LoopbackIndex) -> None:
    assert get(fresh_index_server, "/simple/idna/", {"Accept": "application/json"})[0] == 406


def test_html_only_ignores_accept(fresh_index_server: LoopbackIndex) -> None:
    fresh_index_server.html_only = True
    status, headers, body = get(fresh_index_server, "/simple/idna/", {"Accept": PIP_ACCEPT})
    assert status == 200 and headers["content-type"] == "text/html"
    assert body.startswith(b"<!DOCTYPE html>")
    fresh_index_server.restore_defaults()
    assert get(fresh_index_server, "/simple/idna/", {"Accept": PIP_ACCEPT})[1][
        "content-type"
    ].endswith("+json")


def test_unknown_project_is_404_and_names_are_normalised(
    fresh_index_server: LoopbackIndex,
) -> None:
    assert get(fresh_index_server, "/simple/wheelfit-no-such-project/")[0] == 404
    status, headers, _ = get(fresh_index_server, "/simple/PySocks/")
    assert status == 301 and headers["location"] == "/simple/pysocks/"
    status, headers, _ = get(fresh_index_server, "/simple/idna")
    assert status == 301 and headers["location"] == "/simple/idna/"
    assert get(fresh_index_server, "/elsewhere")[0] == 404


def test_root_lists_projects(
    fresh_index_server: LoopbackIndex, recorded_data: RecordedData
) -> None:
    status, _, body = get(fresh_index_server, "/simple/", {"Accept": PIP_ACCEPT})
    assert status == 200
    assert [p["name"] for p in json.loads(body)["projects"]] == list(recorded_data.names)
    assert [t for _, t in anchors(get(fresh_index_server, "/simple/")[2])] == list(
        recorded_data.names
    )


def test_gzip_when_accepted(fresh_index_server: LoopbackIndex) -> None:
    plain = get(fresh_index_server, "/simple/idna/", {"Accept": PIP_ACCEPT})[2]
    status, headers, body = get(
        fresh_index_server, "/simple/idna/", {"Accept": PIP_ACCEPT, "Accept-Encoding": "gzip"}
    )
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == plain


# --- caching headers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "cache_control"),
    [
        ("/simple/idna/", "max-age=600, public"),
        ("/files/idna-3.7-py3-none-any.whl", "max-age=365000000, immutable, public"),
        ("/files/idna-3.7-py3-none-any.whl.metadata", "max-age=365000000, immutable, public"),
    ],
)
def test_etag_and_304(fresh_index_server: LoopbackIndex, path: str, cache_control: str) -> None:
    status, headers, body = get(fresh_index_server, path)
    assert status == 200 and body
    assert headers["cache-control"] == cache_control
    etag = headers["etag"]
    status, headers, body = get(fresh_index_server, path, {"If-None-Match": etag})
    assert (status, body, headers["etag"]) == (304, b"", etag)
    assert get(fresh_index_server, path, {"If-None-Match": '"other"'})[0] == 200
    assert get(fresh_index_server, path, {"If-None-Match": f'"x", W/{etag}'})[0] == 304


def test_json_and_html_have_different_etags(fresh_index_server: LoopbackIndex) -> None:
    json_tag = get(fresh_index_server, "/simple/idna/", {"Accept": PIP_ACCEPT})[1]["etag"]
    html_tag = get(fresh_index_server, "/simple/idna/")[1]["etag"]
    assert json_tag != html_tag


# --- PEP 658 metadata ---------------------------------------------------------------------


def test_metadata_matches_the_advertised_hash(fresh_index_server: LoopbackIndex) -> None:
    page = json_page(fresh_index_server, "numpy")
    entry = next(f for f in page["files"] if f["filename"] == NUMPY_MUSL)
    status, headers, body = get(fresh_index_server, f"/files/{NUMPY_MUSL}.metadata")
    assert status == 200 and STANDIN_HEADER.lower() not in headers
    assert hashlib.sha256(body).hexdigest() == entry["core-metadata"]["sha256"]
    assert body.startswith(b"Metadata-Version:") and b"\nVersion: 1.26.4\n" in body
    assert fresh_index_server.standins_served == []


def test_sibling_metadata_is_marked_as_a_standin(fresh_index_server: LoopbackIndex) -> None:
    filename = "numpy-1.26.4-cp39-cp39-musllinux_1_1_x86_64.whl"  # not recorded itself
    page = json_page(fresh_index_server, "numpy")
    entry = next(f for f in page["files"] if f["filename"] == filename)
    status, headers, body = get(fresh_index_server, f"/files/{filename}.metadata")
    assert status == 200 and headers[STANDIN_HEADER.lower()] == "1"
    assert "musllinux_1_1_x86_64" in headers["x-wheelfit-standin-of"]
    assert hashlib.sha256(body).hexdigest() == entry["core-metadata"]["sha256"]
    assert fresh_index_server.standins_served == [filename]
    fresh_index_server.standins = False
    assert get(fresh_index_server, f"/files/{filename}.metadata")[0] == 404
    page = json.loads(get(fresh_index_server, "/simple/numpy/", {"Accept": PIP_ACCEPT})[2])
    assert "core-metadata" not in next(f for f in page["files"] if f["filename"] == filename)


def test_no_metadata_where_the_index_had_none(fresh_index_server: LoopbackIndex) -> None:
    page = json_page(fresh_index_server, "psycopg2-binary")
    assert not any("core-metadata" in f for f in page["files"] if "2.9.10" in f["filename"])
    wheel = "psycopg2_binary-2.9.10-cp312-cp312-musllinux_1_2_x86_64.whl"
    assert get(fresh_index_server, f"/files/{wheel}.metadata")[0] == 404
    sdist = json_page(fresh_index_server, "psycopg2")["files"]
    assert not any("core-metadata" in f for f in sdist if f["filename"].endswith(".tar.gz"))


def test_metadata_switched_off(fresh_index_server: LoopbackIndex) -> None:
    fresh_index_server.serve_metadata = False
    page = json_page(fresh_index_server, "idna")
    assert not any("core-metadata" in f or "dist-info-metadata" in f for f in page["files"])
    assert b"data-core-metadata" not in get(fresh_index_server, "/simple/idna/")[2]
    assert get(fresh_index_server, "/files/idna-3.7-py3-none-any.whl.metadata")[0] == 404


# --- files and ranges ---------------------------------------------------------------------


def test_whole_file_and_ranges(fresh_index_server: LoopbackIndex) -> None:
    name = "idna-3.7-py3-none-any.whl"
    entry = next(f for f in json_page(fresh_index_server, "idna")["files"] if f["filename"] == name)
    status, headers, whole = get(fresh_index_server, f"/files/{name}")
    assert status == 200 and headers["accept-ranges"] == "bytes"
    assert hashlib.sha256(whole).hexdigest() == entry["hashes"]["sha256"]
    size = len(whole)
    assert size == entry["size"]
    for header, (start, end) in {
        "bytes=0-99": (0, 100),
        "bytes=100-": (100, size),
        "bytes=-100": (size - 100, size),
        f"bytes=10-{size + 50}": (10, size),
    }.items():
        status, headers, body = get(fresh_index_server, f"/files/{name}", {"Range": header})
        assert status == 206, header
        assert headers["content-range"] == f"bytes {start}-{end - 1}/{size}"
        assert body == whole[start:end]
        assert int(headers["content-length"]) == end - start
    status, headers, _ = get(fresh_index_server, f"/files/{name}", {"Range": f"bytes={size}-"})
    assert status == 416 and headers["content-range"] == f"bytes */{size}"
    # a multi-range or malformed header is ignored: the whole file
    assert get(fresh_index_server, f"/files/{name}", {"Range": "bytes=0-1,5-6"})[2] == whole
    status, headers, body = get(fresh_index_server, f"/files/{name}", method="HEAD")
    assert (status, body, int(headers["content-length"])) == (200, b"", size)
    fresh_index_server.ranges = False
    assert get(fresh_index_server, f"/files/{name}", {"Range": "bytes=0-9"})[:1] == (200,)


def test_wheel_read_by_ranges_has_the_recorded_metadata(
    fresh_index_server: LoopbackIndex,
) -> None:
    """A zip reader over range requests finds METADATA equal to the PEP 658 file."""
    server = fresh_index_server

    class Remote(io.RawIOBase):
        def __init__(self) -> None:
            status, headers, _ = get(server, f"/files/{NUMPY_MUSL}", method="HEAD")
            assert status == 200
            self.size, self.pos = int(headers["content-length"]), 0

        def seekable(self) -> bool:
            return True

        def readable(self) -> bool:
            return True

        def tell(self) -> int:
            return self.pos

        def seek(self, offset: int, whence: int = 0) -> int:
            self.pos = {0: 0, 1: self.pos, 2: self.size}[whence] + offset
            return self.pos

        def read(self, n: int = -1) -> bytes:
            end = self.size if n < 0 else min(self.size, self.pos + n)
            if end <= self.pos:
                return b""
            status, _, body = get(
                server, f"/files/{NUMPY_MUSL}", {"Range": f"bytes={self.pos}-{end - 1}"}
            )
            assert status == 206, (self.pos, end)
            self.pos = end
            return body

    with zipfile.ZipFile(Remote()) as zf:  # type: ignore[arg-type]
        names = zf.namelist()
        assert "numpy/__init__.py" in names
        metadata = zf.read("numpy-1.26.4.dist-info/METADATA")
        assert zf.read("numpy-1.26.4.dist-info/WHEEL").startswith(b"Wheel-Version:")
    assert metadata == get(server, f"/files/{NUMPY_MUSL}.metadata")[2]
    assert server.unrecorded == []


def test_unrecorded_bytes_are_404_and_logged(fresh_index_server: LoopbackIndex) -> None:
    status, headers, _ = get(fresh_index_server, f"/files/{NUMPY_MUSL}")  # only parts recorded
    assert status == 404 and NOT_RECORDED_HEADER.lower() in headers
    status, headers, _ = get(fresh_index_server, f"/files/{NUMPY_MUSL}", {"Range": "bytes=0-99"})
    assert status == 404 and headers[NOT_RECORDED_HEADER.lower()] == "bytes=0-99"
    status, headers, _ = get(fresh_index_server, "/files/numpy-1.26.4.tar.gz")  # 15 MB sdist
    assert status == 404 and NOT_RECORDED_HEADER.lower() in headers
    assert fresh_index_server.unrecorded == [
        NUMPY_MUSL,
        f"{NUMPY_MUSL} bytes=0-99",
        "numpy-1.26.4.tar.gz",
    ]
    assert get(fresh_index_server, "/files/not-on-any-page-1.0.tar.gz")[0] == 404
    assert len(fresh_index_server.unrecorded) == 3


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        ("bytes=0-0", 10, (0, 1)),
        ("bytes=-3", 10, (7, 10)),
        ("bytes=-30", 10, (0, 10)),
        ("bytes=5-", 10, (5, 10)),
        ("bytes=10-", 10, "unsatisfiable"),
        ("bytes=-0", 10, "unsatisfiable"),
        ("bytes=5-2", 10, None),
        ("bytes=-", 10, None),
        ("items=0-1", 10, None),
    ],
)
def test_parse_range(header: str, size: int, expected: object) -> None:
    assert parse_range(header, size) == expected


# --- log, reset, faults -------------------------------------------------------------------


def test_request_log_and_reset(fresh_index_server: LoopbackIndex) -> None:
    server = fresh_index_server
    get(server, "/simple/idna/")
    get(server, "/simple/idna/")
    get(server, "/files/idna-3.7-py3-none-any.whl", {"Range": "bytes=0-9"})
    assert server.paths == ["/simple/idna/", "/simple/idna/", "/files/idna-3.7-py3-none-any.whl"]
    assert server.counts["/simple/idna/"] == 2
    assert server.count(prefix="/files/") == 1
    last = server.requests[-1]
    assert (last.method, last.status, last.range) == ("GET", 206, "bytes=0-9")
    server.reset()
    assert server.requests == [] and server.count() == 0


def test_injected_faults(fresh_index_server: LoopbackIndex) -> None:
    server = fresh_index_server
    server.fail(r"^/simple/idna/$", status=503, times=2, headers={"Retry-After": "0"})
    first = get(server, "/simple/idna/")
    assert first[0] == 503 and first[1]["retry-after"] == "0"
    assert get(server, "/simple/certifi/")[0] == 200
    assert get(server, "/simple/idna/")[0] == 503
    assert get(server, "/simple/idna/")[0] == 200
    server.fail(r"^/files/", status=500, times=None)
    assert get(server, "/files/idna-3.7-py3-none-any.whl")[0] == 500
    assert get(server, "/files/idna-3.7-py3-none-any.whl")[0] == 500
    server.restore_defaults()
    assert get(server, "/files/idna-3.7-py3-none-any.whl")[0] == 200


def test_factory_serves_a_subset(index_server_factory: Any, index_server: LoopbackIndex) -> None:
    other = index_server_factory(projects=["idna"], html_only=True)
    assert other.port != index_server.port
    assert get(other, "/simple/idna/")[0] == 200
    assert get(other, "/simple/requests/")[0] == 404
    assert other.url == f"http://127.0.0.1:{other.port}/simple"


# --- the file:// tree ---------------------------------------------------------------------


def test_file_index_tree(file_index: FileIndex, recorded_data: RecordedData) -> None:
    assert file_index.url.startswith("file:///") and file_index.url.endswith("/simple")
    page = (file_index.root / "simple" / "requests" / "index.html").read_bytes()
    links = {text: attrs for attrs, text in anchors(page)}
    wheel = links["requests-2.32.3-py3-none-any.whl"]
    href = str(wheel["href"])
    assert href.startswith("../../files/requests-2.32.3-py3-none-any.whl#sha256=")
    target = (file_index.root / "simple" / "requests" / href.split("#")[0]).resolve()
    assert hashlib.sha256(target.read_bytes()).hexdigest() == href.split("#sha256=")[1]
    metadata = Path(str(target) + ".metadata").read_bytes()
    assert wheel["data-core-metadata"] == "sha256=" + hashlib.sha256(metadata).hexdigest()
    # no stand-ins in a static tree: only wheels whose metadata was recorded advertise it
    numpy = {t: a for a, t in anchors((file_index.root / "simple/numpy/index.html").read_bytes())}
    assert "data-core-metadata" in numpy[NUMPY_MUSL]
    assert "data-core-metadata" not in numpy["numpy-1.26.4-cp39-cp39-musllinux_1_1_x86_64.whl"]
    listed = [t for _, t in anchors((file_index.root / "simple" / "index.html").read_bytes())]
    assert listed == list(recorded_data.names)


# --- the recording itself -----------------------------------------------------------------


def _recorder() -> Any:
    spec = importlib.util.spec_from_file_location("record_index", REPO / "tools/record_index.py")
    assert spec and spec.loader
    module = sys.modules.get("record_index")
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules["record_index"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return module


def test_recording_matches_its_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    assert _recorder().check(RECORDED) == 0, capsys.readouterr().err


def test_recording_stays_small() -> None:
    total = sum(p.stat().st_size for p in RECORDED.rglob("*") if p.is_file())
    assert total < 15_000_000


def test_recorder_picks_wheels_like_pip() -> None:
    rec = _recorder()
    data = RecordedData(RECORDED)
    page = data.page("cryptography")
    assert page is not None
    entries = [f for f in page["files"] if f["filename"].startswith("cryptography-43.0.3-")]
    slim = rec.Env("manylinux", "x86_64", "3.12", "2.41")
    alpine = rec.Env("musllinux", "x86_64", "3.12", "1.2")
    picked = rec.picked_wheels(entries, [slim, alpine])
    assert {f for f, envs in picked.items() if slim in envs} == {
        "cryptography-43.0.3-cp39-abi3-manylinux_2_28_x86_64.whl"
    }
    assert {f for f, envs in picked.items() if alpine in envs} == {
        "cryptography-43.0.3-cp39-abi3-musllinux_1_2_x86_64.whl"
    }


def _cases() -> list[Path]:
    return sorted((Path(__file__).parent / "cases").glob("*.yaml"))


@pytest.mark.parametrize("path", _cases(), ids=lambda p: p.stem)
def test_case_files_are_covered_by_the_recording(path: Path, recorded_data: RecordedData) -> None:
    """Every file a case expects is on a recorded page, and a client can learn its
    dependencies offline (PEP 658 metadata, or the wheel's bytes, or it is an sdist)."""
    case = yaml.safe_load(path.read_text())
    assert set(case) <= {"description", "input", "options", "expected", "resolution", "conflict",
                         "complete"}
    assert case["description"] and case["input"].strip()
    options = case.get("options") or {}
    assert set(options) <= {
        "python",
        "arch",
        "targets",
        "exclude_newer",
        "pre",
        "only_binary",
        "no_binary",
    }
    if case.get("resolution") == "impossible":
        assert case["conflict"]
        for name in case["conflict"]:
            assert recorded_data.page(name) is not None
        if "expected" not in case:  # else: the per-pin fallback's verdicts, checked below
            return
    targets = options.get("targets", ["slim", "alpine"])
    for name, verdicts in case["expected"].items():
        assert name == canonicalize_name(name)
        assert set(verdicts) == set(targets)
        for verdict in verdicts.values():
            status = verdict["status"]
            assert status in {
                "binary-wheel",
                "pure-wheel",
                "source-build",
                "unavailable",
                "not-found",
                "not-required",
            }
            if status == "not-found":
                assert recorded_data.page(name) is None
                continue
            assert recorded_data.page(name) is not None, name
            if status not in {"binary-wheel", "pure-wheel", "source-build"}:
                assert "file" not in verdict and "version" not in verdict
                continue
            entry = recorded_data.entry(verdict["file"])
            assert entry is not None and recorded_data.file_owner[verdict["file"]] == name
            assert verdict["version"] in verdict["file"]
            if status != "source-build":
                assert (
                    recorded_data.metadata(verdict["file"], standins=False) is not None
                    or recorded_data.partial_file(verdict["file"]) is not None
                    or recorded_data.whole_file(verdict["file"]) is not None
                ), verdict["file"]
            if options.get("exclude_newer"):
                assert entry["upload-time"] < options["exclude_newer"].replace("Z", "")


# --- pip itself against the replay --------------------------------------------------------


def _pip_report(server: LoopbackIndex, tmp_path: Path, *args: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    report = tmp_path / "report.json"
    platforms = [
        a for p in ("musllinux_1_2_x86_64", "musllinux_1_1_x86_64") for a in ("--platform", p)
    ]
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "--isolated",
        "install",
        "--dry-run",
        "--quiet",
        "--no-cache-dir",
        "--ignore-installed",
        "--only-binary=:all:",
        "--target",
        str(tmp_path / "t"),
        "--report",
        str(report),
        "--index-url",
        server.url,
        "--python-version",
        "3.12",
        "--implementation",
        "cp",
        "--abi",
        "cp312",
        *platforms,
        *args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    items = json.loads(report.read_text())["install"]
    return {i["metadata"]["name"]: i["download_info"]["url"].rsplit("/", 1)[1] for i in items}


def _pip_version() -> tuple[int, ...]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return tuple(int(p) for p in version("pip").split(".")[:2] if p.isdigit())
    except PackageNotFoundError:
        return ()


@pytest.mark.skipif(_pip_version() < (26, 0), reason="needs pip 26.0 or newer "
                    "(--uploaded-prior-to); `pip install -e '.[test]'` brings it")
@pytest.mark.parametrize("html_only", [False, True], ids=["json", "html"])
def test_pip_resolves_against_the_replay(
    fresh_index_server: LoopbackIndex, tmp_path: Path, html_only: bool
) -> None:
    """pip itself, pointed at the replay, makes the choices it made on PyPI (extras.yaml)."""
    fresh_index_server.html_only = html_only
    if html_only:  # PEP 503 HTML has no upload-time: pin everything instead of exclude-newer
        pins = ["charset-normalizer==3.3.2", "idna==3.7", "urllib3==2.2.1", "certifi==2024.6.2"]
        args = ["requests[socks]==2.32.3", "pysocks==1.7.1", *pins]
    else:
        args = ["--uploaded-prior-to", "2024-06-15T00:00:00Z", "requests[socks]==2.32.3"]
    got = _pip_report(fresh_index_server, tmp_path, *args)
    case = yaml.safe_load((Path(__file__).parent / "cases" / "extras.yaml").read_text())
    want = {name: v["alpine"]["file"] for name, v in case["expected"].items()}
    assert {canonicalize_name(k): v for k, v in got.items()} == want
    metadata_requests = [p for p in fresh_index_server.paths if p.endswith(".metadata")]
    assert len(metadata_requests) == len(want)
    assert fresh_index_server.unrecorded == [] and fresh_index_server.standins_served == []
    assert re.search(r"/simple/pysocks/$", "\n".join(fresh_index_server.paths), re.M)


@pytest.mark.slow
def test_every_case_replays_with_pip_and_uv() -> None:
    """Opt-in (``pytest -m slow``, a few minutes): pip and uv, pointed at the replay, make
    every choice the case files expect (tests/cases/verify_live.py --replay)."""
    script = Path(__file__).parent / "cases" / "verify_live.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--replay"], capture_output=True, text=True, timeout=1800
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "replay: unrecorded [], stand-ins []" in proc.stdout
