"""Which way to build the image, why, and how sure (pure: Report + Estimate → Recommendation).

What is weighed, in order: a package that cannot be installed on Alpine rules Alpine out; then
source builds (their count, their weight and minutes, the risk that a compile fails on musl);
then image size, which only wins for Alpine when the saving is large enough to outweigh musl's
behavioural differences. musl notes are added only while Alpine is a live option and only those
the report's packages make relevant. docs/estimate.md states the thresholds and the sources.
"""

from __future__ import annotations

from collections.abc import Iterable

from wheelfit.compat.targets import image_gap
from wheelfit.model import Estimate, Recommendation, Report, Status, VariantEstimate
from wheelfit.sizing.estimate import (
    ALPINE,
    ALPINE_MULTISTAGE,
    SLIM,
    SLIM_MULTISTAGE,
)

# Alpine wins on size alone only when it saves this much (both conditions).
SIZE_WIN_MB = 25.0
SIZE_WIN_SHARE = 0.15
LEVELS = ("low", "medium", "high")

# One line each, with a source; emitted only when the report's packages make them relevant.
THREAD_STACK = ("musl gives new threads a 128 KiB stack by default (glibc: 8 MiB, from "
                "ulimit -s); deep recursion or large C stack frames in threads can crash on "
                "Alpine — https://ariadne.space/2021/06/25/understanding-thread-stack-sizes-and-"
                "how-alpine-is-different/")
DNS = ("musl's resolver queries all nameservers in parallel, ignores single-request options, "
       "never falls back to search domains for names with at least ndots dots, and uses TCP for "
       "large answers only since musl 1.2.4 (Alpine 3.18+) — "
       "https://biriukov.dev/docs/resolver-dual-stack-application/5-getaddrinfo-from-musl-libc")
MALLOC = ("musl's mallocng allocator favours low overhead and hardening over speed and serialises "
          "allocations across threads; allocation-heavy multithreaded code can be much slower "
          "(jemalloc or mimalloc via LD_PRELOAD is the usual fix) — "
          "https://www.openwall.com/lists/musl/2025/09/05/3")
LOCALE = ("musl has no LC_COLLATE or LC_MONETARY support: locale.strcoll/strxfrm sort by code "
          "point and locale currency formats are C's — https://www.openwall.com/lists/musl/2014/"
          "08/01/1 and https://wiki.musl-libc.org/functional-differences-from-glibc.html")

THREADED = frozenset({"gunicorn", "uvicorn", "hypercorn", "waitress", "celery", "grpcio", "gevent",
                      "eventlet", "uwsgi", "dramatiq", "rq", "apscheduler", "daphne", "granian"})
NETWORK = frozenset({"requests", "httpx", "aiohttp", "urllib3", "grpcio", "dnspython", "boto3",
                     "botocore", "kubernetes", "redis", "pymongo", "psycopg2", "psycopg2-binary",
                     "psycopg", "asyncpg", "pika", "kafka-python", "confluent-kafka", "httpcore"})
ALLOCATION_HEAVY = frozenset({"numpy", "pandas", "pyarrow", "polars", "orjson", "grpcio", "torch",
                              "scipy", "scikit-learn", "lxml"})
LOCALE_USERS = frozenset({"babel", "pyicu", "flask-babel", "django", "humanize", "dateparser"})


def _best(variants: dict[str, VariantEstimate], single: str, staged: str) -> VariantEstimate | None:
    """The variant to use of one family: multi-stage when it compiles, else the plain one."""
    plain = variants.get(single)
    if plain is None:
        return None
    if plain.source_builds and staged in variants:
        return variants[staged]
    return plain


def _minutes(v: VariantEstimate) -> str:
    lo, hi = v.build_minutes_range
    return f"{lo:g}-{hi:g} min"


def _size(v: VariantEstimate) -> str:
    return f"~{v.size_mb:.0f} MB" if v.size_mb is not None else "unknown size"


