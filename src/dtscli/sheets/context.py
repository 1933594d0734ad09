"""The fact sheets' contexts: plain data (str, int, dates, lists, dicts) built from the records.

Three kinds of sheet, one builder each: a scheme type (`type_sheet`, narrowed to a region or
a department if asked), one scheme instance (`scheme_sheet`) and what covers a territory
(`territory_sheet`). Every fact a builder puts in a context carries `refs`, the numbers of
its sources in the context's `sources` list, so that a sheet can say where each fact comes
from and as of when. A reference that does not resolve stops the sheet (run `dts check`):
a handout with a hole in it is worse than none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dtscli.base.dataversion import data_version
from dtscli.base.french import scheme_status_label
from dtscli.base.kb import KnowledgeBase, SchemeQuery
from dtscli.base.loader import LoadedRecord
from dtscli.base.provenance import counts_as_existing  # the rule of `dts stats coverage`
from dtscli.base.referential import Territory, fold
from dtscli.cache.listindex import normalise_code
from dtscli.data import kinds, models
from dtscli.sheets.environment import family_label, fr_date, fr_join, fr_percent, status_label
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _
from dtscli.util.suggest import did_you_mean

Context = dict[str, Any]

TERRITORY_KINDS = {
    "commune": "commune",
    "epci": "intercommunalité",
    "dept": "département",
    "region": "région",
    "qpv": "quartier prioritaire",
    "local": "territoire de projet",
}
LEGAL_KINDS = {
    "loi": "Loi",
    "decret": "Décret",
    "ordonnance": "Ordonnance",
    "arrete": "Arrêté",
    "article-de-code": "Article de code",
    "circulaire": "Circulaire",
    "instruction": "Instruction",
    "recommandation": "Recommandation",
}
FEMININE_TYPES = ("CPTS",)  # « une communauté » : « active », « échue »
REFERENTIAL_KEY = ("referential", "")


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


# ---------------------------------------------------------------- sources


class Citations:
    """The sheet's « Sources »: numbered in order of first citation; one entry per document
    and `as_of` date, with the locators (pages, slides) the facts were read at."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._numbers: dict[tuple[str, str], int] = {}
        self.entries: list[Context] = []

    def cite(self, sources: Iterable[models.Source], cited_by: str) -> list[int]:
        numbers: list[int] = []
        for source in sources:
            key = (source.document, str(source.as_of))
            if key not in self._numbers:
                self._numbers[key] = len(self.entries) + 1
                self.entries.append(self._entry(source, cited_by))
            number = self._numbers[key]
            entry = self.entries[number - 1]
            if source.locator and source.locator not in entry["locators"]:
                entry["locators"].append(source.locator)
                entry["locators"].sort(key=_natural)
            numbers.append(number)
        return sorted(set(numbers))

    def cite_referential(self) -> list[int]:
        """Populations and territory names come from the official referential."""
        if REFERENTIAL_KEY not in self._numbers:
            self._numbers[REFERENTIAL_KEY] = len(self.entries) + 1
            self.entries.append(referential_entry(self.kb, len(self.entries) + 1))
        return [self._numbers[REFERENTIAL_KEY]]

    def _entry(self, source: models.Source, cited_by: str) -> Context:
        found = self.kb.find(kinds.DOCUMENT, source.document)
        if found is None:
            raise DtsError(
                _(
                    "{place} cites the document {id!r}, which no record in "
                    "documents/ has; run `dts check`"
                ).format(place=cited_by, id=source.document)
            )
        document: models.Document = found.record
        return {
            "number": len(self.entries) + 1,
            "id": document.id,
            "title": document.title,
            "authors": list(document.authors),
            "publisher": document.publisher,
            "date": document.date if document.date and document.date != "unknown" else None,
            "url": document.url,
            "as_of": source.as_of,
            "locators": [],
            "referential": False,
        }


