"""The JSON report: the model serialised, with `schema_version` and a summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any

from wheelfit.formats.jsontext import Unsupported, dumps_converted, dumps_indented
from wheelfit.formats.options import RenderOptions
from wheelfit.formats.summary import (
    counts,
    dependencies_unknown,
    incompleteness,
    no_recommendation,
)
from wheelfit.model import Report

_SCALARS = (str, int, float, type(None))
_EXACT = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}
# Fields marked `omit_none` in their metadata: left out while None (options' extras).
_OMIT: dict[type, frozenset[str]] = {}


def plain(value: Any) -> Any:
    """Dataclasses, enums, mappings and tuples → JSON-ready values, field order kept."""
    if type(value) in _EXACT:  # most of a report: no Enum or subclass to look for
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, _SCALARS):  # bool is an int
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    kind = type(value)
    names = _FIELDS.get(kind) or _dataclass_names(value)
    if names is not None:
        omit = _OMIT.get(kind)
        if omit:
            return {name: plain(getattr(value, name)) for name in names
                    if name not in omit or getattr(value, name) is not None}
        # Most fields are plain values already: taken as they are, without a call.
        return {name: field if type(field := getattr(value, name)) in _EXACT else plain(field)
                for name in names}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def _dataclass_names(value: Any) -> tuple[str, ...] | None:
    """The field names of a dataclass instance (its omitted-while-None ones recorded in
    `_OMIT`), or None for anything else."""
    if not is_dataclass(value) or isinstance(value, type):
        return None
    kind = type(value)
    _OMIT[kind] = frozenset(f.name for f in fields(value) if f.metadata.get("omit_none"))
    return _FIELDS.setdefault(kind, tuple(f.name for f in fields(value)))


def _one_level(value: Any) -> Any:
    """`plain` of one value that is not a plain JSON value, one level deep: its items or
    fields as they are (the writer converts them in turn). `Unsupported` for what `plain`
    would hand to the writer unchanged (a subclass of `str`, `int` or `float`)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, _SCALARS):
        raise Unsupported
    if isinstance(value, (list, tuple)):
        return list(value)
    kind = type(value)
    names = _FIELDS.get(kind) or _dataclass_names(value)
    if names is not None:
        omit = _OMIT.get(kind)
        if omit:
            return {name: getattr(value, name) for name in names
                    if name not in omit or getattr(value, name) is not None}
        return {name: getattr(value, name) for name in names}
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    raise Unsupported


def report_dict(report: Report) -> dict[str, Any]:
    """The report as the JSON contract's dictionary."""
    return _ordered(report, plain(report))


def _ordered(report: Report, body: dict[str, Any]) -> dict[str, Any]:
    """The contract's order around `body` (the report's fields, plain or one level)."""
    ordered: dict[str, Any] = {"schema_version": report.schema_version}
    ordered.update({k: v for k, v in body.items() if k != "schema_version"
                    and not (k in ("dockerfile", "current") and v is None)})
    ordered["complete"] = report.complete
    ordered["summary"] = {
        "by_target": counts(report),
        "packages": len(report.packages),
        "dependencies_unknown": len(dependencies_unknown(report)),
        "incomplete": incompleteness(report),
    }
    withheld = no_recommendation(report)
    if withheld is not None:
        ordered["summary"]["no_recommendation"] = withheld
    return ordered


def render(report: Report, *, options: RenderOptions | None = None) -> str:
    """Deterministic, indented JSON (`json.dumps(..., indent=2, ensure_ascii=False)`'s text
    of `report_dict`): the fields are converted as the writer meets them, without building
    the plain tree first; anything the writer leaves to `json.dumps` takes that way."""
    try:
        return dumps_converted(_ordered(report, _one_level(report)), _one_level) + "\n"
    except Unsupported:
        return dumps_indented(report_dict(report)) + "\n"
