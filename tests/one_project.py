"""An index that knows one project, "foo", with an sdist per version: just enough of a
PackageIndex for tests of the catalog's version handling."""

from __future__ import annotations

from collections.abc import Sequence

from wheelfit.compat.filenames import project_page
from wheelfit.model import DistFile, ProjectPage


class OneProjectIndex:
    """foo's page with `foo-<version>.tar.gz` for each of `versions`."""

    def __init__(self, versions: Sequence[str]) -> None:
        self.versions = tuple(versions)

    def project(self, name: str) -> ProjectPage:
        files = tuple(DistFile(f"foo-{v}.tar.gz", f"https://f/foo-{v}.tar.gz")
                      for v in self.versions)
        return project_page("foo", files)
