#!/usr/bin/env python3
"""Debian package sizes for data/system-packages.tsv from a release's apt index.

For each Debian package data/system-packages.tsv lists for another release (`--like`), what
it adds to a python:slim image of `--release`, from the release's own Packages index
(Installed-Size, KiB), as apt would install it (`apt-get -s install`, no Recommends):

* toolchain (build-essential) and runtime rows: the closure on the slim image's packages;
* build rows: closure(build-essential + P) minus closure(build-essential), what P adds on
  top of the toolchain (the most exact of the methods docs/estimate.md lists for bookworm;
  cargo and rustc, one group, together).

apt runs against a private root (`--root`, made by this script): `sources.list` there names
the release's main, -updates and -security suites on deb.debian.org, and its dpkg status
holds the image's packages (`--image-packages`, one name a line, e.g. the binary packages
repo-info lists for the image), each with the index's candidate stanza. Nothing is
installed; the host's apt state is not touched. Rows go to stdout in the table's format.

Usage:
    python3 tools/debian_closures.py --release bullseye --like bookworm \
        --image-packages PKGS.txt --root /var/tmp/apt-bullseye --source TEXT --date YYYY-MM
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TABLE = HERE.parent / "data" / "system-packages.tsv"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
TOOLCHAIN = "build-essential"
RUST = ("cargo", "rustc")


def setup(root: Path, release: str, arch: str) -> Path:
    """The private apt root for `release`; returns its apt.conf (apt-get update run)."""
    for sub in ("etc/apt/sources.list.d", "etc/apt/preferences.d", "etc/apt/apt.conf.d",
                "var/lib/apt/lists/partial", "var/cache/apt/archives/partial", "var/lib/dpkg"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    status = root / "var/lib/dpkg/status"
    if not status.exists():
        status.write_text("")
    opts = f"[arch={arch} signed-by={KEYRING}]"
    (root / "etc/apt/sources.list").write_text(
        f"deb {opts} http://deb.debian.org/debian {release} main\n"
        f"deb {opts} http://deb.debian.org/debian {release}-updates main\n"
        f"deb {opts} http://deb.debian.org/debian-security {release}-security main\n")
    conf = root / "apt.conf"
    conf.write_text("\n".join([
        f'Dir "{root}/";', f'Dir::State "{root}/var/lib/apt/";',
        f'Dir::State::status "{status}";', f'Dir::Cache "{root}/var/cache/apt/";',
        f'Dir::Etc "{root}/etc/apt/";', f'Dir::Etc::SourceList "{root}/etc/apt/sources.list";',
        f'Dir::Etc::SourceParts "{root}/etc/apt/sources.list.d";',
        f'Dir::Etc::Parts "{root}/etc/apt/apt.conf.d";',
        f'Dir::Etc::PreferencesParts "{root}/etc/apt/preferences.d";',
        f'APT::Architecture "{arch}";', f'APT::Architectures {{ "{arch}"; }};',
        'Acquire::Languages "none";', 'APT::Install-Recommends "false";', ""]))
    apt(conf, "apt-get", "update", "-q")
    return conf


def apt(conf: Path, *args: str) -> str:
    """Run an apt command against the private root."""
    done = subprocess.run(list(args), env={"APT_CONFIG": str(conf), "PATH": "/usr/bin:/bin",
                                           "LC_ALL": "C"},
                          capture_output=True, text=True, check=True)
    return done.stdout


def stanzas(conf: Path, names: list[str]) -> dict[str, str]:
    """Each package's candidate stanza in the index."""
    text = apt(conf, "apt-cache", "show", "--no-all-versions", *names)
    out = {}
    for block in text.strip().split("\n\n"):
        name = re.search(r"^Package: (\S+)", block, re.M)
        if name:
            out[name.group(1)] = block
    return out


def install_image(conf: Path, root: Path, names: list[str]) -> list[str]:
    """Write the image's packages as installed; the names the index does not have."""
    found = stanzas(conf, names)
    blocks = [re.sub(r"^(Package: .*)$", r"\1\nStatus: install ok installed", found[n],
                     count=1, flags=re.M) for n in names if n in found]
    (root / "var/lib/dpkg/status").write_text("\n\n".join(blocks) + "\n")
    return [n for n in names if n not in found]


def closure(conf: Path, names: tuple[str, ...]) -> dict[str, int]:
    """Package → Installed-Size (KiB) of what `apt-get install names` would add."""
    text = apt(conf, "apt-get", "-s", "install", *names)
    added = sorted(set(re.findall(r"^Inst (\S+)", text, re.M)))
    sizes = {}
    for name, block in stanzas(conf, added).items():
        size = re.search(r"^Installed-Size: (\d+)", block, re.M)
        sizes[name] = int(size.group(1)) if size else 0
    return sizes


def rows(like: str) -> list[dict[str, str]]:
    """The Debian rows of the other release (each package once)."""
    lines = [ln for ln in TABLE.read_text().splitlines() if not ln.startswith("#")]
    seen, out = set(), []
    for row in csv.DictReader(lines, delimiter="\t"):
        if row["distro"] == "debian" and row["release"] == like and row["package"] not in seen:
            seen.add(row["package"])
            out.append(row)
    return out


def measure(conf: Path, row: dict[str, str],
            toolchain: dict[str, int]) -> tuple[int, str, str] | None:
    """(KiB, method, closure packages) for one row; None when the package is not in the
    index."""
    name = row["package"]
    wanted = RUST if name in RUST else (name,)
    try:
        if row["role"] == "build":
            both = closure(conf, (TOOLCHAIN, *wanted))
            got = {k: v for k, v in both.items() if k not in toolchain}
            method = (f"on top of build-essential: closure of build-essential+"
                      f"{'+'.join(wanted)} minus build-essential")
        else:
            got, method = closure(conf, wanted), "apt closure on python:slim"
    except subprocess.CalledProcessError:
        return None
    return sum(got.values()), method, ",".join(sorted(got))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--release", required=True)
    parser.add_argument("--like", default="bookworm")
    parser.add_argument("--arch", default="amd64")
    parser.add_argument("--image-packages", type=Path, required=True)
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--date", required=True)
    parser.add_argument("--closures", type=Path, help="also write each row's closure here")
    args = parser.parse_args()
    conf = setup(args.root, args.release, args.arch)
    image = [n.strip() for n in args.image_packages.read_text().split() if n.strip()]
    missing = install_image(conf, args.root, image)
    if missing:
        print(f"# image packages not in the index: {' '.join(missing)}", file=sys.stderr)
    toolchain = closure(conf, (TOOLCHAIN,))
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    notes = []
    for row in rows(args.like):
        got = measure(conf, row, toolchain)
        if got is None:
            print(f"# {row['package']}: not in {args.release}'s index", file=sys.stderr)
            continue
        kib, method, members = got
        low = 0.9 if row["role"] == "build" else 0.95
        out.writerow(["debian", args.release, row["package"], row["role"], row["group"], kib,
                      round(kib * low), round(kib * 1.05), "measured", method, args.source,
                      args.date])
        notes.append(f"{row['package']}\t{kib}\t{members}")
    if args.closures:
        args.closures.write_text("\n".join(notes) + "\n")


if __name__ == "__main__":
    main()
