"""The territory referential and the resolution of `kind:code` territory strings.

The official divisions (régions, départements, EPCI, communes) are generated YAML files
under data/territories/ with one JSON record per line, so they are read line by line
with json (fast) and fall back to a YAML parser if someone reformatted them. Local
territories and QPV are hand-written records handed in by the knowledge base.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from dtscli.data.territory import Territory
from dtscli.data.vocab import fold
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _

REFERENTIAL_FILES = ("regions", "departements", "epci", "communes")


class Commune(NamedTuple):
    code: str
    name: str
    dept: str | None
    region: str | None
    epci: str | None
    population: int | None


class Epci(NamedTuple):
    code: str
    name: str
    kind: str
    population: int | None
    communes: tuple[str, ...]


class Departement(NamedTuple):
    code: str
    name: str
    region: str
    population: int | None


class Region(NamedTuple):
    code: str
    name: str
    population: int | None


@dataclass(frozen=True)
class LocalArea:
    """A hand-written territory (local grouping or QPV) as the referential needs it."""

    ref: str
    kind: str
    code: str
    name: str
    communes: tuple[str, ...]
    epci: tuple[str, ...] = ()


def _read_records(path: Path, key: str) -> list[dict]:
    """Read a generated referential file: JSON lines under `key:`, YAML as a fallback."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DtsError(
            _(
                "{path}: cannot read the territory referential ({problem}); "
                "re-create it with scripts/import_territories.py"
            ).format(path=path, problem=error.strerror)
        ) from error
    records: list[dict] = []
    try:
        for line in text.splitlines():
            if line.startswith("  - {"):
                records.append(json.loads(line[4:]))
    except json.JSONDecodeError:
        records = []
    if records:
        return records
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as error:
        raise DtsError(
            _("{path}: the territory referential does not parse: {problem}").format(
                path=path, problem=error
            )
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise DtsError(
            _("{path}: expected a list under `{key}:`; re-run the import script").format(
                path=path, key=key
            )
        )
    return data[key]


class Referential:
    """Official divisions plus the hand-written local territories and QPV."""

    def __init__(
        self,
        regions: dict[str, Region],
        departements: dict[str, Departement],
        epcis: dict[str, Epci],
        communes: dict[str, Commune],
    ) -> None:
        self.regions = regions
        self.departements = departements
        self.epcis = epcis
        self.communes = communes
        self.locals: dict[str, LocalArea] = {}
        self.qpvs: dict[str, LocalArea] = {}
        self._by_dept: dict[str, list[str]] | None = None
        self._by_name: dict[str, list[str]] | None = None
        self._cache: dict[str, Territory | None] = {}  # local and QPV territories
        self._official_cache: dict[str, Territory | None] = {}  # shared with derived copies

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, folder: Path) -> Referential:
        missing = [name for name in REFERENTIAL_FILES if not (folder / f"{name}.yaml").exists()]
        if missing:
            raise DtsError(
                _(
                    "{folder}: the territory referential is missing ({files}.yaml); "
                    "generate it with scripts/import_territories.py"
                ).format(folder=folder, files=", ".join(missing))
            )
        try:
            regions = {
                r["code"]: Region(r["code"], r["name"], r.get("population"))
                for r in _read_records(folder / "regions.yaml", "regions")
            }
            departements = {
                d["code"]: Departement(d["code"], d["name"], d["region"], d.get("population"))
                for d in _read_records(folder / "departements.yaml", "departements")
            }
            epcis = {
                e["code"]: Epci(
                    e["code"], e["name"], e["kind"], e.get("population"), tuple(e["communes"])
                )
                for e in _read_records(folder / "epci.yaml", "epci")
            }
            communes = {
                c["code"]: Commune(
                    c["code"], c["name"], c["dept"], c["region"], c["epci"], c["population"]
                )
                for c in _read_records(folder / "communes.yaml", "communes")
            }
        except (KeyError, TypeError) as error:
            raise DtsError(
                _(
                    "{folder}: a referential record lacks {key}; "
                    "re-run scripts/import_territories.py"
                ).format(folder=folder, key=error)
            ) from error
        return cls(regions, departements, epcis, communes)

    def derive(self) -> Referential:
        """A referential sharing these official divisions, with no local territories yet."""
        other = Referential(self.regions, self.departements, self.epcis, self.communes)
        self.communes_of_dept("")  # build the index here, so that every copy shares it
        other._by_dept = self._by_dept
        other._by_name = self._official_names()
        other._official_cache = self._official_cache
        return other

    def add_local(self, area: LocalArea) -> None:
        target = self.qpvs if area.kind == "qpv" else self.locals
        target[area.code] = area
        self._cache.clear()

    # ------------------------------------------------------------------ indexes

    def communes_of_dept(self, dept: str) -> list[str]:
        if self._by_dept is None:
            self._by_dept = {}
            for commune in self.communes.values():
                if commune.dept:
                    self._by_dept.setdefault(commune.dept, []).append(commune.code)
        return self._by_dept.get(dept, [])

    def communes_of_region(self, region: str) -> list[str]:
        codes: list[str] = []
        for dept in self.departements.values():
            if dept.region == region:
                codes.extend(self.communes_of_dept(dept.code))
        return codes

    # ------------------------------------------------------------------ resolution

    def resolve(self, ref: str) -> Territory | None:
        """Resolve `kind:code`; None when the code is unknown (callers report it)."""
        cache = self._cache if ref.startswith(("local:", "qpv:")) else self._official_cache
        if ref not in cache:
            cache[ref] = self._resolve(ref)
        return cache[ref]

    def _resolve(self, ref: str) -> Territory | None:
        if ref == "france":  # a published count for the whole country (PublishedCount)
            return self._territory(ref, "country", "fr", "France", self.communes)
        kind, _, code = ref.partition(":")
        if kind == "commune":
            commune = self.communes.get(code)
            if commune is None:
                return None
            return self._territory(ref, kind, code, commune.name, [code])
        if kind == "epci":
            epci = self.epcis.get(code)
            if epci is None:
                return None
            return self._territory(ref, kind, code, epci.name, epci.communes)
        if kind == "dept":
            dept = self.departements.get(code)
            if dept is None:
                return None
            return self._territory(ref, kind, code, dept.name, self.communes_of_dept(code))
        if kind == "region":
            region = self.regions.get(code)
            if region is None:
                return None
            return self._territory(ref, kind, code, region.name, self.communes_of_region(code))
        if kind in ("local", "qpv"):
            area = (self.locals if kind == "local" else self.qpvs).get(code)
            if area is None:
                return None
            codes = set(area.communes)
            for epci_code in area.epci:
                epci = self.epcis.get(epci_code)
                if epci is not None:
                    codes.update(epci.communes)
            territory = self._territory(ref, kind, code, area.name, codes)
            if kind == "qpv":  # a QPV is part of its communes: no commune population
                return territory._replace(population=None)
            return territory
        return None

    def _territory(
        self, ref: str, kind: str, code: str, name: str, codes: Iterable[str]
    ) -> Territory:
        communes = frozenset(c for c in codes if c in self.communes)
        depts = frozenset(d for c in communes if (d := self.communes[c].dept))
        regions = frozenset(r for c in communes if (r := self.communes[c].region))
        if kind == "dept":
            depts = frozenset({code})
            regions = frozenset({self.departements[code].region})
        elif kind == "region":
            regions = frozenset({code})
        populations = [self.communes[c].population for c in communes]
        population = sum(p for p in populations if p is not None) if communes else None
        return Territory(ref, kind, code, name, communes, depts, regions, population)

    def _official_names(self) -> dict[str, list[str]]:
        """Refs of the communes and EPCI by folded name (the official divisions only)."""
        if self._by_name is None:
            self._by_name = {}
            for commune in self.communes.values():
                self._by_name.setdefault(fold(commune.name), []).append(f"commune:{commune.code}")
            for epci in self.epcis.values():
                self._by_name.setdefault(fold(epci.name), []).append(f"epci:{epci.code}")
        return self._by_name

    def find_by_name(self, name: str, dept: str | None = None) -> list[Territory]:
        """Communes, EPCI and local territories whose name matches (accent- and
        case-insensitive)."""
        key = fold(name)
        refs = list(self._official_names().get(key, []))
        refs += [area.ref for area in self.locals.values() if fold(area.name) == key]
        found = [t for ref in refs if (t := self.resolve(ref))]
        if dept is not None:
            found = [t for t in found if dept in t.depts]
        return found

    # ------------------------------------------------------------------ cached form

    def tables(self) -> dict[str, Any]:
        """The official divisions and their indexes as plain tuples and dicts (marshal)."""
        self.communes_of_dept("")
        return {
            "regions": {code: tuple(item) for code, item in self.regions.items()},
            "departements": {code: tuple(item) for code, item in self.departements.items()},
            "epcis": {code: tuple(item) for code, item in self.epcis.items()},
            "communes": {code: tuple(item) for code, item in self.communes.items()},
            "by_dept": self._by_dept,
            "by_name": self._official_names(),
        }

    @classmethod
    def from_tables(cls, tables: dict[str, Any]) -> Referential:
        make = tuple.__new__  # Commune(*values) would call a Python __new__ 35,000 times
        referential = cls(
            {code: make(Region, item) for code, item in tables["regions"].items()},
            {code: make(Departement, item) for code, item in tables["departements"].items()},
            {code: make(Epci, item) for code, item in tables["epcis"].items()},
            {code: make(Commune, item) for code, item in tables["communes"].items()},
        )
        referential._by_dept = tables["by_dept"]
        referential._by_name = tables["by_name"]
        return referential

    def parse_territory(self, text: str, dept: str | None = None) -> Territory:
        """A territory the user typed: `kind:code` or a name (with `dept` when ambiguous)."""
        if ":" in text:
            territory = self.resolve(text)
            if territory is None:
                raise DtsError(
                    _("unknown territory {text!r}: no such code in the referential").format(
                        text=text
                    )
                )
            return territory
        found = self.find_by_name(text, dept)
        if not found:
            where = _(" in department {code}").format(code=dept) if dept else ""
            raise DtsError(
                _(
                    "no commune, EPCI or local territory is called {text!r}{where}; "
                    "give a code such as commune:06088"
                ).format(text=text, where=where)
            )
        if len(found) > 1:
            candidates = ", ".join(
                _("{name} ({ref}, dept {depts})").format(
                    name=t.name, ref=t.ref, depts="/".join(sorted(t.depts))
                )
                for t in found
            )
            raise DtsError(
                _("{text!r} is ambiguous: {candidates}; add --dept or give the code").format(
                    text=text, candidates=candidates
                )
            )
        return found[0]
