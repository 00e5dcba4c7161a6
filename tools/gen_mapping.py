#!/usr/bin/env python3
"""Generate data/apk-mapping.yaml from Alpine's recipes and the hand-curated sources.

    .venv/bin/python tools/gen_mapping.py [--shared DIR] [--pypi-ranks FILE] [--check]
    .venv/bin/python tools/gen_mapping.py --compact-only [--check]

Inputs:
  tools/mapping-src/curated.yaml    header (the schema), kinds, shared, sonames and the
                                    hand-checked projects, copied as they are;
  tools/mapping-src/libraries.yaml  apk build package -> apk runtime / apt translation;
  <shared>/alpine/py3-packages.tsv  Alpine's py3-* recipes (aports 0e8f5b7e6a38);
  <shared>/alpine/all-recipes.tsv   every apk package name, to check the names used;
  a PyPI rank list (name, version, month, rank) for the coverage rule, falling back to
  py3-packages.tsv's own pypi_download_rank column.

Outputs: data/apk-mapping.yaml, its JSON twin data/apk-mapping.json (the same
data, which is what wheelfit loads at run time: no PyYAML import, no YAML parse),
tests/data/builddeps/coverage.tsv (the projects the coverage rule selects) and
tests/data/builddeps/apk-names.txt (the apk names the mapping uses that Alpine has).
Coverage rule: Alpine builds the project per arch (py3-packages.tsv noarch == "no") and it is
among the 5,000 most downloaded on PyPI.
--check writes nothing and fails if the outputs would change. --compact-only rewrites (or
with --check, compares) only the JSON twin, from data/apk-mapping.yaml as it is.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "tools" / "mapping-src"
OUT = REPO / "data" / "apk-mapping.yaml"
COMPACT = REPO / "data" / "apk-mapping.json"
TESTDATA = REPO / "tests" / "data" / "builddeps"
APORTS = "0e8f5b7e6a38 (2025-03-18)"
RANK_LIMIT = 5000
RUST_MARKERS = {"cargo", "py3-maturin", "maturin", "py3-setuptools-rust"}
CXX_MARKERS = {"py3-pybind11-dev", "py3-cppy", "py3-scikit-build-core", "py3-sip"}
# Names that exist only as `provides=` inside a subpackage function (all-recipes.tsv
# cannot see them). Keep this empty unless a recipe needs one.
VIRTUAL_APK_NAMES: frozenset[str] = frozenset()

Entry = dict[str, Any]


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a tab-separated file with a header line."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def pypi_ranks(path: Path | None) -> dict[str, int]:
    """Canonical PyPI name -> download rank, from a pypi.tsv-style list."""
    ranks: dict[str, int] = {}
    if path is None or not path.exists():
        return ranks
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        next(reader)
        for row in reader:
            if len(row) > 3 and row[3].strip():
                ranks[canonicalize_name(row[0])] = int(row[3])
    return ranks


def pypi_name(row: dict[str, str]) -> str:
    """The canonical PyPI name of a py3-packages.tsv row."""
    return canonicalize_name(row["pypi_canonical_name"] or row["pypi_name"])


def pick_rows(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """One recipe per PyPI name: py3-<name> first (py3-numpy over py3-numpy1)."""
    best: dict[str, dict[str, str]] = {}
    for row in rows:
        if not (row["pypi_canonical_name"] or row["pypi_name"]):
            continue
        name = pypi_name(row)
        key = (row["pkgname"] != f"py3-{name}", len(row["pkgname"]), row["pkgname"])
        old = best.get(name)
        if old is None or key < (old["pkgname"] != f"py3-{name}", len(old["pkgname"]),
                                 old["pkgname"]):
            best[name] = row
    return best


def coverage(rows: dict[str, dict[str, str]], ranks: dict[str, int]) -> list[tuple[str, int, str]]:
    """(name, rank, Alpine recipe) for every project the coverage rule selects."""
    out = []
    for name, row in rows.items():
        if row["noarch"] != "no":
            continue
        rank = ranks.get(name) if ranks else None
        if rank is None and row["pypi_download_rank"]:
            rank = int(row["pypi_download_rank"])
        if rank is not None and rank <= RANK_LIMIT:
            out.append((name, rank, row["pkgname"]))
    return sorted(out, key=lambda t: (t[1], t[0]))


def add(names: list[str], new: Iterable[str]) -> None:
    """Append names not yet present, keeping order."""
    for n in new:
        if n not in names:
            names.append(n)


def merge_apt(parts: list[Any], releases: list[str]) -> Any:
    """Union apt lists, some of which may be per-release mappings."""
    if not any(isinstance(p, dict) for p in parts):
        flat: list[str] = []
        for p in parts:
            add(flat, p)
        return flat
    per: dict[str, list[str]] = {r: [] for r in releases}
    for p in parts:
        for r in releases:
            add(per[r], p[r] if isinstance(p, dict) else p)
    if all(per[r] == per[releases[0]] for r in releases):
        return per[releases[0]]
    return per


def generated_entry(row: dict[str, str], libs: Entry, releases: list[str]) -> Entry:
    """A project entry translated from one Alpine recipe."""
    name = pypi_name(row)
    recipe = f"aports:{row['recipe_path']}@{APORTS}"
    entry: Entry = {}
    if name in set(libs["pure_python"]):
        entry["native"] = []
    else:
        deps = [re.split(r"[<>=~]", d)[0] for d in row["makedepends"].split()]
        kinds: list[str] = []
        if RUST_MARKERS & set(deps):
            kinds.append("rust")
        else:
            cxx = CXX_MARKERS & set(deps) or name in set(libs.get("cxx", []))
            kinds.append("c++" if cxx else "c")
        if "cython" in deps or "py3-cython" in deps:
            kinds.append("cython")
        if "gfortran" in deps:
            kinds.append("fortran")
        implied = {"rust": ["rust"], "fortran": ["fortran"]}
        uses: list[str] = []
        apk: list[str] = []
        apk_rt: list[str] = []
        apt: list[Any] = []
        apt_rt: list[Any] = []
        missing: dict[str, str] = {}
        for dep in deps:
            if dep in libs["drop"] or dep.startswith("py3-"):
                continue
            if dep in libs["uses"]:
                skip = {u for k in kinds for u in implied.get(k, [])}
                add(uses, [u for u in libs["uses"][dep] if u not in skip])
                continue
            lib = libs["packages"].get(dep)
            if lib is None:
                raise SystemExit(f"{row['pkgname']}: no translation for apk package {dep!r}")
            if "uses" in lib:
                add(uses, lib["uses"])
                continue
            add(apk, [dep])
            add(apk_rt, lib["apk_runtime"])
            apt.append(lib["apt"])
            apt_rt.append(lib["apt_runtime"])
            for release, need in lib.get("apt_missing", {}).items():
                missing.setdefault(release, need)
        entry["native"] = kinds
        for key, value in (("uses", uses), ("apk", apk), ("apk_runtime", apk_rt),
                           ("apt", merge_apt(apt, releases)),
                           ("apt_runtime", merge_apt(apt_rt, releases)),
                           ("apt_missing", missing)):
            if value:
                entry[key] = value
    entry["alpine_package"] = {"name": row["pkgname"],
                               "version": f"{row['pkgver']}-r{row['pkgrel']}"}
    entry["source"] = [recipe]
    return entry


def build_projects(curated: Entry, rows: dict[str, dict[str, str]],
                   cov: list[tuple[str, int, str]], libs: Entry) -> dict[str, Entry]:
    """Generated entries for the coverage set, overridden by the curated ones."""
    releases = curated["debian_releases"]
    projects: dict[str, Entry] = {}
    for name, _rank, _pkg in cov:
        projects[name] = generated_entry(rows[name], libs, releases)
    for name, entry in curated["projects"].items():
        entry = dict(entry)
        row = rows.get(name)
        if row is not None:
            entry.setdefault("alpine_package", {"name": row["pkgname"],
                                                "version": f"{row['pkgver']}-r{row['pkgrel']}"})
            recipe = f"aports:{row['recipe_path']}@{APORTS}"
            sources = list(entry.get("source") or [])
            if recipe not in sources:
                sources.append(recipe)
            entry["source"] = sources
        projects[name] = entry
    missing_pure = set(libs["pure_python"]) - set(projects)
    if missing_pure:
        print(f"note: pure_python names outside the mapping: {sorted(missing_pure)}",
              file=sys.stderr)
    return dict(sorted(projects.items()))


def apk_names_used(doc: Entry) -> set[str]:
    """Every apk package name the mapping mentions."""
    names: set[str] = set()

    def entry(e: Entry) -> None:
        for key in ("apk", "apk_runtime", "apk_dev"):
            v = e.get(key)
            names.update([v] if isinstance(v, str) else (v or []))
        for over in e.get("versions") or []:
            entry(over)

    for section in ("shared", "projects", "sonames"):
        for e in (doc.get(section) or {}).values():
            entry(e)
    return names


def alpine_names(path: Path) -> set[str]:
    """Package and subpackage names of all-recipes.tsv (`name:func:arch` -> name)."""
    names: set[str] = set()
    for row in read_tsv(path):
        names.add(row["pkgname"])
        names.update(s.split(":")[0] for s in row["subpackages"].split())
    return names


KEY_ORDER = ("native", "optional", "uses", "apk", "apk_runtime", "apt", "apt_runtime",
             "apt_missing", "env", "versions", "alternatives", "alpine_package", "source",
             "note")


def ordered(entry: Entry) -> Entry:
    """A project entry with its keys in the documented order."""
    return {k: entry[k] for k in sorted(entry, key=lambda k: (
        KEY_ORDER.index(k) if k in KEY_ORDER else len(KEY_ORDER), k))}


def _flowable(value: Any) -> bool:
    if isinstance(value, (int, bool)):
        return True
    if isinstance(value, str):
        return " " not in value and ":" not in value
    if isinstance(value, list):
        return all(_flowable(v) and not isinstance(v, (list, dict)) for v in value)
    if isinstance(value, dict):
        return all(_flowable(v) for v in value.values())
    return False


class _Dumper(yaml.SafeDumper):
    """Flow style for short lists/maps of package names, block style for the rest."""

    def represent_list(self, data: Any) -> Any:
        flow = _flowable(data) and len(str(data)) < 90
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)

    def represent_dict(self, data: Any) -> Any:
        flow = bool(data) and _flowable(data) and len(str(data)) < 90
        return self.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


class _Block(dict):  # type: ignore[type-arg]
    """A mapping always written in block style (the top level, projects, shared)."""


_Dumper.add_representer(list, _Dumper.represent_list)
_Dumper.add_representer(dict, _Dumper.represent_dict)
_Dumper.add_representer(_Block, lambda d, data: d.represent_mapping(
    "tag:yaml.org,2002:map", data.items(), flow_style=False))


def dump(doc: Entry, header: str) -> str:
    """The mapping as YAML: the header comment, then one block per top-level key."""
    parts = [header.rstrip() + "\n"]
    for key, value in doc.items():
        if key == "projects":
            value = _Block({name: _Block(ordered(e)) for name, e in value.items()})
        elif key == "shared":
            value = _Block({name: _Block(e) for name, e in value.items()})
        text = yaml.dump(_Block({key: value}), Dumper=_Dumper, sort_keys=False, width=100,
                         allow_unicode=True)
        if key == "projects":
            text = re.sub(r"\n(  \S)", r"\n\n\1", text)
        parts.append(text)
    return "\n".join(parts)


def compact(yaml_text: str) -> str:
    """The JSON twin of the mapping YAML: the same data, as the safe loader reads it."""
    return json.dumps(yaml.safe_load(yaml_text), ensure_ascii=False,
                      separators=(",", ":")) + "\n"


def main() -> int:
    """Entry point: write (or, with --check, compare) the generated files."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--pypi-ranks", type=Path,
                    default=Path("/work/.library/env/packages/pypi.tsv"))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--compact-only", action="store_true")
    args = ap.parse_args()
    if args.compact_only:
        return write({COMPACT: compact(OUT.read_text(encoding="utf-8"))}, check=args.check,
                     summary="JSON twin of data/apk-mapping.yaml")

    curated_text = (SRC / "curated.yaml").read_text(encoding="utf-8")
    header = curated_text.split("\nschema_version:")[0]
    curated = yaml.safe_load(curated_text)
    libs = yaml.safe_load((SRC / "libraries.yaml").read_text(encoding="utf-8"))
    rows = pick_rows(read_tsv(args.shared / "alpine" / "py3-packages.tsv"))
    ranks = pypi_ranks(args.pypi_ranks)
    cov = coverage(rows, ranks)

    doc: Entry = {k: v for k, v in curated.items() if k != "projects"}
    doc["projects"] = build_projects(curated, rows, cov, libs)

    known = alpine_names(args.shared / "alpine" / "all-recipes.tsv") | VIRTUAL_APK_NAMES
    used = apk_names_used(doc)
    unknown = sorted(used - known)
    if unknown:
        raise SystemExit(f"apk names not in all-recipes.tsv: {unknown}")

    today = datetime.date.today().isoformat()
    text = dump(doc, header)
    outputs = {
        OUT: text,
        COMPACT: compact(text),
        TESTDATA / "coverage.tsv": (
            f"# Coverage rule: Alpine builds it per arch (py3-packages.tsv noarch == no) and\n"
            f"# PyPI download rank <= {RANK_LIMIT}. Derived by tools/gen_mapping.py on {today}\n"
            f"# from aports {APORTS} py3-packages.tsv; PyPI ranks from pypi.tsv's\n"
            "# rank_among_15000_most_downloaded (= py3-packages.tsv pypi_download_rank).\n"
            "name\trank\talpine_recipe\n"
            + "".join(f"{n}\t{r}\t{p}\n" for n, r, p in cov)),
        TESTDATA / "apk-names.txt": (
            f"# apk names used by data/apk-mapping.yaml that exist in aports {APORTS}\n"
            f"# (all-recipes.tsv packages and subpackages). Written by tools/gen_mapping.py.\n"
            + "".join(f"{n}\n" for n in sorted(used))),
    }
    return write(outputs, check=args.check,
                 summary=f"{len(doc['projects'])} projects ({len(cov)} from the coverage "
                 f"rule); {len(used)} apk names")


def write(outputs: dict[Path, str], *, check: bool, summary: str) -> int:
    """Write the outputs that changed (dates aside); with `check`, only report them (exit 1)."""
    stale = []
    for path, text in outputs.items():
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if _strip_dates(old) == _strip_dates(text):
            continue
        stale.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if check and stale:
        print("out of date: " + ", ".join(str(p.relative_to(REPO)) for p in stale))
        return 1
    print(f"{summary}; {'checked' if check else 'written'}: "
          f"{', '.join(str(p.relative_to(REPO)) for p in stale) or 'nothing changed'}")
    return 0


def _strip_dates(text: str | None) -> str | None:
    return None if text is None else re.sub(r"on \d{4}-\d{2}-\d{2}", "", text)


if __name__ == "__main__":
    sys.exit(main())
