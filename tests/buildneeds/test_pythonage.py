"""Old sdists on a newer Python (issue 13, item 7): the prediction and its reasons."""

from __future__ import annotations

from datetime import date

from wheelfit.buildneeds.pythonage import predates_python, python_releases
from wheelfit.model import DistFile

UPLOADED = "2021-01-05T12:00:00Z"


def _files(*names: str, uploaded: str | None = UPLOADED) -> list[DistFile]:
    return [DistFile(n, f"https://x/{n}", upload_time=uploaded) for n in names]


OLD_NUMPY = _files("numpy-1.19.5.zip", "numpy-1.19.5-cp39-cp39-manylinux2010_x86_64.whl",
                   "numpy-1.19.5-cp38-cp38-win_amd64.whl")


def test_a_release_older_than_the_python_is_expected_to_fail() -> None:
    text = predates_python("numpy", "1.19.5", "3.12", OLD_NUMPY, "1.26.0") or ""
    assert text.startswith("numpy 1.19.5 predates Python 3.12") and "expected to fail" in text


def test_the_first_release_with_a_wheel_is_named() -> None:
    text = predates_python("numpy", "1.19.5", "3.12", OLD_NUMPY, "1.26.0") or ""
    assert text.endswith("1.26.0 is the first release with a wheel for Python 3.12 on this "
                         "target")


def test_the_reason_gives_both_dates_and_the_newest_wheel() -> None:
    text = predates_python("numpy", "1.19.5", "3.12", OLD_NUMPY, None) or ""
    assert "uploaded 2021-01-05; Python 3.12 came out 2023-10-02; its wheels stop at cp39" in text


def test_a_release_after_the_python_is_not_judged() -> None:
    files = _files("p-1.0.tar.gz", "p-1.0-cp39-cp39-manylinux2014_x86_64.whl",
                   uploaded="2024-01-01T00:00:00Z")
    assert predates_python("p", "1.0", "3.12", files, None) is None


def test_an_abi3_wheel_serves_the_newer_python() -> None:
    files = _files("p-1.0.tar.gz", "p-1.0-cp37-abi3-win_amd64.whl")
    assert predates_python("p", "1.0", "3.12", files, None) is None


def test_a_wheel_for_that_python_on_another_platform_means_no_prediction() -> None:
    files = _files("p-1.0.tar.gz", "p-1.0-cp312-cp312-win_amd64.whl")
    assert predates_python("p", "1.0", "3.12", files, None) is None


def test_a_pure_wheel_means_no_prediction() -> None:
    files = _files("p-1.0.tar.gz", "p-1.0-cp39-cp39-win_amd64.whl", "p-1.0-py3-none-any.whl")
    assert predates_python("p", "1.0", "3.12", files, None) is None


def test_an_sdist_only_project_is_not_judged() -> None:
    assert predates_python("p", "1.0", "3.12", _files("p-1.0.tar.gz"), None) is None


def test_an_undated_file_means_no_prediction() -> None:
    files = _files("p-1.0.tar.gz", "p-1.0-cp39-cp39-win_amd64.whl", uploaded=None)
    assert predates_python("p", "1.0", "3.12", files, None) is None


def test_a_python_without_a_known_date_is_not_judged() -> None:
    assert predates_python("numpy", "1.19.5", "3.99", OLD_NUMPY, None) is None


def test_every_python_release_date_has_a_source() -> None:
    rows = python_releases().values()
    assert all("https://peps.python.org/pep-" in r.source for r in rows)


def test_python_312_came_out_on_2023_10_02() -> None:
    assert python_releases()["3.12"].released == date(2023, 10, 2)
