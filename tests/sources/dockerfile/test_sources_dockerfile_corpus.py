"""The parser on the recorded corpus: every expected fact of tests/data/dockerfiles/manifest.yaml.

One test per Dockerfile and fact group, so a failure names the file and what differs.
Absent optional keys take the defaults README.md gives (`conditional: false`, ...); notes
are prose and are not compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.sources.dockerfile import parse_dockerfile
from wheelfit.sources.dockerfile.model import DockerfileModel, Gap

CORPUS = Path(__file__).resolve().parents[2] / "data" / "dockerfiles"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
ENTRIES = {entry["name"]: entry for entry in MANIFEST["entries"]}
FACTS = ["stages", "args", "final", "env", "python_installs", "mounts", "system_packages",
         "copy_from", "inputs", "not_modelled"]
INSTALL_DEFAULTS = {"specs": [], "requirements": [], "constraints": [], "flags": [],
                    "wheel_dir": None, "conditional": False, "taken": True,
                    "pyc_removed": False}
APT_DEFAULTS = {"recommends": True, "lists_removed": False, "purged_same_run": [],
                "conditional": False, "taken": True}
APK_DEFAULTS = {"no_cache": False, "virtual": None, "removed_same_run": False,
                "purged_same_run": [], "conditional": False, "taken": True}
_models: dict[str, DockerfileModel] = {}


def model(name: str) -> DockerfileModel:
    if name not in _models:
        path = CORPUS / ENTRIES[name]["dockerfile"]
        _models[name] = parse_dockerfile(path.read_text(encoding="utf-8"), str(path))
    return _models[name]


def ref(found: DockerfileModel, index: int) -> str | int:
    return found.stages[index].ref


def expected(entry: dict[str, Any], key: str, defaults: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**defaults, **{k: v for k, v in item.items() if k != "note"}}
            for item in entry["expected"].get(key, [])]


def installs(found: DockerfileModel) -> list[dict[str, Any]]:
    return [{"stage": ref(found, i.stage), "tool": i.tool.value, "specs": list(i.specs),
             "requirements": list(i.requirements), "constraints": list(i.constraints),
             "flags": list(i.flags), "wheel_dir": i.wheel_dir, "cache": i.cache.value,
             "conditional": i.conditional, "taken": i.taken, "pyc_removed": i.pyc_removed}
            for i in found.python_installs]


def packages(found: DockerfileModel) -> list[dict[str, Any]]:
    out = []
    for p in found.system_packages:
        item: dict[str, Any] = {"stage": ref(found, p.stage), "manager": p.manager,
                                "action": p.action, "packages": list(p.packages),
                                "purged_same_run": list(p.purged_same_run),
                                "conditional": p.conditional, "taken": p.taken}
        if p.manager == "apt":
            item.update(recommends=p.recommends, lists_removed=p.lists_removed)
        else:
            item.update(no_cache=p.no_cache, virtual=p.virtual,
                        removed_same_run=p.removed_same_run)
        out.append(item)
    return out


def check_stages(entry: dict[str, Any], found: DockerfileModel) -> None:
    assert [s.name for s in found.stages] == entry["expected"]["stages"]


def check_args(entry: dict[str, Any], found: DockerfileModel) -> None:
    assert dict(found.global_args) == entry["expected"]["args"]
    for stage, args in entry["expected"].get("stage_args", {}).items():
        assert dict(next(s for s in found.stages if s.ref == stage).args) == args


def check_final(entry: dict[str, Any], found: DockerfileModel) -> None:
    want = {k: v for k, v in entry["expected"]["final"].items() if k != "note"}
    chain = found.chain(found.final)
    base = chain[-1].base
    tag = base.python
    got = {"from": base.reference, "python": tag.python if tag else None,
           "variant": tag.variant.value if tag and tag.variant else None,
           "release": tag.release if tag else None, "digest": base.digest}
    if len(chain) > 1:
        got["via"] = [s.ref for s in chain]
    assert got == want


def check_env(entry: dict[str, Any], found: DockerfileModel) -> None:
    env = {pair for stage in found.stages for pair in stage.install_env}
    for name, value in entry["expected"].get("env", {}).items():
        assert (name, str(value)) in env


def check_python_installs(entry: dict[str, Any], found: DockerfileModel) -> None:
    assert installs(found) == expected(entry, "python_installs", INSTALL_DEFAULTS)


def check_mounts(entry: dict[str, Any], found: DockerfileModel) -> None:
    """Mounts other than caches on the RUNs that install Python packages (absent: none)."""
    install_lines = {i.line for i in found.python_installs}
    got = [{"stage": ref(found, m.stage), "type": m.type, "source": m.source,
            "target": m.target, "from": m.from_} for m in found.mounts
           if m.type != "cache" and m.line in install_lines]
    assert got == expected(entry, "mounts", {"from": None, "source": None})


def check_system_packages(entry: dict[str, Any], found: DockerfileModel) -> None:
    want = [{**(APT_DEFAULTS if item["manager"] == "apt" else APK_DEFAULTS), **item}
            for item in expected(entry, "system_packages", {})]
    assert packages(found) == want


def check_copy_from(entry: dict[str, Any], found: DockerfileModel) -> None:
    got = [{"stage": ref(found, c.stage), "from": c.source, "src": list(c.src),
            "dest": c.dest, "removed_later": c.removed_later} for c in found.copies_from]
    assert got == expected(entry, "copy_from", {"removed_later": False})


def check_inputs(entry: dict[str, Any], found: DockerfileModel) -> None:
    assert sorted(found.inputs) == sorted(entry["expected"]["inputs"])


def check_not_modelled(entry: dict[str, Any], found: DockerfileModel) -> None:
    """Every expected gap is reported; beyond unknown commands (which the manifest lists
    only where they matter), nothing else is."""
    got = {(g.line, g.gap.value) for g in found.not_modelled}
    want = {(item["line"], item["gap"]) for item in entry["expected"]["not_modelled"]}
    assert want <= got
    assert {g for g in got if g[1] != Gap.COMMAND.value} == {
        g for g in want if g[1] != Gap.COMMAND.value}


CHECKS = {name: globals()[f"check_{name}"] for name in FACTS}


@pytest.mark.parametrize("fact", FACTS)
@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_corpus_fact(name: str, fact: str) -> None:
    CHECKS[fact](ENTRIES[name], model(name))


def test_the_corpus_has_at_least_twenty_files_with_their_sources() -> None:
    assert len(ENTRIES) >= 20
    for entry in ENTRIES.values():
        assert (CORPUS / entry["dockerfile"]).is_file()
        assert set(entry["source"]) >= {"repo", "path", "commit"}
        assert len(entry["source"]["commit"]) == 40


def test_the_corpus_exercises_the_issue_forms() -> None:
    exercised = {form for entry in ENTRIES.values() for form in entry["exercises"]}
    assert {"multi-stage", "arg-driven-from", "heredoc-run",
            "comment-in-continuation"} <= exercised
