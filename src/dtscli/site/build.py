"""`dts site`: a static website of the whole base, in French, that works from `file://` and
from any static host (GitHub Pages): relative links only, no server, no request to
anywhere else.

Pages (each shows its sources and their dates, and the data version):

    index.html                    what the base holds, counts by type, a map of France
    types/<type>.html             definition, legal basis, counts, national map, list
    regions/index.html            regions and their départements
    regions/<code>.html           counts, maps by type (covered communes), schemes, contacts
    departements/<code>.html      maps by type (every commune), schemes, contacts, the
                                  largest towns no CLS or CLSM covers
    demarches/<id>.html           one scheme: facts, territory map, sources, related schemes
    textes/index.html, textes/<id>.html          legal texts
    territoires/index.html, territoires/<id>.html local territories and QPV
    bibliographie/index.html      by year; bibliographie/<type>.html by scheme type;
                                  downloads: CSL-JSON, RIS, CSV
    recherche.html                search (a static index and a few lines of script)

Everything but the search works without JavaScript. Record text is escaped by Jinja's
autoescape; a link is made only of an http, https or mailto address. People's contact
details (names of persons, e-mail addresses, phones) appear only with `personal=True`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from dtscli.base.french import scheme_status_label
from dtscli.base.kb import KnowledgeBase
from dtscli.base.loader import LoadedRecord
from dtscli.base.provenance import counts_as_existing
from dtscli.data import models
from dtscli.data.vocab import fold
from dtscli.sheets.context import (
    FEMININE_TYPES,
    LEGAL_KINDS,
    TERRITORY_KINDS,
    Citations,
    data_version,
    legal_heading,
    referential_entry,
)
from dtscli.sheets.environment import (
    FAMILY_LABELS,
    fr_date,
    fr_join,
    fr_number,
    french_typography,
    status_label,
)
from dtscli.util.errors import DtsError

HERE = Path(__file__).resolve().parent
TYPE_SLUGS = {code: code.lower() for code in models.SCHEME_TYPES}
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
LOCAL_KINDS = {
    "pays": "pays",
    "conseil-de-territoire": "conseil de territoire",
    "groupement": "groupement de communes",
    "autre": "territoire de projet",
}
REMOVED = "[personne]"
SVG_BLOCK = re.compile(r"(<svg .*?</svg>)", re.S)
GAP_TYPES = ("CLS", "CLSM")
GAP_MIN_POPULATION = 5000
GAP_ROWS = 15


def french_html(text: str) -> str:
    """The no-break spaces of `render.french_typography`, on a whole page at once (an HTML
    page has no Markdown table rules or fenced code to leave alone)."""
    from dtscli.sheets.environment import (
        _AFTER_OPENING,
        _BEFORE_CLOSING,
        _NUMERO,
        _SPACE_BEFORE,
        NBSP,
    )

    text = _SPACE_BEFORE.sub(NBSP + r"\1", text)
    text = _BEFORE_CLOSING.sub(NBSP + "»", text)
    text = _AFTER_OPENING.sub("«" + NBSP, text)
    return _NUMERO.sub(r"\1" + NBSP, text)


# ---------------------------------------------------------------- safe links


def safe_href(url: object) -> str | None:
    """The address when it is http, https or mailto (compared without case, spaces or
    control characters, as a browser reads it); None for anything else (`javascript:`)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", text).lower()
    if re.match(r"^(https?://|mailto:)", cleaned) and not re.search(r"[\s<>\"']", text):
        return text
    return None


