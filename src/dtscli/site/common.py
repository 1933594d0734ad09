"""The state and helpers the pages of the site share (see `build` for the pages)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from dtscli.base.french import scheme_status_label
from dtscli.base.kb import KnowledgeBase
from dtscli.base.loader import LoadedRecord
from dtscli.data import models
from dtscli.data.vocab import fold
from dtscli.sheets.context import (
    FEMININE_TYPES,
    TERRITORY_KINDS,
    Citations,
    data_version,
)
from dtscli.sheets.environment import (
    status_label,
)
from dtscli.site.render import environment, french_html
from dtscli.site.safety import Personal
from dtscli.site.write import write_file
from dtscli.util.errors import DtsError

TYPE_SLUGS = {code: code.lower() for code in models.SCHEME_TYPES}


class SiteBase:
    """The base and the state every page of the site reads: the schemes by commune,
    département and region, the lines of tables, the maps, the writer of pages."""

    def __init__(
        self,
        kb: KnowledgeBase,
        output: Path,
        *,
        personal: bool = False,
        today: dt.date | None = None,
        geometry: Any = None,
        jobs: int | None = None,
    ) -> None:
        self.kb = kb
        self.output = output
        self.today = today or dt.date.today()
        self.version = data_version(kb.data_dir)
        self.personal = Personal.of(kb, personal)
        self.referential = kb.referential
        self.maps = None
        try:
            from dtscli.maps.coverage import MapMaker

            self.maps = MapMaker(kb, geometry, self.today, self.version)
        except DtsError:
            self.maps = None  # no geometry: pages without maps (say so on them)
        self.env = environment()
        self._drawn: list[str] = []  # the maps of the page being made (see `page`)
        self._mark = f"\x00{secrets.token_hex(8)}\x00"  # no record holds it
        self.pages = 0
        self.jobs = jobs if jobs is not None else min(2, os.cpu_count() or 1)
        self.search: list[list[Any]] = []
        self.schemes = sorted(kb.schemes(), key=kb.sort_key)
        self.types = {t.id: t for t in kb.of_kind("scheme-type")}
        self._territory: dict[str, Any] = {}
        self._contacts: dict[str, list[tuple[LoadedRecord, Any]]] | None = None
        self._sort_names: dict[str, str] = {}
        self._rows: dict[str, dict[str, Any]] = {}  # scheme id -> its line (see scheme_row)
        self._folders: set[Path] = set()
        self.by_commune: dict[str, list[LoadedRecord]] = defaultdict(list)
        self.by_dept: dict[str, list[LoadedRecord]] = defaultdict(list)
        self.by_region: dict[str, list[LoadedRecord]] = defaultdict(list)
        for loaded in self.schemes:
            territory = self.territory(loaded.record.territory)
            if territory is None:
                continue
            for code in territory.communes:
                self.by_commune[code].append(loaded)
            for dept in territory.depts:
                self.by_dept[dept].append(loaded)
            for region in territory.regions:
                self.by_region[region].append(loaded)

    # ------------------------------------------------------------ helpers

    def territory(self, ref: str) -> Any:
        if ref not in self._territory:
            self._territory[ref] = self.kb.territory(ref)
        return self._territory[ref]

    def write(self, relative: str, text: str | bytes) -> None:
        path = self.output / relative
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        write_file(path, text if isinstance(text, bytes) else text.encode("utf-8"))

    def page(self, relative: str, template: str, **context: Any) -> None:
        depth = relative.count("/")
        root = "../" * depth
        context.setdefault("sources", [])
        html = self.env.get_template(template).render(
            root=root,
            here=relative,
            today=self.today,
            version=self.version,
            personal=self.personal.show,
            has_maps=self.maps is not None,
            **context,
        )
        # The maps' text is typeset already and their paths are long: the page is typeset
        # around the marks that stand for them, then the maps take their places.
        parts = html.split(self._mark)
        parts[::2] = [french_html(part) for part in parts[::2]]
        parts[1::2] = [self._drawn[int(index)] for index in parts[1::2]]
        self._drawn.clear()
        self.write(relative, "".join(parts))
        self.pages += 1

    def status_words(self, loaded: LoadedRecord) -> str:
        record = loaded.record
        return scheme_status_label(record, record.type in FEMININE_TYPES, with_date=True)

    def scheme_row(self, loaded: LoadedRecord, cites: Citations | None = None) -> dict[str, Any]:
        """A scheme as a line of a table, with its source notes in `cites` (none without).
        A scheme is listed on several pages: the line is made once and copied."""
        row = self._rows.get(loaded.id)
        if row is None:
            row = self._rows[loaded.id] = self._scheme_row(loaded)
        scheme = loaded.record
        return {**row, "refs": cites.cite(scheme.sources, loaded.path) if cites else []}

    def _scheme_row(self, loaded: LoadedRecord) -> dict[str, Any]:
        scheme = loaded.record
        territory = self.territory(scheme.territory)
        dates = [s.as_of for s in scheme.sources if isinstance(s.as_of, dt.date)]
        return {
            "id": scheme.id,
            "url": f"demarches/{scheme.id}.html",
            "type": scheme.type,
            "name": scheme.name,
            "status": scheme.status.value,
            "status_label": self.status_words(loaded),
            "territory": self.territory_link(territory)
            if territory
            else {"name": scheme.territory},
            "depts": sorted(territory.depts) if territory else [],
            "as_of": max(dates) if dates else None,
            "signed_on": scheme.signed_on,
            "end_on": scheme.end_on,
        }

    def territory_link(self, territory: Any) -> dict[str, Any]:
        url = None
        if territory.kind == "dept":
            url = f"departements/{territory.code}.html"
        elif territory.kind == "region":
            url = f"regions/{territory.code}.html"
        elif territory.kind == "local":
            url = f"territoires/{territory.code}.html"
        elif territory.kind == "qpv":
            url = f"territoires/qpv-{territory.code.lower()}.html"
        elif territory.kind == "commune":
            commune = self.referential.communes[territory.code]
            url = f"departements/{commune.dept}.html"
        return {
            "name": territory.name,
            "kind": TERRITORY_KINDS[territory.kind],
            "code": territory.code,
            "url": url,
            "population": territory.population,
            "incomplete": self.incomplete(territory),
            "communes": len(territory.communes),
        }

    def incomplete(self, territory: Any) -> bool:
        """A local territory whose sources give only part of its communes."""
        if territory.kind != "local":
            return False
        loaded = self.kb.find("local-territory", territory.code)
        return bool(loaded is not None and getattr(loaded.record, "incomplete", False))

    def contact_rows(self, contacts: Iterable[LoadedRecord], cites: Citations) -> list[dict]:
        rows: list[dict[str, Any]] = []
        for loaded in contacts:
            contact: models.Contact = loaded.record
            if contact.kind == "person" and not self.personal.show:
                continue
            rows.append(
                {
                    "name": contact.name,
                    "kind": contact.kind,
                    "role": self.personal.text(contact.role),
                    "email": contact.email
                    if self.personal.show or contact.kind != "person"
                    else None,
                    "phone": contact.phone if self.personal.show else None,
                    "website": contact.website,
                    "verified_on": contact.verified_on,
                    "published_on": contact.published_on,
                    "name_guessed": contact.name_basis is models.NameBasis.guessed,
                    "refs": cites.cite(contact.sources, loaded.path),
                }
            )
        rows.sort(key=lambda row: (row["kind"] != "organisation", fold(row["name"])))
        return rows

    def contacts_for(self, territory: Any) -> list[LoadedRecord]:
        """Contacts whose territory overlaps `territory` (national bodies left out)."""
        if self._contacts is None:
            self._contacts = defaultdict(list)
            for loaded in self.kb.of_kind("contact"):
                area = self.territory(loaded.record.territory) if loaded.record.territory else None
                for dept in area.depts if area is not None else ():
                    self._contacts[dept].append((loaded, area))
        chosen: dict[str, LoadedRecord] = {}
        for dept in sorted(territory.depts):
            for loaded, area in self._contacts.get(dept, ()):
                if loaded.id not in chosen and area.overlaps(territory):
                    chosen[loaded.id] = loaded
        return list(chosen.values())

    def type_counts(self, schemes: Sequence[LoadedRecord]) -> dict[str, Any]:
        statuses = [s.value for s in models.Status if any(x.record.status == s for x in schemes)]
        rows: list[dict[str, Any]] = []
        for code in models.SCHEME_TYPES:
            of_type = [s for s in schemes if s.record.type == code]
            if not of_type:
                continue
            feminine = code in FEMININE_TYPES
            rows.append(
                {
                    "type": code,
                    "counts": [sum(s.record.status.value == v for s in of_type) for v in statuses],
                    "total": len(of_type),
                    "feminine": feminine,
                }
            )
        return {
            "statuses": [{"value": v, "label": status_label(v)} for v in statuses],
            "rows": rows,
            "total": len(schemes),
        }

    def svg(self, spec: Any) -> Markup:
        from dtscli.maps import svg

        assert self.maps is not None  # pages with a map are built only when maps are on
        self._drawn.append(svg.render(spec, self.maps.paths))
        return Markup(f"{self._mark}{len(self._drawn) - 1}{self._mark}")

    def covered_list(self, spec: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for frame in spec.frames:
            for shape in frame.shapes:
                if shape.status is None:
                    continue
                rows.append({"code": shape.code, "kind": shape.kind, "title": shape.title})
        rows.sort(key=lambda row: (self.sort_name(row["code"]), row["code"]))
        return rows

    def sort_name(self, code: str) -> str:
        """A commune's (or a département's) name as sorted, computed once."""
        if code not in self._sort_names:
            place = self.referential.communes.get(code) or self.referential.departements.get(code)
            self._sort_names[code] = fold(place.name) if place else code
        return self._sort_names[code]

    def figure(self, spec: Any) -> dict[str, Any]:
        return {
            "id": spec.id,
            "title": spec.title,
            "svg": self.svg(spec),
            "covered": self.covered_list(spec),
        }