def _builds(v: VariantEstimate) -> str:
    pure = (f"{v.pure_sdists} pure-Python sdist(s), which need no compiler"
            if v.pure_sdists else "")
    if not v.source_builds:
        return f"compiles nothing (it builds {pure})" if pure else \
            "installs every package from a wheel"
    heavy = f", heavy: {', '.join(v.heavy_builds)}" if v.heavy_builds else ""
    also = f"; it also builds {pure}" if pure else ""
    return f"compiles {v.source_builds} package(s) ({_minutes(v)}{heavy}{also})"


def _lower(level: str) -> str:
    return LEVELS[max(0, LEVELS.index(level) - 1)]


def _blockers(report: Report, target_name: str) -> list[str]:
    return sorted(p.name for p in report.packages if (v := p.verdicts.get(target_name))
                  and v.status in (Status.UNAVAILABLE, Status.NOT_FOUND))


def _pick(report: Report, slim: VariantEstimate | None,
          alpine: VariantEstimate | None) -> tuple[VariantEstimate | None, list[str], str]:
    """The chosen variant, the reasons, and the confidence before downgrades."""
    reasons: list[str] = []
    if alpine is not None and not alpine.available:
        names = ", ".join(_blockers(report, "alpine")) or "a package"
        reasons.append(f"alpine is ruled out: {names} cannot be installed there")
        alpine = None
    if slim is not None and not slim.available:
        names = ", ".join(_blockers(report, "slim")) or "a package"
        reasons.append(f"slim is ruled out: {names} cannot be installed there")
        slim = None
    if slim is None or alpine is None:
        chosen = slim or alpine
        if chosen is not None:
            reasons.append(f"{chosen.name} {_builds(chosen)}")
        return chosen, reasons, "high" if chosen and not chosen.source_builds else "medium"
    reasons.append(f"slim {_builds(slim)}; alpine {_builds(alpine)}")
    if slim.size_mb is not None and alpine.size_mb is not None:
        reasons.append(f"estimated size: {slim.name} {_size(slim)}, {alpine.name} {_size(alpine)}")
    if alpine.source_builds > slim.source_builds:
        extra = alpine.source_builds - slim.source_builds
        reasons.append(f"{extra} more source build(s) on alpine: slower builds and a risk that a "
                       "compile fails on musl")
        sure = "high" if alpine.heavy_builds or extra >= 2 else "medium"
        return slim, reasons, sure
    if slim.source_builds > alpine.source_builds:
        reasons.append("alpine has wheels where slim would compile")
        return alpine, reasons, "medium"
    if slim.size_mb is None or alpine.size_mb is None:
        reasons.append("sizes unknown: slim is the conservative choice (glibc)")
        return slim, reasons, "low"
    saved = slim.size_mb - alpine.size_mb
    if saved >= SIZE_WIN_MB and saved >= SIZE_WIN_SHARE * slim.size_mb:
        reasons.append(f"alpine saves ~{saved:.0f} MB with the same number of source builds")
        return alpine, reasons, "medium" if not alpine.source_builds else "low"
    reasons.append(f"alpine saves only ~{max(saved, 0.0):.0f} MB: not enough to outweigh musl's "
                   "behavioural differences")
    return slim, reasons, "medium" if not slim.source_builds else "low"


def musl_notes(report: Report, *, alpine_recommended: bool) -> tuple[str, ...]:
    """musl differences worth knowing for this report's packages (empty when none apply)."""
    names = {p.name for p in report.packages}
    notes: list[str] = []
    if alpine_recommended or names & THREADED:
        notes.append(THREAD_STACK)
    if names & NETWORK:
        notes.append(DNS)
    if names & (THREADED | ALLOCATION_HEAVY):
        notes.append(MALLOC)
    if names & LOCALE_USERS:
        notes.append(LOCALE)
    return tuple(notes)


