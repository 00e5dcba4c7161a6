"""Table-driven estimate and recommendation cases (tests/data/estimate/cases.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
from estimate_factory import case_report, load_cases

from wheelfit.model import VariantEstimate
from wheelfit.sizing import recommend as rec
from wheelfit.sizing.estimate import estimate
from wheelfit.sizing.recommend import recommend

CASES = load_cases("cases.yaml")
NOTES = {"stack": rec.THREAD_STACK, "resolver": rec.DNS, "malloc": rec.MALLOC,
         "locale": rec.LOCALE}


def _by_family(variants: tuple[VariantEstimate, ...], family: str) -> VariantEstimate:
    return next(v for v in variants if v.name == family)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    report = case_report(case)
    result = estimate(report)
    expect = case["expect"]
    names = [v.name for v in result.variants]
    if "variants" in expect:
        assert names == expect["variants"]
    for family, count in expect.get("source_builds", {}).items():
        assert _by_family(result.variants, family).source_builds == count
    for family, count in expect.get("pure_sdists", {}).items():
        assert _by_family(result.variants, family).pure_sdists == count
    for family, minutes in expect.get("minutes", {}).items():
        assert list(_by_family(result.variants, family).build_minutes_range) == minutes
    for family, available in expect.get("available", {}).items():
        assert all(v.available is available for v in result.variants
                   if v.name.startswith(family))
    for family, heavy in expect.get("heavy", {}).items():
        assert list(_by_family(result.variants, family).heavy_builds) == heavy
    if "sizes_known" in expect:
        assert all((v.size_mb is not None) is expect["sizes_known"] for v in result.variants)
    if expect.get("base_derived"):
        assert all("derived" in v.basis[0] for v in result.variants)
    recommendation = recommend(report, result)
    assert recommendation.variant == expect["recommend"]
    if "confidence" in expect:
        assert recommendation.confidence == expect["confidence"]
    if "musl_notes" in expect:
        assert recommendation.musl_notes == tuple(NOTES[k] for k in expect["musl_notes"])
