"""Small mapping documents shared by the mapping and build-needs tests."""

from __future__ import annotations

from typing import Any

MINIMAL: dict[str, Any] = {
    "schema_version": 1,
    "debian_releases": ["bookworm", "trixie"],
    "kinds": {"c": ["c-toolchain"]},
    "shared": {"c-toolchain": {"apk": ["build-base"], "apt": ["build-essential"]}},
    "projects": {"psycopg2": {"native": ["c"], "apk": ["libpq-dev"], "apk_runtime": ["libpq"],
                              "apt": ["libpq-dev"], "apt_runtime": ["libpq5"]}},
}
