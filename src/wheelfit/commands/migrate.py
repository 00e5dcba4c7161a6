"""`wheelfit dockerfile Dockerfile --diff`: the service's own Dockerfile, migrated.

The Dockerfile's install lines give the inputs, its FROM the target; the check picks the
variant (or `--variant`), and `formats/migration.py` rewrites the file for it. The output is
a unified diff headed by today → after size and build minutes.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from wheelfit.errors import InputFileError, UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from wheelfit.commands.options import RunOptions
    from wheelfit.formats.migration import MigrationPlan
    from wheelfit.formats.migrationdiff import TodaySize
    from wheelfit.model import Estimate, Report
    from wheelfit.sources.dockerfile.model import DockerfileModel


def today_size(reports: list[Report]) -> TodaySize | None:
    """The image the Dockerfile builds today (`sizing/current.py`'s prediction, attached by
    `with_current`): size and build minutes, or None when it could not be predicted."""
    from wheelfit.formats.migrationdiff import TodaySize

    for report in reports:
        current = report.current
        if current is not None and current.size_mb is not None:
            return TodaySize(current.size_mb, current.build_minutes_range)
    return None


def _dockerfile(path: Path) -> Path:
    from wheelfit.sources.dockerinput import dockerfile_in, is_dockerfile

    found = dockerfile_in(path) if os.path.isdir(path) else path
    if found is None or not is_dockerfile(found):
        raise UsageError(f"--diff rewrites a Dockerfile, and {path} is not one",
                         hint="Give the service's Dockerfile (or its folder): "
                              "`wheelfit dockerfile path/to/Dockerfile --diff`.")
    return found


def _model(path: Path) -> tuple[str, DockerfileModel]:
    from wheelfit.sources.bounds import check_numbers
    from wheelfit.sources.dockerfile import parse_dockerfile
    from wheelfit.sources.reading import read_text

    text = read_text(path, str(path))
    check_numbers(text, str(path))
    model = parse_dockerfile(text, str(path))
    if not [i for i in model.python_installs if i.taken is not False]:
        raise InputFileError(
            "no pip, uv, poetry or pipenv install line: nothing here tells wheelfit which "
            "packages the image holds", path=str(path),
            hint="Add the install line the image needs (e.g. `RUN pip install --no-cache-dir "
                 "-r requirements.txt`), or write a fresh Dockerfile from the dependency "
                 "file: `wheelfit dockerfile requirements.txt`.")
    return text, model


def _plan(reports: list[Report], variant: str) -> MigrationPlan:
    from wheelfit.formats.dockerfile import gap_pairs, variant_target
    from wheelfit.formats.migration import MigrationPlan
    from wheelfit.model import Status, Variant
    from wheelfit.sizing.estimate import system_packages

    target = variant_target(reports[0], variant)
    build: set[str] = set()
    runtime: set[str] = set()
    builds: set[str] = set()
    gaps: dict[tuple[str, str], None] = {}
    for report in reports:
        own = variant_target(report, variant)
        system = system_packages(report, own)
        build.update(system.build)
        runtime.update(system.runtime)
        gaps.update(dict.fromkeys(gap_pairs(report, own)))
        builds.update(p.name for p in report.packages
                      if (v := p.verdicts.get(own.name)) is not None
                      and v.status is Status.SOURCE_BUILD)
    suffix = (f"slim-{target.release}" if target.variant is Variant.SLIM
              else f"alpine{target.release}")
    return MigrationPlan(variant, target.python, suffix, tuple(sorted(build)),
                         tuple(sorted(runtime)), builds=tuple(sorted(builds)),
                         gaps=tuple(gaps))


def _header(reports: list[Report], path: Path, variant: str, why: str,
            today: TodaySize | None, after: Estimate | None) -> list[str]:
    """The title line and one size line: today → `variant` of the image (for several
    inputs, the estimate over all their packages, `sizing/combined.py`)."""
    from wheelfit.formats.migrationdiff import size_line

    inputs = ", ".join(r.input for r in reports)
    lines = [f"# wheelfit: {path} (installs {inputs}) → {variant} ({why})"]
    variants = {v.name: v for v in after.variants} if after else {}
    # slim-multistage is estimated only when slim compiles: then it is slim's image
    found = [variants[name] for name in (variant, variant.removesuffix("-multistage"))
             if name in variants][:1]
    if found:
        lines.append(size_line(found[0], today))
    else:
        lines.append(f"# size: no estimate for {variant}")
    return lines + _image_gap(reports[0], variant)


def _image_gap(report: Report, variant: str) -> list[str]:
    """When no official image has the variant target's Python on its release: that, and
    that the rewritten FROM lines name a tag that was never published."""
    from wheelfit.compat.targets import image_gap
    from wheelfit.formats.dockerfile import variant_target

    gap = image_gap(variant_target(report, variant))
    if gap is None:
        return []
    return [f"# {gap[0].upper()}{gap[1:]}. The rewritten FROM lines name a tag that was never "
            "published: change them to an image you build, or rerun with that flag."]


def run_migration(path: Path, options: RunOptions) -> str:
    """The header, the notes and the unified diff of the migrated Dockerfile."""
    from wheelfit.commands.check import check_all, with_current
    from wheelfit.commands.inputs import IndexPool, load_inputs
    from wheelfit.formats.migration import rewrite
    from wheelfit.formats.migrationdiff import migration_text, unified

    found = _dockerfile(path)
    text, model = _model(found)
    specs, _ = load_inputs([found], options)
    pool = IndexPool(options)
    try:
        reports = with_current(check_all(specs, options, pool), specs)
    finally:
        pool.close()
    after, recommended = reports[0].estimate, reports[0].recommendation
    if len(reports) > 1:  # one image from several inputs: judged over all their packages
        from wheelfit.sizing.combined import combined

        after, recommended = combined(reports)
    if options.variant:
        variant, why = options.variant, "--variant"
    elif recommended is not None:
        variant, why = recommended.variant, "recommended"
    else:
        variant, why = "slim", "no recommendation: the report is incomplete; slim by default"
    migration = rewrite(text, model, _plan(reports, variant))
    header = _header(reports, found, variant, why, today_size(reports), after)
    diff = unified(text.lstrip("\ufeff").replace("\r\n", "\n"), migration.text,
                   str(found), variant)
    return migration_text(header, migration.notes, diff)
