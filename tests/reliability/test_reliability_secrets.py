"""Index credentials never leak, yet they are sent; TLS is verified.

A credentialed index URL (`http://USER:SECRET@127.0.0.1:PORT/simple`) is given every way a
user can give one - `--index-url`, `$PIP_INDEX_URL`, a `-i` line in the requirements file,
`--extra-index-url` - and every output format and every error path is run; neither the
password nor the user name may appear on stdout, on stderr, or in the cache folder (file
names and contents). The loopback server must still see the `Authorization` header.
"""

from __future__ import annotations

import base64
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_support import (
    SECRET,
    USER,
    CliResult,
    StreamingIndexServer,
    check_args,
    publish_sdist,
    publish_wheel,
    run_main,
    statuses,
)

from index_builders import JSON_TYPE, json_page, metadata, sha256, wheel, wheel_name
from index_server import Route
from wheelfit.index.http import Transport

NEEDLES = (SECRET, USER)
BASIC = "Basic " + base64.b64encode(f"{USER}:{SECRET}".encode()).decode()


def credentialed(url: str, user: str = USER, secret: str = SECRET) -> str:
    return url.replace("http://", f"http://{user}:{secret}@", 1)


def leaks_in_cache(cache: Path) -> list[str]:
    """Cache files whose name or content holds the secret or the user name."""
    found = []
    for path in cache.rglob("*") if cache.exists() else ():
        data = path.read_bytes() if path.is_file() else b""
        if any(n in str(path) or n.encode() in data for n in NEEDLES):
            found.append(str(path.relative_to(cache)))
    return found


def assert_no_leak(result: CliResult, cache: Path) -> None:
    for needle in NEEDLES:
        assert needle not in result.out
        assert needle not in result.err
    assert leaks_in_cache(cache) == []


@pytest.fixture
def plain_url(server: StreamingIndexServer) -> str:
    """An index with a wheel, a source-only project and a project that answers 500."""
    publish_wheel(server, "healthy", requires=["sourceonly"])
    publish_sdist(server, "sourceonly", "1.0", {
        "PKG-INFO": metadata("sourceonly", "1.0", metadata_version="2.2"),
        "setup.py": b"from setuptools import setup, Extension\nsetup(ext_modules=[])\n",
    })
    url = publish_wheel(server, "flaky")
    server.routes["/simple/flaky/"] = Route(b"oops", content_type="text/plain", status=500)
    return url


REQUIREMENTS = "healthy\nflaky\nnot-on-the-index\n"
SOURCES = ["--index-url", "PIP_INDEX_URL", "-i line", "--extra-index-url"]
FORMATS = ["text", "json", "markdown"]


def run_with_credentials(
    source: str, fmt: str, plain_url: str, other_server: StreamingIndexServer,
    monkeypatch: pytest.MonkeyPatch, work: Path,
) -> CliResult:
    """Check REQUIREMENTS with the credentialed index given the `source` way."""
    secret_url = credentialed(plain_url)
    text, args = REQUIREMENTS, ["-v", "--all"]
    if source == "--index-url":
        args += ["--index-url", secret_url]
    elif source == "PIP_INDEX_URL":
        monkeypatch.setenv("PIP_INDEX_URL", secret_url)
    elif source == "-i line":
        text = f"-i {secret_url}\n{text}"
    else:  # the primary knows nothing (404s); the credentialed extra has everything
        args += ["--index-url", other_server.url("/simple"), "--extra-index-url", secret_url]
    (work / "requirements.txt").write_text(text)
    return run_main(["check", "--retries", "0", "--timeout", "2", "--format", fmt, *args,
                     "requirements.txt"])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("source", SOURCES)
def test_no_secret_in_output(
    source: str, fmt: str, plain_url: str, other_server: StreamingIndexServer,
    monkeypatch: pytest.MonkeyPatch, hermetic: Path, cache_dir: Path,
) -> None:
    result = run_with_credentials(source, fmt, plain_url, other_server, monkeypatch, hermetic)
    assert result.code == 6, result.err  # flaky is unknown: the report names its URL
    assert "127.0.0.1" in result.out
    for needle in NEEDLES:
        assert needle not in result.both


@pytest.mark.parametrize("source", SOURCES)
def test_no_secret_in_cache(
    source: str, plain_url: str, other_server: StreamingIndexServer,
    monkeypatch: pytest.MonkeyPatch, hermetic: Path, cache_dir: Path,
) -> None:
    run_with_credentials(source, "json", plain_url, other_server, monkeypatch, hermetic)
    assert any(p.is_file() for p in cache_dir.rglob("*"))
    assert leaks_in_cache(cache_dir) == []


