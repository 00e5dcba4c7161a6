#!/usr/bin/env bash
# Record which Debian package names exist in bookworm and trixie (main, amd64), for the
# apt names that data/apk-mapping.yaml uses (and any extra names given as arguments).
#
#   tools/record_apt_names.sh [extra-name ...]
#
# Writes tests/data/builddeps/apt-names-{bookworm,trixie}.txt: a dated header, then the
# names (one a line, sorted) that the mapping mentions AND that the release really has.
# tests/builddeps/test_names.py then asserts every apt name of the mapping is listed in
# both files, so a name missing from a release fails the test until the mapping is fixed.
#
# Uses a private apt state per release (never touches the system's lists); needs apt-get,
# network access to deb.debian.org, and the repo's .venv (PyYAML) to read the mapping.
# APT_NAMES_KEEP=DIR also keeps each release's full name list as DIR/<release>.txt.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/tests/data/builddeps"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

"$repo/.venv/bin/python" - "$repo/data/apk-mapping.yaml" "$@" > "$work/wanted" <<'PY'
import sys
import yaml

doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8")) or {}
names = set(sys.argv[2:])


def add(value):
    if isinstance(value, str):
        names.add(value)
    elif isinstance(value, list):
        names.update(v for v in value if isinstance(v, str))
    elif isinstance(value, dict):  # per-release form {bookworm: [...], trixie: [...]}
        for v in value.values():
            add(v)


def entry(e):
    for key in ("apt", "apt_runtime"):
        add(e.get(key))
    for over in e.get("versions") or []:
        for key in ("apt", "apt_runtime"):
            add(over.get(key))


for e in (doc.get("shared") or {}).values():
    if isinstance(e, dict):
        entry(e)
for e in (doc.get("projects") or {}).values():
    entry(e)
for e in (doc.get("sonames") or {}).values():
    for key in ("apt", "apt_dev"):
        add(e.get(key))
print("\n".join(sorted(names)))
PY

for release in bookworm trixie; do
    state="$work/$release"
    mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $release main" > "$state/sources.list"
    opts=(
        -o "Dir::State=$state" -o "Dir::State::Lists=$state/lists"
        -o "Dir::State::status=/dev/null"
        -o "Dir::Cache=$state/cache"
        -o "Dir::Etc::SourceList=$state/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
        -o "APT::Architecture=amd64" -o "APT::Architectures::=amd64"
        -o "APT::Sandbox::User=root"
    )
    apt-get "${opts[@]}" -qq update
    apt-cache "${opts[@]}" pkgnames | sort -u > "$state/all"
    if [ -n "${APT_NAMES_KEEP:-}" ]; then  # keep the full list, e.g. to check candidates
        mkdir -p "$APT_NAMES_KEEP" && cp "$state/all" "$APT_NAMES_KEEP/$release.txt"
    fi
    {
        echo "# Debian $release main amd64 package names used by data/apk-mapping.yaml."
        echo "# Recorded $(date -u +%Y-%m-%d) from $mirror by tools/record_apt_names.sh"
        echo "# ($(wc -l < "$state/all") real package names in the release; virtual-only names excluded)."
        comm -12 "$state/all" "$work/wanted"
    } > "$out/apt-names-$release.txt"
    missing="$(comm -13 "$state/all" "$work/wanted" | tr '\n' ' ')"
    echo "$release: $(comm -12 "$state/all" "$work/wanted" | wc -l) names kept; missing: ${missing:-none}"
done
