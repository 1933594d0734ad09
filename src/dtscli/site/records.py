"""The pages of records: schemes, legal texts, local territories (and QPV)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dtscli.base.loader import LoadedRecord
from dtscli.data import models
from dtscli.data.vocab import fold
from dtscli.sheets.context import (
    LEGAL_KINDS,
    Citations,
    legal_heading,
)
from dtscli.site.common import SiteBase

LOCAL_KINDS = {
    "pays": "pays",
    "conseil-de-territoire": "conseil de territoire",
    "groupement": "groupement de communes",
    "autre": "territoire de projet",
}


class RecordPages(SiteBase):
    """One page a scheme, a legal text, a local territory; the search entries of schemes."""

    def scheme_page(self, loaded: LoadedRecord) -> None:
        scheme: models.Scheme = loaded.record
        cites = Citations(self.kb)
        row = self.scheme_row(loaded, cites)
        territory = self.territory(scheme.territory)
        coordinator = None
        if scheme.coordinator:
            found = self.kb.find("contact", scheme.coordinator)
            if found is not None:
                shown = self.contact_rows([found], cites)
                coordinator = shown[0] if shown else {"hidden": True}
        related = []
        for other_id in scheme.related:
            other = self.kb.find("scheme", other_id)
            if other is not None:
                related.append(self.scheme_row(other))
        neighbours: dict[str, LoadedRecord] = {}
        if territory is not None:
            for code in territory.communes:
                for other in self.by_commune.get(code, ()):
                    if other.id != scheme.id and other.id not in scheme.related:
                        neighbours[other.id] = other
            if not territory.communes:
                for other in self.schemes:
                    if other.record.territory == scheme.territory and other.id != scheme.id:
                        neighbours[other.id] = other
        ordered = sorted(neighbours.values(), key=self.kb.sort_key)
        figure = None
        if self.maps is not None and territory is not None and territory.communes:
            spec = self.maps.territory_map(
                [loaded], territory, title=f"Territoire : {scheme.name}", ident="carte-territoire"
            )
            figure = self.figure(spec)
        contacts = self.contact_rows(
            [
                c
                for c in self.contacts_for(territory)
                if scheme.type in c.record.scheme_types and c.id != scheme.coordinator
            ]
            if territory is not None
            else [],
            cites,
        )
        kind = self.types.get(scheme.type)
        self.page(
            row["url"],
            "scheme.html.j2",
            title=scheme.name,
            scheme=row,
            type_name=kind.record.name if kind else scheme.type,
            axes=[axis.name or axis.id for axis in scheme.axes],
            notes=self.personal.text(scheme.notes),
            coordinator=coordinator,
            related=related,
            neighbours=[self.scheme_row(s) for s in ordered],
            contacts=contacts,
            figure=figure,
            sources=cites.entries,
        )

    def index_places_and_schemes(self) -> None:
        """The search entries of the départements and schemes (their pages may be written
        by another process: see `build`)."""
        for dept, info in sorted(self.referential.departements.items()):
            self.search.append(
                [
                    "territoire",
                    f"{info.name} ({dept})",
                    f"departements/{dept}.html",
                    fold(f"{info.name} {dept}"),
                    "département",
                ]
            )
        for loaded in self.schemes:
            scheme = loaded.record
            row = self.scheme_row(loaded)
            detail = f"{scheme.type}, {row['territory']['name']}, {row['status_label']}"
            words = [
                scheme.name,
                self.personal.text(scheme.notes),
                scheme.id,
                row["territory"]["name"],
            ]
            text = fold(" ".join(filter(None, words)))
            self.search.append(["démarche", scheme.name, row["url"], text, detail])

    def legal_pages(self) -> None:
        texts = sorted(self.kb.of_kind("legal"), key=lambda t: (t.record.date or dt.date.min, t.id))
        rows: list[dict[str, Any]] = []
        for loaded in texts:
            text: models.LegalText = loaded.record
            cites = Citations(self.kb)
            heading = legal_heading(text)
            schemes_named = [c for c in models.SCHEME_TYPES if c in text.scheme_types]
            basis_of = [c for c, t in self.types.items() if text.id in t.record.legal_basis]
            page = {
                "id": text.id,
                "url": f"textes/{text.id}.html",
                "heading": heading,
                "kind": LEGAL_KINDS[text.kind],
                "title": text.title,
                "short_name": text.short_name,
                "number": text.number,
                "date": text.date,
                "articles": list(text.articles),
                "journal": text.journal,
                "url_text": text.url,
                "in_force_on": text.in_force_on,
                "description": text.description,
                "requirements": [
                    {"type": r.scheme_type, "summary": r.summary} for r in text.requires
                ],
                "types": schemes_named,
                "basis_of": basis_of,
                "refs": cites.cite(text.sources, loaded.path),
            }
            rows.append(page)
            self.page(
                str(page["url"]), "legal.html.j2", title=heading, text=page, sources=cites.entries
            )
            self.search.append(
                [
                    "texte",
                    heading,
                    page["url"],
                    fold(f"{heading} {text.title} {text.short_name or ''} {text.description}"),
                    text.title,
                ]
            )
        self.page(
            "textes/index.html", "legal_index.html.j2", title="Textes de référence", texts=rows
        )

    def territory_pages(self) -> None:
        areas = []
        for kind in ("local-territory", "qpv"):
            for loaded in sorted(self.kb.of_kind(kind), key=lambda item: fold(item.record.name)):
                record = loaded.record
                ref = f"local:{record.id}" if kind == "local-territory" else f"qpv:{record.id}"
                territory = self.territory(ref)
                if territory is None:
                    continue
                link = self.territory_link(territory)
                cites = Citations(self.kb)
                covering = {}
                for code in territory.communes:
                    for other in self.by_commune.get(code, ()):
                        covering[other.id] = other
                for other in self.schemes:
                    if other.record.territory == ref:
                        covering[other.id] = other
                ordered = sorted(covering.values(), key=self.kb.sort_key)
                communes = [
                    {
                        "code": c,
                        "name": self.referential.communes[c].name,
                        "dept": self.referential.communes[c].dept,
                    }
                    for c in sorted(
                        territory.communes, key=lambda c: fold(self.referential.communes[c].name)
                    )
                ]
                epci = [
                    {"code": e, "name": self.referential.epcis[e].name}
                    for e in getattr(record, "epci", [])
                    if e in self.referential.epcis
                ]
                figure = None
                if self.maps is not None and territory.communes:
                    spec = self.maps.territory_map(
                        ordered,
                        territory,
                        title=f"Territoire : {record.name}",
                        ident="carte-territoire",
                    )
                    figure = self.figure(spec)
                kind_label = LOCAL_KINDS.get(getattr(record, "kind", ""), "quartier prioritaire")
                area = {
                    "name": record.name,
                    "url": link["url"],
                    "kind": kind_label,
                    "population": territory.population,
                    "incomplete": bool(getattr(record, "incomplete", False)),
                    "communes": communes,
                    "epci": epci,
                    "notes": self.personal.text(record.notes),
                    "refs": cites.cite(record.sources, loaded.path),
                }
                areas.append(area)
                self.page(
                    link["url"],
                    "territory.html.j2",
                    title=f"{record.name} ({kind_label})",
                    area=area,
                    schemes=[self.scheme_row(s, cites) for s in ordered],
                    figure=figure,
                    sources=cites.entries,
                )
                self.search.append(
                    [
                        "territoire",
                        record.name,
                        link["url"],
                        fold(" ".join([record.name, *(c["name"] for c in communes)])),
                        kind_label,
                    ]
                )
        self.page(
            "territoires/index.html",
            "territories.html.j2",
            title="Territoires de projet",
            areas=areas,
        )