@pytest.mark.parametrize("source", SOURCES)
def test_credentials_are_sent(
    source: str, plain_url: str, server: StreamingIndexServer,
    other_server: StreamingIndexServer, monkeypatch: pytest.MonkeyPatch, hermetic: Path,
) -> None:
    run_with_credentials(source, "json", plain_url, other_server, monkeypatch, hermetic)
    for path in ("/simple/healthy/", "/files/healthy-1.0-py3-none-any.whl.metadata",
                 "/files/sourceonly-1.0.tar.gz"):
        hits = server.hits_for(path)
        assert hits and all(h.headers.get("authorization") == BASIC for h in hits), path


def test_credentials_stay_on_their_origin(
    plain_url: str, server: StreamingIndexServer, other_server: StreamingIndexServer,
    monkeypatch: pytest.MonkeyPatch, hermetic: Path,
) -> None:
    run_with_credentials("--extra-index-url", "json", plain_url, other_server, monkeypatch,
                         hermetic)
    assert other_server.hits
    assert not any("authorization" in h.headers for h in other_server.hits)


# --- error paths --------------------------------------------------------------------------------


def error_run(case: str, plain_url: str, server: StreamingIndexServer, work: Path) -> CliResult:
    secret_url = credentialed(plain_url)
    requirements = work / "requirements.txt"
    requirements.write_text("healthy\n")
    extra: list[str] = []
    url = secret_url
    if case == "unreachable":
        url = credentialed("http://127.0.0.1:9/simple")
    elif case == "404 project":
        requirements.write_text("not-on-the-index\n")
    elif case == "500 first project":
        server.routes["/simple/healthy/"] = Route(b"oops", content_type="text/plain", status=500)
    elif case == "503 first project":
        server.routes["/simple/healthy/"] = Route(b"down", content_type="text/plain", status=503)
    elif case == "bad option line":
        requirements.write_text(f"--index-url {secret_url} --frobnicate\nhealthy\n")
    elif case == "bad requirement line":
        requirements.write_text(
            f"healthy @ {secret_url}/h.whl ; python_version >>> '3'\n")
    elif case == "offline miss":
        extra = ["--offline"]
    elif case == "invalid port":
        url = secret_url.replace(f":{server.port}", ":notaport")
    return run_main(check_args(url, requirements, retries=0, extra=extra))


ERROR_CASES = {
    "unreachable": 5, "404 project": 3, "500 first project": 6, "503 first project": 5,
    "bad option line": 3, "bad requirement line": 3, "offline miss": 6, "invalid port": 5,
}


@pytest.mark.parametrize(("case", "code"), ERROR_CASES.items(), ids=list(ERROR_CASES))
def test_error_paths_exit_code(
    case: str, code: int, plain_url: str, server: StreamingIndexServer, hermetic: Path
) -> None:
    assert error_run(case, plain_url, server, hermetic).code == code


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_error_paths_leak_nothing(
    case: str, plain_url: str, server: StreamingIndexServer, hermetic: Path, cache_dir: Path
) -> None:
    assert_no_leak(error_run(case, plain_url, server, hermetic), cache_dir)


# --- awkward credentials and index content ------------------------------------------------------


def test_password_with_at_sign_is_redacted_in_skipped_entries(
    plain_url: str, hermetic: Path
) -> None:
    secret_url = credentialed(plain_url, secret=f"p@{SECRET}")
    (hermetic / "requirements.txt").write_text(
        f"healthy\nlocal @ {secret_url.removesuffix('/simple')}/files/local-1.0-py3-none-any.whl\n"
    )
    result = run_main(check_args(plain_url, "requirements.txt", retries=0))
    assert SECRET not in result.both


def test_password_with_at_sign_is_redacted_in_errors(plain_url: str, hermetic: Path) -> None:
    secret_url = credentialed(plain_url, secret=f"p@{SECRET}")
    (hermetic / "requirements.txt").write_text(f"-i {secret_url} --frobnicate\nhealthy\n")
    result = run_main(check_args(plain_url, "requirements.txt", retries=0))
    assert result.code == 3
    assert SECRET not in result.both


def test_password_with_at_sign_is_sent_whole(
    plain_url: str, server: StreamingIndexServer, hermetic: Path
) -> None:
    (hermetic / "requirements.txt").write_text("healthy\n")
    run_main(check_args(credentialed(plain_url, secret=f"p@{SECRET}"), "requirements.txt"))
    expected = "Basic " + base64.b64encode(f"{USER}:p@{SECRET}".encode()).decode()
    assert server.hits_for("/simple/healthy/")[0].headers.get("authorization") == expected


