"""Every Dockerfile of the corpus (tests/data/dockerfiles/) migrated to every variant: the
service's own instructions stay byte for byte, or the migration is refused with the line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from formats.golden import GOLDEN_DIR
from wheelfit.errors import InputFileError
from wheelfit.formats.migration import MigrationPlan, rewrite
from wheelfit.sources.dockerfile import parse_dockerfile

CORPUS = Path(__file__).resolve().parents[1] / "data" / "dockerfiles"
NAMES = sorted(p.parent.name for p in CORPUS.glob("*/Dockerfile"))
REFUSED = yaml.safe_load((GOLDEN_DIR / "migration" / "cases.yaml").read_text())["refused"]
PLANS = [
    MigrationPlan("slim", "3.12", "slim-trixie", ("build-essential", "libpq-dev"), ("libpq5",)),
    MigrationPlan("slim-multistage", "3.12", "slim-trixie", ("build-essential",), ("libpq5",)),
    MigrationPlan("alpine", "3.12", "alpine3.24", ("build-base", "libpq-dev"), ("libpq",)),
    MigrationPlan("alpine-cleanup", "3.12", "alpine3.24", ("build-base",), ("libpq",)),
    MigrationPlan("alpine-multistage", "3.12", "alpine3.24", ("build-base",), ("libpq",)),
]
OWN = ("USER", "CMD", "ENTRYPOINT", "ENV", "WORKDIR", "COPY", "ADD", "ARG", "EXPOSE",
       "VOLUME", "LABEL", "HEALTHCHECK", "#")


@pytest.mark.parametrize("plan", PLANS, ids=[p.variant for p in PLANS])
@pytest.mark.parametrize("name", [n for n in NAMES if n not in REFUSED])
def test_the_service_own_lines_stay(name: str, plan: MigrationPlan) -> None:
    text = (CORPUS / name / "Dockerfile").read_text()
    after = rewrite(text, parse_dockerfile(text, "Dockerfile"), plan).text.split("\n")
    own = [line for line in text.split("\n") if line.split(" ")[0].upper() in OWN]
    assert [line for line in own if line not in after] == []


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_the_reason(name: str) -> None:
    text = (CORPUS / name / "Dockerfile").read_text()
    with pytest.raises(InputFileError, match=REFUSED[name]):
        rewrite(text, parse_dockerfile(text, "Dockerfile"), PLANS[2])


def test_the_corpus_is_the_one_the_parser_tests_read() -> None:
    assert len(NAMES) >= 30
