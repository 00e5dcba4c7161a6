"""Canned `Report` objects for format, schema and policy tests: realistic, built by hand.

`service()` is a Django service on slim and alpine: psycopg2 and uwsgi build from source on
both, numpy installs a musllinux wheel, playwright (wheel-only) is unavailable on alpine, an
internal package is not on the index, orjson resolves to an older version on alpine (a
versions-differ problem), a skipped line, build commands, an estimate and a
recommendation. The others cover one situation each.
"""

from __future__ import annotations

from dataclasses import replace

from wheelfit.compat.targets import make_target
from wheelfit.model import (
    Alternative,
    BuildNeeds,
    Commands,
    Estimate,
    PackageResult,
    Problem,
    Recommendation,
    Report,
    RequestStats,
    SkippedEntry,
    Status,
    Target,
    Variant,
    VariantEstimate,
    Verdict,
)

SLIM = make_target(Variant.SLIM, "3.12", "x86_64", "trixie")
ALPINE = make_target(Variant.ALPINE, "3.12", "x86_64", alpine="3.24")
BOTH = (SLIM, ALPINE)

PSYCOPG2_BUILD = BuildNeeds(
    apk=("gcc", "musl-dev", "postgresql17-dev"), apk_runtime=("libpq",),
    apt=("gcc", "libpq-dev"), apt_runtime=("libpq5",),
    env=(("PG_CONFIG", "/usr/bin/pg_config"),), source="data/apk-mapping.yaml#psycopg2",
)
UWSGI_BUILD = BuildNeeds(
    apk=("gcc", "musl-dev", "linux-headers"), apk_runtime=(),
    apt=("gcc", "libc6-dev"), apt_runtime=(), source="data/apk-mapping.yaml#uwsgi",
)
PSYCOPG2_ALTS = (Alternative("binary-twin", "psycopg2-binary", "2.9.10",
                             "same API; ships manylinux and musllinux wheels"),)
UWSGI_ALTS = (Alternative("alpine-package", "uwsgi-python3", "2.0.28-r3",
                          "Alpine builds uwsgi itself: apk add uwsgi-python3"),)


def wheel(version: str, filename: str, tag: str, size: int | None = None) -> Verdict:
    """A binary-wheel verdict."""
    return Verdict(Status.BINARY_WHEEL, version, filename, tag=tag, native=True,
                   installed_bytes=size)


def pure(name: str, version: str) -> Verdict:
    """A pure-wheel verdict for `name-version-py3-none-any.whl`."""
    return Verdict(Status.PURE_WHEEL, version, f"{name}-{version}-py3-none-any.whl",
                   tag="py3-none-any", native=False)


def sdist(name: str, version: str, build: BuildNeeds | None = None,
          alternatives: tuple[Alternative, ...] = (), native: bool | None = True) -> Verdict:
    """A source-build verdict for `name-version.tar.gz`."""
    return Verdict(Status.SOURCE_BUILD, version, f"{name}-{version}.tar.gz", native=native,
                   build=build, alternatives=alternatives,
                   evidence=("no wheel for this target; the sdist has C sources (setup.py "
                             "Extension)",) if native else ())


def both(name: str, version: str, verdict: Verdict, *, direct: bool = True,
         by: tuple[str, ...] = ()) -> PackageResult:
    """A package with the same verdict on slim and alpine."""
    return PackageResult(name, version, by or ("requirements.txt",),
                         {"slim": verdict, "alpine": verdict}, direct=direct)


def pair(name: str, version: str, slim: Verdict, alpine: Verdict, *, direct: bool = True,
         by: tuple[str, ...] = ()) -> PackageResult:
    """A package with one verdict per target."""
    return PackageResult(name, version, by or ("requirements.txt",),
                         {"slim": slim, "alpine": alpine}, direct=direct)


PLAYWRIGHT_PLATFORMS = (
    "macosx_11_0_arm64", "macosx_11_0_universal2", "macosx_11_0_x86_64", "manylinux1_x86_64",
    "manylinux_2_17_aarch64", "manylinux2014_aarch64", "win32", "win_amd64",
)


