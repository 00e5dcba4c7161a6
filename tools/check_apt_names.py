#!/usr/bin/env python3
"""Check every Debian package name wheelfit's data can print, for every release the data lists.

    .venv/bin/python tools/check_apt_names.py --debian DIR [--write] [--suggest]

DIR holds ``Packages-<release>.xz`` per release (the archive's
``dists/<release>/main/binary-amd64/Packages.xz``; for an old release, its -updates and
-security indexes concatenated in) and, for ``--suggest``, ``Contents-amd64-<release>.gz``
and ``Contents-all-<release>.gz``.

Names come from the product's own loaders, per release: data/apk-mapping.yaml (every apt
list, `AptNames.for_release`), data/system-libraries.tsv (`LibraryRow.apt_for`),
data/toolchains.tsv (llvm-{N}-dev expanded), data/system-package-deps.tsv and the toolchain
packages `wheelfit.buildneeds.buildplan` names itself. Prints, per release, how many names
there are and which the index lacks (with the data path using each).

``--write`` records tests/data/builddeps/apt-names-<release>.txt: the names used that the
release has (tests/buildneeds/test_names.py and test_systemlibs.py check against them).
``--suggest`` prints, for each missing name, the release's packages shipping the same
library stem (lib<stem>.so.N) or the same .pc file as the missing name ships in the
other releases: a starting point for a hand-checked answer, never written anywhere.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import lzma
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from wheelfit.buildneeds.buildplan import TOOLS  # noqa: E402
from wheelfit.buildneeds.mapping import AptNames, bundled_mapping  # noqa: E402
from wheelfit.buildneeds.systemlibs import (  # noqa: E402
    bundled_package_deps,
    bundled_system_libraries,
    bundled_toolchains,
)

OUT = ROOT / "tests" / "data" / "builddeps"
_LIB = re.compile(r"(?:usr/)?lib/x86_64-linux-gnu/(lib[^/]+?)\.so\.\d[^/]*$")
_PC = re.compile(r"usr/(?:lib/x86_64-linux-gnu|share|lib)/pkgconfig/([^/]+)\.pc$")


def releases() -> tuple[str, ...]:
    """Every Debian release the data names, oldest first as the mapping lists them."""
    listed = list(bundled_mapping().debian_releases)
    extra = {t.release for t in bundled_toolchains() if t.distro == "debian"}
    extra |= {rel for (distro, rel, _) in bundled_package_deps() if distro == "debian"}
    return (*listed, *sorted(extra - set(listed)))


def used_names(release: str) -> dict[str, str]:
    """name -> the first data path that prints it for `release`."""
    out: dict[str, str] = {}
    mapping = bundled_mapping()
    lists: list[tuple[str, AptNames]] = []
    for name, shared in mapping.shared.items():
        lists += [(f"mapping shared.{name}", shared.spec.apt),
                  (f"mapping shared.{name}", shared.spec.apt_runtime)]
    for name, entry in mapping.projects.items():
        for i, spec in enumerate((entry.spec, *(o.spec for o in entry.versions))):
            where = f"mapping projects.{name}" + (f".versions[{i - 1}]" if i else "")
            lists += [(where, spec.apt), (where, spec.apt_runtime)]
    for soname, so in mapping.sonames.items():
        lists += [(f"mapping sonames.{soname}", so.apt), (f"mapping sonames.{soname}",
                                                          so.apt_dev)]
    for where, names in lists:
        for n in names.for_release(release):
            out.setdefault(n, where)
    for row in bundled_system_libraries().rows.values():
        side = row.apt_for(release)
        for n in (*side.build, *side.runtime):
            out.setdefault(n, f"system-libraries.tsv:{row.line}")
    for tool in bundled_toolchains():
        if tool.distro == "debian" and tool.release == release:
            for p in tool.packages:
                for v in (tool.versions if "{N}" in p else ("",)):
                    out.setdefault(p.replace("{N}", v), f"toolchains.tsv {tool.tool}")
    for (distro, rel, package), pulls in bundled_package_deps().items():
        if distro == "debian" and rel == release:
            for n in (package, *pulls):
                out.setdefault(n, "system-package-deps.tsv")
    for tools in TOOLS.values():
        build, runtime = tools[2], tools[3]
        for n in (*build, *runtime):
            out.setdefault(n, "buildplan.TOOLS")
    out.setdefault("pkg-config", "buildplan._PKG_CONFIG")
    return out


def index_names(folder: Path, release: str) -> set[str]:
    """The `Package:` names of the release's Packages index."""
    with lzma.open(folder / f"Packages-{release}.xz", "rt", errors="replace") as fh:
        return {line.split()[1] for line in fh if line.startswith("Package: ")}


