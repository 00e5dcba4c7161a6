"""The fast path for fully pinned inputs (`wheelfit.resolve.pinned`) against the resolver.

Whatever the input, `resolve_pinned` either declines (None) or returns exactly the `Outcome`
`resolve()` returns: same names, verdicts, `requested_by`, `direct`, "dependencies unknown"
and notes. Checked on synthetic projects (tests/data/pinned/, one case per situation the
fast path must get right or decline), on every acceptance case of tests/cases/ and on the
complete pinned closure of each, and through `check()` with and without the fast path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from case_runner import make_request
from loopback import LoopbackIndex
from wheelfit.index.base import PackageIndex
from wheelfit.index.client import open_index
from wheelfit.model import Report, Target
from wheelfit.pipeline import check as check_module
from wheelfit.pipeline.check import CheckRequest, check, policies, target_requirements
from wheelfit.resolve import pinned
from wheelfit.resolve import resolver as resolve_module
from wheelfit.resolve.catalog import ProjectCatalog
from wheelfit.resolve.pinned import resolve_pinned
from wheelfit.resolve.resolver import Outcome, resolve

TESTS = Path(__file__).resolve().parents[1]
DATA = TESTS / "data" / "pinned"
SYNTHETIC = yaml.safe_load((DATA / "cases.yaml").read_text())
ACCEPTANCE = sorted((TESTS / "cases").glob("*.yaml"))


def catalog(request: CheckRequest, index: PackageIndex, target: Target) -> ProjectCatalog:
    """A fresh catalog, as `check()` makes one per target."""
    return ProjectCatalog(index, target, policies(request),
                          pre=request.pre or request.spec.options.pre)


def both(request: CheckRequest, index: PackageIndex,
         target: Target) -> tuple[Outcome | None, Outcome]:
    """(fast path, resolver) for one target, each on its own fresh catalog."""
    fast_catalog, slow_catalog = catalog(request, index, target), catalog(request, index, target)
    reqs, constraints = target_requirements(request.spec, fast_catalog)
    return (resolve_pinned(fast_catalog, reqs, constraints),
            resolve(slow_catalog, reqs, constraints))


def versions(outcome: Outcome) -> dict[str, str | None]:
    return {name: r.verdict.version for name, r in outcome.packages.items()}


def report_without_fast_path(request: CheckRequest, index: PackageIndex,
                             monkeypatch: pytest.MonkeyPatch) -> Report:
    with monkeypatch.context() as m:
        m.setattr(check_module, "resolve_pinned", lambda *args, **kwargs: None)
        return check(request, index)


# --- synthetic cases -----------------------------------------------------------------------


@pytest.mark.parametrize("case", SYNTHETIC, ids=[c["id"] for c in SYNTHETIC])
def test_synthetic_case(case: dict[str, Any], synthetic_index: LoopbackIndex,
                        tmp_path: Path) -> None:
    request = make_request(case, synthetic_index.url, tmp_path)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        for target in request.targets:
            fast, slow = both(request, index, target)
            assert (fast is not None) == case["fast"], (target.name, fast, slow)
            if "conflict" in case:
                assert slow.conflict and not slow.packages
                continue
            assert slow.conflict is None
            assert versions(slow) == case["versions"]
            for name, want in (case.get("status") or {}).items():
                assert slow.packages[name].verdict.status.value == want[target.name]
            if "dependencies_unknown" in case:
                assert sorted(n for n, r in slow.packages.items()
                              if r.dependencies_unknown) == case["dependencies_unknown"]
            if fast is not None:
                assert fast == slow


@pytest.mark.parametrize("case", SYNTHETIC, ids=[c["id"] for c in SYNTHETIC])
def test_report_is_the_same_without_the_fast_path(
    case: dict[str, Any], synthetic_index: LoopbackIndex, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request = make_request(case, synthetic_index.url, tmp_path)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        calls: list[bool] = []

        def spy(*args: Any, **kwargs: Any) -> Outcome | None:
            found = resolve_pinned(*args, **kwargs)
            calls.append(found is not None)
            return found

        monkeypatch.setattr(check_module, "resolve_pinned", spy)
        fast = check(request, index)
        slow = report_without_fast_path(request, index, monkeypatch)
    assert calls == [case["fast"]] * len(request.targets)
    assert fast.packages == slow.packages
    assert fast.problems == slow.problems
    conflicts = [p.message for p in fast.problems if p.kind == "conflict"]
    assert bool(conflicts) == ("conflict" in case)
    for name in case.get("conflict", []):
        assert all(name in message for message in conflicts), conflicts


def test_declining_leaves_the_catalog_as_it_was(synthetic_index: LoopbackIndex,
                                                tmp_path: Path) -> None:
    """After walking nativepkg (a note on alpine) the fast path meets an unpinned dependency:
    the resolver then runs on the same catalog and must not see the note twice."""
    case = next(c for c in SYNTHETIC if c["id"] == "notes-then-fallback")
    request = make_request(case, synthetic_index.url, tmp_path)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        alpine = next(t for t in request.targets if t.name == "alpine")
        shared = catalog(request, index, alpine)
        reqs, constraints = target_requirements(request.spec, shared)
        assert resolve_pinned(shared, reqs, constraints) is None
        after = resolve(shared, reqs, constraints)
        _, alone = both(request, index, alpine)
    assert after == alone
    assert after.packages["nativepkg"].notes == (
        "dependencies read from nativepkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",)


def test_requested_by_lists_every_origin(synthetic_index: LoopbackIndex, tmp_path: Path) -> None:
    case = next(c for c in SYNTHETIC if c["id"] == "extras-from-a-dependency")
    request = make_request(case, synthetic_index.url, tmp_path)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        fast, _ = both(request, index, request.targets[0])
    assert fast is not None
    web = fast.packages["web"]
    assert web.requested_by == tuple(sorted(
        ["api 1.0", f"{tmp_path / 'requirements.txt'}:2", "web 1.0"]))
    assert web.direct
    assert fast.packages["speedups"].requested_by[0] == f"{tmp_path / 'requirements.txt'}:3"
    assert not fast.packages["turbo-core"].dependencies_unknown


@pytest.mark.parametrize(("rounds", "fast_used"), [(3, False), (4, True)])
def test_too_many_rounds_is_left_to_the_resolver(
    rounds: int, fast_used: bool, synthetic_index: LoopbackIndex, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three projects take four rounds: with fewer the resolver gives up, so must the fast path."""
    monkeypatch.setattr(resolve_module, "MAX_ROUNDS", rounds)
    monkeypatch.setattr(pinned, "MAX_ROUNDS", rounds)
    case = next(c for c in SYNTHETIC if c["id"] == "consistent-closure")
    request = make_request(case, synthetic_index.url, tmp_path)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        fast, slow = both(request, index, request.targets[0])
    assert (fast is not None) == fast_used
    assert (slow.conflict is None) == fast_used
    if fast is not None:
        assert fast == slow


