"""The bibliography of the site: by year, by scheme type, and its downloads."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dtscli.base.loader import LoadedRecord
from dtscli.data import models
from dtscli.data.vocab import fold
from dtscli.sheets.environment import (
    fr_date,
)
from dtscli.site.common import TYPE_SLUGS, SiteBase
from dtscli.site.downloads import csl_json, documents_csv, ris

DOCUMENT_KINDS = {
    "article": "Article",
    "ouvrage": "Ouvrage",
    "rapport": "Rapport",
    "actes": "Actes",
    "dossier": "Dossier",
    "site": "Site web",
    "diaporama": "Diaporama",
    "guide": "Guide",
    "texte-officiel": "Texte officiel",
    "video": "Vidéo",
    "carte": "Carte",
    "chapitre": "Chapitre",
    "communication": "Communication",
    "autre": "Autre",
}


class BibliographyPages(SiteBase):
    """The bibliography pages and the CSL-JSON, RIS and CSV downloads."""

    def document_row(self, loaded: LoadedRecord) -> dict[str, Any]:
        document: models.Document = loaded.record
        date = document.date if document.date and document.date != "unknown" else None
        return {
            "id": document.id,
            "kind": DOCUMENT_KINDS.get(document.kind, document.kind),
            "title": document.title,
            "authors": list(document.authors),
            "publisher": document.publisher,
            "journal": document.journal,
            "issue": document.issue,
            "date": fr_date(date) if date else None,
            "year": date[:4] if date else None,
            "pages": document.pages,
            "url": document.url,
            "types": [t for t in models.SCHEME_TYPES if t in document.scheme_types],
            "description": self.personal.text(document.description),
        }

    def bibliography(self) -> None:
        from dtscli.sheets.records import _document_sort_key

        documents = sorted(self.kb.of_kind("document"), key=lambda d: _document_sort_key(d.record))
        rows = [self.document_row(d) for d in documents]
        years: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            years[row["year"] or "Sans date"].append(row)
        ordered_years = sorted(
            years, key=lambda y: (y == "Sans date", [-int(y)] if y.isdigit() else [0])
        )
        by_type = {code: [r for r in rows if code in r["types"]] for code in models.SCHEME_TYPES}
        kinds = sorted({r["kind"] for r in rows})
        common = {
            "by_type": {c: len(v) for c, v in by_type.items()},
            "total": len(rows),
            "kinds": kinds,
        }
        self.page(
            "bibliographie/index.html",
            "bibliography.html.j2",
            title="Bibliographie",
            heading="Bibliographie, par année",
            groups=[
                {
                    "label": y,
                    "id": f"annee-{y}" if y[0].isdigit() else "sans-date",
                    "documents": years[y],
                }
                for y in ordered_years
            ],
            current=None,
            **common,
        )
        for code in models.SCHEME_TYPES:
            docs = by_type[code]
            type_years: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for row in docs:
                type_years[row["year"] or "Sans date"].append(row)
            self.page(
                f"bibliographie/{TYPE_SLUGS[code]}.html",
                "bibliography.html.j2",
                title=f"Bibliographie : {code}",
                heading=f"Bibliographie des {code}, par année",
                groups=[
                    {
                        "label": y,
                        "id": f"annee-{y}" if y[0].isdigit() else "sans-date",
                        "documents": type_years[y],
                    }
                    for y in sorted(
                        type_years,
                        key=lambda y: (y == "Sans date", [-int(y)] if y.isdigit() else [0]),
                    )
                ],
                current=code,
                **common,
            )
        for row in rows:
            text = " ".join(
                filter(None, [row["title"], *row["authors"], row["publisher"], row["description"]])
            )
            detail = ", ".join(filter(None, [row["kind"], row["date"]]))
            self.search.append(
                [
                    "document",
                    row["title"],
                    f"bibliographie/index.html#doc-{row['id']}",
                    fold(text),
                    detail,
                ]
            )
        self.write("bibliographie/bibliographie.csl.json", csl_json(documents))
        self.write("bibliographie/bibliographie.ris", ris(documents))
        self.write("bibliographie/bibliographie.csv", documents_csv(rows))
