"""catalog.iter_matches: a pinned specifier's candidates are worked out once per catalog
(the pinned replay, resolvelib and the fallback ask for the same pins again and again) and
are the same list every time; other specifiers stay lazy."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet

from one_project import OneProjectIndex
from wheelfit.compat.targets import default_targets
from wheelfit.resolve.catalog import ProjectCatalog

VERSIONS = ["0.9", "1.0", "1.0+cpu", "1.0rc1", "2.0", "2.0.dev3"]



@pytest.fixture
def catalog() -> ProjectCatalog:
    target = default_targets(python="3.12")[0]
    return ProjectCatalog(OneProjectIndex(VERSIONS), target, {})  # type: ignore[arg-type]


def _count_pools(catalog: ProjectCatalog, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = catalog._pool

    def counted(*args: object) -> object:
        calls.append(str(args[2]))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog, "_pool", counted)
    return calls


@pytest.mark.parametrize("spec", ["==1.0", "==2.0.dev3", "==3.0", "===1.0", ">=0.9,==1.0"])
def test_a_pin_is_worked_out_once(catalog: ProjectCatalog, monkeypatch: pytest.MonkeyPatch,
                                  spec: str) -> None:
    calls = _count_pools(catalog, monkeypatch)
    first = list(catalog.iter_matches("foo", SpecifierSet(spec)))
    again = list(catalog.iter_matches("foo", SpecifierSet(spec)))
    assert again == first
    assert len(calls) == 1


@pytest.mark.parametrize("spec", [">=1.0", "", "==1.*"])
def test_a_range_is_scanned_each_time(catalog: ProjectCatalog,
                                      monkeypatch: pytest.MonkeyPatch, spec: str) -> None:
    calls = _count_pools(catalog, monkeypatch)
    first = list(catalog.iter_matches("foo", SpecifierSet(spec)))
    again = list(catalog.iter_matches("foo", SpecifierSet(spec)))
    assert again == first
    assert len(calls) == 2


def test_the_pre_release_flag_is_part_of_the_pin(catalog: ProjectCatalog) -> None:
    """`==2.0.dev3` allows its pre-release; with prereleases=False set explicitly it does
    not, and the answer for one must not be served for the other."""
    allowed = [str(c.version) for c in catalog.iter_matches("foo", SpecifierSet("==2.0.dev3"))]
    denied = [str(c.version) for c in catalog.iter_matches(
        "foo", SpecifierSet("==2.0.dev3", prereleases=False))]
    target = default_targets(python="3.12")[0]
    fresh = ProjectCatalog(OneProjectIndex(VERSIONS), target, {})  # type: ignore[arg-type]
    assert denied == [str(c.version) for c in fresh.iter_matches(
        "foo", SpecifierSet("==2.0.dev3", prereleases=False))]
    assert allowed == ["2.0.dev3"]