def contents(folder: Path, release: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """package -> library stems / .pc names it ships; and the reverse, stem/pc -> packages."""
    ships: dict[str, set[str]] = defaultdict(set)
    owners: dict[str, set[str]] = defaultdict(set)
    for part in ("amd64", "all"):
        with gzip.open(folder / f"Contents-{part}-{release}.gz", "rt", errors="replace") as fh:
            for line in fh:
                path, _, pkgs = line.rstrip("\n").rpartition(" ")
                m = _LIB.match(path.strip()) or _PC.match(path.strip())
                if not m:
                    continue
                key = m.group(1) if m.re is _LIB else m.group(1) + ".pc"
                for p in pkgs.split(","):
                    name = p.rsplit("/", 1)[-1]
                    ships[name].add(key)
                    owners[key].add(name)
    return ships, owners


def stem(key: str) -> str:
    """libldap-2.5 / libssl -> libldap / libssl (versioned library names drop the version)."""
    return re.sub(r"-[\d.]+$", "", key)


def suggest(missing: list[str], release: str, others: list[str], folder: Path) -> None:
    _, here_owners = contents(folder, release)
    by_stem: dict[str, set[str]] = defaultdict(set)
    for key, pkgs in here_owners.items():
        by_stem[stem(key)] |= pkgs
    theirs = [contents(folder, o)[0] for o in others]
    for name in missing:
        keys = set().union(*(t.get(name, set()) for t in theirs))
        found = sorted({p for k in keys for p in by_stem.get(stem(k), ())
                        if not p.endswith(("-dbg", "-dbgsym"))})
        print(f"  {name}: ships {sorted(keys)[:6]} -> {release}: {found[:8] or '?'}")


def write(release: str, used: set[str], known: set[str], folder: Path) -> None:
    path = OUT / f"apt-names-{release}.txt"
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    index = "main" if release in ("trixie", "bookworm") else \
        f"main + {release}-updates + {release}-security"
    head = (f"# Debian {release} ({index}, amd64) package names that wheelfit's data prints\n"
            f"# for {release} (data/apk-mapping.yaml, system-libraries.tsv, toolchains.tsv, "
            "system-package-deps.tsv).\n"
            f"# Recorded {today} from deb.debian.org Packages.xz by tools/check_apt_names.py\n"
            f"# ({len(known)} package names in the index; only the ones used are kept).\n")
    path.write_text(head + "".join(n + "\n" for n in sorted(used & known)), encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debian", type=Path, required=True)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--suggest", action="store_true")
    parser.add_argument("--release", action="append", default=[],
                        help="also check this release (what the data prints for it today)")
    args = parser.parse_args(argv)
    listed = (*releases(), *(r for r in args.release if r not in releases()))
    bad = 0
    for release in listed:
        used = used_names(release)
        known = index_names(args.debian, release)
        missing = sorted(n for n in used if n not in known)
        bad += len(missing)
        print(f"{release}: {len(used)} names used, {len(used) - len(missing)} in the index "
              f"({len(known)} packages), {len(missing)} missing")
        for n in missing:
            print(f"  missing {n}  ({used[n]})")
        if args.suggest and missing:
            suggest(missing, release, [r for r in listed if r != release], args.debian)
        if args.write:
            write(release, set(used), known, args.debian)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
