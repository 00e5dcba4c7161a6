"""The interpretation rules, one table row each (tests/data/dockerfile_rules/interpret.yaml):
python tags, official image names, variable expansion, the shell reader, and whole
Dockerfile snippets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.errors import InputFileError
from wheelfit.sources.dockerfile import parse_dockerfile
from wheelfit.sources.dockerfile.expand import expand
from wheelfit.sources.dockerfile.images import is_official_python, parse_python_tag
from wheelfit.sources.dockerfile.model import DockerfileModel
from wheelfit.sources.dockerfile.shell import parse_shell

RULES = Path(__file__).resolve().parents[2] / "data" / "dockerfile_rules" / "interpret.yaml"
TABLE = yaml.safe_load(RULES.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("tag", "python", "variant", "release"), TABLE["tags"])
def test_python_tag(tag: str | None, python: str | None, variant: str | None,
                    release: str | None) -> None:
    found = parse_python_tag(tag)
    assert (found.python, found.variant.value if found.variant else None,
            found.release) == (python, variant, release)


@pytest.mark.parametrize(("name", "official"), TABLE["refs"])
def test_official_python_image(name: str, official: bool) -> None:
    assert is_official_python(name) is official


@pytest.mark.parametrize("case", TABLE["expand"], ids=[c["text"] for c in TABLE["expand"]])
def test_expand(case: dict[str, Any]) -> None:
    found = expand(case["text"], case["values"])
    assert found.text == case["out"]
    assert found.unset is case.get("unset", False)
    assert found.unknown is case.get("unknown", False)


@pytest.mark.parametrize("case", TABLE["shell"], ids=[c["text"][:40] for c in TABLE["shell"]])
def test_shell(case: dict[str, Any]) -> None:
    script = parse_shell(case["text"], case.get("values", {}))
    got = []
    for command, want in zip(script.commands, case["commands"], strict=False):
        full = [command.argv, command.conditional, command.taken, command.piped]
        got.append(full[:len(want)])
    assert got == case["commands"]
    assert len(script.commands) == len(case["commands"])


def _final(found: DockerfileModel) -> dict[str, Any]:
    chain = found.chain(found.final)
    base = chain[-1].base
    tag = base.python
    return {"from": base.reference, "python": tag.python if tag else None,
            "variant": tag.variant.value if tag and tag.variant else None,
            "digest": base.digest, "via": [s.ref for s in chain]}


def _subset(items: list[Any], wants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item, want in zip(items, wants, strict=False):
        row = {}
        for key in want:
            value = getattr(item, key)
            value = value.value if hasattr(value, "value") else value
            row[key] = list(value) if isinstance(value, tuple) else value
        out.append(row)
    return out


PARSE = TABLE["parse"]


@pytest.mark.parametrize("case", PARSE, ids=[c["name"] for c in PARSE])
def test_parse(case: dict[str, Any]) -> None:
    found = parse_dockerfile(case["text"], "Dockerfile")
    if "final" in case:
        final = _final(found)
        assert {k: final[k] for k in case["final"]} == case["final"]
    for key, items in (("installs", found.python_installs), ("packages", found.system_packages),
                       ("copies", found.copies_from)):
        if key in case:
            assert _subset(list(items), case[key]) == case[key]
            assert len(items) == len(case[key])
    if "inputs" in case:
        assert list(found.inputs) == case["inputs"]
    if "env" in case:
        env = dict(pair for stage in found.stages for pair in stage.install_env)
        assert {k: env.get(k) for k in case["env"]} == case["env"]
    if "gaps" in case:
        got = {(g.line, g.gap.value) for g in found.not_modelled if g.gap.value != "command"}
        assert sorted(list(g) for g in got) == case["gaps"]
    if "commands" in case:
        got_commands = [[g.line, g.text] for g in found.not_modelled if g.gap.value == "command"]
        assert got_commands == case["commands"]


@pytest.mark.parametrize(("text", "message", "line"), TABLE["errors"])
def test_parse_error(text: str, message: str, line: int | None) -> None:
    with pytest.raises(InputFileError) as caught:
        parse_dockerfile(text, "svc/Dockerfile")
    assert message in caught.value.message
    assert caught.value.message.startswith("svc/Dockerfile")
    assert caught.value.line == line
