"""Paste fresh output of real runs (live PyPI) into the README's sample blocks.

Each block sits between `<!-- sample:NAME -->` and `<!-- /sample:NAME -->`; run from the
repository root with wheelfit installed: `python tools/update_readme.py`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

SAMPLES = {
    "check": (["check", "examples/requirements.txt"], "text"),
    "markdown": (["check", "--format", "markdown", "examples/requirements.txt"], "markdown"),
    "inspect": (["inspect", "psycopg2-binary"], "text"),
}


def run(args: list[str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env["PIP_CONFIG_FILE"] = os.devnull  # the machine's pip config is not the sample's
    out = subprocess.run([sys.executable, "-m", "wheelfit", *args], env=env,
                         capture_output=True, text=True, timeout=600)
    return out.stdout.rstrip()


def main() -> None:
    readme = Path("README.md")
    text = readme.read_text()
    for name, (args, lang) in SAMPLES.items():
        body = run(args)
        fence = "````" if "```" in body else "```"
        block = (f"<!-- sample:{name} -->\n`wheelfit {' '.join(args)}` "
                 f"(a real run, {date.today()}):\n\n{fence}{lang}\n{body}\n{fence}\n"
                 f"<!-- /sample:{name} -->")
        text = re.sub(rf"<!-- sample:{name} -->.*?<!-- /sample:{name} -->",
                      lambda _m, b=block: b, text, flags=re.S)
    readme.write_text(text)


if __name__ == "__main__":
    main()