# --- the acceptance cases on recorded PyPI data --------------------------------------------


def closure(request: CheckRequest, outcome: Outcome, target: Target) -> str:
    """The resolver's answer written back as a fully pinned requirements file."""
    lines = []
    for entry in request.spec.requirements:
        req = entry.requirement
        found = outcome.packages.get(req.name.lower().replace("_", "-"))
        if req.extras and found and found.verdict.version:
            lines.append(f"{req.name}[{','.join(sorted(req.extras))}]=={found.verdict.version}")
    for name, resolved in outcome.packages.items():
        lines.append(f"{name}=={resolved.verdict.version or '0'}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("path", ACCEPTANCE, ids=[p.stem for p in ACCEPTANCE])
def test_acceptance_case_and_its_closure(path: Path, index_server: LoopbackIndex,
                                         tmp_path: Path) -> None:
    index_server.restore_defaults()
    case = yaml.safe_load(path.read_text())
    request = make_request(case, index_server.url, tmp_path / "input")
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        for target in request.targets:
            fast, slow = both(request, index, target)
            assert fast is None or fast == slow, target.name
            if slow.conflict is not None:
                assert fast is None
                continue
            pinned_case = {**case, "input": closure(request, slow, target)}
            pinned_request = make_request(pinned_case, index_server.url, tmp_path / target.name)
            fast, slow_again = both(pinned_request, index, target)
            assert fast is not None, (target.name, pinned_case["input"])
            assert fast == slow_again
            assert versions(fast) == versions(slow)


def test_some_acceptance_inputs_take_the_fast_path_as_written(
    index_server: LoopbackIndex, tmp_path: Path
) -> None:
    """Pinned closures as written (numpy alone, the binary twin...) need no resolver."""
    used = []
    for path in ACCEPTANCE:
        case = yaml.safe_load(path.read_text())
        request = make_request(case, index_server.url, tmp_path / path.stem)
        with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
            fast, slow = both(request, index, request.targets[0])
        if fast is not None:
            assert fast == slow
            used.append(path.stem)
    assert {"musllinux-1-1-only", "binary-twin", "not-found"} <= set(used), used
