"""The fact sheets' contexts: plain data (str, int, dates, lists, dicts) built from the records.

Three kinds of sheet, one builder each: a scheme type (`type_sheet`, narrowed to a region or
a department if asked), one scheme instance (`scheme_sheet`) and what covers a territory
(`territory_sheet`). Every fact a builder puts in a context carries `refs`, the numbers of
its sources in the context's `sources` list, so that a sheet can say where each fact comes
from and as of when. A reference that does not resolve stops the sheet (run `dts check`):
a handout with a hole in it is worse than none.

The builders live here; the numbered sources in citations.py, the records as plain data in
records.py, the map and the written file in output.py (re-exported here for the callers).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dtscli.base.dataversion import data_version
from dtscli.base.kb import KnowledgeBase, SchemeQuery
from dtscli.base.loader import LoadedRecord
from dtscli.base.provenance import counts_as_existing  # the rule of `dts stats coverage`
from dtscli.base.referential import Territory
from dtscli.cache.listindex import normalise_code
from dtscli.data import kinds, models
from dtscli.sheets.citations import REFERENTIAL_KEY, Citations, referential_entry
from dtscli.sheets.environment import family_label, fr_join, fr_percent, status_label
from dtscli.sheets.output import attach_map, map_context, run, sheet_map
from dtscli.sheets.records import (
    FEMININE_TYPES,
    LEGAL_KINDS,
    TERRITORY_KINDS,
    arrange_contacts,
    contact_data,
    legal_data,
    legal_heading,
    reading_list,
    scheme_data,
    select_contacts,
    territory_data,
    territory_incomplete,
)
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _
from dtscli.util.suggest import did_you_mean

Context = dict[str, Any]
__all__ = [
    "FEMININE_TYPES",
    "LEGAL_KINDS",
    "REFERENTIAL_KEY",
    "TERRITORY_KINDS",
    "Citations",
    "attach_map",
    "build_sheet",
    "data_version",
    "legal_heading",
    "map_context",
    "parse_day",
    "referential_entry",
    "run",
    "scheme_sheet",
    "sheet_map",
    "territory_incomplete",
    "territory_sheet",
    "type_sheet",
]


# ---------------------------------------------------------------- sheet metadata


def parse_day(text: str | None) -> dt.date:
    """--date / DTS_TODAY (YYYY-MM-DD), or today."""
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise DtsError(
            _("invalid date {text!r}: use YYYY-MM-DD, e.g. 2025-04-22").format(text=text)
        ) from None


def _meta(kb: KnowledgeBase, kind: str, today: dt.date) -> Context:
    return {
        "sheet_kind": kind,
        "generated_on": today,
        "data_version": data_version(kb.data_dir),
        "map": None,  # set by attach_map when the geometry is installed
    }


# ---------------------------------------------------------------- what a sheet is about


def resolve_target(kb: KnowledgeBase, target: str) -> tuple[str, str]:
    """('type', 'CLSM') or ('scheme', 'clsm-nice'); one clear error otherwise."""
    if target.upper() in models.SCHEME_TYPES:
        return "type", target.upper()
    if kb.find(kinds.SCHEME, target) is not None:
        return "scheme", target
    if kb.find(kinds.SCHEME, target.lower()) is not None:
        return "scheme", target.lower()
    choices = [*models.SCHEME_TYPES, *kb.records[kinds.SCHEME]]
    guess = did_you_mean(target, choices) or did_you_mean(target.upper(), choices)
    hint = _(" (did you mean {guess!r}?)").format(guess=guess) if guess else ""
    raise DtsError(
        _(
            "{target!r} is neither a scheme type nor a scheme id{hint}; types are: "
            "{types}, and `dts list` shows the schemes"
        ).format(target=target, hint=hint, types=", ".join(models.SCHEME_TYPES))
    )


def scheme_type(kb: KnowledgeBase, code: str) -> LoadedRecord:
    found = kb.find(kinds.SCHEME_TYPE, code)
    if found is None:
        raise DtsError(
            _("no record describes the scheme type {type} (schemes/{type}.yaml is missing)").format(
                type=code
            )
        )
    return found


def narrowing(kb: KnowledgeBase, dept: str | None, region: str | None) -> Territory | None:
    """The territory a type sheet is narrowed to: the department, else the region."""
    dept = normalise_code(dept) if dept else None
    region = normalise_code(region) if region else None
    kb.validate_codes([dept] if dept else [], [region] if region else [])
    if dept and region and kb.referential.departements[dept].region != region:
        raise DtsError(
            _("department {dept} is not in region {region}; give one or the other").format(
                dept=dept, region=region
            )
        )
    if dept:
        return kb.territory(f"dept:{dept}")
    if region:
        return kb.territory(f"region:{region}")
    return None


def type_data(kb: KnowledgeBase, loaded: LoadedRecord, cites: Citations) -> Context:
    kind: models.SchemeType = loaded.record
    return {
        "code": kind.id,
        "name": kind.name,
        "family": kind.family.value,
        "family_label": family_label(kind.family.value),
        "feminine": kind.id in FEMININE_TYPES,
        "scale": kind.scale.label,
        "pilotage": list(kind.pilotage),
        "public": kind.public,
        "themes": list(kind.themes),
        "created_year": kind.created_year,
        "duration_years": kind.duration_years,
        "description": kind.description,
        "refs": cites.cite(kind.sources, loaded.path),
    }


def legal_framework(
    kb: KnowledgeBase, loaded: LoadedRecord, cites: Citations
) -> dict[str, list[Context]]:
    """The type's `legal_basis`, then the other texts that name the type, oldest first."""
    kind: models.SchemeType = loaded.record
    basis = [legal_data(kb, i, kind.id, cites, loaded.path) for i in kind.legal_basis]
    others = [
        legal
        for legal in kb.of_kind(kinds.LEGAL)
        if kind.id in legal.record.scheme_types and legal.id not in kind.legal_basis
    ]
    others.sort(key=lambda legal: (legal.record.date or dt.date.max, legal.id))
    return {
        "basis": basis,
        "others": [legal_data(kb, legal.id, kind.id, cites, legal.path) for legal in others],
    }


