"""CLI-level property test: any bytes as any input file → one of wheelfit's exit codes and a
one-paragraph message or a report; never a traceback, never a hang, never a planted secret.

The parsers have their own property tests (tests/sources, tests/index); this one goes
through `wheelfit.cli.main` end to end - detection by file name, parsing, index lookups,
resolution, enrichment and rendering. The index is an empty loopback server (every project
is a 404, so nothing is slow); every other host goes through a proxy on a closed loopback
port, so a fuzzed `-i https://...` line never leaves the machine.

Inputs: random text, random bytes, real example files (tests/data/sources, tests/cases,
examples/) with random splices, and the same files mutated with hostile values where they
matter (fuzz_inputs.py: huge versions and ints, deep nesting, long lines, unknown marker
variables, invalid UTF-8, NUL bytes, `user:secret@` URLs). Each input has a wall-clock
bound, enforced by a watchdog. A few dozen inputs per format by default; `pytest -m slow`
runs 1,700 per format (10,200 in all).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_inputs import planted_secret_ok, structured
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_support import OUR_CODES, SECRET, StreamingIndexServer, run_main
from watchdog import WALL_SECONDS, run_bounded

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
# Packages the seeds take from an index of their own (pypi.corp.example).
OTHER_INDEX_PACKAGES = {"internal-lib", "private-lib"}
PROFILES = [
    pytest.param(40, id="quick"),
    pytest.param(1_700, id="1700", marks=pytest.mark.slow),
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


def contents(seed: bytes, filename: str) -> st.SearchStrategy[bytes]:
    hostile = structured(filename)
    return st.one_of(
        st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(max_size=400),
        _edits.map(lambda edits: splice(seed, edits)),
        hostile, hostile, hostile,
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
                 index_url: str, tally: Counter[str]) -> None:
    path = folder / filename
    path.write_bytes(data)
    args = ["check", str(path), "--index-url", index_url, "--retries", "0", "--timeout", "2",
            "--format", fmt, *(["--keep-going"] if keep_going else [])]
    result, seconds = run_bounded(args)
    tally.update(["inputs", f"exit {result.code}"])
    tally["slowest ms"] = max(tally["slowest ms"], round(seconds * 1000))
    assert result.code in OUR_CODES, (result.code, result.err[-2000:])
    assert "Traceback" not in result.both
    assert seconds < WALL_SECONDS
    if planted_secret_ok(data):
        tally["secret planted"] += SECRET.encode() in data
        assert SECRET not in result.both, "a planted password was printed"
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
    @given(contents(seed, filename), st.sampled_from(["text", "json", "markdown"]), st.booleans())
    def run(data: bytes, fmt: str, keep_going: bool) -> None:
        cli_property(tmp_path, filename, data, fmt, keep_going, fuzz_index, tally)

    tally: Counter[str] = Counter({"slowest ms": 0})
    start = time.monotonic()
    run()
    # shown with `pytest -rP`: what docs/reliability.md records
    print(f"{filename}: {dict(sorted(tally.items()))} in {time.monotonic() - start:.0f} s")


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("filename", list(FORMATS))
def test_seed_is_a_valid_input(filename: str, fuzz_index: str, tmp_path: Path) -> None:
    """The unspliced seeds parse (so the splices start from deep inside each parser). The
    index is empty, so every package is not on it (exit 3, with the report); a seed's package
    that the lock takes from another index is asked of that index, which no test reaches: it
    is unknown, and the incomplete report's exit 6 wins."""
    path = tmp_path / filename
    path.write_bytes(FORMATS[filename].read_bytes())
    result = run_main(["check", str(path), "--index-url", fuzz_index, "--retries", "0",
                       "--format", "json"])
    report = json.loads(result.out)
    unknown = {p["name"] for p in report["packages"]
               if any(v["status"] == "unknown" for v in p["verdicts"].values())}
    assert unknown <= OTHER_INDEX_PACKAGES
    assert result.code == (6 if unknown else 3), result.err
    assert "not on the index" in result.err, result.err
    assert report["packages"]


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
