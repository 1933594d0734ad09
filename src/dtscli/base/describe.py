"""Records with their references resolved, as plain data for `show`, `list --format json`
and the sheets: territory names and populations, contact names, titles of texts."""

from __future__ import annotations

from typing import Any

from dtscli.base.kb import KnowledgeBase
from dtscli.base.loader import LoadedRecord
from dtscli.data import kinds


def territory_view(kb: KnowledgeBase, ref: str | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    territory = kb.territory(ref)
    if territory is None:
        return {"ref": ref, "name": None, "resolved": False}
    referential = kb.referential
    return {
        "ref": ref,
        "kind": territory.kind,
        "name": territory.name,
        "population": territory.population,
        "communes": len(territory.communes),
        "depts": [
            {"code": d, "name": referential.departements[d].name}
            for d in sorted(territory.depts)
            if d in referential.departements
        ],
        "regions": [
            {"code": r, "name": referential.regions[r].name}
            for r in sorted(territory.regions)
            if r in referential.regions
        ],
    }


def reference_view(kb: KnowledgeBase, kind: str, record_id: str | None) -> dict[str, Any] | None:
    """An id with the title or name of what it points at (None when it does not resolve)."""
    if record_id is None:
        return None
    found = kb.find(kind, record_id)
    if found is None:
        return {"id": record_id, "resolved": False}
    record = found.record
    label = getattr(record, "title", None) or getattr(record, "name", None)
    view: dict[str, Any] = {"id": record_id, "label": label}
    for extra in ("date", "email", "phone", "role", "url", "kind"):
        value = getattr(record, extra, None)
        if value is not None:
            view[extra] = value
    return view


def _resolved(kb: KnowledgeBase, kind: str, record_id: str) -> dict[str, Any]:
    view = reference_view(kb, kind, record_id)
    assert view is not None  # an id was given
    return view


def record_view(kb: KnowledgeBase, loaded: LoadedRecord) -> dict[str, Any]:
    """The record's own fields, plus `resolved` references and `file`."""
    record = loaded.record
    dumped = record.model_dump(mode="json", exclude_none=False)
    tail = ("sources", "notes")  # the model lists inherited fields first; show them last
    view = {k: v for k, v in dumped.items() if k not in tail}
    view.update({k: dumped[k] for k in tail if k in dumped})
    resolved: dict[str, Any] = {}
    if getattr(record, "territory", None):
        resolved["territory"] = territory_view(kb, record.territory)
    if getattr(record, "coordinator", None):
        resolved["coordinator"] = reference_view(kb, kinds.CONTACT, record.coordinator)
    if getattr(record, "organisation", None):
        resolved["organisation"] = reference_view(kb, kinds.CONTACT, record.organisation)
    if loaded.kind == kinds.SCHEME:
        resolved["type"] = reference_view(kb, kinds.SCHEME_TYPE, record.type)
        resolved["related"] = [reference_view(kb, kinds.SCHEME, r) for r in record.related]
    for field in ("legal_basis", "code_articles"):
        if getattr(record, field, None):
            resolved[field] = [reference_view(kb, kinds.LEGAL, i) for i in getattr(record, field)]
    sources = getattr(record, "sources", None) or []
    if sources:
        resolved["sources"] = [
            {**_resolved(kb, kinds.DOCUMENT, s.document), "as_of": s.as_of, "locator": s.locator}
            for s in sources
        ]
    if loaded.kind in kinds.TERRITORY_KINDS:
        prefix = kinds.TERRITORY_KINDS[loaded.kind]
        resolved["territory"] = territory_view(kb, f"{prefix}:{record.id}")
    view["resolved"] = resolved
    view["file"] = loaded.path
    view["record_kind"] = loaded.kind
    return view
