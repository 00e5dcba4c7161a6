"""Marker specialisation on selection variables, and marker propagation over lock edges."""

from __future__ import annotations

from packaging.markers import Marker

from wheelfit.sources.lock_graph import MAX_ALTERNATIVES, Edge, propagate
from wheelfit.sources.marker_select import specialize

GROUPS = {"dependency_groups": frozenset({"default"}), "extras": frozenset({"images"})}


def test_selected_group_atom_is_true() -> None:
    assert specialize(Marker('"default" in dependency_groups'), GROUPS) is True


def test_unselected_group_atom_is_false() -> None:
    assert specialize(Marker('"dev" in dependency_groups'), GROUPS) is False


def test_other_atoms_are_kept() -> None:
    found = specialize(Marker('"default" in dependency_groups and python_version < "3.11"'),
                       GROUPS)
    assert str(found) == 'python_version < "3.11"'


def test_or_with_a_false_branch_drops_it() -> None:
    found = specialize(Marker('"dev" in dependency_groups or sys_platform == "linux"'), GROUPS)
    assert str(found) == 'sys_platform == "linux"'


def test_not_in_is_negated() -> None:
    assert specialize(Marker('"images" not in extras'), GROUPS) is False


def test_extra_equality_is_decided() -> None:
    assert specialize(Marker('extra == "cpu"'), {"extra": frozenset({"cpu"})}) is True


def test_extra_names_compare_normalised() -> None:
    assert specialize(Marker('extra == "My_Extra"'), {"extra": frozenset({"my-extra"})}) is True


def test_nested_parentheses_are_kept() -> None:
    found = specialize(Marker('"default" in dependency_groups and (sys_platform == "win32" '
                              'or platform_machine == "arm64")'), GROUPS)
    assert str(found) == 'sys_platform == "win32" or platform_machine == "arm64"'


def test_marker_without_selection_variables_is_unchanged() -> None:
    marker = Marker('python_version >= "3.9"')
    assert str(specialize(marker, GROUPS)) == str(marker)


def graph(edges: dict[int, list[Edge]]) -> dict[int, Marker | None]:
    return propagate([0], lambda node, extras: edges.get(node, []))


def test_unconditional_chain_has_no_markers() -> None:
    assert graph({0: [Edge(1)], 1: [Edge(2)]}) == {0: None, 1: None, 2: None}


def test_markers_and_along_a_chain() -> None:
    found = graph({0: [Edge(1, "sys_platform == 'linux'")],
                   1: [Edge(2, "platform_machine == 'x86_64'")]})
    assert str(found[2]) == 'platform_machine == "x86_64" and sys_platform == "linux"'


def test_markers_or_across_paths() -> None:
    found = graph({0: [Edge(1, "sys_platform == 'linux'"), Edge(2, "sys_platform == 'win32'")],
                   1: [Edge(3)], 2: [Edge(3)]})
    assert str(found[3]) == 'sys_platform == "linux" or sys_platform == "win32"'


def test_any_unconditional_path_makes_it_unconditional() -> None:
    found = graph({0: [Edge(1, "sys_platform == 'linux'"), Edge(1)]})
    assert found[1] is None


def test_cycles_terminate() -> None:
    found = graph({0: [Edge(1, "os_name == 'posix'")], 1: [Edge(2, "sys_platform == 'linux'")],
                   2: [Edge(1)]})
    assert str(found[1]) == 'os_name == "posix"'


def test_extras_on_edges_are_passed_to_the_target() -> None:
    seen: list[frozenset[str]] = []

    def edges(node: int, extras: frozenset[str]) -> list[Edge]:
        seen.append(extras)
        return [Edge(1, None, ("socks",))] if node == 0 else []

    propagate([0], edges)
    assert frozenset({"socks"}) in seen


def test_too_many_alternatives_collapse_to_unconditional() -> None:
    fan = {0: [Edge(i, f"platform_release == '{i}'") for i in range(1, MAX_ALTERNATIVES + 3)]}
    fan.update({i: [Edge(999)] for i in range(1, MAX_ALTERNATIVES + 3)})
    assert graph(fan)[999] is None
