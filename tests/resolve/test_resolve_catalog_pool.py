"""catalog._pool: an exact `==` clause looks versions up instead of testing each one; the
candidates must be exactly those a full scan finds (local labels, zero padding, epochs)."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from one_project import OneProjectIndex
from wheelfit.compat.targets import default_targets
from wheelfit.resolve.catalog import ProjectCatalog

VERSIONS = ["0.9", "1.0", "1.0.0", "1.0+cpu", "1.0+gpu", "1.0.1", "1.0rc1", "1.0.post1",
            "1!1.0", "1!1.0+a", "2.0", "2.0.dev3", "10.0"]



@pytest.fixture
def catalog() -> ProjectCatalog:
    target = default_targets(python="3.12")[0]
    return ProjectCatalog(OneProjectIndex(VERSIONS), target, {}, pre=True)  # type: ignore[arg-type]


@pytest.mark.parametrize("spec", [
    "==1.0", "==1.0.0", "==1.0+cpu", "==1.0+gpu,!=1.0", "==1!1.0", "==1!1.0+a", "==2.0",
    "==2.0.dev3", "==1.0rc1", "==1.0.post1", "==3.0", "==1.0.*", ">=1.0,==1.0", "==1.0,<1.0",
    ">=1.0", "", "!=1.0", "~=1.0",
])
def test_pool_finds_what_a_full_scan_finds(catalog: ProjectCatalog, spec: str) -> None:
    specifier = SpecifierSet(spec)
    groups = catalog.versions("foo")
    assert not isinstance(groups, type(None))
    every = sorted(groups, reverse=True)  # type: ignore[arg-type]
    full = [v for v in every if specifier.contains(v, prereleases=True)]
    pool = catalog._pool("foo", groups, specifier)  # type: ignore[arg-type]
    assert [v for v in pool if specifier.contains(v, prereleases=True)] == full


def test_an_exact_pin_looks_up_only_its_own_versions(catalog: ProjectCatalog) -> None:
    groups = catalog.versions("foo")
    pool = catalog._pool("foo", groups, SpecifierSet("==1.0"))  # type: ignore[arg-type]
    assert sorted(pool) == sorted({Version("1.0"), Version("1.0+cpu"), Version("1.0+gpu")})
