"""What the recommendation says, and when musl notes appear."""

from __future__ import annotations

from estimate_factory import package, report, targets, verdict

from wheelfit.model import PackageResult, Recommendation
from wheelfit.sizing import recommend as rec
from wheelfit.sizing.estimate import estimate


def _recommend(*packages: PackageResult) -> Recommendation:
    r = report(packages)
    return rec.recommend(r, estimate(r))


def _wheel(name: str, mb: float = 1.0) -> PackageResult:
    return package(name, verdict("binary-wheel", installed_mb=mb),
                   verdict("binary-wheel", installed_mb=mb))


def test_sentence_names_the_pinned_image_and_the_reason() -> None:
    result = _recommend(package("grpcio", verdict("binary-wheel", installed_mb=25.0),
                                verdict("source-build")))
    assert result.sentence.startswith("Use python:3.12.14-slim-trixie (slim): ")
    assert "while alpine-multistage compiles 1 package(s)" in result.sentence
    assert any("more source build(s) on alpine" in reason for reason in result.reasons)


def test_no_official_image_means_no_tag_and_the_nearest_published_one() -> None:
    r = report([_wheel("idna")], targets(python="3.8", debian="trixie", alpine="3.20"))
    result = rec.recommend(r, estimate(r))
    assert result.sentence.startswith("Use slim: ")
    assert "python:3.8.20-slim-trixie" not in result.sentence
    assert "python:3.8-slim-trixie" not in result.sentence
    assert "the nearest published one is python:3.8.20-slim-bookworm" in result.sentence


def test_the_estimate_names_no_tag_for_a_pair_never_published() -> None:
    r = report([_wheel("idna")], targets(python="3.8", debian="trixie", alpine="3.20"))
    images = {v.name: v.image for v in estimate(r).variants}
    assert images["slim"] == "no official image"
    assert images["alpine"] == "python:3.8.20-alpine3.20"


def test_alpine_ruled_out_means_no_musl_notes() -> None:
    result = _recommend(_wheel("gunicorn"), package("vendor", verdict("binary-wheel"),
                                                    verdict("unavailable")))
    assert result.variant == "slim" and result.musl_notes == ()
    assert result.reasons[0] == "alpine is ruled out: vendor cannot be installed there"


def test_notes_follow_the_packages() -> None:
    result = _recommend(_wheel("babel"), _wheel("numpy", 30.0))
    assert result.variant == "alpine"
    assert result.musl_notes == (rec.THREAD_STACK, rec.MALLOC, rec.LOCALE)
    assert all("https://" in note for note in result.musl_notes)


def test_small_saving_keeps_slim() -> None:
    saved = rec.SIZE_WIN_MB
    assert saved > 0
    big_alpine = package("musl-heavy", verdict("binary-wheel", installed_mb=1.0),
                         verdict("binary-wheel", installed_mb=100.0))
    result = _recommend(big_alpine)
    assert result.variant == "slim"
    assert "not enough to outweigh" in result.reasons[-1]


def test_nothing_installable_anywhere() -> None:
    result = _recommend(package("ghost", verdict("unavailable"), verdict("unavailable")))
    assert result.variant == "none" and result.confidence == "high"


def test_a_report_without_targets_has_nothing_to_compare() -> None:
    r = report([], ())
    result = rec.recommend(r, estimate(r))
    assert result.variant == "none" and result.confidence == "low"
