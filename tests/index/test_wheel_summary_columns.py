"""wheelsummary.summarise_columns: the column-wise summary equals the member-by-member
rules it replaces (`compiled_by_pip`, `.libs/` with either slash), on any names."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wheelfit.index.wheelsummary import WheelSummary, compiled_by_pip, summarise_columns

_PARTS = st.sampled_from([
    "pkg", "pkg.data", "pkg-1.0.dist-info", "purelib", "platlib", "scripts", "x.libs",
    ".libs", "a.py", "b.so.1", "lib.so", "METADATA", "\\", "\n", "", ".py", ".data", "é",
])
_NAMES = st.lists(_PARTS, min_size=1, max_size=4).map("/".join)
_MEMBERS = st.lists(st.tuples(_NAMES, st.integers(0, 10**9)), max_size=30)


def _one_by_one(members: list[tuple[str, int]]) -> WheelSummary:
    files = installed = py = py_files = libs_bytes = 0
    libs: list[str] = []
    for name, size in members:
        files += 1
        installed += size
        if compiled_by_pip(name):
            py += size
            py_files += 1
        in_libs = ".libs/" in name
        if in_libs:
            libs_bytes += size
        if ".so" in name and (in_libs or ".libs/" in name.replace("\\", "/")):
            libs.append(name)
    return WheelSummary(files, installed, py, py_files, libs_bytes, tuple(libs))


@given(_MEMBERS)
def test_the_columns_sum_as_the_members_one_by_one(members: list[tuple[str, int]]) -> None:
    names, sizes = [n for n, _ in members], [s for _, s in members]
    assert summarise_columns(names, sizes) == _one_by_one(members)


def test_a_py_file_of_the_metadata_folder_or_a_data_script_is_not_compiled() -> None:
    names = ["pkg/a.py", "pkg-1.0.dist-info/x.py", "pkg.data/scripts/t.py",
             "pkg.data/platlib/m.py"]
    summary = summarise_columns(names, [1, 10, 100, 1000])
    assert (summary.py_bytes, summary.py_files) == (1001, 2)
