#!/usr/bin/env python3
"""Run `wheelfit ARGS...` in this process and print, on stderr, the threads it started (by
name prefix) and the processes it spawned: how a warm run that the cache answers is checked
for worker threads (issue 15, warm line).

    PYTHONPATH=src python bench/threads_started.py check bench/inputs/top-500.txt \\
        --python 3.12 --cache-dir /var/tmp/wf-x --format json -o out.json
"""

from __future__ import annotations

import atexit
import collections
import runpy
import subprocess
import sys
import threading
from typing import Any

started: collections.Counter[str] = collections.Counter()
spawned: list[Any] = []
_start = threading.Thread.start
_popen = subprocess.Popen.__init__


def _counting_start(self: threading.Thread) -> None:
    started[self.name.rsplit("_", 1)[0]] += 1
    _start(self)


def _counting_popen(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
    spawned.append(args[0] if args else kwargs.get("args"))
    _popen(self, *args, **kwargs)


threading.Thread.start = _counting_start  # type: ignore[method-assign]
subprocess.Popen.__init__ = _counting_popen  # type: ignore[method-assign]
atexit.register(lambda: print(f"threads started: {dict(started)}; processes: {len(spawned)}",
                              file=sys.stderr))
sys.argv = ["wheelfit", *sys.argv[1:]]
runpy.run_module("wheelfit", run_name="__main__")