@pytest.fixture
def echoing_index(server: StreamingIndexServer) -> str:
    """A page whose file links carry the credentials (some private registries do this)."""
    url = publish_wheel(server, "healthy")
    meta = metadata("echoed", "1.0")
    name = wheel_name("echoed", "1.0")
    data = wheel("echoed", "1.0", meta)
    server.route(f"/files/{name}", data)
    server.route(f"/files/{name}.metadata", meta)
    link = credentialed(server.url(f"/files/{name}"))
    server.route("/simple/echoed/", json_page("echoed", [{
        "filename": name, "url": link, "hashes": {"sha256": sha256(data)},
        "core-metadata": {"sha256": sha256(meta)},
    }]), content_type=JSON_TYPE)
    return url


def test_credentials_echoed_by_the_index_are_not_printed(
    echoing_index: str, hermetic: Path
) -> None:
    (hermetic / "requirements.txt").write_text("healthy\nechoed\n")
    result = run_main(check_args(echoing_index, "requirements.txt", extra=["-v", "--all"]))
    assert statuses(result.report(), "echoed") == {"pure-wheel"}
    for needle in NEEDLES:
        assert needle not in result.both


def test_credentials_echoed_by_the_index_are_not_cached(
    echoing_index: str, hermetic: Path, cache_dir: Path
) -> None:
    (hermetic / "requirements.txt").write_text("healthy\nechoed\n")
    run_main(check_args(echoing_index, "requirements.txt"))
    assert leaks_in_cache(cache_dir) == []


# --- TLS ----------------------------------------------------------------------------------------


def test_tls_verification_is_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    transport = Transport()
    try:
        assert transport.session.verify is True
    finally:
        transport.close()


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throw-away self-signed certificate for 127.0.0.1 (made with the openssl tool)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl tool (and neither trustme nor cryptography is installed)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture
def https_url(self_signed: tuple[Path, Path]) -> Iterator[str]:
    cert, key = self_signed
    srv = StreamingIndexServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    srv.httpd.socket = context.wrap_socket(srv.httpd.socket, server_side=True)
    publish_wheel(srv, "healthy")
    srv.start()
    try:
        yield f"https://127.0.0.1:{srv.port}/simple"
    finally:
        srv.stop()


def test_self_signed_index_is_refused(https_url: str, hermetic: Path) -> None:
    (hermetic / "requirements.txt").write_text("healthy\n")
    result = run_main(check_args(https_url, "requirements.txt", retries=0))
    assert result.code == 5
    assert "TLS error" in result.err and "CERTIFICATE_VERIFY_FAILED" in result.err
    assert "REQUESTS_CA_BUNDLE" in result.err  # what to do next


def test_self_signed_index_works_with_its_ca_bundle(
    https_url: str, self_signed: tuple[Path, Path], hermetic: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Control for the test above: the same server is fine once its certificate is trusted."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(self_signed[0]))
    (hermetic / "requirements.txt").write_text("healthy\n")
    result = run_main(check_args(https_url, "requirements.txt", retries=0))
    assert result.code == 0, result.err


def test_trusted_host_line_does_not_turn_verification_off(
    https_url: str, hermetic: Path
) -> None:
    """pip's `--trusted-host` in a dependency file (written by others) is not obeyed."""
    (hermetic / "requirements.txt").write_text(
        f"-i {https_url}\n--trusted-host 127.0.0.1\nhealthy\n")
    result = run_main(["check", "--retries", "0", "requirements.txt"])
    assert result.code == 5
    assert "CERTIFICATE_VERIFY_FAILED" in result.err


# --- what an untrusted dependency file can make wheelfit read -----------------------------------


@pytest.mark.parametrize("keep_going", [False, True], ids=["error", "keep-going"])
def test_include_outside_the_input_folder_is_not_echoed(
    keep_going: bool, plain_url: str, hermetic: Path, tmp_path: Path
) -> None:
    private = tmp_path / "private" / "netrc"
    private.parent.mkdir()
    private.write_text(f"machine example.com login bob password {SECRET}\n")
    (hermetic / "requirements.txt").write_text(f"healthy\n-r {private}\n")
    extra = ["--keep-going"] if keep_going else []
    result = run_main(check_args(plain_url, "requirements.txt", fmt="markdown", extra=extra))
    assert SECRET not in result.both
