"""A target whose choice has no metadata of its own (an sdist on an index without PEP 658
files) reads a sibling wheel's; the sibling another target already read costs no request,
so it is preferred over one nobody chose (issue 15: top-500 read 29 aarch64/i686 wheels
that no target installs)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from index_builders import metadata, publish, wheel
from index_server import IndexServer
from wheelfit.compat.targets import default_targets
from wheelfit.index.client import IndexClient
from wheelfit.resolve.catalog import ProjectCatalog
from wheelfit.resolve.requirements import Cand

ARM = "nat-1.0-cp310-cp310-manylinux_2_17_aarch64.whl"
X86 = "nat-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"
SDIST = "nat-1.0.tar.gz"


@pytest.fixture
def client(server: IndexServer) -> Iterator[IndexClient]:
    meta = metadata("nat", "1.0", requires=["dep>=1"])
    files = {ARM: wheel("nat", "1.0", meta), X86: wheel("nat", "1.0", meta), SDIST: b"x" * 64}
    url = publish(server, "nat", files)  # no PEP 658 files, as the index reachable here
    with IndexClient([url], no_cache=True, backoff=0.0) as index:
        yield index


def _chosen(catalog: ProjectCatalog) -> Cand:
    found = next(catalog.iter_matches("nat", SpecifierSet("==1.0")))
    assert found.file is not None
    return Cand("nat", Version("1.0"), frozenset(), found.verdict, found.file.file)


def test_the_sibling_already_read_is_preferred(server: IndexServer,
                                                client: IndexClient) -> None:
    slim, alpine = (ProjectCatalog(client, t, {}) for t in default_targets(python="3.12"))
    slim_choice = _chosen(slim)
    assert slim_choice.file is not None and slim_choice.file.filename == X86
    slim.dependencies(slim_choice, warm=False)
    alpine_choice = _chosen(alpine)
    assert alpine_choice.file is not None and alpine_choice.file.filename == SDIST
    deps = alpine.dependencies(alpine_choice, warm=False)
    assert [d.name for d in deps] == ["dep"]
    assert alpine.notes["nat"] == [f"dependencies read from {X86}"]
    assert not server.hits_for(f"/files/{ARM}")


def test_metadata_at_hand_after_a_read(client: IndexClient) -> None:
    page = client.project("nat")
    assert page is not None
    by_name = {f.filename: f for f in page.groups[Version("1.0")]}
    assert not client.metadata_at_hand(by_name[X86])
    client.core_metadata(by_name[X86])
    assert client.metadata_at_hand(by_name[X86])
    assert not client.metadata_at_hand(by_name[ARM])