def service_packages() -> tuple[PackageResult, ...]:
    """The packages of `service()` in report (alphabetical) order."""
    numpy_slim = wheel("1.26.4", "numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64."
                       "manylinux2014_x86_64.whl", "cp312-cp312-manylinux_2_17_x86_64", 61_800_000)
    numpy_alpine = wheel("1.26.4", "numpy-1.26.4-cp312-cp312-musllinux_1_1_x86_64.whl",
                         "cp312-cp312-musllinux_1_1_x86_64", 60_100_000)
    play_slim = wheel("1.49.1", "playwright-1.49.1-py3-none-manylinux1_x86_64.whl",
                      "py3-none-manylinux1_x86_64", 121_000_000)
    play_alpine = Verdict(Status.UNAVAILABLE, "1.49.1", None,
                          reason="no wheel for musllinux x86_64 and no sdist",
                          available_platforms=PLAYWRIGHT_PLATFORMS)
    missing = Verdict(Status.NOT_FOUND, "1.2.0", None,
                      reason="no project named internal-auth-client on https://pypi.org/simple/")
    return (
        both("asgiref", "3.8.1", pure("asgiref", "3.8.1"), direct=False, by=("django",)),
        both("django", "5.1.4", pure("django", "5.1.4")),
        both("internal-auth-client", "1.2.0", missing),
        pair("numpy", "1.26.4", numpy_slim, numpy_alpine),
        pair("orjson", "3.10.12",
             wheel("3.10.12", "orjson-3.10.12-cp312-cp312-manylinux_2_17_x86_64."
                   "manylinux2014_x86_64.whl", "cp312-cp312-manylinux_2_17_x86_64"),
             wheel("3.10.11", "orjson-3.10.11-cp312-cp312-musllinux_1_2_x86_64.whl",
                   "cp312-cp312-musllinux_1_2_x86_64"), direct=False, by=("django",)),
        pair("playwright", "1.49.1", play_slim, play_alpine),
        both("psycopg2", "2.9.10", sdist("psycopg2", "2.9.10", PSYCOPG2_BUILD, PSYCOPG2_ALTS)),
        both("sqlparse", "0.5.3", pure("sqlparse", "0.5.3"), direct=False, by=("django",)),
        both("uwsgi", "2.0.28", sdist("uwsgi", "2.0.28", UWSGI_BUILD, UWSGI_ALTS)),
    )


def service_estimate() -> Estimate:
    """Slim, alpine and alpine-multistage estimates for `service()`."""
    return Estimate(
        variants=(
            VariantEstimate("slim", "python:3.12-slim-trixie", 402.0, (380.0, 430.0), 2,
                            heavy_builds=(), build_minutes_range=(0.5, 2.0),
                            basis=("base image: python:3.12-slim-trixie 124 MB (repo-info)",
                                   "wheels: installed sizes from RECORD of 6 wheels")),
            VariantEstimate("alpine", "python:3.12-alpine3.24", None, None, 2,
                            build_minutes_range=(1.0, 4.0), available=False,
                            basis=("playwright has no musllinux wheel and no sdist",)),
            VariantEstimate("alpine-multistage", "python:3.12-alpine3.24", None, None, 2,
                            build_minutes_range=(1.0, 4.0), available=False,
                            basis=("playwright has no musllinux wheel and no sdist",)),
        ),
        notes=("sizes are uncompressed image sizes; build times for a 4-core runner",),
    )


def service() -> Report:
    """A realistic Django service checked against slim and alpine."""
    return Report(
        input="requirements.txt",
        input_format="requirements",
        targets=BOTH,
        python_source="requires-python >=3.12 in pyproject.toml",
        packages=service_packages(),
        skipped=(SkippedEntry("-e ./libs/shared", "requirements.txt:11",
                              "a local path is not on any index"),),
        problems=(Problem("versions-differ",
                          "orjson resolves differently per target: slim 3.10.12, alpine 3.10.11"),),
        index_urls=("https://pypi.org/simple/",),
        stats=RequestStats(requests=23, from_cache=17, bytes_downloaded=1_482_113),
        commands=Commands(
            apk_build="apk add --no-cache --virtual .build-deps gcc linux-headers musl-dev "
                      "postgresql17-dev",
            apk_runtime="apk add --no-cache libpq",
            apt_build="apt-get update && apt-get install -y --no-install-recommends gcc "
                      "libc6-dev libpq-dev",
            apt_runtime="apt-get install -y --no-install-recommends libpq5",
            apk_build_packages=("gcc", "linux-headers", "musl-dev", "postgresql17-dev"),
            apk_runtime_packages=("libpq",),
            apt_build_packages=("gcc", "libc6-dev", "libpq-dev"),
            apt_runtime_packages=("libpq5",),
            env=(("PG_CONFIG", "/usr/bin/pg_config"),),
        ),
        estimate=service_estimate(),
        recommendation=Recommendation(
            variant="slim",
            sentence="Use python:3.12-slim-trixie: playwright cannot be installed on Alpine "
                     "at all.",
            reasons=("playwright ships no musllinux wheel and no sdist",
                     "psycopg2 and uwsgi build from source on both images"),
            confidence="high",
            musl_notes=("numpy's musllinux wheel bundles its own OpenBLAS",),
        ),
    )


def clean() -> Report:
    """Everything installs from wheels on both; no estimate, no commands."""
    return Report(
        input="pyproject.toml", input_format="pyproject", targets=BOTH,
        python_source="--python",
        packages=(both("click", "8.1.8", pure("click", "8.1.8")),
                  both("requests", "2.32.3", pure("requests", "2.32.3"))),
        index_urls=("https://pypi.org/simple/",),
    )


