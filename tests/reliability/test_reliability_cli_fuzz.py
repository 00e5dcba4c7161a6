"""CLI-level property test: any bytes as any input file → one of wheelfit's exit codes and a
one-paragraph message or a report; never a traceback.

The parsers have their own property tests (tests/sources, tests/index); this one goes
through `wheelfit.cli.main` end to end - detection by file name, parsing, index lookups,
resolution, enrichment and rendering. The index is an empty loopback server (every project
is a 404, so nothing is slow); every other host goes through a proxy on a closed loopback
port, so a fuzzed `-i https://...` line never leaves the machine.

Inputs: random text, random bytes, and real example files (tests/data/sources, examples/)
with random splices. Small example counts by default; `pytest -m slow` runs 10,000 per
input format.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from reliability_support import OUR_CODES, StreamingIndexServer, run_main

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "tests" / "data" / "sources"

# input file name → a real example of that format (the seed of the splices)
FORMATS = {
    "requirements.txt": REPO / "examples" / "requirements.txt",
    "pyproject.toml": SOURCES / "pyproject" / "pep621" / "pyproject.toml",
    "uv.lock": SOURCES / "locks" / "uv" / "uv.lock",
    "poetry.lock": SOURCES / "locks" / "poetry1" / "poetry.lock",
    "Pipfile.lock": SOURCES / "locks" / "pipfile" / "Pipfile.lock",
    "pylock.toml": SOURCES / "locks" / "pylock" / "pylock.toml",
}
PROFILES = [
    pytest.param(40, id="quick"),
    pytest.param(10_000, id="10k", marks=pytest.mark.slow),
]
# Tokens that steer splices into the interesting corners of each format.
TOKENS = [
    b"\n", b"[", b"]", b"{", b"}", b'"', b"'", b"=", b"==", b";", b"@", b",", b"\\", b"#",
    b"-r ", b"-c ", b"-e ", b"-i ", b"--index-url ", b"--extra-index-url ", b"--pre",
    b"--no-binary :all:", b"--hash=sha256:", b"${HOME}", b"[project]", b"dependencies = [",
    b"[[package]]", b"version = ", b"markers = ", b"extras = ", b"[tool.poetry.dependencies]",
    b"[dependency-groups]", b"{include-group = \"x\"}", b"optional = true", b"\x00", b"\xff",
    b"\xef\xbb\xbf", b"\t", b" ", b"python_version < '3'", b"sys_platform == 'linux'",
    b"https://127.0.0.1:9/simple", b"file:///nonexistent", b"0", b"1e999", b"true", b"null",
]


def splice(seed: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply (position, bytes to delete, bytes to insert) edits to `seed`."""
    data = seed
    for position, delete, insert in edits:
        at = position % (len(data) + 1)
        data = data[:at] + insert + data[at + delete :]
    return data


_insert = st.one_of(st.sampled_from(TOKENS), st.binary(max_size=12))
_edits = st.lists(
    st.tuples(st.integers(0, 1 << 16), st.integers(0, 40), _insert), min_size=1, max_size=6
)


def contents(seed: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(max_size=400),
        _edits.map(lambda edits: splice(seed, edits)),
    )


@pytest.fixture(scope="module")
def fuzz_index() -> Iterator[str]:
    """An empty loopback index: every project page is a 404."""
    srv = StreamingIndexServer()
    srv.start()
    try:
        yield srv.url("/simple")
    finally:
        srv.stop()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every non-loopback host goes through a proxy nobody listens on."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def cli_property(folder: Path, filename: str, data: bytes, fmt: str, keep_going: bool,
                 index_url: str) -> None:
    path = folder / filename
    path.write_bytes(data)
    args = ["check", str(path), "--index-url", index_url, "--retries", "0", "--timeout", "2",
            "--format", fmt, *(["--keep-going"] if keep_going else [])]
    result = run_main(args)
    event(f"exit {result.code}")  # the spread shows with --hypothesis-show-statistics
    assert result.code in OUR_CODES, (result.code, result.err)
    assert "Traceback" not in result.both
    # exit 3 with a report: packages the (empty) index does not have (issue 17)
    if result.code in (0, 4, 6) or (result.code == 3 and "not on the index" in result.err):
        assert result.out
        if fmt == "json":
            json.loads(result.out)
    else:
        assert result.err.startswith(("wheelfit: error: ", "Usage: ")), result.err
        assert result.out == ""


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("examples", PROFILES)
@pytest.mark.parametrize("filename", list(FORMATS))
def test_any_input_file_gives_one_of_our_exit_codes(
    filename: str, examples: int, fuzz_index: str, tmp_path: Path
) -> None:
    seed = FORMATS[filename].read_bytes()

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(contents(seed), st.sampled_from(["text", "json", "markdown"]), st.booleans())
    def run(data: bytes, fmt: str, keep_going: bool) -> None:
        cli_property(tmp_path, filename, data, fmt, keep_going, fuzz_index)

    run()


@pytest.mark.parametrize("filename", list(FORMATS))
def test_seed_is_a_valid_input(filename: str, fuzz_index: str, tmp_path: Path) -> None:
    """The unspliced seeds parse (so the splices start from deep inside each parser). The
    index is empty, so every package is not on it: exit 3, with the report."""
    path = tmp_path / filename
    path.write_bytes(FORMATS[filename].read_bytes())
    result = run_main(["check", str(path), "--index-url", fuzz_index, "--retries", "0",
                       "--format", "json"])
    assert result.code == 3 and "not on the index" in result.err, result.err
    assert json.loads(result.out)["packages"]


POETRY_LOCK_BAD_VERSION = """\
[[package]]
name = "requests"
version = "not-a-version"
description = ""
optional = false
python-versions = "*"
files = []

[metadata]
lock-version = "2.0"
python-versions = "^3.11"
content-hash = "x"
"""


def test_invalid_locked_version_is_not_an_index_failure(
    fuzz_index: str, tmp_path: Path
) -> None:
    path = tmp_path / "poetry.lock"
    path.write_text(POETRY_LOCK_BAD_VERSION)
    result = run_main(["check", str(path), "--index-url", fuzz_index, "--retries", "0",
                       "--format", "json"])
    assert result.code != 6
