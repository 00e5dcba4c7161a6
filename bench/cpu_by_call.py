"""CPU (thread time) spent inside a few index-layer calls of one wheelfit run, summed over
threads, with the run's own and its children's CPU: for A/B runs of the request path.

    python bench/cpu_by_call.py OUT.txt check bench/inputs/top-500.txt --python 3.12 \
        -i http://127.0.0.1:18531/simple --cache-dir <fresh> --format json -o out.json

Nested calls count in each wrapper they pass through (`IndexClient._once` holds the rest).
"""

import atexit
import collections
import resource
import runpy
import sys
import threading
import time

_acc: dict[str, float] = collections.defaultdict(float)
_count: collections.Counter[str] = collections.Counter()
_lock = threading.Lock()
_depth = threading.local()


def _timed(owner, name, by=None):
    original = getattr(owner, name)
    base = f"{owner.__name__}.{name}"

    def timed(*args, **kwargs):
        key = base if by is None else f"{base}[{by(*args)}]"
        inside = getattr(_depth, key, 0)
        setattr(_depth, key, inside + 1)
        started = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            setattr(_depth, key, inside)
            if not inside:  # a recursive call is already counted by its outer call
                spent = time.thread_time() - started
                with _lock:
                    _acc[key] += spent
                    _count[key] += 1
    setattr(owner, name, timed)


def _report(path):
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [f"self {own.ru_utime + own.ru_stime:.2f} s (user {own.ru_utime:.2f} sys "
             f"{own.ru_stime:.2f}); children {children.ru_utime + children.ru_stime:.2f} s; "
             f"peak RSS {own.ru_maxrss // 1024} MB"]
    lines += [f"{_acc[k]:8.3f} s {_count[k]:7d}  {k}" for k in sorted(_acc, key=lambda k: -_acc[k])]
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


def main():
    path = sys.argv.pop(1)
    from wheelfit.index import cache, client, files, http, pagefetch
    _timed(client.IndexClient, "_once")
    _timed(http.Transport, "get")
    _timed(http.Transport, "_send")
    _timed(cache.Store, "put", lambda store, key, payload: store.directory.name)
    _timed(cache.Store, "get")
    _timed(files.FileReader, "_wheel")
    _timed(files.FileReader, "metadata")
    _timed(pagefetch.PageFetcher, "fetch")
    atexit.register(_report, path)
    sys.argv[0] = "wheelfit"
    runpy.run_module("wheelfit", run_name="__main__")


if __name__ == "__main__":
    main()
