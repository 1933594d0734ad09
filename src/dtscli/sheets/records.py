"""Records as the plain data a sheet prints: territories, schemes with how sure their status
is, legal texts, contacts (published or verified), documents of the reading list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from dtscli.base.french import scheme_status_label
from dtscli.base.kb import KnowledgeBase
from dtscli.base.loader import LoadedRecord
from dtscli.base.referential import Territory, fold
from dtscli.data import kinds, models
from dtscli.sheets.citations import Citations
from dtscli.sheets.environment import fr_date
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _

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
