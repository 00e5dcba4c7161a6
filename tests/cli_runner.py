"""Run the real `wheelfit` command in a subprocess and check a clean error (shared by the
CLI error tests and the lock-marker tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, hermetic: no pip config, a private cache."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    full_env["PIP_CONFIG_FILE"] = os.devnull
    full_env["WHEELFIT_CACHE_DIR"] = str(cwd / ".cache")
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "wheelfit", *args], cwd=cwd, env=full_env,
        capture_output=True, text=True, timeout=120,
    )


def assert_clean_error(result: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in result.stderr
