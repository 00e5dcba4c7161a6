"""Pure file selection: which file of a project pip would choose for a target, and the verdict.

Mirrors pip's `LinkEvaluator` (tags, Requires-Python, format control) and
`CandidateEvaluator._sort_key` (yanked last, `--prefer-binary`, version, tag preference,
build tag), with the target's own tag list instead of the host's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag
from packaging.utils import canonicalize_name
from packaging.version import Version

from wheelfit.compat.filenames import ParsedFile, group_files, parse_file_of
from wheelfit.compat.targets import tag_priority
from wheelfit.model import DistFile, Status, Target, Verdict


@dataclass(frozen=True)
class Policy:
    """pip's options that change which files are allowed or preferred."""

    only_binary: bool = False
    no_binary: bool = False
    prefer_binary: bool = False
    exclude_newer: datetime | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One version of a project as pip would consider it on a target: its best file."""

    version: Version
    file: ParsedFile | None
    yanked: bool
    verdict: Verdict


def parse_upload_cutoff(value: str) -> datetime:
    """`YYYY-MM-DD` (00:00 UTC that day) or an RFC 3339 timestamp → aware datetime."""
    text = value.strip()
    if len(text) == 10:
        day = datetime.strptime(text, "%Y-%m-%d")
        return day.replace(tzinfo=timezone.utc)
    stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def uploaded_before(file: DistFile, cutoff: datetime) -> bool:
    """True when the file was uploaded before the cutoff. A file the index gives no upload
    time for (PEP 700) cannot be dated, so it is excluded, as uv does."""
    if not file.upload_time:
        return False
    try:
        stamp = datetime.fromisoformat(file.upload_time.replace("Z", "+00:00"))
    except ValueError:
        return False
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return stamp < cutoff


def python_allows(file: DistFile, target: Target) -> bool:
    """The file's Requires-Python admits the target's Python (pip ignores an invalid one)."""
    if not file.requires_python:
        return True
    return _admits(file.requires_python, target.python_full)


@lru_cache(maxsize=4096)
def _admits(requires_python: str, python: str) -> bool:
    """One Requires-Python text against one Python, decided once per run: a project's
    releases repeat a handful of texts over thousands of files."""
    try:
        spec = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return True
    return spec.contains(python, prereleases=True)


def may_have_wheel(filenames: Iterable[str], target: Target) -> bool:
    """False when no wheel among the file names names a platform the target accepts; True
    means "judge the files" (`best_candidate` decides)."""
    platforms = _platforms(target)
    for name in filenames:  # `name_rank`'s first test: older releases are asked by the thousand
        if name.endswith(".whl") and not platforms.isdisjoint(
                name[:-4].rpartition("-")[2].lower().split(".")):
            return True
    return False


@lru_cache(maxsize=64)
def wheel_needles(target: Target) -> tuple[bytes, ...]:
    """Byte strings one of which is in the lower-cased name of every wheel that
    `may_have_wheel` would take for the target (its platform field has a component `p`,
    and `p.` follows in the name): each platform followed by `.`, every manylinux or
    musllinux one by its family's prefix. Text with none of them (and no JSON escape that
    could spell one) holds no such wheel name."""
    found = set()
    for platform in _platforms(target):
        family = next((f for f in ("manylinux", "musllinux") if platform.startswith(f)), None)
        found.add((family or platform + ".").lower().encode("ascii"))
    return tuple(sorted(found))


@lru_cache(maxsize=64)
def _platforms(target: Target) -> frozenset[str]:
    return frozenset(t.platform for t in tag_priority(target))


def best_tag(parsed: ParsedFile, target: Target) -> tuple[int, Tag] | None:
    """The wheel's most preferred tag on the target and its rank (0 best); None if unsupported."""
    ranks = tag_priority(target)
    found = [(ranks[t], t) for t in parsed.tags or () if t in ranks]
    return min(found, key=lambda pair: pair[0]) if found else None


