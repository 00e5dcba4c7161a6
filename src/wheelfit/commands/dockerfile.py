"""`wheelfit dockerfile`: check one input, then write the Dockerfile of a variant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wheelfit.commands.check import check_all
from wheelfit.commands.inputs import IndexPool, load_inputs

if TYPE_CHECKING:
    from pathlib import Path

    from wheelfit.commands.options import RunOptions

# How each lock or project format becomes the requirements file the Dockerfile installs.
EXPORT_COMMANDS = {
    "uv-lock": "uv export --format requirements-txt --no-hashes -o requirements.txt",
    "poetry-lock": "poetry export -f requirements.txt --without-hashes -o requirements.txt",
    "pipfile-lock": "pipenv requirements > requirements.txt",
    "pyproject": "uv pip compile pyproject.toml -o requirements.txt",
    "pylock": "export the lock's packages as NAME==VERSION lines to requirements.txt",
}


def run_dockerfile(path: Path, options: RunOptions) -> str:
    """`wheelfit dockerfile`: a Dockerfile for the recommended or chosen variant."""
    from pathlib import Path

    from wheelfit.formats.dockerfile import dockerfile

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
    if specs[0].format == "requirements" and path.exists():
        return dockerfile(report, variant, requirements_path=path.name)
    export = EXPORT_COMMANDS.get(specs[0].format, "export it to requirements.txt")
    text = dockerfile(report, variant, requirements_path="requirements.txt")
    note = (f"# pip cannot read {path.name}; create requirements.txt next to it first:\n"
            f"#   {export}\n")
    first, _, rest = text.partition("\n")
    return f"{first}\n{note}{rest}" if first.startswith("# syntax") else note + text
