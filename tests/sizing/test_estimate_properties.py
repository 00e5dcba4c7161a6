"""Sanity properties of the estimate and the recommendation, on random synthetic reports."""

from __future__ import annotations

from estimate_factory import package, report, targets, verdict
from hypothesis import given, settings
from hypothesis import strategies as st

from wheelfit.model import PackageResult, Report, Target, Verdict
from wheelfit.sizing.estimate import (
    ALPINE,
    ALPINE_CLEANUP,
    ALPINE_MULTISTAGE,
    SLIM,
    SLIM_MULTISTAGE,
    estimate,
)
from wheelfit.sizing.recommend import recommend

APK = ["libpq-dev", "libffi-dev", "openssl-dev", "cargo", "gfortran", "openblas-dev", "zlib-dev",
       "linux-headers", "unknown-dev"]
APK_RT = ["libpq", "libffi", "openblas", "libxml2", "unknown-lib"]
APT = ["libpq-dev", "libffi-dev", "libssl-dev", "cargo", "rustc", "gfortran", "libxml2-dev",
       "libxslt1-dev", "unknown-dev"]
APT_RT = ["libpq5", "libxml2", "libxslt1.1", "libopenblas0", "unknown-lib"]
STATUSES = ["binary-wheel", "pure-wheel", "source-build", "unavailable", "not-found", "unknown",
            "not-required"]
NAMES = st.text(alphabet="abcdefghij-", min_size=1, max_size=8)
SIZES = st.one_of(st.none(), st.floats(min_value=0.01, max_value=300))
TARGETS = st.builds(targets, python=st.sampled_from(["3.10", "3.11", "3.12", "3.13"]),
                    arch=st.sampled_from(["x86_64", "aarch64"]),
                    debian=st.sampled_from(["bookworm", "trixie"]),
                    alpine=st.sampled_from(["3.20", "3.21", "3.22", "3.23", "3.24"]))


@st.composite
def verdicts(draw: st.DrawFn, statuses: list[str] = STATUSES) -> tuple[Verdict, Verdict]:
    def one(apk: bool) -> Verdict:
        status = draw(st.sampled_from(statuses))
        return verdict(
            status, installed_mb=draw(SIZES) if "wheel" in status else None,
            native=draw(st.sampled_from([True, False, None])),
            apk=draw(st.lists(st.sampled_from(APK), max_size=3)) if apk else (),
            apk_runtime=draw(st.lists(st.sampled_from(APK_RT), max_size=2)) if apk else (),
            apt=() if apk else draw(st.lists(st.sampled_from(APT), max_size=3)),
            apt_runtime=() if apk else draw(st.lists(st.sampled_from(APT_RT), max_size=2)),
        )
    return one(apk=False), one(apk=True)


@st.composite
def reports(draw: st.DrawFn, statuses: list[str] = STATUSES) -> Report:
    names = draw(st.lists(NAMES, max_size=8, unique=True))
    packages: list[PackageResult] = []
    for name in names:
        slim, alpine = draw(verdicts(statuses))
        packages.append(package(name, slim, alpine))
    return report(packages, draw(TARGETS))


def _sizes(r: Report) -> dict[str, tuple[float, float, float]]:
    result = {}
    for v in estimate(r).variants:
        assert v.size_mb is not None and v.size_mb_range is not None
        assert v.size_mb_range[0] <= v.size_mb <= v.size_mb_range[1]
        result[v.name] = (v.size_mb, *v.size_mb_range)
    return result


@settings(max_examples=300, deadline=None)
@given(reports())
def test_multistage_and_cleanup_never_exceed_single_stage(r: Report) -> None:
    sizes = _sizes(r)
    for staged in (ALPINE_CLEANUP, ALPINE_MULTISTAGE):
        assert all(a <= b for a, b in zip(sizes[staged], sizes[ALPINE], strict=True))
    if SLIM_MULTISTAGE in sizes:
        assert all(a <= b for a, b in zip(sizes[SLIM_MULTISTAGE], sizes[SLIM], strict=True))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(NAMES, SIZES, st.booleans()), max_size=8, unique_by=lambda t: t[0]),
       TARGETS)
def test_without_source_builds_alpine_is_not_bigger_than_slim(
    wheels: list[tuple[str, float | None, bool]], pair: tuple[Target, Target]
) -> None:
    packages = []
    for name, size, pure in wheels:
        status = "pure-wheel" if pure else "binary-wheel"
        packages.append(package(name, verdict(status, installed_mb=size),
                                verdict(status, installed_mb=size)))
    sizes = _sizes(report(packages, pair))
    assert sizes[ALPINE][0] <= sizes[SLIM][0]


@settings(max_examples=300, deadline=None)
@given(reports(), NAMES)
def test_a_package_unavailable_on_alpine_rules_alpine_out(r: Report, name: str) -> None:
    blocked = package(name + "-blocked", verdict("binary-wheel", installed_mb=1.0),
                      verdict("unavailable"))
    r = report([*r.packages, blocked], r.targets)
    result = estimate(r)
    assert all(not v.available for v in result.variants if v.name.startswith(ALPINE))
    assert not recommend(r, result).variant.startswith(ALPINE)
