"""The resolver's ordering (resolve/priority.py) and its conflict messages (conflicts.py),
as pure functions of requirement information."""

from __future__ import annotations

from packaging.requirements import Requirement
from packaging.version import Version
from resolvelib.structs import RequirementInformation

from wheelfit.model import Status, Verdict
from wheelfit.resolve.conflicts import describe_conflict, describe_too_deep
from wheelfit.resolve.priority import CONFLICT_THRESHOLD, ConflictScore, preference
from wheelfit.resolve.requirements import Cand, Req, make_req

WHEEL = Verdict(Status.PURE_WHEEL)


def req(line: str, origin: str = "requirements.txt:1") -> Req:
    return make_req(Requirement(line), origin)


def cand(name: str, version: str) -> Cand:
    return Cand(name, Version(version), frozenset(), WHEEL)


def info(line: str, parent: Cand | None = None) -> RequirementInformation[Req, Cand]:
    return RequirementInformation(req(line), parent)


PROTOBUF_CLASH = [info("protobuf>=6", cand("pubsub", "2.44")),
                  info("protobuf<6", cand("otel-proto", "1.32"))]


def clash(score: ConflictScore, times: int) -> None:
    """`times` conflicts in which otel-proto's candidate is rejected because of pubsub."""
    for _ in range(times):
        score.rejected("otel-proto")
        score.conflict(PROTOBUF_CLASH)


def test_repeated_conflicts_move_the_affected_project_early_and_the_culprit_late() -> None:
    score = ConflictScore()
    clash(score, CONFLICT_THRESHOLD)
    assert score.early("otel-proto") and not score.late("otel-proto")
    assert score.late("pubsub") and not score.early("pubsub")


def test_fewer_conflicts_than_the_threshold_change_nothing() -> None:
    score = ConflictScore()
    clash(score, CONFLICT_THRESHOLD - 1)
    assert not any(score.early(n) or score.late(n) for n in ("otel-proto", "pubsub"))


def test_a_late_culprit_is_decided_after_an_ordinary_project() -> None:
    score = ConflictScore()
    clash(score, CONFLICT_THRESHOLD)
    late = preference(score, "pubsub", "pubsub", [info("pubsub>=2", None)], [])
    ordinary = preference(score, "six", "six", [info("six", cand("x", "1"))], [])
    assert ordinary < late


def test_an_exact_pin_is_decided_before_an_early_project() -> None:
    score = ConflictScore()
    clash(score, CONFLICT_THRESHOLD)
    early = preference(score, "otel-proto", "otel-proto", [info("otel-proto>=1")], [])
    pinned = preference(score, "zz", "zz", [info("zz==1.0", cand("x", "1"))], [])
    assert pinned < early


def test_the_conflict_met_most_often_is_remembered() -> None:
    score = ConflictScore()
    clash(score, 3)
    score.conflict([info("idna<3", cand("requests", "2.0")), info("idna>=3")])
    assert score.most_frequent() == PROTOBUF_CLASH


def test_a_conflict_names_each_requirement_and_its_parent() -> None:
    text = describe_conflict([info("urllib3<3,>=1.21.1", cand("requests", "2.32.3")),
                              info("urllib3==1.20", None)])
    assert text.startswith("no version of urllib3 fits both `urllib3==1.20` (from "
                           "requirements.txt:1) and `urllib3<3,>=1.21.1` (required by "
                           "requests 2.32.3).")
    assert "loosen the input's requirement on urllib3, or allow other versions of requests" in text


def test_a_conflict_between_input_lines_asks_to_change_the_input() -> None:
    text = describe_conflict([info("idna<3", None), info("idna>=3", None)])
    assert text.endswith("What to do: change one of these lines of the input so they agree.")


def test_many_versions_of_one_parent_are_summarised_as_a_range() -> None:
    causes = [info(f"semconv=={v}b0", cand("sdk", f"1.{v}")) for v in (40, 41, 42)]
    text = describe_conflict([info("semconv<0.54"), *causes])
    assert "`semconv==40b0` to `semconv==42b0` (required by sdk 1.40 to 1.42: 3 versions tried)" \
        in text


def test_the_rounds_bound_names_the_conflict_and_what_to_pin() -> None:
    text = describe_too_deep(5000, PROTOBUF_CLASH)
    assert text.startswith("resolution gave up after 5000 rounds")
    assert "no version of protobuf fits both" in text
    assert "What to do: pin otel-proto, pubsub (or protobuf)" in text
