"""The output of `wheelfit inspect`: the wheel matrix as plain text or as JSON-ready data."""

from __future__ import annotations

from typing import Any

from wheelfit.compat.matrix import FAMILIES, IMAGES, InspectResult


def inspect_dict(result: InspectResult) -> dict[str, Any]:
    """The result as JSON-ready data (for `wheelfit inspect --format json`)."""
    return {
        "project": result.project,
        "version": result.version,
        "chosen_by": result.chosen_by,
        "yanked": result.yanked,
        "files": result.files,
        "images": dict(IMAGES),
        "matrix": [{"python": c.python, "platform": c.family, "arch": c.arch,
                    "kind": c.kind, "file": c.file, "tag": c.tag, "untrusted": c.untrusted}
                   for c in result.cells],
        "first_musllinux": dict(result.first_musllinux),
    }


def render_inspect(result: InspectResult) -> str:
    """The matrix as plain text: one row per Python, one column per platform and arch."""
    yanked = ", yanked" if result.yanked else ""
    out = [f"{result.project} {result.version} ({result.chosen_by}{yanked}; "
           f"{result.files} file{'s' if result.files != 1 else ''})",
           f"manylinux = {IMAGES['manylinux']}, musllinux = {IMAGES['musllinux']}", ""]
    columns = [(f, a) for f in FAMILIES for a in result.arches]
    rows = [["python", *[f"{f} {a}" for f, a in columns]]]
    for python in result.pythons:
        row = [python]
        for family, arch in columns:
            cell = result.cell(python, family, arch)
            row.append(cell.kind + (" (linux_)" if cell.untrusted else ""))
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    out.append("")
    out.append("binary: a binary wheel · pure: a pure-Python wheel · sdist: builds from source "
               "· none: cannot be installed")
    firsts = ", ".join(f"{arch} {v or 'never'}" for arch, v in result.first_musllinux)
    out.append(f"First musllinux wheels: {firsts}")
    return "\n".join(out) + "\n"
