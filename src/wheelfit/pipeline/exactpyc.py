"""`--exact-bytecode`: the `.pyc` bytes pip writes for every chosen wheel, computed.

For each wheel verdict, the wheel's `.py` members pip compiles (`compiled_by_pip`) are
fetched by range requests (`PackageIndex.wheel_sources`) and compiled by a CPython of the
target's minor version in a bounded helper process (`sizing/bytecode.py`). The result is
kept in the cache (`<cache>/bytecode/`, by the wheel's sha256 and the compiling CPython's
minor version), so a second run sends nothing and compiles nothing. A wheel shared by both
targets (a pure wheel, the same Python) is computed once. A wheel whose size cannot be had
(a bound, a refused range, `--offline` without a cache entry) keeps the ratio estimate, and
the report says why in a note.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from wheelfit.errors import IndexFault
from wheelfit.index.base import PackageIndex
from wheelfit.index.cache import Store
from wheelfit.index.wheelsummary import compiled_by_pip
from wheelfit.model import Bytecode, DistFile, PackageResult, Status, Target
from wheelfit.sizing.bytecode import (
    DEFAULT_LIMITS,
    BytecodeLimitHit,
    BytecodeLimits,
    compile_wheel,
    find_interpreter,
)

FORMAT = 1
_WHEELS = (Status.BINARY_WHEEL, Status.PURE_WHEEL)
FileOf = Callable[[str, str, str | None], DistFile | None]


@dataclass(frozen=True)
class ExactBytecode:
    """How to compute exact bytecode sizes in a run: the cache folder (None: no cache),
    the worker bounds, and how many wheels compile at once."""

    cache_dir: Path | None = None
    limits: BytecodeLimits = DEFAULT_LIMITS
    workers: int = 2

    def apply(self, packages: Sequence[PackageResult], targets: Mapping[str, Target],
              file_of: FileOf, index: PackageIndex) -> tuple[list[PackageResult], list[str]]:
        """The packages with `Verdict.bytecode` filled where it could be computed, and a
        note for every wheel where it could not."""
        jobs: dict[tuple[str, str, str], DistFile] = {}
        wanted: dict[tuple[str, str], tuple[str, str, str]] = {}
        for pkg in packages:
            for name, verdict in pkg.verdicts.items():
                file = file_of(pkg.name, name, verdict.file) \
                    if verdict.status in _WHEELS else None
                if file is None:
                    continue
                key = (file.url, file.hash() or "", targets[name].python)
                jobs[key] = file
                wanted[(pkg.name, name)] = key
        with ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
            done = dict(zip(jobs, pool.map(lambda k: self._one(jobs[k], k[2], index), jobs),
                            strict=True))
        notes: list[str] = []
        out = []
        for pkg in packages:
            verdicts = dict(pkg.verdicts)
            for name, verdict in pkg.verdicts.items():
                result = done.get(wanted.get((pkg.name, name), ("", "", "")))
                if isinstance(result, Bytecode):
                    verdicts[name] = replace(verdict, bytecode=result)
                elif result is not None:
                    notes.append(f"--exact-bytecode: {pkg.name} {verdict.version or ''} on "
                                 f"{name}: {result}; its bytecode is estimated by the ratio")
            out.append(replace(pkg, verdicts=verdicts))
        return out, list(dict.fromkeys(notes))

    def _one(self, file: DistFile, target: str, index: PackageIndex) -> Bytecode | str:
        """The wheel's bytecode, or why it is unknown."""
        interpreter = find_interpreter(target)
        store = Store(self.cache_dir, "bytecode", max_payload=4096) if self.cache_dir else None
        sha256 = file.hash()
        minor = ".".join(interpreter.version.split(".")[:2])
        key = f"{sha256}\n{target}\n{minor}" if sha256 else None
        if store is not None and key is not None:
            cached = _decode(store.get(key), target)
            if cached is not None:
                return cached
        try:
            compiled = compile_wheel(index.wheel_sources(file, compiled_by_pip), interpreter,
                                     self.limits)
        except (BytecodeLimitHit, IndexFault) as exc:
            return str(exc).rstrip(".")
        except OSError as exc:
            return f"the compile helper could not start ({exc.strerror or exc})"
        result = Bytecode(compiled.pyc_bytes, compiled.files, compiled.failed,
                          interpreter.version, interpreter.exact)
        if store is not None and key is not None:
            store.put(key, _encode(result))
        return result


def _encode(result: Bytecode) -> bytes:
    row = {"v": FORMAT, "pyc": result.pyc_bytes, "files": result.files,
           "failed": result.failed, "python": result.python}
    return json.dumps(row, separators=(",", ":")).encode()


def _decode(data: bytes | None, target: str) -> Bytecode | None:
    """A cache entry; None for anything else (computed again)."""
    if data is None:
        return None
    try:
        row = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(row, dict) or row.get("v") != FORMAT:
        return None
    numbers = [row.get(k) for k in ("pyc", "files", "failed")]
    python = row.get("python")
    if not all(type(n) is int and n >= 0 for n in numbers) or not isinstance(python, str):
        return None
    pyc, files, failed = (int(n) for n in numbers if n is not None)
    exact = ".".join(python.split(".")[:2]) == target
    return Bytecode(pyc, files, failed, python, exact)
