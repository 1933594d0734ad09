"""The pages of places and types: home, scheme types, regions, départements."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from dtscli.base.loader import LoadedRecord
from dtscli.base.provenance import counts_as_existing
from dtscli.data import models
from dtscli.data.vocab import fold
from dtscli.sheets.context import (
    Citations,
    legal_heading,
    referential_entry,
    type_data,
)
from dtscli.site.common import TYPE_SLUGS, SiteBase

GAP_TYPES = ("CLS", "CLSM")
GAP_MIN_POPULATION = 5000
GAP_ROWS = 15


class PlacePages(SiteBase):
    """Home, types, regions and départements: counts, maps by type, schemes, contacts."""

    def home(self) -> None:
        cites = Citations(self.kb)
        rows: list[dict[str, Any]] = []
        for code in models.SCHEME_TYPES:
            kind = self.types.get(code)
            if kind is None:
                continue
            of_type = [s for s in self.schemes if s.record.type == code]
            published = []
            for count in kind.record.published_counts:
                territory = self.territory(count.territory)
                published.append(
                    {
                        "territory": territory.name if territory else count.territory,
                        "count": count.count,
                        "label": count.label,
                        "as_of": count.source.as_of,
                        "refs": cites.cite([count.source], kind.path),
                    }
                )
            rows.append(
                {
                    "code": code,
                    "name": kind.record.name,
                    "url": f"types/{TYPE_SLUGS[code]}.html",
                    "held": len(of_type),
                    "active": sum(s.record.status.value == "active" for s in of_type),
                    "published": published,
                }
            )
        figure = None
        if self.maps is not None:
            spec = self.maps.density_map(
                self.schemes, title="Démarches de la base par département", ident="carte-france"
            )
            figure = self.figure(spec)
            figure["covered"] = []
        latest = [
            s.as_of
            for loaded in self.schemes
            for s in loaded.record.sources
            if isinstance(s.as_of, dt.date)
        ]
        self.page(
            "index.html",
            "home.html.j2",
            title="Démarches territoriales de santé",
            rows=rows,
            figure=figure,
            totals={
                "schemes": len(self.schemes),
                "documents": len(self.kb.records["document"]),
                "legal": len(self.kb.records["legal"]),
                "contacts": len(self.kb.records["contact"]),
                "depts": len(self.by_dept),
            },
            latest=max(latest) if latest else None,
            regions=self.region_list(),
            sources=cites.entries,
        )

    def region_list(self) -> list[dict[str, Any]]:
        regions = []
        for code, region in sorted(self.referential.regions.items(), key=lambda i: fold(i[1].name)):
            depts = sorted(
                (d for d in self.referential.departements.values() if d.region == code),
                key=lambda d: d.code,
            )
            regions.append(
                {
                    "code": code,
                    "name": region.name,
                    "schemes": len(self.by_region.get(code, [])),
                    "depts": [
                        {
                            "code": d.code,
                            "name": d.name,
                            "schemes": len(self.by_dept.get(d.code, [])),
                        }
                        for d in depts
                    ],
                }
            )
        return regions

    def type_page(self, code: str) -> None:
        kind_loaded = self.types[code]
        kind: models.SchemeType = kind_loaded.record
        cites = Citations(self.kb)
        of_type = [s for s in self.schemes if s.record.type == code]
        rows = [self.scheme_row(s, cites) for s in of_type]
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            key = row["depts"][0] if len(row["depts"]) == 1 else "plusieurs"
            groups[key].append(row)
        grouped = []
        for key in sorted(groups, key=lambda k: (k == "plusieurs", k)):
            label = (
                f"{self.referential.departements[key].name} ({key})"
                if key in self.referential.departements
                else "Plusieurs départements"
            )
            grouped.append(
                {
                    "label": label,
                    "url": f"departements/{key}.html" if key != "plusieurs" else None,
                    "schemes": groups[key],
                }
            )
        legal = []
        for legal_id in kind.legal_basis:
            found = self.kb.find("legal", legal_id)
            if found is not None:
                legal.append(
                    {
                        "id": legal_id,
                        "heading": legal_heading(found.record),
                        "title": found.record.title,
                    }
                )
        others = [
            {"id": item.id, "heading": legal_heading(item.record), "title": item.record.title}
            for item in sorted(self.kb.of_kind("legal"), key=lambda i: i.id)
            if code in item.record.scheme_types and item.id not in kind.legal_basis
        ]
        published = [
            {
                "territory": (t.name if (t := self.territory(c.territory)) else c.territory),
                "count": c.count,
                "label": c.label,
                "as_of": c.source.as_of,
                "refs": cites.cite([c.source], kind_loaded.path),
            }
            for c in kind.published_counts
        ]
        figure = None
        if self.maps is not None:
            from dtscli.maps.coverage import types_title

            spec = self.maps.national_map(
                of_type, title=f"{types_title([code])} — France", ident=f"carte-{code.lower()}"
            )
            figure = self.figure(spec)
        self.page(
            f"types/{TYPE_SLUGS[code]}.html",
            "type.html.j2",
            title=f"{kind.name} ({code})",
            kind=type_data(self.kb, kind_loaded, cites),  # what the type's sheet says of it
            legal=legal,
            others=others,
            published=published,
            counts=self.type_counts(of_type),
            groups=grouped,
            figure=figure,
            sources=cites.entries,
        )
        self.search.append(
            [
                "type",
                f"{kind.name} ({code})",
                f"types/{TYPE_SLUGS[code]}.html",
                fold(f"{kind.name} {code} {kind.description}"),
                "",
            ]
        )

    def maps_by_type(
        self,
        schemes: Sequence[LoadedRecord],
        depts: list[str],
        label: str,
        slug: str,
        *,
        whole: bool,
        region: str | None = None,
    ) -> list[dict[str, Any]]:
        """One map per scheme type present: every commune (`whole`, a département) or the
        covered communes on the départements (a region)."""
        if self.maps is None:
            return []
        from dtscli.maps.coverage import types_title

        figures = []
        for code in models.SCHEME_TYPES:
            of_type = [s for s in schemes if s.record.type == code]
            if not of_type:
                continue
            title = f"{types_title([code])} — {label}"
            ident = f"carte-{code.lower()}-{slug}"
            if whole:
                spec = self.maps.area_map(
                    of_type, depts, title=title, ident=ident, area_label=label, region=region
                )
            else:
                spec = self.maps.national_map(
                    of_type, title=title, ident=ident, depts=depts, area_label=label
                )
            figure = self.figure(spec)
            figure["type"] = code
            figures.append(figure)
        return figures

    def region_pages(self) -> None:
        regions = self.region_list()
        self.page(
            "regions/index.html",
            "regions.html.j2",
            title="Régions et départements",
            regions=regions,
        )
        for region in regions:
            code = region["code"]
            cites = Citations(self.kb)
            schemes = self.by_region.get(code, [])
            territory = self.territory(f"region:{code}")
            rows = [self.scheme_row(s, cites) for s in schemes]
            depts = [d["code"] for d in region["depts"]]
            figures = self.maps_by_type(schemes, depts, region["name"], f"r{code}", whole=False)
            contacts = self.contact_rows(self.contacts_for(territory), cites)
            self.page(
                f"regions/{code}.html",
                "region.html.j2",
                title=f"{region['name']} : démarches territoriales de santé",
                region=region,
                population=territory.population if territory else None,
                counts=self.type_counts(schemes),
                schemes=rows,
                figures=figures,
                contacts=contacts,
                sources=[*cites.entries, referential_entry(self.kb, len(cites.entries) + 1)],
            )
            self.search.append(
                [
                    "territoire",
                    f"{region['name']} (région)",
                    f"regions/{code}.html",
                    fold(region["name"]),
                    "",
                ]
            )

    def gaps(self, dept: str) -> list[dict[str, Any]]:
        """The largest communes no CLS or no CLSM covers (intentions and expired schemes
        cover no one, as in `dts stats gaps`)."""
        rows: list[dict[str, Any]] = []
        for code in self.referential.communes_of_dept(dept):
            commune = self.referential.communes[code]
            if (commune.population or 0) < GAP_MIN_POPULATION:
                continue
            covering = {
                s.record.type
                for s in self.by_commune.get(code, [])
                if counts_as_existing(s.record) and not s.record.territory.startswith("qpv:")
            }
            missing = [t for t in GAP_TYPES if t not in covering]
            if missing:
                rows.append(
                    {
                        "code": code,
                        "name": commune.name,
                        "population": commune.population,
                        "missing": missing,
                    }
                )
        rows.sort(key=lambda r: (-r["population"], r["code"]))
        return rows[:GAP_ROWS]

    def dept_page(self, dept: str) -> None:
        info = self.referential.departements[dept]
        region = self.referential.regions.get(info.region)
        cites = Citations(self.kb)
        schemes = self.by_dept.get(dept, [])
        territory = self.territory(f"dept:{dept}")
        rows = [self.scheme_row(s, cites) for s in schemes]
        label = f"{info.name} ({dept})"
        figures = self.maps_by_type(schemes, [dept], label, dept, whole=True)
        contacts = self.contact_rows(self.contacts_for(territory), cites)
        communes_covered = sorted(
            {
                c
                for s in schemes
                for c in (
                    self.territory(s.record.territory).communes
                    if self.territory(s.record.territory)
                    else ()
                )
            }
            & set(self.referential.communes_of_dept(dept))
        )
        self.page(
            f"departements/{dept}.html",
            "dept.html.j2",
            title=f"{label} : démarches territoriales de santé",
            dept={
                "code": dept,
                "name": info.name,
                "population": info.population,
                "communes": len(self.referential.communes_of_dept(dept)),
            },
            region={"code": info.region, "name": region.name if region else info.region},
            counts=self.type_counts(schemes),
            schemes=rows,
            figures=figures,
            contacts=contacts,
            gaps=self.gaps(dept),
            gap_min=GAP_MIN_POPULATION,
            covered=len(communes_covered),
            sources=[*cites.entries, referential_entry(self.kb, len(cites.entries) + 1)],
        )
