"""Run wheelfit and write where its CPU went: per thread (by name), the parse helper
(children), and the CPU spent inside a few network/sdist calls (thread_time deltas).

    python bench/cpu_by_thread.py OUT.txt check bench/inputs/top-500.txt --python 3.12 \
        --cache-dir /var/tmp/wf-x --format json -o out.json -v

Threads still running at exit (daemons) are not counted; the wrappers add a little CPU
(~1 us per socket read).
"""

import atexit
import collections
import resource
import runpy
import ssl
import sys
import threading
import time

_acc: dict[str, float] = collections.defaultdict(float)
_count: collections.Counter[str] = collections.Counter()
_lock = threading.Lock()


def _add(key, seconds):
    with _lock:
        _acc[key] += seconds
        _count[key] += 1


def _per_thread():
    original = threading.Thread.run

    def run(self):
        try:
            original(self)
        finally:
            _add("thread " + self.name.rstrip("0123456789_"), time.thread_time())
    threading.Thread.run = run


def _timed(owner, name, key):
    original = getattr(owner, name)

    def timed(*args, **kwargs):
        started = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            _add(key, time.thread_time() - started)
    setattr(owner, name, timed)


def _timed_generator(owner, name, key):
    original = getattr(owner, name)

    def timed(*args, **kwargs):
        items = original(*args, **kwargs)
        while True:
            started = time.thread_time()
            try:
                item = next(items)
            except StopIteration:
                _add(key, time.thread_time() - started)
                return
            _add(key, time.thread_time() - started)
            yield item
    setattr(owner, name, timed)


def _report(path):
    _add("thread MainThread", time.thread_time())
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [f"process user {own.ru_utime:.2f} s sys {own.ru_stime:.2f} s; children (parse helper) "
             f"user {children.ru_utime:.2f} s sys {children.ru_stime:.2f} s; context switches "
             f"voluntary {own.ru_nvcsw} involuntary {own.ru_nivcsw}"]
    lines += [f"{_acc[k]:8.2f} s {_count[k]:8d}  {k}" for k in sorted(_acc, key=lambda k: -_acc[k])]
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


def main():
    path = sys.argv.pop(1)
    _per_thread()
    _timed(ssl.SSLSocket, "recv_into", "ssl recv_into (calls)")
    _timed(ssl.SSLSocket, "do_handshake", "ssl handshake")
    import urllib3.connection
    _timed(urllib3.connection.HTTPSConnection, "connect", "https connect (CA load + handshake)")
    from wheelfit.index import http, sdist
    _timed(sdist, "tar_members", "sdist tar_members (read + unpack)")
    _timed_generator(http.Transport, "_chunks", "Transport._chunks (body reads)")
    atexit.register(_report, path)
    sys.argv[0] = "wheelfit"
    runpy.run_module("wheelfit", run_name="__main__")


if __name__ == "__main__":
    main()
