"""One image from several inputs of one Dockerfile: the estimate and the recommendation over
all their packages, as the image holds them."""

from __future__ import annotations

from dataclasses import replace

from wheelfit.compat.targets import make_target
from wheelfit.model import Estimate, PackageResult, Report, Status, Variant, Verdict
from wheelfit.sizing.combined import combined, merged_report
from wheelfit.sizing.estimate import estimate

TARGETS = (make_target(Variant.SLIM, "3.12", "x86_64", debian="trixie"),
           make_target(Variant.ALPINE, "3.12", "x86_64", alpine="3.24"))
MB = 1_000_000


def _package(name: str, mb: int) -> PackageResult:
    one = Verdict(Status.PURE_WHEEL, "1.0", installed_bytes=mb * MB)
    return PackageResult(name, "1.0", ("-r",), {"slim": one, "alpine": one}, direct=True)


def _report(name: str, *packages: PackageResult) -> Report:
    report = Report(input=name, input_format="requirements", targets=TARGETS,
                    python_source="default", packages=packages)
    return replace(report, estimate=estimate(report))


def _size(est: Estimate, name: str) -> float:
    found = next(v for v in est.variants if v.name == name)
    assert found.size_mb is not None
    return found.size_mb


def test_merged_report_holds_every_package_once() -> None:
    merged = merged_report([_report("a.txt", _package("django", 10)),
                            _report("b.txt", _package("flask", 3), _package("django", 10))])
    assert sorted(p.name for p in merged.packages) == ["django", "flask"]
    assert merged.input == "a.txt, b.txt"


def test_one_base_image_for_all_inputs() -> None:
    a = _report("a.txt", _package("django", 10))
    b = _report("b.txt", _package("flask", 3))
    after, _ = combined([a, b])
    assert a.estimate is not None and b.estimate is not None
    # the image adds b's package (3 MB and its bytecode) to a's image, not b's base image
    grown = _size(after, "slim") - _size(a.estimate, "slim")
    assert 3.0 <= grown < _size(b.estimate, "slim") - 20


def test_the_recommendation_is_over_all_packages() -> None:
    _, recommendation = combined([_report("a.txt", _package("django", 10)),
                                  _report("b.txt", _package("flask", 3))])
    assert recommendation is not None and recommendation.variant == "alpine"


def test_an_unjudged_package_means_no_recommendation() -> None:
    unknown = Verdict(Status.UNKNOWN, None, reason="the index failed")
    broken = PackageResult("flask", None, ("-r",), {"slim": unknown, "alpine": unknown},
                           direct=True)
    _, recommendation = combined([_report("a.txt", _package("django", 10)),
                                  _report("b.txt", broken)])
    assert recommendation is None