def conflict() -> Report:
    """Resolution impossible on alpine: the direct pins judged alone, marked unresolved."""
    kombu = Verdict(Status.PURE_WHEEL, "6.0.0", "kombu-6.0.0-py3-none-any.whl",
                    tag="py3-none-any", native=False)
    return Report(
        input="requirements.in", input_format="requirements", targets=BOTH,
        python_source="default 3.12; pass --python to change",
        packages=(
            PackageResult("celery", "5.4.0", ("requirements.in:1",),
                          {"slim": pure("celery", "5.4.0"), "alpine": pure("celery", "5.4.0")},
                          direct=True, unresolved=True),
            PackageResult("kombu", "6.0.0", ("requirements.in:2",),
                          {"slim": kombu, "alpine": kombu}, direct=True, unresolved=True),
            PackageResult("pyyaml", "6.0.2", ("celery",),
                          {"slim": Verdict(Status.UNKNOWN, "6.0.2",
                                           reason="the index answered HTTP 503"),
                           "alpine": Verdict(Status.NOT_REQUIRED,
                                             reason="not needed on this target (markers)")},
                          dependencies_unknown=True),
        ),
        skipped=(SkippedEntry("git+https://github.com/acme/tools@main#egg=tools",
                              "requirements.in:3", "a VCS requirement is not on any index"),),
        problems=(Problem("conflict", "celery 5.4.0 depends on kombu<6.0,>=5.3.4 but "
                          "requirements.in:2 asks for kombu==6.0.0", "alpine"),),
        index_urls=("https://pypi.org/simple/",),
        stats=RequestStats(requests=4, from_cache=0, bytes_downloaded=88_000),
    )


def slim_only() -> Report:
    """One target only, with a plain linux_ wheel from a private index."""
    untrusted = Verdict(Status.BINARY_WHEEL, "0.3.1", "fastlib-0.3.1-cp312-cp312-linux_x86_64.whl",
                        tag="cp312-cp312-linux_x86_64", untrusted=True, native=True,
                        reason="a plain linux_ wheel makes no promise about the libc it was "
                               "built for")
    return Report(
        input="uv.lock", input_format="uv-lock", targets=(SLIM,), python_source="--python",
        packages=(PackageResult("fastlib", "0.3.1", ("uv.lock",), {"slim": untrusted},
                                direct=True),),
        index_urls=("https://***@pypi.internal.example/simple/",),
    )


def hostile() -> Report:
    """Package data full of markdown and HTML: pipes, backticks, tags, newlines."""
    odd = Verdict(Status.UNAVAILABLE, "1.0", None,
                  reason="no wheel | no sdist </details> <b>bold</b>\n* `code` _x_ [l](u) $a$",
                  available_platforms=("weird|platform",))
    build = sdist("pipe-pkg", "2.0", BuildNeeds(apk=("a|b",), apt=("c`d",)),
                  (Alternative("other", "alt|pkg", "1|2", "note with | pipe and `tick`"),))
    return Report(
        input="req|s `x`.txt", input_format="requirements", targets=BOTH,
        python_source="<script>alert(1)</script>",
        packages=(both("odd-pkg", "1.0", odd), both("pipe-pkg", "2.0", build)),
        skipped=(SkippedEntry("-r other|file.txt", "req|s.txt:1", "nested | file"),),
        problems=(Problem("input", "line with ``` fence and | pipe"),),
        commands=Commands(apk_build="apk add ```` a|b", apt_build="apt-get install c`d"),
    )


def large(n: int = 1000) -> Report:
    """`n` packages, a tenth of them source builds, with long names: for the size bound."""
    packages = []
    for i in range(n):
        name = f"package-with-a-rather-long-name-number-{i:05d}"
        verdict = (sdist(name, "1.0.0", PSYCOPG2_BUILD, PSYCOPG2_ALTS) if i % 10 == 0
                   else wheel("1.0.0", f"{name}-1.0.0-cp312-cp312-manylinux_2_17_x86_64.whl",
                              "cp312-cp312-manylinux_2_17_x86_64"))
        packages.append(both(name, "1.0.0", verdict))
    return Report(input="requirements.txt", input_format="requirements", targets=BOTH,
                  python_source="--python", packages=tuple(packages))


def empty() -> Report:
    """No packages at all."""
    return Report(input="requirements.txt", input_format="requirements", targets=BOTH,
                  python_source="--python", packages=())


CANNED = {
    "service": service,
    "clean": clean,
    "conflict": conflict,
    "slim_only": slim_only,
    "hostile": hostile,
    "empty": empty,
}

__all__ = ["ALPINE", "BOTH", "CANNED", "SLIM", "Target", "large"]


QT6_GAP = ("Qt 6: Debian bullseye has no package for it (Debian bookworm has): build on a "
           "python:*-slim-bookworm image or newer (--debian bookworm), or use a version of "
           "pyqt6 with a wheel for this image")


def with_pyqt6(slim_build: BuildNeeds, reason: str | None = None) -> Report:
    """`service()` plus pyqt6 built from source on both targets, `slim_build` on slim (whose
    `unknown` may name what the plan has no package for)."""
    slim = Verdict(Status.SOURCE_BUILD, "6.11.0", "pyqt6-6.11.0.tar.gz", native=True,
                   build=slim_build, reason=reason)
    alpine = sdist("pyqt6", "6.11.0", BuildNeeds(apk=("build-base", "qt6-qtbase-dev")))
    report = service()
    return replace(report, packages=(*report.packages, pair("pyqt6", "6.11.0", slim, alpine)))