def _natural(text: str) -> list:
    """« p. 9 » before « p. 10 »."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, fold(part))
        for part in re.split(r"(\d+)", text)
    ]


def referential_entry(kb: KnowledgeBase, number: int) -> Context:
    """The territory referential as a source (it is generated, not a document record)."""
    version = None
    header = kb.data_dir / "territories" / "communes.yaml"
    try:
        with header.open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("source:"):
                    version = line.split("version:", 1)[-1].strip(' "}\n') or None
                    break
                if not line.startswith("#"):
                    break
    except OSError:
        pass
    title = "Découpage administratif de la France : communes, EPCI, départements, régions"
    return {
        "number": number,
        "id": "referential",
        "title": title,
        "authors": [],
        "publisher": "INSEE (Code officiel géographique, populations légales) et DGCL, "
        "via le paquet @etalab/decoupage-administratif"
        + (f" version {version}" if version else ""),
        "date": None,
        "url": None,
        "as_of": "unknown",
        "locators": [],
        "referential": True,
    }


# ---------------------------------------------------------------- records as plain data


def territory_info(kb: KnowledgeBase, ref: str, cited_by: str, cites: Citations) -> Context:
    territory = kb.territory(ref)
    if territory is None:
        raise DtsError(
            _("{place}: the territory {ref!r} is not in the referential; run `dts check`").format(
                place=cited_by, ref=ref
            )
        )
    return territory_data(kb, territory, cites)


def territory_incomplete(kb: KnowledgeBase, territory: Territory) -> bool:
    """A local territory whose sources give only part of its communes: figures are minima."""
    if territory.kind != "local":
        return False
    loaded = kb.find(kinds.LOCAL_TERRITORY, territory.code)
    return bool(loaded is not None and getattr(loaded.record, "incomplete", False))


def territory_data(kb: KnowledgeBase, territory: Territory, cites: Citations) -> Context:
    """A territory's names and population; `refs` points at the referential."""
    referential = kb.referential
    depts = [
        {"code": d, "name": referential.departements[d].name}
        for d in sorted(territory.depts)
        if d in referential.departements
    ]
    regions = [
        {"code": r, "name": referential.regions[r].name}
        for r in sorted(territory.regions)
        if r in referential.regions
    ]
    return {
        "ref": territory.ref,
        "kind": territory.kind,
        "kind_label": TERRITORY_KINDS[territory.kind],
        "code": territory.code,
        "name": territory.name,
        "label": territory.label,
        "population": territory.population,
        "incomplete": territory_incomplete(kb, territory),
        "communes": len(territory.communes),
        "depts": depts,
        "regions": regions,
        "refs": cites.cite_referential(),
    }


def latest_as_of(sources: Iterable[models.Source]) -> dt.date | str:
    dates = [s.as_of for s in sources if isinstance(s.as_of, dt.date)]
    return max(dates) if dates else "unknown"


def scheme_data(kb: KnowledgeBase, loaded: LoadedRecord, cites: Citations) -> Context:
    scheme: models.Scheme = loaded.record
    type_loaded = kb.find(kinds.SCHEME_TYPE, scheme.type)
    refs = cites.cite(scheme.sources, loaded.path)
    return {
        "id": scheme.id,
        "type": scheme.type,
        "type_name": type_loaded.record.name if type_loaded else scheme.type,
        "name": scheme.name,
        "territory": grouped_territory(
            territory_info(kb, scheme.territory, loaded.path, cites), scheme.department
        ),
        "status": scheme.status.value,
        "status_label": scheme_status_label(scheme, scheme.type in FEMININE_TYPES),
        "status_basis": scheme.status_basis.value if scheme.status_basis else None,
        "signed_on": scheme.signed_on,
        "end_on": scheme.end_on,
        "as_of": latest_as_of(scheme.sources),
        "axes": [axis.name or axis.id for axis in scheme.axes],
        "refs": refs,
    }


def grouped_territory(info: Context, department: str | None) -> Context:
    """A territory spanning two départements, grouped under the one the source names."""
    if not department:
        return info
    kept = [d for d in info.get("depts", []) if d["code"] == department]
    return dict(info, depts=kept) if kept else info


def legal_heading(text: models.LegalText) -> str:
    """« Loi n° 2022-217 du 21 février 2022, dite « 3DS » »; a code article by its title."""
    if text.kind == "article-de-code":
        return text.title
    heading = LEGAL_KINDS[text.kind]
    if text.number:
        heading += f" n° {text.number}"
    if text.date:
        heading += f" du {fr_date(text.date)}"
    if text.short_name and text.kind == "loi":
        heading += f", dite « {text.short_name} »"
    elif not text.number and text.short_name:
        heading += f" ({text.short_name})"
    return heading


def legal_data(
    kb: KnowledgeBase, legal_id: str, type_code: str, cites: Citations, cited_by: str
) -> Context:
    found = kb.find(kinds.LEGAL, legal_id)
    if found is None:
        raise DtsError(
            _(
                "{place} names the legal text {id!r}, which no record in legal/ has; "
                "run `dts check`"
            ).format(place=cited_by, id=legal_id)
        )
    text: models.LegalText = found.record
    return {
        "id": text.id,
        "heading": legal_heading(text),
        "kind": text.kind,
        "kind_label": LEGAL_KINDS[text.kind],
        "title": text.title,
        "short_name": text.short_name,
        "number": text.number,
        "date": text.date,
        "articles": list(text.articles),
        "journal": text.journal,
        "url": text.url,
        "in_force_on": text.in_force_on,
        "description": text.description,
        "requirements": [r.summary for r in text.requires if r.scheme_type == type_code],
        "refs": cites.cite(text.sources, found.path),
    }