def _open_plans(report: Report, variant: str) -> list[str]:
    """Source builds on the chosen image's target whose plan is a guess (basis unknown) or
    leaves something unknown, each with what is unknown."""
    family = "alpine" if variant.startswith(ALPINE) else "slim"
    names = {t.name for t in report.targets if t.variant.value == family}
    out = []
    for p in report.packages:
        for t, v in p.verdicts.items():
            if t not in names or v.status is not Status.SOURCE_BUILD or v.native is False \
                    or v.build is None:
                continue
            if v.build.basis == "unknown" or v.build.unknown:
                what = "; ".join(v.build.unknown) or "its libraries"
                out.append(f"{p.name} on {t} ({what})")
    return sorted(out)


def _incomplete(report: Report, variants: Iterable[VariantEstimate]) -> bool:
    return not report.index_complete or any(v.size_mb is None for v in variants)


def recommend(report: Report, estimate: Estimate) -> Recommendation:
    """One sentence, the reasons and a confidence; an unavailable package rules Alpine out."""
    variants = {v.name: v for v in estimate.variants}
    if not variants:
        return Recommendation(variant="none", reasons=(), confidence="low",
                              sentence="There is no image to compare: the report has no targets.")
    slim = _best(variants, SLIM, SLIM_MULTISTAGE)
    alpine = _best(variants, ALPINE, ALPINE_MULTISTAGE)
    chosen, reasons, confidence = _pick(report, slim, alpine)
    if chosen is None:
        return Recommendation(
            variant="none",
            sentence="Neither image works as is: some packages cannot be installed on any target.",
            reasons=tuple(reasons), confidence="high",
        )
    considered = [v for v in (slim, alpine) if v is not None]
    if _incomplete(report, considered):
        confidence = _lower(confidence)
        reasons.append("some verdicts or sizes are unknown: confidence lowered")
    open_plans = _open_plans(report, chosen.name)
    if open_plans:
        confidence = _lower(confidence)
        reasons.append("the build plan leaves something unknown, confidence lowered: "
                       + "; ".join(open_plans))
    alpine_chosen = chosen.name.startswith(ALPINE)
    sentence = _sentence(report, chosen, f"{_why(chosen, slim, alpine)}.")
    alpine_considered = alpine is not None and alpine.available and (
        alpine_chosen or confidence != "high")
    notes = musl_notes(report, alpine_recommended=alpine_chosen) if alpine_considered else ()
    return Recommendation(variant=chosen.name, sentence=sentence, reasons=tuple(reasons),
                          confidence=confidence, musl_notes=notes)


def _sentence(report: Report, chosen: VariantEstimate, why: str) -> str:
    """`Use <tag> (<variant>): <why>`; when the official images never had the target's
    Python on its release, no tag: the variant, why, then that no image exists and the
    nearest published one."""
    family = "alpine" if chosen.name.startswith(ALPINE) else "slim"
    gaps = [gap for t in report.targets if t.variant.value == family
            and (gap := image_gap(t)) is not None]
    if not gaps:
        return f"Use {chosen.image} ({chosen.name}): {why}"
    return f"Use {chosen.name}: {why} But {gaps[0]}."


def _why(chosen: VariantEstimate, slim: VariantEstimate | None,
         alpine: VariantEstimate | None) -> str:
    other = alpine if chosen is slim else slim
    if other is None or not other.available:
        return f"it {_builds(chosen)} and the other image cannot install every package"
    if other.source_builds > chosen.source_builds:
        return (f"it {_builds(chosen)}, while {other.name} {_builds(other)}")
    if chosen.size_mb is not None and other.size_mb is not None and \
            chosen.size_mb < other.size_mb:
        return f"it {_builds(chosen)} and is smaller ({_size(chosen)} vs {_size(other)})"
    return f"it {_builds(chosen)}, like {other.name}, and glibc avoids musl's differences"