class Personal:
    """What may be shown of people: everything with --personal; otherwise no person's
    record, and their names, ids, e-mail addresses and phones replaced in free text.

    A text is searched for a person only when one of its words is a word of that person's
    name or id (a set lookup), so that a base of a thousand people stays quick."""

    EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
    WORD = re.compile(r"\w+")

    def __init__(self, kb: KnowledgeBase, show: bool) -> None:
        self.show = show
        self.persons = {c.id for c in kb.of_kind("contact") if c.record.kind == "person"}
        self.by_word: dict[str, list[Any]] = defaultdict(list)
        self.phones: list[tuple[str, re.Pattern[str]]] = []
        if show:
            return
        for person_id in sorted(self.persons):
            found = kb.find("contact", person_id)
            if found is None:
                continue
            person = found.record
            for word in {*self.WORD.findall(person.name.casefold()), *person.id.split("-")}:
                if len(word) > 2:
                    self.by_word[word].append(person)
            if person.phone:
                digits = re.sub(r"\D", "", person.phone)
                if len(digits) >= 6:
                    self.phones.append((digits, re.compile(r"[\s.]?".join(digits))))

    @classmethod
    def of(cls, kb: KnowledgeBase, show: bool) -> Personal:
        return cls(kb, show)

    def text(self, value: str | None) -> str | None:
        if value is None or self.show:
            return value
        if "@" in value:
            value = self.EMAIL.sub("[courriel]", value)
        found = {
            id(person): person
            for word in self.WORD.findall(value.casefold())
            for person in self.by_word.get(word, ())
        }
        for person in found.values():
            value = re.sub(rf"(?<![\w-]){re.escape(person.id)}(?![\w-])", REMOVED, value)
            value = re.sub(re.escape(person.name), REMOVED, value, flags=re.IGNORECASE)
        digits = re.sub(r"\D", "", value) if self.phones else ""
        if len(digits) >= 6:
            for number, pattern in self.phones:
                if number in digits:
                    value = pattern.sub("[téléphone]", value)
        return value


# ---------------------------------------------------------------- the builder


class Site:
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
        self.env = self._environment()
        self.pages = 0
        self.jobs = jobs if jobs is not None else min(2, os.cpu_count() or 1)
        self.search: list[list[Any]] = []
        self.schemes = sorted(kb.schemes(), key=kb.sort_key)
        self.types = {t.id: t for t in kb.of_kind("scheme-type")}
        self._territory: dict[str, Any] = {}
        self._contacts: dict[str, list[tuple[LoadedRecord, Any]]] | None = None
        self._sort_names: dict[str, str] = {}
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

    def _environment(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(HERE / "templates")),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # thousands of pages: no stat of the template for each
        )
        env.filters.update(
            {
                "date_fr": fr_date,
                "nombre": fr_number,
                "liste_fr": fr_join,
                "href": safe_href,
                "typo": lambda text: french_typography(str(text)),
            }
        )
        return env

    def write(self, relative: str, text: str | bytes) -> None:
        path = self.output / relative
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")

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
        parts = SVG_BLOCK.split(html)  # the maps' text is typeset already; their paths are long
        parts[::2] = [french_html(part) for part in parts[::2]]
        self.write(relative, "".join(parts))
        self.pages += 1

    def status_words(self, loaded: LoadedRecord) -> str:
        record = loaded.record
        return scheme_status_label(record, record.type in FEMININE_TYPES, with_date=True)

    def scheme_row(self, loaded: LoadedRecord, cites: Citations | None = None) -> dict[str, Any]:
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
            "refs": cites.cite(scheme.sources, loaded.path) if cites else [],
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
        return Markup(svg.render(spec, self.maps.paths))

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

    # ------------------------------------------------------------ pages

    def build(self) -> None:
        if self.output.exists() and not self.output.is_dir():
            raise DtsError(f"{self.output} exists and is not a folder")
        self.output.mkdir(parents=True, exist_ok=True)
        assets = self.output / "assets"
        assets.mkdir(exist_ok=True)
        for name in ("style.css", "recherche.js"):
            shutil.copyfile(HERE / "static" / name, assets / name)
        # Département after département: its page, then its schemes' pages, while its
        # geometry is in memory; the covered communes kept coarse for the maps of France
        # and of the regions, drawn after. With two cores or more, a forked process writes
        # half the départements while this one writes the other half, then the rest.
        by_first: dict[str, list[LoadedRecord]] = defaultdict(list)
        for loaded in self.schemes:
            territory = self.territory(loaded.record.territory)
            first = min(territory.depts) if territory is not None and territory.depts else ""
            by_first[first].append(loaded)
        depts = sorted(self.referential.departements)
        self.index_places_and_schemes()
        mine, theirs = split_work(depts, by_first, self.jobs)
        child = self.fork_pass(theirs, by_first) if theirs else None
        self.dept_pass(mine, by_first)
        for dept in theirs:  # the maps of France and of the regions need their communes
            self.keep_coarse(dept)
        for rest in (v for k, v in by_first.items() if k not in depts):
            for loaded in rest:
                self.scheme_page(loaded)
        self.home()
        for code in models.SCHEME_TYPES:
            if code in self.types:
                self.type_page(code)
        self.region_pages()
        self.legal_pages()
        self.territory_pages()
        self.bibliography()
        self.search_page()
        if child is not None:
            self.join(child, theirs, by_first)

    def keep_coarse(self, dept: str) -> None:
        if self.maps is not None:
            covered = [c for c in self.referential.communes_of_dept(dept) if c in self.by_commune]
            self.maps.keep_coarse(dept, covered)

    def dept_pass(self, depts: Sequence[str], by_first: dict[str, list[LoadedRecord]]) -> None:
        for dept in depts:
            self.keep_coarse(dept)
            self.dept_page(dept)
            for loaded in by_first.get(dept, []):
                self.scheme_page(loaded)
            if self.maps is not None:
                self.maps.paths.clear()  # drawn in this département's frames only

    def fork_pass(self, depts: Sequence[str], by_first: dict[str, list[LoadedRecord]]) -> tuple:
        """Write the pages of `depts` in a forked process; (pid, pipe) to `join`."""
        import os
        import traceback

        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: write, say how it went, leave at once
            os.close(read)
            status, message = 0, b""
            try:
                self.dept_pass(depts, by_first)
            except BaseException as error:  # reported by the parent
                status = 1
                text = getattr(error, "message", None) or "".join(
                    traceback.format_exception_only(type(error), error)
                )
                message = str(text).strip().encode("utf-8", "replace")
            os.write(write, message)
            os.close(write)
            os._exit(status)
        os.close(write)
        return pid, read

    def join(self, child: tuple, depts: Sequence[str], by_first: dict) -> None:
        import os

        pid, read = child
        chunks = []
        while chunk := os.read(read, 65536):
            chunks.append(chunk)
        os.close(read)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            said = b"".join(chunks).decode("utf-8", "replace") or "it stopped"
            raise DtsError(f"writing the pages of départements {depts[0]}…{depts[-1]}: {said}")
        self.pages += len(depts) + sum(len(by_first.get(d, [])) for d in depts)

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
            kind={
                "code": code,
                "name": kind.name,
                "family": FAMILY_LABELS[kind.family.value],
                "scale": kind.scale.label,
                "pilotage": list(kind.pilotage),
                "public": kind.public,
                "themes": list(kind.themes),
                "created_year": kind.created_year,
                "duration_years": kind.duration_years,
                "description": kind.description,
                "refs": cites.cite(kind.sources, kind_loaded.path),
            },
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

    # ------------------------------------------------------------ bibliography

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

    # ------------------------------------------------------------ search

    def search_page(self) -> None:
        communes = []
        index = {row[2]: i for i, row in enumerate(self.search)}
        for code, commune in self.referential.communes.items():
            covering = [index[f"demarches/{s.id}.html"] for s in self.by_commune.get(code, ())]
            communes.append([commune.name, code, commune.dept or "", fold(commune.name), covering])
        payload = {"entries": self.search, "communes": communes}
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        self.write("assets/index-recherche.json", data)
        # the same index as a script: a page opened from file:// cannot fetch() a file
        self.write(
            "assets/index-recherche.js",
            "window.DTS_RECHERCHE=" + data.replace("</", "<\\/") + ";\n",
        )
        self.page("recherche.html", "search.html.j2", title="Rechercher dans la base")