def _sort_key(parsed: ParsedFile, target: Target, policy: Policy) -> tuple[object, ...]:
    """pip's CandidateEvaluator._sort_key: larger is better."""
    ranks = tag_priority(target)
    if parsed.is_wheel:
        found = best_tag(parsed, target)
        pri = -found[0] if found else -len(ranks) - 1
        binary_preference = 1 if policy.prefer_binary else 0
    else:
        pri = -len(ranks)
        binary_preference = 0
    yank_value = -1 if parsed.file.yanked else 0
    return (yank_value, binary_preference, parsed.version, pri, parsed.build)


def applicable(parsed: ParsedFile, target: Target, policy: Policy) -> bool:
    """Would pip consider this file on the target at all?"""
    if policy.exclude_newer and not uploaded_before(parsed.file, policy.exclude_newer):
        return False
    if not python_allows(parsed.file, target):
        return False
    if parsed.is_wheel:
        return not policy.no_binary and best_tag(parsed, target) is not None
    return not policy.only_binary


def verdict_for_file(parsed: ParsedFile, target: Target, policy: Policy) -> Verdict:
    """The verdict when pip installs this file."""
    version = str(parsed.version)
    if not parsed.is_wheel:
        reason = "--no-binary forces a build from source" if policy.no_binary else None
        return Verdict(Status.SOURCE_BUILD, version, parsed.file.filename, reason=reason)
    found = best_tag(parsed, target)
    tag = found[1] if found else None
    pure = tag is not None and tag.platform == "any"
    untrusted = tag is not None and tag.platform.startswith("linux_")
    return Verdict(
        Status.PURE_WHEEL if pure else Status.BINARY_WHEEL,
        version,
        parsed.file.filename,
        tag=str(tag) if tag else None,
        untrusted=untrusted,
        reason="a plain linux_ wheel makes no promise about the libc it was built for"
        if untrusted else None,
    )


def unavailable_verdict(
    version: Version, files: list[ParsedFile], target: Target, policy: Policy
) -> Verdict:
    """Why no file of this version installs on the target, with the platforms that exist."""
    platforms = sorted({t.platform for p in files if p.tags for t in p.tags})
    has_sdist = any(not p.is_wheel for p in files)
    if policy.only_binary and has_sdist:
        reason = "no wheel fits this target and --only-binary forbids building the sdist"
    elif not any(python_allows(p.file, target) for p in files):
        reason = f"every file requires a Python other than {target.python_full}"
    elif policy.exclude_newer and not any(
        uploaded_before(p.file, policy.exclude_newer) for p in files
    ):
        undated = not any(p.file.upload_time for p in files)
        reason = ("the index gives no upload times (PEP 700), so --exclude-newer excludes "
                  "every file" if undated else
                  "every file was uploaded after the --exclude-newer date")
    else:
        reason = f"no wheel for {target.libc.wheel_family} {target.arch} and no sdist"
    return Verdict(
        Status.UNAVAILABLE, str(version), None, reason=reason, available_platforms=tuple(platforms)
    )


def best_candidate(
    version: Version, files: list[DistFile], project: str, target: Target, policy: Policy
) -> Candidate | None:
    """pip's choice among one version's files on the target, or an `unavailable` candidate;
    None when no file of that version has a valid name.

    Only the files that can apply are parsed first (sdists, and wheels whose names carry a
    tag of the target); the rest are parsed only to explain an `unavailable` verdict.
    """
    want = canonicalize_name(project)
    if not policy.exclude_newer:
        found = _fitting(version, files, want, target, policy)
        if found is not None:
            return found
    parsed = [p for f in files if (p := parse_file_of(f, want)) and p.version == version]
    if policy.exclude_newer and not any(
        uploaded_before(p.file, policy.exclude_newer) for p in parsed
    ) and any(p.file.upload_time for p in parsed):
        return None  # as of the --exclude-newer date this version did not exist yet
    if not parsed:
        return None
    usable = [p for p in parsed if applicable(p, target, policy)]
    if usable:
        return _chosen(version, usable, target, policy)
    verdict = unavailable_verdict(version, parsed, target, policy)
    return Candidate(version, None, all(p.file.yanked for p in parsed), verdict)


