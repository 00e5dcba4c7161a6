"""When resolution is impossible: the requirements written in the file, judged alone.

Every line naming a project narrows the same choice, as pip reads them: `bleach==6.3.0`
and `bleach[css]` together mean bleach 6.3.0 with the css extra, never the newest bleach.
A requirement's extras add the projects only those extras pull in (`psycopg[c]` →
psycopg-c), each judged alone at the version its line allows.
"""

from __future__ import annotations

from collections.abc import Sequence

from packaging.specifiers import SpecifierSet

from wheelfit.model import Status, Verdict
from wheelfit.resolve.catalog import ProjectCatalog
from wheelfit.resolve.requirements import Cand, Req
from wheelfit.resolve.resolver import Resolved


def direct_pins(
    catalog: ProjectCatalog, reqs: Sequence[Req], constraints: Sequence[Req]
) -> dict[str, Resolved]:
    """Each project named in the file (and each project its extras add), judged alone."""
    limits = {name: merged[0] for name, merged in _merged(constraints).items()}
    wanted = _merged(reqs)
    result: dict[str, Resolved] = {}
    extra_deps: list[Req] = []
    for name, (specifier, extras, origins, texts) in wanted.items():
        limit = limits.get(name)
        spec = specifier if limit is None else specifier & limit
        verdict, cand = _judge(catalog, name, spec, extras, texts)
        result[name] = Resolved(name, verdict, tuple(sorted(origins)), True, False)
        if cand is not None and extras:
            extra_deps += _extra_only(catalog, cand)
    for dep in extra_deps:
        if dep.name in result:
            prior = result[dep.name]
            asked = tuple(sorted({*prior.requested_by, dep.origin}))
            result[dep.name] = Resolved(dep.name, prior.verdict, asked, prior.direct, False)
            continue
        spec = dep.specifier & limits.get(dep.name, SpecifierSet())
        verdict, _ = _judge(catalog, dep.name, spec, frozenset(), [dep.text])
        result[dep.name] = Resolved(dep.name, verdict, (dep.origin,), False, False)
    return result


_Merged = tuple[SpecifierSet, frozenset[str], set[str], list[str]]


def _merged(reqs: Sequence[Req]) -> dict[str, _Merged]:
    """Per project: the intersection of its specifiers, the union of its extras, the
    origins and texts of its lines."""
    merged: dict[str, _Merged] = {}
    for req in reqs:
        prior = merged.get(req.name)
        if prior is None:  # `SpecifierSet() & spec` would be the same clauses, copied
            merged[req.name] = (req.specifier, req.extras, {req.origin}, [req.text])
            continue
        spec, extras, origins, texts = prior
        merged[req.name] = (spec & req.specifier, extras | req.extras,
                            origins | {req.origin}, [*texts, req.text])
    return merged


def _judge(
    catalog: ProjectCatalog, name: str, spec: SpecifierSet, extras: frozenset[str],
    texts: Sequence[str],
) -> tuple[Verdict, Cand | None]:
    """The verdict of the first candidate pip would take, and that candidate with extras."""
    found = catalog.matches(name, spec)
    if isinstance(found, Verdict):
        return found, None
    if not found:
        wanted = " and ".join(dict.fromkeys(texts))
        return Verdict(Status.UNAVAILABLE, reason=f"no version matches {wanted}"), None
    first = found[0]
    file = first.file.file if first.file is not None else None
    return first.verdict, Cand(name, first.version, extras, first.verdict, file)


def _extra_only(catalog: ProjectCatalog, cand: Cand) -> list[Req]:
    """The requirements the candidate's extras add to its plain dependencies."""
    plain = Cand(cand.name, cand.version, frozenset(), cand.verdict, cand.file)
    base = {(r.name, str(r.specifier)) for r in catalog.dependencies(plain, warm=False)}
    return [
        r for r in catalog.dependencies(cand, warm=False)
        if r.name != cand.name and (r.name, str(r.specifier)) not in base
    ]