# ---------------------------------------------------------------- downloads


def _csl_date(date: str | None) -> dict[str, Any] | None:
    if not date or date == "unknown":
        return None
    parts = [int(p) for p in date.split("-")]
    return {"date-parts": [parts]}


CSL_TYPES = {
    "article": "article-journal",
    "ouvrage": "book",
    "rapport": "report",
    "actes": "paper-conference",
    "site": "webpage",
    "diaporama": "speech",
    "guide": "report",
    "texte-officiel": "legislation",
    "video": "motion_picture",
    "carte": "map",
    "chapitre": "chapter",
    "communication": "speech",
    "dossier": "report",
    "autre": "document",
}
RIS_TYPES = {
    "article": "JOUR",
    "ouvrage": "BOOK",
    "rapport": "RPRT",
    "actes": "CONF",
    "site": "ELEC",
    "diaporama": "SLIDE",
    "guide": "RPRT",
    "texte-officiel": "STAT",
    "video": "VIDEO",
    "carte": "MAP",
    "chapitre": "CHAP",
    "communication": "CONF",
    "dossier": "RPRT",
    "autre": "GEN",
}


def _author(name: str) -> dict[str, str]:
    """« NOM Prénom » -> CSL family/given; an organisation stays literal."""
    parts = name.split()
    capitals = [p for p in parts if p.isupper() and len(p) > 1]
    if capitals and len(capitals) < len(parts):
        return {
            "family": " ".join(capitals).title(),
            "given": " ".join(p for p in parts if p not in capitals),
        }
    return {"literal": name}