def contact_data(kb: KnowledgeBase, loaded: LoadedRecord, cites: Citations) -> Context:
    contact: models.Contact = loaded.record
    organisation = kb.find(kinds.CONTACT, contact.organisation)
    if contact.organisation and organisation is None:
        raise DtsError(
            _("{path}: the organisation {id!r} is no contact record; run `dts check`").format(
                path=loaded.path, id=contact.organisation
            )
        )
    territory = kb.territory(contact.territory) if contact.territory else None
    return {
        "id": contact.id,
        "kind": contact.kind,
        "name": contact.name,
        "role": contact.role,
        "organisation_id": contact.organisation,
        "organisation": organisation.record.name if organisation else None,
        "email": contact.email,
        "phone": contact.phone,
        "website": contact.website,
        "territory": territory.name if territory else None,
        "verified_on": contact.verified_on,
        "published_on": contact.published_on,
        "name_guessed": contact.name_basis is models.NameBasis.guessed,
        "refs": cites.cite(contact.sources, loaded.path),
        "people": [],
    }


def arrange_contacts(contacts: list[Context]) -> list[Context]:
    """Organisations by name, each with its people; people without a listed organisation
    after them, by name."""
    organisations = {c["id"]: c for c in contacts if c["kind"] == "organisation"}
    top: list[Context] = sorted(organisations.values(), key=lambda c: fold(c["name"]))
    loose: list[Context] = []
    for person in sorted(
        (c for c in contacts if c["kind"] == "person"), key=lambda c: fold(c["name"])
    ):
        parent = organisations.get(person["organisation_id"] or "")
        (parent["people"] if parent else loose).append(person)
    return top + loose


def select_contacts(
    kb: KnowledgeBase,
    *,
    type_code: str | None,
    scope: Territory | None,
    national: bool,
) -> list[LoadedRecord]:
    """Contacts for a scheme type (any when None) whose territory overlaps `scope`;
    contacts without a territory (national bodies) only when `national`."""
    chosen = []
    for loaded in kb.of_kind(kinds.CONTACT):
        contact: models.Contact = loaded.record
        if type_code is not None and type_code not in contact.scheme_types:
            continue
        if contact.territory is None:
            if national:
                chosen.append(loaded)
            continue
        if scope is None:
            chosen.append(loaded)
            continue
        territory = kb.territory(contact.territory)
        if territory is not None and territory.overlaps(scope):
            chosen.append(loaded)
    return chosen


def _document_sort_key(document: models.Document) -> tuple:
    """Most recent first; a year alone after the dated documents of that year; undated last."""
    date = document.date if document.date and document.date != "unknown" else ""
    parts = [int(part) for part in date.split("-") if part.isdigit()]
    recency = tuple(-part for part in parts) + (0,) * (3 - len(parts))
    return (not parts, recency, fold(document.title))


def document_data(loaded: LoadedRecord, cites: Citations) -> Context:
    document: models.Document = loaded.record
    others = [s for s in document.sources if s.document != document.id]
    return {
        "id": document.id,
        "kind": document.kind,
        "title": document.title,
        "authors": list(document.authors),
        "publisher": document.publisher,
        "journal": document.journal,
        "issue": document.issue,
        "date": document.date if document.date and document.date != "unknown" else None,
        "pages": document.pages,
        "url": document.url,
        "refs": cites.cite(others, loaded.path),
    }


def reading_list(kb: KnowledgeBase, type_code: str, cites: Citations) -> list[Context]:
    documents = [d for d in kb.of_kind(kinds.DOCUMENT) if type_code in d.record.scheme_types]
    documents.sort(key=lambda d: _document_sort_key(d.record))
    return [document_data(d, cites) for d in documents]


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


# ---------------------------------------------------------------- the sheet's map


