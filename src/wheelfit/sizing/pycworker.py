"""The helper process of `--exact-bytecode`: compiles sources it is sent, answers sizes.

Run as a script, `pythonX.Y -I -S pycworker.py AS_BYTES CPU_SECONDS` (standard library
only, so any CPython 3.7+ of the target's minor version can run it; it imports nothing of
wheelfit). It limits its own address space and CPU time first, then says who it is:

    wheelfit-pyc 1 <implementation> <X.Y.Z>

and reads requests from stdin until EOF: a 4-byte big-endian length and the path the file
would have in the image (UTF-8), a 4-byte length and the source bytes. Each gets one line:

    S <bytes>    the size of the `.pyc` pip would write: 16-byte header + marshal of the code
    F            the source does not compile (pip writes no `.pyc`: 0 bytes)
    M            out of memory (a bound was hit: the parent reports it, never guesses)

`compile()` parses and compiles; it runs none of the source. The source is still treated
as hostile: this process has no wheelfit code, no site-packages, and the bounds above.
"""

from __future__ import annotations

import marshal
import struct
import sys
from typing import BinaryIO

PROTOCOL = 1
HEADER = 16  # magic, flags, mtime, source size (importlib's timestamp-based .pyc)
_LENGTH = struct.Struct(">I")


def limit(address_space: int, cpu_seconds: int) -> None:
    """Cap this process's address space and CPU time (where `resource` exists)."""
    try:
        import resource
    except ImportError:  # not POSIX: the parent's wall clock still bounds the worker
        return
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def pyc_size(source: bytes, dfile: str) -> str:
    """The answer line for one source."""
    try:
        code = compile(source, dfile, "exec", dont_inherit=True, optimize=0)
        return f"S {HEADER + len(marshal.dumps(code))}"
    except MemoryError:
        return "M"
    except Exception:  # compileall counts any failure as "not compiled"
        return "F"


def _read(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return data


def serve(stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Answer requests until stdin ends."""
    while True:
        try:
            (name_len,) = _LENGTH.unpack(_read(stdin, 4))
            dfile = _read(stdin, name_len).decode("utf-8", "surrogateescape")
            (size,) = _LENGTH.unpack(_read(stdin, 4))
            source = _read(stdin, size)
        except EOFError:
            return
        answer = pyc_size(source, dfile)
        del source
        stdout.write(answer.encode("ascii") + b"\n")
        stdout.flush()


def main(argv: list[str]) -> int:
    """Limit, introduce, serve."""
    limit(int(argv[1]), int(argv[2]))
    out = sys.stdout.buffer
    version = ".".join(str(n) for n in sys.version_info[:3])
    out.write(f"wheelfit-pyc {PROTOCOL} {sys.implementation.name} {version}\n".encode("ascii"))
    out.flush()
    serve(sys.stdin.buffer, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
