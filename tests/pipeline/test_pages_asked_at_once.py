"""A cold check asks for every page the input names at once: the second project's page is
requested while the first one's is still on its way, not after it (the first page no longer
holds the others back; an index that is down still fails the run, exit 5, as the reliability
tests show). Waits for the requests to show on the server; never asserts how fast."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from cli_inprocess import run_main
from index_builders import metadata, publish, wheel, wheel_name
from index_server import IndexServer, Slow

HELD = 3.0  # seconds the first page is held back


def test_second_page_is_asked_for_while_the_first_is_held(server: IndexServer,
                                                           tmp_path: Path) -> None:
    for name in ("alpha", "beta"):
        body = metadata(name, "1.0")
        url = publish(server, name, {wheel_name(name, "1.0"): wheel(name, "1.0", body)},
                      meta={wheel_name(name, "1.0"): body})
    server.fault("/simple/alpha/", Slow(HELD))
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("alpha==1.0\nbeta==1.0\n")
    run = threading.Thread(target=run_main, args=([
        "check", str(requirements), "-i", url, "--cache-dir", str(tmp_path / "cache"),
        "--format", "json", "-o", str(tmp_path / "out.json"), "-q"],), daemon=True)
    run.start()
    deadline = time.monotonic() + 60
    while not server.hits_for("/simple/alpha/") and time.monotonic() < deadline:
        time.sleep(0.01)
    alpha_asked = time.monotonic()
    while not server.hits_for("/simple/beta/") and time.monotonic() < deadline:
        time.sleep(0.01)
    beta_after = time.monotonic() - alpha_asked
    run.join(60)
    assert beta_after < HELD - 1.0, f"beta's page was asked for {beta_after:.1f} s after alpha's"