def published_counts(
    kb: KnowledgeBase, loaded: LoadedRecord, scope: Territory | None, cites: Citations
) -> list[Context]:
    kind: models.SchemeType = loaded.record
    rows = []
    for count in kind.published_counts:
        territory = kb.territory(count.territory)
        if territory is None:
            raise DtsError(
                _("{path}: unknown territory {ref!r}; run `dts check`").format(
                    path=loaded.path, ref=count.territory
                )
            )
        if scope is not None and not territory.overlaps(scope):
            continue
        rows.append(
            {
                "territory": territory.name,
                "count": count.count,
                "label": count.label,
                "status": count.status.value if count.status else None,
                "status_label": status_label(count.status.value, kind.id in FEMININE_TYPES)
                if count.status
                else None,
                "as_of": count.source.as_of,
                "compared": count.compared,
                "refs": cites.cite([count.source], loaded.path),
            }
        )
    return rows


def group_by_department(kb: KnowledgeBase, rows: list[Context]) -> Context:
    """Scheme rows by department (a territory across several departments is its own group),
    with the count per status in each group."""
    statuses = [s.value for s in models.Status if any(r["status"] == s.value for r in rows)]
    groups: dict[tuple[str, ...], Context] = {}
    for row in rows:
        depts = row["territory"]["depts"]
        key = tuple(d["code"] for d in depts)
        if key not in groups:
            names = [f"{d['name']} ({d['code']})" for d in depts]
            groups[key] = {
                "label": fr_join(names) if names else "Département non déterminé",
                "depts": depts,
                "schemes": [],
            }
        groups[key]["schemes"].append(row)
    ordered = [groups[k] for k in sorted(groups, key=lambda k: (not k, k))]
    for group in ordered:
        group["counts"] = [sum(r["status"] == s for r in group["schemes"]) for s in statuses]
        group["total"] = len(group["schemes"])
    feminine = bool(rows) and rows[0]["type"] in FEMININE_TYPES
    return {
        "total": len(rows),
        "statuses": [{"value": s, "label": status_label(s, feminine)} for s in statuses],
        "totals": [sum(r["status"] == s for r in rows) for s in statuses],
        "groups": ordered,
    }


# ---------------------------------------------------------------- the three builders


def type_sheet(
    kb: KnowledgeBase,
    code: str,
    *,
    dept: str | None = None,
    region: str | None = None,
    today: dt.date | None = None,
) -> Context:
    """A scheme type: what it is, its texts, counts, instances, contacts, further reading."""
    loaded = scheme_type(kb, code.upper())
    scope = narrowing(kb, dept, region)
    cites = Citations(kb)
    context = _meta(kb, "type", today or dt.date.today())
    # Sources are numbered in the order the sheet cites them: scope, counts, list and
    # contacts first, then the definition, the texts and the reading list.
    code = loaded.record.id
    context["scope"] = territory_data(kb, scope, cites) if scope else None
    query = SchemeQuery(types=[code], territory=scope)
    instances = [scheme_data(kb, s, cites) for s in kb.query(query)]
    context["instances"] = group_by_department(kb, instances)
    context["published_counts"] = published_counts(kb, loaded, scope, cites)
    contacts = select_contacts(kb, type_code=code, scope=scope, national=True)
    context["contacts"] = arrange_contacts([contact_data(kb, c, cites) for c in contacts])
    kind = type_data(kb, loaded, cites)
    context["type"] = kind
    context["title"] = f"{kind['name']} ({kind['code']})" + (f" — {scope.label}" if scope else "")
    context["legal"] = legal_framework(kb, loaded, cites)
    context["reading"] = reading_list(kb, kind["code"], cites)
    context["sources"] = cites.entries
    return context


