#!/usr/bin/env python3
"""Compare wheelfit's apk plans with Alpine's own recipes (issue 13, item 8, Alpine part).

Alpine's archive is not reachable from here, so instead of building, each plan wheelfit gives
for python:alpine (`wheelfit check REQ --python 3.13 --target alpine --no-binary NAME
--format json`) is compared with the project's py3-* APKBUILD as extracted in
<shared>/alpine/py3-packages.tsv (aports 0e8f5b7e6a38):

    tools/alpine_crosscheck.py [--shared DIR] [--wheelfit PATH] SPEC|@FILE ...

Build: Alpine's makedepends minus its own Python build drivers (python3-dev, py3-*, cython,
meson, swig... : whatever the mapping's pip_provides says pip fetches from PyPI, since
python:alpine images build with pip, not with abuild) must each be in wheelfit's apk build
list, or be provided through a package wheelfit lists (an Alpine -dev counts as covered when
wheelfit lists a package in its depends_dev, from all-recipes.tsv: mariadb-dev pulls
mariadb-connector-c-dev; its runtime is then not compared, the `via` column says so).
build-base is implied by abuild and not compared.
Runtime: for each Alpine -dev library origin (lib_dev_origin_and_runtime_pkgs), at least one
of that origin's runtime packages must be in wheelfit's apk_runtime list.
A project with no py3-* recipe is reported as `no recipe` and left out of the totals.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SHARED = Path("/work/shared/data")
DRIVERS = {"python3-dev", "cython", "meson", "samurai", "ninja", "swig", "musl-dev", "cmake",
           "build-base", "gcc", "g++", "make"}
csv.field_size_limit(1 << 24)


@dataclass
class Check:
    """One project's comparison."""

    name: str
    version: str
    recipe: str = ""
    alpine_build: list[str] = field(default_factory=list)
    wheelfit_build: list[str] = field(default_factory=list)
    wheelfit_runtime: list[str] = field(default_factory=list)
    missing_build: list[str] = field(default_factory=list)
    extra_build: list[str] = field(default_factory=list)
    missing_runtime: list[str] = field(default_factory=list)
    via: list[str] = field(default_factory=list)
    needs: int = 0

    @property
    def agrees(self) -> bool:
        """Every Alpine build need and runtime library is in wheelfit's plan."""
        return bool(self.recipe) and not self.missing_build and not self.missing_runtime


def normal(name: str) -> str:
    """PEP 503 normal form."""
    return re.sub(r"[-_.]+", "-", name).lower()


def load_recipes(shared: Path) -> tuple[dict[str, dict[str, str]], dict[str, set[str]]]:
    """py3-* rows by PyPI name, and each apk package's depends_dev (from its origin recipe)."""
    recipes: dict[str, dict[str, str]] = {}
    with (shared / "alpine/py3-packages.tsv").open() as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            key = normal(row["pypi_canonical_name"] or row["pypi_name"] or "")
            if key and (key not in recipes or row["pypi_name_confidence"] == "high"):
                recipes[key] = row
    depends_dev: dict[str, set[str]] = {}
    with (shared / "alpine/all-recipes.tsv").open() as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            deps = {strip_version(d) for d in row["depends_dev"].split()}
            for sub in [row["pkgname"], *row["subpackages"].split()]:
                depends_dev.setdefault(sub.split(":")[0], set()).update(deps)
    return recipes, depends_dev


def strip_version(dep: str) -> str:
    """`openssl-dev>3` -> `openssl-dev`."""
    return re.split(r"[<>=~]", dep, maxsplit=1)[0]


def pip_provided(name: str, pip_provides: set[str]) -> bool:
    """Alpine's packaging of a PyPI build tool (py3-setuptools, cython ...)."""
    if name in DRIVERS or name.startswith("py3-"):
        return True
    return normal(name) in pip_provides


def wheelfit_apk(wheelfit: str, name: str, version: str) -> tuple[list[str], list[str]]:
    """wheelfit's apk build and runtime packages for name==version built from source."""
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text(f"{name}=={version}\n")
        proc = subprocess.run([wheelfit, "check", str(req), "--python", "3.13", "--target",
                               "alpine", "--no-binary", name, "--format", "json"],
                              capture_output=True, text=True, timeout=300)
    report = json.loads(proc.stdout)
    commands = report.get("commands") or {}
    return (list(commands.get("apk_build_packages", [])),
            list(commands.get("apk_runtime_packages", [])))