def sheet_map(kb: KnowledgeBase, context: Context, geometry: Any = None) -> Any:
    """The map of a sheet's area (an `svg.MapSpec`), or None when the geometry is not
    installed: a type sheet maps its scope (France when none), a scheme sheet its
    territory, a territory sheet the départements around it."""
    from dtscli.maps.coverage import MapMaker, types_title

    try:
        maker = MapMaker(kb, geometry, context["generated_on"], context["data_version"])
    except DtsError:
        return None
    referential = kb.referential
    kind = context["sheet_kind"]
    if kind == "type":
        code = context["type"]["code"]
        schemes = kb.query(SchemeQuery(types=[code]))
        heading = types_title([code])
        scope = context["scope"]
        if scope is None:
            return maker.national_map(schemes, title=f"{heading} — France", ident="carte")
        if scope["kind"] == "dept":
            label = f"{scope['name']} ({scope['code']})"
            return maker.area_map(
                schemes, [scope["code"]], title=f"{heading} — {label}", area_label=label
            )
        depts = sorted(
            d.code for d in referential.departements.values() if d.region == scope["code"]
        )
        return maker.area_map(
            schemes,
            depts,
            title=f"{heading} — {scope['name']}",
            area_label=f"la région {scope['name']}",
            region=scope["code"],
        )
    if kind == "scheme":
        loaded = kb.find("scheme", context["scheme"]["id"])
        territory = kb.territory(loaded.record.territory) if loaded is not None else None
        if loaded is None or territory is None:
            return None
        return maker.territory_map(
            [loaded], territory, title=f"Territoire : {context['scheme']['name']}"
        )
    territory = kb.territory(context["territory"]["ref"])
    if territory is None:
        return None
    schemes = kb.covering(territory)
    depts = sorted(territory.depts)
    title = f"Démarches territoriales de santé — {territory.label}"
    if territory.kind == "region":
        return maker.area_map(
            schemes,
            depts,
            title=title,
            area_label=f"la région {territory.name}",
            region=territory.code,
            focus=territory,
        )
    names = fr_join(referential.departements[d].name for d in depts)
    return maker.area_map(schemes, depts, title=title, area_label=names, focus=territory)


def map_context(kb: KnowledgeBase, context: Context, spec: Any) -> Context | None:
    """What the templates print of the map: its title, and the covered communes (the text
    alternative of the picture); `file` is set when the SVG is written beside the sheet."""
    if spec is None:
        return None
    communes = []
    for frame in spec.frames:
        for shape in frame.shapes:
            if shape.status is None:
                continue
            if shape.kind == "commune":
                name = kb.referential.communes[shape.code].name
                communes.append(f"{name} ({shape.code})")
            else:
                name = kb.referential.departements[shape.code].name
                communes.append(f"toutes les communes de {name} ({shape.code})")
    communes.sort(key=fold)
    return {
        "title": spec.title,
        "description": spec.description,
        "communes": communes,
        "file": None,
        "inline": None,
    }


def attach_map(kb: KnowledgeBase, context: Context, geometry: Any = None) -> Any:
    """Draw the sheet's map and describe it in `context["map"]`; returns the map (an
    `svg.MapSpec`) or None when there is no geometry."""
    spec = sheet_map(kb, context, geometry)
    context["map"] = map_context(kb, context, spec)
    return spec


def run(
    kb: KnowledgeBase,
    context: Context,
    fmt: str,
    *,
    output: Path | None,
    template: Path | None = None,
) -> tuple[str | bytes, list[tuple[Path, bool]]]:
    """Render a sheet with its map and write it: Markdown with the SVG map beside it (`-o
    x.md` writes `x.svg` and links it), HTML with the map inline, PDF printed by a headless
    Chromium. Returns the sheet (text, or PDF bytes) and the files written, each with
    whether it changed."""
    from dtscli.sheets import environment as render
    from dtscli.util.files import write_atomically

    if fmt == "pdf" and output is None:
        raise DtsError("a PDF sheet needs -o FILE.pdf")
    if fmt == "pdf":
        from dtscli.util.browser import find_browser

        find_browser()  # say so before the work, not after
    spec = attach_map(kb, context)
    map_svg = None
    written: list[tuple[Path, bool]] = []
    if spec is not None and fmt != "json":
        from dtscli.maps import svg

        map_svg = svg.render(spec)
        if fmt == "md" and output is not None and output.suffix.lower() != ".svg":
            beside = output.with_suffix(".svg")
            written.append((beside, _write(beside, map_svg, write_atomically)))
            context["map"]["file"] = beside.name
    page_format = "html" if fmt == "pdf" else fmt
    text = render.render_sheet(
        context, page_format, data_dir=kb.data_dir, template=template, map_svg=map_svg
    )
    if fmt == "pdf":
        from dtscli.maps.command import write_bytes
        from dtscli.util.browser import html_to_pdf

        data = html_to_pdf(text)
        assert output is not None
        written.append((output, _write(output, data, write_bytes)))
        return data, written
    if output is not None:
        written.append((output, _write(output, text, write_atomically)))
    return text, written


def _write(path: Path, data: Any, writer: Any) -> bool:
    try:
        return writer(path, data)
    except OSError as error:
        raise DtsError(f"cannot write {path}: {error.strerror or error}") from None