def scheme_sheet(kb: KnowledgeBase, scheme_id: str, *, today: dt.date | None = None) -> Context:
    """One scheme instance: its territory, status and dates, its type, who to contact."""
    loaded = kb.find(kinds.SCHEME, scheme_id)
    if loaded is None:
        resolve_target(kb, scheme_id)  # raises the helpful error
        raise DtsError(_("no scheme has the id {id!r}").format(id=scheme_id))
    scheme: models.Scheme = loaded.record
    cites = Citations(kb)
    context = _meta(kb, "scheme", today or dt.date.today())
    row = scheme_data(kb, loaded, cites)
    row["notes"] = scheme.notes
    coordinator = None
    if scheme.coordinator:
        found = kb.find(kinds.CONTACT, scheme.coordinator)
        if found is None:
            raise DtsError(
                _("{path}: the coordinator {id!r} is no contact record; run `dts check`").format(
                    path=loaded.path, id=scheme.coordinator
                )
            )
        coordinator = contact_data(kb, found, cites)
    row["coordinator"] = coordinator
    related = []
    for other_id in scheme.related:
        other = kb.find(kinds.SCHEME, other_id)
        if other is None:
            raise DtsError(
                _("{path}: related scheme {id!r} does not exist").format(
                    path=loaded.path, id=other_id
                )
            )
        related.append(scheme_data(kb, other, cites))
    row["related"] = related
    context["scheme"] = row
    context["title"] = scheme.name
    territory = kb.territory(scheme.territory)
    assert territory is not None  # scheme_data resolved it
    contacts = [
        c
        for c in select_contacts(kb, type_code=scheme.type, scope=territory, national=False)
        if c.id != scheme.coordinator
    ]
    context["contacts"] = arrange_contacts([contact_data(kb, c, cites) for c in contacts])
    skip = {scheme.id, *scheme.related}
    context["neighbours"] = [
        scheme_data(kb, s, cites) for s in kb.covering(territory) if s.id not in skip
    ]
    type_loaded = scheme_type(kb, scheme.type)
    context["type"] = type_data(kb, type_loaded, cites)
    context["legal"] = legal_framework(kb, type_loaded, cites)
    context["sources"] = cites.entries
    return context


def territory_sheet(
    kb: KnowledgeBase, text: str, *, dept: str | None = None, today: dt.date | None = None
) -> Context:
    """What covers a territory: every overlapping scheme, by family, with population covered."""

    territory = kb.referential.parse_territory(text, normalise_code(dept) if dept else None)
    cites = Citations(kb)
    context = _meta(kb, "territory", today or dt.date.today())
    context["territory"] = territory_data(kb, territory, cites)
    context["title"] = f"Démarches territoriales de santé : {territory.label}"
    covering = kb.covering(territory)
    families = []
    for family in models.Family:
        in_family = [s for s in covering if scheme_type(kb, s.record.type).record.family == family]
        covered: set[str] = set()
        for loaded in in_family:
            if not counts_as_existing(loaded.record):
                continue  # an intention, an expired or unknown scheme covers no one
            area = kb.territory(loaded.record.territory)
            if area is not None:
                covered |= area.communes & territory.communes
        population = sum(kb.referential.communes[c].population or 0 for c in covered)
        measurable = bool(in_family) and bool(territory.communes)
        families.append(
            {
                "id": family.value,
                "label": family_label(family.value),
                "schemes": [scheme_data(kb, s, cites) for s in in_family],
                "covered_population": population if measurable else None,
                "covered_share": fr_percent(population, territory.population)
                if measurable and territory.population
                else None,
            }
        )
    context["families"] = families
    context["scheme_count"] = len(covering)
    coordinators = {s.record.coordinator for s in covering if s.record.coordinator}
    contacts = select_contacts(kb, type_code=None, scope=territory, national=False)
    chosen = {c.id: c for c in contacts}
    for contact_id in sorted(coordinators):
        found = kb.find(kinds.CONTACT, contact_id)
        if found is not None:
            chosen.setdefault(contact_id, found)
    context["contacts"] = arrange_contacts([contact_data(kb, c, cites) for c in chosen.values()])
    context["sources"] = cites.entries
    return context


def build_sheet(
    kb: KnowledgeBase,
    target: str | None,
    *,
    territory: str | None = None,
    dept: str | None = None,
    region: str | None = None,
    today: dt.date | None = None,
) -> Context:
    """The context of the sheet the command line asks for (see `dts sheet --help`)."""
    if territory is not None:
        if target is not None:
            raise DtsError(_("give a scheme type or id, or --territory, not both"))
        if region is not None:
            raise DtsError(
                _("--region does not apply to --territory (use --dept for ambiguous names)")
            )
        return territory_sheet(kb, territory, dept=dept, today=today)
    if target is None:
        raise DtsError(
            _(
                "say what the sheet is about: a scheme type (dts sheet CLSM), a scheme id "
                "(dts sheet clsm-nice) or a territory (dts sheet --territory Nice)"
            )
        )
    kind, key = resolve_target(kb, target)
    if kind == "type":
        return type_sheet(kb, key, dept=dept, region=region, today=today)
    if dept is not None or region is not None:
        raise DtsError(
            _("--dept and --region narrow a type sheet (dts sheet CLSM --dept 06), not a scheme")
        )
    return scheme_sheet(kb, key, today=today)
