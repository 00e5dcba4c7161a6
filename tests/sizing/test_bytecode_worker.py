"""sizing/bytecode.py: exact .pyc sizes from a bounded helper process, and which CPython
compiles for a target."""

from __future__ import annotations

import marshal
import stat
import sys
import time
from pathlib import Path

import pytest

from wheelfit.sizing.bytecode import (
    BytecodeLimitHit,
    BytecodeLimits,
    Interpreter,
    Worker,
    compile_wheel,
    find_interpreter,
    installed_path,
)

HOST = ".".join(str(n) for n in sys.version_info[:2])
HOST_FULL = ".".join(str(n) for n in sys.version_info[:3])
SITE = f"/usr/local/lib/python{HOST}/site-packages/"
SOURCES = {
    "pkg/__init__.py": b'"""Doc."""\nfrom pkg.mod import f\n',
    "pkg/mod.py": b"def f(x):\n    return [i * x for i in range(3)]\n",
    "pkg-1.0.data/purelib/extra.py": b"# -*- coding: latin-1 -*-\nNAME = '\xe9'\n",
}


def expected(member: str, source: bytes) -> int:
    """What pip writes: a 16-byte header and the marshalled code (py_compile's way)."""
    code = compile(source, SITE + installed_path(member), "exec", dont_inherit=True)
    return 16 + len(marshal.dumps(code))


def host() -> Interpreter:
    return Interpreter(sys.executable, HOST_FULL, HOST)


def script(folder: Path, name: str, body: str) -> Path:
    """An executable stand-in for an interpreter (a shell script)."""
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_each_size_is_the_header_and_the_marshalled_code() -> None:
    deadline = time.monotonic() + 60
    with Worker(sys.executable) as worker:
        sizes = {m: worker.size(SITE + installed_path(m), s, deadline)
                 for m, s in SOURCES.items()}
    assert sizes == {m: expected(m, s) for m, s in SOURCES.items()}


def test_the_path_in_the_image_is_part_of_the_size() -> None:
    source = SOURCES["pkg/mod.py"]
    deadline = time.monotonic() + 60
    with Worker(sys.executable) as worker:
        short = worker.size("/a.py", source, deadline)
        long = worker.size("/" + "a" * 50 + ".py", source, deadline)
    assert short is not None and long is not None and long > short


def test_a_wheel_sums_its_files_and_counts_those_that_fail_as_zero() -> None:
    broken = {"pkg/broken.py": b"def (:\n", "pkg/nul.py": b"A = 1\x00\n"}
    compiled = compile_wheel({**SOURCES, **broken}.items(), host())
    assert (compiled.pyc_bytes, compiled.files, compiled.failed) == (
        sum(expected(m, s) for m, s in SOURCES.items()), 5, 2)


def test_the_source_is_compiled_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    source = f"open({str(marker)!r}, 'w').write('x')\n".encode()
    compile_wheel([("pkg/evil.py", source)], host())
    assert not marker.exists()


def test_a_library_member_is_named_by_its_installed_path() -> None:
    assert installed_path("pkg-1.0.data/platlib/pkg/x.py") == "pkg/x.py"
    assert installed_path("pkg/x.py") == "pkg/x.py"


def test_a_file_that_compiles_too_long_hits_the_time_bound() -> None:
    source = b"".join(b"V%d = (%d, 'text', [%d])\n" % (n, n, n) for n in range(150_000))
    limits = BytecodeLimits(file_seconds=0.01)
    with pytest.raises(BytecodeLimitHit, match="time bound"):
        compile_wheel([("pkg/big.py", source)], host(), limits)


def test_a_file_that_needs_too_much_memory_hits_the_memory_bound() -> None:
    source = b"X = [" + b"(1, 2), " * 3_000_000 + b"]\n"
    limits = BytecodeLimits(address_space=256 << 20)
    with pytest.raises(BytecodeLimitHit):
        compile_wheel([("pkg/huge.py", source)], host(), limits)


def test_a_helper_that_never_says_hello_hits_the_start_bound(tmp_path: Path) -> None:
    slow = script(tmp_path, "python9.9", "sleep 30")
    started = time.monotonic()
    with pytest.raises(BytecodeLimitHit, match="time bound"):
        Worker(str(slow), BytecodeLimits(start_seconds=0.5))
    assert time.monotonic() - started < 20


def test_a_helper_that_dies_is_reported(tmp_path: Path) -> None:
    dies = script(tmp_path, "python9.9", "echo 'wheelfit-pyc 1 cpython 9.9.0'; exit 3")
    with pytest.raises(BytecodeLimitHit, match="helper"):
        compile_wheel(SOURCES.items(), Interpreter(str(dies), "9.9.0", "9.9"))


def test_the_host_compiles_for_its_own_minor() -> None:
    chosen = find_interpreter(HOST, search_path="")
    assert (chosen.path, chosen.exact) == (sys.executable, True)


def test_a_python_of_the_target_minor_on_path_is_chosen(tmp_path: Path) -> None:
    script(tmp_path, "python9.9", "echo 'wheelfit-pyc 1 cpython 9.9.4'; cat >/dev/null")
    chosen = find_interpreter("9.9", search_path=str(tmp_path))
    assert (chosen.path, chosen.version, chosen.exact) == (str(tmp_path / "python9.9"),
                                                           "9.9.4", True)


def test_a_python_that_answers_another_version_is_passed_over(tmp_path: Path) -> None:
    script(tmp_path, "python9.8", "echo 'wheelfit-pyc 1 cpython 9.7.0'; cat >/dev/null")
    chosen = find_interpreter("9.8", search_path=str(tmp_path))
    assert (chosen.path, chosen.exact) == (sys.executable, False)


def test_without_the_target_minor_the_host_stands_in_and_says_so(tmp_path: Path) -> None:
    chosen = find_interpreter("9.7", search_path=str(tmp_path))
    assert (chosen.path, chosen.version, chosen.exact) == (sys.executable, HOST_FULL, False)


def _other_minor() -> Path | None:
    """A folder holding `pythonX.Y` of another minor (pyenv's versions), if any."""
    for folder in sorted(Path("/root/.pyenv/versions").glob("3.1*/bin")):
        minor = ".".join(folder.parent.name.split(".")[:2])
        if minor != HOST and (folder / f"python{minor}").is_file():
            return folder
    return None


OTHER = _other_minor()


@pytest.mark.skipif(OTHER is None, reason="no second CPython minor installed")
def test_another_minor_compiles_to_other_sizes() -> None:
    assert OTHER is not None
    minor = ".".join(OTHER.parent.name.split(".")[:2])
    other = find_interpreter(minor, search_path=str(OTHER))
    source = SOURCES["pkg/mod.py"]
    assert other.exact and other.path == str(OTHER / f"python{minor}")
    theirs = compile_wheel([("pkg/mod.py", source)], other).pyc_bytes
    assert theirs != compile_wheel([("pkg/mod.py", source)], host()).pyc_bytes