def _fitting(version: Version, files: list[DistFile], want: str, target: Target,
             policy: Policy) -> Candidate | None:
    """`best_candidate` among the files that can apply (no `--exclude-newer`), or None when
    none does. A wheel's tags are ranked from its name's text (`name_rank`), once: a wheel
    with no tag of the target is not parsed, and the rank is what `_sort_key` would find."""
    ranks, platforms = _text_ranks(target), _platforms(target)
    usable: list[tuple[ParsedFile, int | None]] = []
    for file in files:
        rank, name = None, file.filename
        if name.endswith(".whl"):
            if policy.no_binary or platforms.isdisjoint(  # `name_rank`'s first test, inlined
                    name[:-4].rpartition("-")[2].lower().split(".")):
                continue
            rank = name_rank(name, ranks, platforms)
            if rank is None:
                continue
        elif policy.only_binary:
            continue
        parsed = parse_file_of(file, want)
        if parsed is not None and parsed.version == version and python_allows(file, target):
            usable.append((parsed, rank))
    if not usable:
        return None
    sdist_rank = len(ranks)
    prefer = 1 if policy.prefer_binary else 0
    # `_sort_key` without the version (equal for all): the first of equals, as `max` keeps it.
    best = max(usable, key=lambda pair: (
        -1 if pair[0].file.yanked else 0,
        0 if pair[1] is None else prefer,
        -sdist_rank if pair[1] is None else -pair[1],
        pair[0].build))[0]
    return Candidate(version, best, best.file.yanked, verdict_for_file(best, target, policy))


@lru_cache(maxsize=64)
def _text_ranks(target: Target) -> dict[str, int]:
    """`tag_priority` keyed by each tag's text, `interpreter-abi-platform`."""
    return {str(tag): rank for tag, rank in tag_priority(target).items()}


def name_rank(filename: str, ranks: Mapping[str, int], platforms: frozenset[str]
              ) -> int | None:
    """The best rank (in `ranks`, by tag text) among the tags a wheel's file name carries,
    read as `packaging.utils.parse_wheel_filename` reads them (the last three `-` fields,
    each a `.`-separated set, lower-cased); None when it carries none of them (or has too
    few fields to be a wheel's name). `platforms` (those of `ranks`) are looked at first:
    most names fail there."""
    fields = filename[:-4].rsplit("-", 3)
    if len(fields) != 4:
        return None
    named = fields[3].lower().split(".")
    if platforms.isdisjoint(named):
        return None
    best = None
    for interpreter in fields[1].lower().split("."):
        for abi in fields[2].lower().split("."):
            for platform in named:
                rank = ranks.get(f"{interpreter}-{abi}-{platform}")
                if rank is not None and (best is None or rank < best):
                    best = rank
    return best


def _chosen(version: Version, usable: list[ParsedFile], target: Target,
            policy: Policy) -> Candidate:
    """pip's pick among the applicable files (the first of equals, as `max` keeps it)."""
    best = max(usable, key=lambda p: _sort_key(p, target, policy))
    return Candidate(version, best, best.file.yanked, verdict_for_file(best, target, policy))


def candidate_order(candidate: Candidate, policy: Policy) -> tuple[int, int, Version]:
    """pip's order between versions: unyanked first, wheels first under --prefer-binary,
    then newest."""
    best = candidate.file
    binary = 1 if policy.prefer_binary and best is not None and best.is_wheel else 0
    return (-1 if candidate.yanked else 0, binary, candidate.version)


def rank_versions(
    files: tuple[DistFile, ...], project: str, target: Target, policy: Policy
) -> list[Candidate]:
    """Every version of a project, best first as pip would try them on the target.

    Versions with an applicable file come first (pip's order); versions with files but none
    applicable follow, newest first, carrying an `unavailable` verdict.
    """
    found = [
        c for v, group in group_files(files, project).items()
        if (c := best_candidate(v, group, project, target, policy)) is not None
    ]
    usable = sorted((c for c in found if c.file is not None),
                    key=lambda c: candidate_order(c, policy), reverse=True)
    missing = sorted((c for c in found if c.file is None), key=lambda c: c.version,
                     reverse=True)
    return usable + missing