def runtime_groups(cell: str) -> list[tuple[str, set[str]]]:
    """`cairo-dev=main/cairo(cairo,cairo-gobject) ...` -> [(cairo-dev, {cairo, ...})]."""
    groups = []
    for dev, pkgs in re.findall(r"(\S+?)=\S+?\(([^)]*)\)", cell):
        groups.append((dev, set(pkgs.split(","))))
    return groups


def compare(spec: str, wheelfit: str, recipes: dict[str, dict[str, str]],
            depends_dev: dict[str, set[str]], pip_provides: set[str]) -> Check:
    """Compare one project's apk plan with its Alpine recipe."""
    name, version = spec.split()[0].split("==")
    check = Check(name, version)
    check.wheelfit_build, check.wheelfit_runtime = wheelfit_apk(wheelfit, name, version)
    row = recipes.get(normal(name))
    if row is None:
        return check
    check.recipe = row["recipe_path"].removesuffix("/APKBUILD")
    alpine = [strip_version(d) for d in row["makedepends"].split()]
    check.alpine_build = [d for d in alpine if not pip_provided(d, pip_provides)]
    ours = set(check.wheelfit_build)
    provided = set().union(*(depends_dev.get(p, set()) for p in ours)) if ours else set()
    via: dict[str, str] = {}
    for dep in check.alpine_build:
        alternative = sorted(depends_dev.get(dep, set()) & ours)
        if alternative and dep not in ours:
            via[dep] = alternative[0]
        elif dep not in ours and dep not in provided:
            check.missing_build.append(dep)
    check.via = [f"{dep}→{alt}" for dep, alt in via.items()]
    check.extra_build = sorted(ours - set(alpine) - {"build-base"})
    runtime = set(check.wheelfit_runtime)
    for dev, pkgs in runtime_groups(row["lib_dev_origin_and_runtime_pkgs"]):
        if pip_provided(dev, pip_provides) or dev in {"musl-dev", "linux-headers"} or dev in via:
            continue
        check.needs += 1
        if not pkgs & runtime:
            check.missing_runtime.append(f"{dev}→{'|'.join(sorted(pkgs))}")
    check.needs += len(check.alpine_build)
    return check


def render(checks: list[Check]) -> str:
    """Markdown table and totals."""
    out = ["| package | Alpine recipe | Alpine build needs | wheelfit apk build | wheelfit apk "
           "runtime | missing (build) | missing (runtime) | extra in wheelfit | via | agrees |",
           "|" + "---|" * 10]
    for c in checks:
        out.append(f"| {c.name} {c.version} | {c.recipe or 'no recipe'} | "
                   f"{' '.join(c.alpine_build) or '-'} | {' '.join(c.wheelfit_build) or '-'} | "
                   f"{' '.join(c.wheelfit_runtime) or '-'} | {' '.join(c.missing_build) or '-'} | "
                   f"{' '.join(c.missing_runtime) or '-'} | {' '.join(c.extra_build) or '-'} | "
                   f"{' '.join(c.via) or '-'} | "
                   f"{('yes' if c.agrees else 'no') if c.recipe else 'n/a'} |")
    with_recipe = [c for c in checks if c.recipe]
    agree = sum(c.agrees for c in with_recipe)
    out += ["", f"Projects with an Alpine recipe: {len(with_recipe)} of {len(checks)}; "
            f"wheelfit's apk plan covers the recipe's build and runtime needs for {agree} of "
            f"{len(with_recipe)} ({100 * agree / max(len(with_recipe), 1):.1f}%)."]
    needs = sum(c.needs for c in with_recipe)
    met = needs - sum(len(c.missing_build) + len(c.missing_runtime) for c in with_recipe)
    out.append(f"Single needs (a recipe's build package, or one runtime library per -dev "
               f"origin) covered: {met} of {needs} ({100 * met / max(needs, 1):.1f}%).")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--wheelfit", default=str(Path(sys.executable).with_name("wheelfit")))
    parser.add_argument("--mapping", type=Path,
                        default=Path(__file__).parent.parent / "data/apk-mapping.json")
    parser.add_argument("specs", nargs="+")
    args = parser.parse_args(argv)
    specs: list[str] = []
    for arg in args.specs:
        if arg.startswith("@"):
            specs += [ln.split("#")[0].strip() for ln in Path(arg[1:]).read_text().splitlines()
                      if ln.split("#")[0].strip()]
        else:
            specs.append(arg)
    pip_provides = {normal(n) for n in json.loads(args.mapping.read_text())["pip_provides"]}
    recipes, depends_dev = load_recipes(args.shared)
    checks = [compare(s, args.wheelfit, recipes, depends_dev, pip_provides) for s in specs]
    print(render(checks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
