#!/usr/bin/env python3
"""Write a snapshot's project pages as the two bodies an index sends, one file per page.

    PYTHONPATH=tests:bench .venv/bin/python bench/page_bodies.py SNAPSHOT OUT PORT

`OUT/loop/<name>.json` is the page as `bench/serve.py` on PORT serves it (URLs to
127.0.0.1, metadata keys last); `OUT/raw/<name>.json` is the page as recorded (the form this
machine's index sends live). `bench/memo_ab.py` parses them.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

from serve import BenchIndex


def main() -> int:
    snapshot, out, port = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    for kind in ("loop", "raw"):
        (out / kind).mkdir(parents=True, exist_ok=True)
    index = BenchIndex(snapshot, port=port).start()
    try:
        for name in index.data.names:
            (out / "loop" / f"{name}.json").write_bytes(index._page_body(name, "json"))
            raw = gzip.decompress((snapshot / "pages" / f"{name}.json.gz").read_bytes())
            (out / "raw" / f"{name}.json").write_bytes(raw)
    finally:
        index.stop()
    print(len(index.data.names), "pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