def csl_json(documents: Sequence[LoadedRecord]) -> str:
    items = []
    for loaded in documents:
        d: models.Document = loaded.record
        item: dict[str, Any] = {
            "id": d.id,
            "type": CSL_TYPES.get(d.kind, "document"),
            "title": d.title,
        }
        if d.authors:
            item["author"] = [_author(a) for a in d.authors]
        if d.publisher:
            item["publisher"] = d.publisher
        if d.journal or d.book:
            item["container-title"] = d.journal or d.book
        if d.issue:
            item["issue"] = d.issue
        if (issued := _csl_date(d.date)) is not None:
            item["issued"] = issued
        if d.url:
            item["URL"] = d.url
        if d.pages:
            item["number-of-pages"] = d.pages
        item["language"] = "fr"
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


def ris(documents: Sequence[LoadedRecord]) -> str:
    lines: list[str] = []
    for loaded in documents:
        d: models.Document = loaded.record
        lines.append(f"TY  - {RIS_TYPES.get(d.kind, 'GEN')}")
        lines.append(f"ID  - {d.id}")
        lines.append(f"TI  - {' '.join(d.title.split())}")
        lines += [f"AU  - {a}" for a in d.authors]
        if d.journal or d.book:
            lines.append(f"T2  - {d.journal or d.book}")
        if d.publisher:
            lines.append(f"PB  - {d.publisher}")
        if d.date and d.date != "unknown":
            lines.append(f"PY  - {d.date[:4]}")
            lines.append(f"DA  - {d.date.replace('-', '/')}")
        if d.url:
            lines.append(f"UR  - {d.url}")
        lines.append("LA  - fr")
        lines.append("ER  - ")
        lines.append("")
    return "\r\n".join(lines)


def documents_csv(rows: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["id", "type", "titre", "auteurs", "editeur", "revue", "date", "url", "demarches"]
    )
    for row in rows:
        writer.writerow(
            [
                row["id"],
                row["kind"],
                row["title"],
                "; ".join(row["authors"]),
                row["publisher"] or "",
                row["journal"] or "",
                row["date"] or "",
                row["url"] or "",
                ", ".join(row["types"]),
            ]
        )
    return buffer.getvalue()


def split_work(
    depts: Sequence[str], by_first: dict[str, list[LoadedRecord]], jobs: int
) -> tuple[list[str], list[str]]:
    """The départements this process writes, and those a forked one writes (none with one
    job, or where there is no fork): halves of about the same number of pages."""
    if jobs < 2 or not hasattr(os, "fork"):
        return list(depts), []
    weights = {d: 1 + len(by_first.get(d, [])) for d in depts}
    half = sum(weights.values()) / 2
    done, cut = 0, len(depts)
    for index, dept in enumerate(depts):
        done += weights[dept]
        if done >= half:
            cut = index + 1
            break
    return list(depts[cut:]), list(depts[:cut])


def unloadable(kb: KnowledgeBase) -> str | None:
    """One line on the files that did not load (the site leaves their records out), or
    None. Two records with one id stop the site instead (see `require_loadable`)."""
    from dtscli.data.findings import Severity

    if kb.duplicates:
        return None
    errors = [f for f in kb.findings if f.severity is Severity.error]
    if not errors:
        return None
    files = sorted({f.path for f in errors})
    more = f" and {len(files) - 1} other files" if len(files) > 1 else ""
    return (
        f"{errors[0].location()}: {errors[0].message}; the site leaves out the records of "
        f"this file{more}: `dts check` lists the problems"
    )


def run(
    kb: KnowledgeBase,
    output: Path,
    *,
    personal: bool = False,
    today: dt.date | None = None,
    geometry: Any = None,
    jobs: int | None = None,
) -> Site:
    """Write the site of `kb` into `output`; returns the builder (pages written…). `jobs`:
    processes (default: two where there are two cores)."""
    site = Site(kb, output, personal=personal, today=today, geometry=geometry, jobs=jobs)
    try:
        site.build()
    except OSError as error:
        raise DtsError(f"cannot write the site in {output}: {error.strerror or error}") from None
    return site
