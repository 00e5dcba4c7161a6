"""Exact `.pyc` sizes of a wheel's Python files (`--exact-bytecode`), computed in a helper.

pip compiles every `.py` file of the library part at install (`compileall.compile_file`):
16 header bytes plus the marshalled code object, the code compiled with the file's path
in the image as its name. `compile_wheel` sends each source to `pycworker.py`, run by a
CPython of the target's minor version (`find_interpreter`: the host when it is that minor,
else `pythonX.Y` on PATH, else the host, said so). The worker runs as `-I -S`, with its
address space and CPU time limited; every answer has a wall-clock deadline; a worker that
dies, times out or runs out of memory ends the wheel with `BytecodeLimitHit`, never a
guess. Bytecode is deterministic for one CPython minor version.
"""

from __future__ import annotations

import contextlib
import functools
import os
import selectors
import struct
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wheelfit.index.limits import MIB

WORKER = Path(__file__).with_name("pycworker.py")
SITE_PACKAGES = "/usr/local/lib/python{minor}/site-packages/"
_HELLO = "wheelfit-pyc 1 "
_LENGTH = struct.Struct(">I")


@dataclass(frozen=True)
class BytecodeLimits:
    """Bounds on one worker: memory, CPU, and wall-clock seconds per file and per wheel."""

    address_space: int = 512 * MIB
    cpu_seconds: int = 900
    start_seconds: float = 20.0
    file_seconds: float = 60.0
    wheel_seconds: float = 900.0


DEFAULT_LIMITS = BytecodeLimits()


class BytecodeLimitHit(Exception):
    """A bound was hit (time, memory, a worker that died): the size is unknown."""


@dataclass(frozen=True)
class Interpreter:
    """The CPython that compiles for a target of minor version `target`."""

    path: str
    version: str  # X.Y.Z of the interpreter
    target: str  # X.Y of the target image

    @property
    def exact(self) -> bool:
        """True when its bytecode is the target's (same minor version)."""
        return _minor(self.version) == self.target


@dataclass(frozen=True)
class Compiled:
    """What compiling one wheel's sources gave."""

    pyc_bytes: int
    files: int
    failed: int


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def find_interpreter(target: str, search_path: str | None = None) -> Interpreter:
    """The host when its minor is `target`, else the first `python<target>` on PATH that
    answers as that CPython, else the host (its `exact` is then False)."""
    host = ".".join(str(n) for n in sys.version_info[:3])
    if _minor(host) == target:
        return Interpreter(sys.executable, host, target)
    found = _on_path(target, os.environ.get("PATH", "") if search_path is None else search_path)
    return found or Interpreter(sys.executable, host, target)


@functools.lru_cache(maxsize=32)
def _on_path(target: str, search_path: str) -> Interpreter | None:
    for folder in search_path.split(os.pathsep):
        candidate = Path(folder or ".", f"python{target}")
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            continue
        version = probe(str(candidate))
        if version is not None and _minor(version) == target:
            return Interpreter(str(candidate), version, target)
    return None


def probe(path: str, limits: BytecodeLimits = DEFAULT_LIMITS) -> str | None:
    """The CPython version a worker started with `path` reports; None when it fails."""
    try:
        with Worker(path, limits) as worker:
            return worker.version
    except (BytecodeLimitHit, OSError):
        return None


class Worker:
    """One `pycworker.py` process; `size` asks it for one source's `.pyc` size."""

    def __init__(self, python: str, limits: BytecodeLimits = DEFAULT_LIMITS) -> None:
        self._limits = limits
        self._proc = subprocess.Popen(
            [python, "-I", "-S", str(WORKER), str(limits.address_space),
             str(limits.cpu_seconds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            bufsize=0, close_fds=True,
        )
        self._selector = selectors.DefaultSelector()
        assert self._proc.stdout is not None
        self._selector.register(self._proc.stdout, selectors.EVENT_READ)
        hello = self._line(time.monotonic() + limits.start_seconds, "start")
        parts = hello.split()
        if not hello.startswith(_HELLO) or len(parts) != 4 or parts[2] != "cpython":
            self.close()
            raise BytecodeLimitHit(f"{python} is not a CPython wheelfit can use ({hello!r})")
        self.version = parts[3]

    def size(self, dfile: str, source: bytes, deadline: float) -> int | None:
        """The `.pyc` size of `source`; None when it does not compile. `deadline` is a
        `time.monotonic()` value the answer must come by (at most `file_seconds` away)."""
        name = dfile.encode("utf-8", "surrogateescape")
        try:
            self._write(_LENGTH.pack(len(name)) + name + _LENGTH.pack(len(source)))
            self._write(source)
        except OSError:
            raise self._died("took no more input") from None
        until = min(deadline, time.monotonic() + self._limits.file_seconds)
        answer = self._line(until, dfile)
        if answer.startswith("S ") and answer[2:].isdigit():
            return int(answer[2:])
        if answer == "F":
            return None
        if answer == "M":
            raise BytecodeLimitHit(f"compiling {dfile} needed more than "
                                   f"{self._limits.address_space // MIB} MiB")
        raise self._died(f"answered {answer[:40]!r}")

    def _write(self, data: bytes) -> None:
        assert self._proc.stdin is not None
        view = memoryview(data)
        while view:
            written = self._proc.stdin.write(view)
            view = view[written or 0:]

    def _line(self, deadline: float, what: str) -> str:
        assert self._proc.stdout is not None
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                self.close()
                raise BytecodeLimitHit(f"no answer within the time bound ({what})")
            byte = self._proc.stdout.read(1)
            if not byte or len(line) > 200:
                raise self._died("stopped")
            line += byte
        return line.decode("ascii", "replace").strip()

    def _died(self, how: str) -> BytecodeLimitHit:
        self.close()
        return BytecodeLimitHit(f"the compile helper {how} (exit {self._proc.returncode})")

    def close(self) -> None:
        """End the process (stdin closed first: a worker that is done exits by itself)."""
        for stream in (self._proc.stdin, self._proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._selector.close()
        try:
            self._proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def installed_path(member: str) -> str:
    """Where pip puts a wheel member of the library part: `<name>.data/purelib/x` → `x`."""
    top, _, rest = member.partition("/")
    if top.endswith(".data"):
        return rest.partition("/")[2]
    return member


def compile_wheel(sources: Iterable[tuple[str, bytes]], interpreter: Interpreter,
                  limits: BytecodeLimits = DEFAULT_LIMITS) -> Compiled:
    """Sum the `.pyc` sizes of `sources` ((member, bytes) of the `.py` files pip compiles),
    each named by its path in the target image."""
    site = SITE_PACKAGES.format(minor=interpreter.target)
    deadline = time.monotonic() + limits.wheel_seconds
    total = files = failed = 0
    with Worker(interpreter.path, limits) as worker:
        for member, source in sources:
            size = worker.size(site + installed_path(member), source, deadline)
            files += 1
            if size is None:
                failed += 1
            else:
                total += size
    return Compiled(total, files, failed)
