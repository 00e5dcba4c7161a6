"""`wheelfit dockerfile`: check one input, then write the Dockerfile of a variant.

A lock is installed by its own tool (`formats/lockdocker.py`). An input pip cannot read
becomes a requirements file first, always with its hashes, and pip then requires them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wheelfit.commands.check import check_all
from wheelfit.commands.inputs import IndexPool, load_inputs

if TYPE_CHECKING:
    from pathlib import Path

    from wheelfit.commands.options import RunOptions

# How an input pip cannot read becomes requirements.txt, hashes included.
EXPORT_COMMANDS = {
    "pyproject": "uv pip compile --generate-hashes pyproject.toml -o requirements.txt",
    "pylock": ("write each package of the lock as `NAME==VERSION --hash=sha256:DIGEST` "
               "(every file hash the lock lists) to requirements.txt"),
}


def run_dockerfile(path: Path, options: RunOptions) -> str:
    """`wheelfit dockerfile`: a Dockerfile for the recommended or chosen variant (with
    `--diff`: the service's own Dockerfile rewritten for it, as a diff)."""
    from pathlib import Path

    if options.diff:
        from wheelfit.commands.migrate import run_migration

        return run_migration(path, options)

    from wheelfit.formats.dockerfile import dockerfile
    from wheelfit.formats.lockdocker import TOOLS, lock_dockerfile

    specs, _ = load_inputs([path], options)
    pool = IndexPool(options)
    try:
        report = check_all(specs, options, pool)[0]
    finally:
        pool.close()
    variant = options.variant or (
        report.recommendation.variant if report.recommendation else "slim")
    if specs[0].dockerfile is not None:  # a Dockerfile given: the file its install reads
        path = Path(specs[0].path)
    fmt = specs[0].format
    if fmt in TOOLS:
        return lock_dockerfile(report, variant, path.name)
    if fmt == "requirements" and path.exists():
        return dockerfile(report, variant, requirements_path=path.name)
    export = EXPORT_COMMANDS.get(
        fmt, "export it to requirements.txt with a --hash for every requirement")
    text = dockerfile(report, variant, requirements_path="requirements.txt",
                      require_hashes=True)
    note = (f"# pip cannot read {path.name}; create requirements.txt next to it first, with "
            f"hashes:\n#   {export}\n")
    first, _, rest = text.partition("\n")
    return f"{first}\n{note}{rest}" if first.startswith("# syntax") else note + text
