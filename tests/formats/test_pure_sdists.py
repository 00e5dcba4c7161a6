"""A pure-Python sdist is not a compile: not in the headline's source builds, not a fleet
blocker, not in a service's build count."""

from __future__ import annotations

from formats.canned import both, sdist
from wheelfit.compat.targets import make_target
from wheelfit.formats.fleet import service_rows, summarise
from wheelfit.formats.summary import headline
from wheelfit.model import Report, Variant


def _report(*native: bool) -> Report:
    packages = tuple(both(f"p{i}", "1.0", sdist(f"p{i}", "1.0", native=n))
                     for i, n in enumerate(native))
    return Report(input="svc/requirements.txt", input_format="requirements",
                  targets=(make_target(Variant.SLIM, "3.12", "x86_64", debian="trixie"),
                           make_target(Variant.ALPINE, "3.12", "x86_64", alpine="3.24")),
                  python_source="default", packages=packages)


def test_headline_counts_pure_sdists_apart() -> None:
    assert headline(_report(True, False, False)) == (
        "slim: 1 source build, 2 pure-Python sdists (no compiler); alpine: 1 source build, "
        "2 pure-Python sdists (no compiler).")


def test_pure_sdist_does_not_block_alpine() -> None:
    assert summarise([_report(False)]).fleet.alpine_ready == ("svc/requirements.txt",)


def test_native_sdist_blocks_alpine() -> None:
    assert summarise([_report(True, False)]).fleet.top_blockers == (("p0", 1),)


def test_service_row_counts_native_builds_only() -> None:
    assert service_rows([_report(True, False)])[1][3:5] == ["1", "1"]
