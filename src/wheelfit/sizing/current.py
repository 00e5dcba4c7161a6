"""Today's image, predicted from the service's own Dockerfile (pure: parsed Dockerfile + checked
report → CurrentImage).

Only the final stage counts; earlier stages reach it through `COPY --from`. Each instruction
that adds bytes becomes one layer with its basis lines: the base image (data/base-images.tsv),
system packages with their dependency closure (data/system-packages.tsv; removed only by an
`apk del` / `apt-get purge` in the same RUN), apt's package lists left behind, the Python
packages (the wheels' central directories) and their bytecode, pip's cache when
`--no-cache-dir` is missing, and wheel folders copied between stages. What cannot be sized is
listed as not modelled, never guessed. The model is documented in docs/estimate.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from wheelfit.model import Report, Target, Variant
from wheelfit.model.docker import CurrentImage, CurrentLayer
from wheelfit.sizing.currentparts import (
    ServicePackages,
    base_layer,
    copy_from_layer,
    install_parts,
    installs_service,
    system_parts,
)
from wheelfit.sizing.estimate import package_sizes
from wheelfit.sizing.sizes import MB, ZERO, Span
from wheelfit.sources.dockerfile.model import (
    CopyFrom,
    DockerfileModel,
    ImageVariant,
    PythonInstall,
    Stage,
    SystemPackages,
)

Item = SystemPackages | PythonInstall | CopyFrom


@dataclass
class _Layer:
    """A layer being put together: one RUN (or COPY) line, its parts and their basis."""

    line: int
    words: list[str] = field(default_factory=list)
    span: Span = ZERO
    basis: list[str] = field(default_factory=list)

    def add(self, span: Span, lines: Iterable[str]) -> None:
        self.span = self.span + span
        self.basis.extend(lines)


def image_variant(model: DockerfileModel) -> ImageVariant | None:
    """The final stage's python image flavour: from its tag, or the tag's words."""
    base = model.image_base(model.final)
    if base.python is None:
        return None
    if base.python.variant is not None:
        return base.python.variant
    words = (base.tag or "").split("-")
    if "slim" in words:
        return ImageVariant.SLIM
    return ImageVariant.ALPINE if any(w.startswith("alpine") for w in words) else ImageVariant.FULL


def dockerfile_target(model: DockerfileModel, report: Report) -> Target | None:
    """The report's target the Dockerfile's final image is: alpine for an alpine tag, the
    glibc (slim) target for slim and full images."""
    variant = image_variant(model)
    if variant is None:
        return None
    wanted = Variant.ALPINE if variant is ImageVariant.ALPINE else Variant.SLIM
    return next((t for t in report.targets if t.variant is wanted), None)


def predict_current(model: DockerfileModel, report: Report) -> CurrentImage | None:
    """Today's image of `model` (the parsed Dockerfile) with the packages of `report` (the
    check of the Dockerfile's dependency input), or None when the final stage does not start
    from a python image the report has a target for."""
    target = dockerfile_target(model, report)
    variant = image_variant(model)
    if target is None or variant is None:
        return None
    chain = tuple(reversed(model.chain(model.final)))
    in_chain = {s.index for s in chain}
    service = ServicePackages(package_sizes(report, target), report.input,
                              python=target.python)
    gaps: list[str] = [f"{n.text} (line {n.line}; {n.gap.value})" for n in model.not_modelled]
    base, base_line = base_layer(model, target, variant)
    layers = [base_line]
    for line, items in _by_line(model, in_chain):
        layer = _Layer(line)
        for item in items:
            _add(layer, item, model, chain, target, service, gaps)
        if layer.words:
            layers.append(_finish(layer))
    gaps += [f"COPY/ADD of {', '.join(c.src)} from the build context (line {c.line}): the "
             "service's own files are not sized" for c in model.context_copies
             if c.stage in in_chain]
    if not service.placed:
        gaps.append("no install line of the final stage installs the checked packages: the "
                    "Python layer is not in the figure")
    return _image(model, report, target, base, layers, gaps, service)


def _by_line(model: DockerfileModel,
             in_chain: set[int]) -> list[tuple[int, list[Item]]]:
    """The final chain's installs and copies, grouped by the RUN/COPY line they come from."""
    grouped: dict[int, list[Item]] = defaultdict(list)
    items: list[Item] = [*model.system_packages, *model.python_installs, *model.copies_from]
    for item in items:
        if item.stage in in_chain and getattr(item, "taken", True) is not False:
            grouped[item.line].append(item)
    return sorted(grouped.items())


def _add(layer: _Layer, item: Item, model: DockerfileModel, chain: tuple[Stage, ...],
         target: Target, service: ServicePackages, gaps: list[str]) -> None:
    if isinstance(item, SystemPackages):
        words, span, lines = system_parts(item, target, gaps)
    elif isinstance(item, PythonInstall):
        if not installs_service(item):
            gaps.append(f"{item.tool.value} install of {' '.join(item.specs)} (line "
                        f"{item.line}): the installers themselves are not sized")
            return
        words, span, lines = install_parts(item, chain, service, gaps)
    else:
        words, span, lines = copy_from_layer(item, model, service, gaps)
    if words:
        layer.words.append(words)
        layer.add(span, lines)


def _finish(layer: _Layer) -> CurrentLayer:
    kind = "COPY" if all(w.startswith("--from") for w in layer.words) else "RUN"
    return CurrentLayer(
        instruction=f"{kind} {' && '.join(layer.words)} (line {layer.line})", line=layer.line,
        size_mb=round(layer.span.point / MB, 1),
        size_mb_range=(round(layer.span.lo / MB, 1), round(layer.span.hi / MB, 1)),
        basis=tuple(layer.basis))


def _image(model: DockerfileModel, report: Report, target: Target, base: Span | None,
           layers: list[CurrentLayer], gaps: list[str],
           service: ServicePackages) -> CurrentImage:
    lo = sum(layer.size_mb_range[0] for layer in layers if layer.size_mb_range)
    hi = sum(layer.size_mb_range[1] for layer in layers if layer.size_mb_range)
    point = sum(layer.size_mb or 0.0 for layer in layers)
    variant = next((v for v in (report.estimate.variants if report.estimate else ())
                    if v.name == target.variant.value), None)
    notes = [f"sized on the {target.name} target ({target.image}); on-disk MB = 10^6 bytes, "
             "as `docker images` shows them"]
    notes += service.notes
    return CurrentImage(
        dockerfile=model.path, base=model.image_base(model.final).reference,
        target=target.name,
        size_mb=round(point, 1) if base is not None else None,
        size_mb_range=(round(lo, 1), round(hi, 1)) if base is not None else None,
        layers=tuple(layers),
        source_builds=variant.source_builds if variant else 0,
        build_minutes_range=variant.build_minutes_range if variant else (0.0, 0.0),
        not_modelled=tuple(dict.fromkeys(gaps)), notes=tuple(notes), inputs=(report.input,))
