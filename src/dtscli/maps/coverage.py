"""What a map shows: the communes a selection of schemes covers, each with the status of
the most advanced scheme covering it, drawn on the committed geometry.

`MapMaker` holds a knowledge base and the geometry (`dtscli.maps.geometry`) and builds
`svg.MapSpec`s at three scales:

- `area_map`: every commune of one or more départements (a département, a region), the
  EPCI and département outlines over them;
- `national_map`: the départements as a neutral background, only the covered communes over
  them (a département whose communes all share one status is drawn as one shape), the
  overseas départements in insets below the mainland;
- `territory_map`: one territory (a scheme's, a local territory) on its départements.

It caches the geometry it reads and the path data it draws, so that a site drawing
hundreds of maps reads each département once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from dtscli.base.french import fr_date, fr_join, status_label
from dtscli.base.kb import KnowledgeBase
from dtscli.base.loader import LoadedRecord
from dtscli.data import models
from dtscli.data.territory import Territory
from dtscli.maps import svg
from dtscli.util.errors import DtsError

DEPT_CACHE = 8
SMALL = 640  # the width of a territory's map (a page shows it smaller than an area's)
COARSE = 0.002  # degree
OVERSEAS = ("971", "972", "973", "974", "976")
PLURALS = {
    "CLS": "Contrats locaux de santé",
    "CLSM": "Conseils locaux de santé mentale",
    "ASV": "Ateliers santé ville",
    "PTSM": "Projets territoriaux de santé mentale",
    "CPTS": "Communautés professionnelles territoriales de santé",
    "DAC": "Dispositifs d'appui à la coordination",
}
FEMININE = ("CPTS",)
MAX_NAMES = 6  # schemes named in a commune's tooltip


def coarse_rings(rings: svg.Rings) -> list[array]:
    """Rings on a COARSE-degree grid, repeated points dropped (small rings kept whole), each
    as a flat array of floats (a tenth of the memory of a list of pairs)."""
    out = []
    for ring in rings:
        flat = array("d")
        last = None
        for lon, lat in ring:
            point = (round(lon / COARSE) * COARSE, round(lat / COARSE) * COARSE)
            if point != last:
                flat.extend(point)
                last = point
        if len(flat) < 8:
            flat = array("d", [v for point in ring for v in point])
        out.append(flat)
    return out


def pairs(rings: list[array]) -> svg.Rings:
    return [list(zip(flat[0::2], flat[1::2], strict=True)) for flat in rings]


def load_geometry() -> Any:
    """The committed geometry (`dtscli.maps.geometry`), or one clear error."""
    geometry: Any = None
    with contextlib.suppress(ImportError):
        from dtscli.maps import geometry
    if geometry is None or not hasattr(geometry, "departement"):
        raise DtsError(
            "the map geometry is not installed (dtscli.maps.geometry); reinstall dts from "
            "its repository"
        )
    return geometry


def types_title(types: Sequence[str]) -> str:
    """« Conseils locaux de santé mentale (CLSM) »; « CLS et CLSM »; all types: a phrase."""
    if not types or set(types) == set(models.SCHEME_TYPES):
        return "Démarches territoriales de santé"
    if len(types) == 1:
        return f"{PLURALS.get(types[0], types[0])} ({types[0]})"
    return fr_join(types)


def _names(items: Sequence[str], limit: int = MAX_NAMES) -> str:
    if len(items) <= limit:
        return " ; ".join(items)
    return " ; ".join(items[:limit]) + f" ; et {len(items) - limit} autres"


class MapMaker:
    """Maps of a knowledge base on the committed geometry (see the module docstring)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        geometry: Any = None,
        today: dt.date | None = None,
        data_version: dict[str, Any] | None = None,
    ) -> None:
        self.kb = kb
        self.geo = geometry if geometry is not None else load_geometry()
        self.today = today or dt.date.today()
        self.data_version = data_version
        self.paths: dict = {}
        self._depts: OrderedDict[str, Any] = OrderedDict()  # the last few read
        self.coarse: dict[str, list[array]] = {}  # communes for national maps (see keep_coarse)
        self._france: Any = None
        self._manifest: dict[str, Any] | None = None
        self._communes: dict[str, frozenset[str]] = {}
        self._boxes: dict[tuple[str, int], tuple[float, float, float, float]] = {}

    # ------------------------------------------------------------ geometry and data

    def dept_geometry(self, code: str) -> Any:
        """A département's geometry; the last DEPT_CACHE read stay in memory (all of them
        take 200 MB: a site draws département after département)."""
        if code in self._depts:
            self._depts.move_to_end(code)
            return self._depts[code]
        geometry = self._depts[code] = self.geo.departement(code)
        while len(self._depts) > DEPT_CACHE:
            self._depts.popitem(last=False)
        return geometry

    def _box(self, dept: str, rings: svg.Rings) -> tuple[float, float, float, float]:
        key = (dept, id(rings))
        if key not in self._boxes:
            self._boxes[key] = svg.bounds(rings) or (0.0, 0.0, 1.0, 1.0)
        return self._boxes[key]

    def keep_coarse(self, dept: str, codes: Iterable[str]) -> None:
        """Keep these communes of `dept` on a coarse grid (COARSE degree, a few hundred
        metres: finer than a map of a region or of France draws), for the national and
        regional maps drawn later, without reading the département again."""
        geometry = self.dept_geometry(dept)
        if geometry is None:
            return
        for code in codes:
            rings = geometry.communes.get(code)
            if rings and code not in self.coarse:
                self.coarse[code] = coarse_rings(rings)

    def national_rings(self, dept: str, code: str) -> svg.Rings | None:
        """A commune's rings for a national or regional map."""
        if code not in self.coarse:
            geometry = self.dept_geometry(dept)
            rings = geometry.communes.get(code) if geometry is not None else None
            if not rings:
                return None
            self.coarse[code] = coarse_rings(rings)
        return pairs(self.coarse[code])

    def france(self) -> Any:
        if self._france is None:
            self._france = self.geo.france()
        return self._france

    def manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            self._manifest = dict(self.geo.manifest())
        return self._manifest

    def communes_of(self, loaded: LoadedRecord) -> frozenset[str]:
        """The communes a scheme's territory holds (none when it does not resolve)."""
        ref = loaded.record.territory
        if ref not in self._communes:
            territory = self.kb.territory(ref)
            self._communes[ref] = territory.communes if territory else frozenset()
        return self._communes[ref]

    def coverage(
        self, schemes: Iterable[LoadedRecord], within: frozenset[str] | set[str] | None
    ) -> tuple[dict[str, str], dict[str, list[LoadedRecord]], dict[str, int]]:
        """(status of each covered commune, its schemes, schemes counted by status): only
        communes `within` the area (all when None), only schemes with a commune there
        (`self.drawn` keeps them, for the dates of the credits)."""
        self.drawn: list[LoadedRecord] = []
        statuses: dict[str, str] = {}
        covering: dict[str, list[LoadedRecord]] = {}
        counted: dict[str, int] = {}
        rank = svg.STATUS_ORDER.index
        for loaded in schemes:
            communes = self.communes_of(loaded)
            if within is not None:
                communes = communes & within
            if not communes:
                continue
            self.drawn.append(loaded)
            status = loaded.record.status.value
            counted[status] = counted.get(status, 0) + 1
            for code in communes:
                covering.setdefault(code, []).append(loaded)
                held = statuses.get(code)
                if held is None or rank(status) < rank(held):
                    statuses[code] = status
        return statuses, covering, counted

    def commune_title(self, code: str, covering: list[LoadedRecord] | None) -> str:
        commune = self.kb.referential.communes.get(code)
        name = commune.name if commune else code
        if not covering:
            return f"{name} ({code})\u00a0: aucune démarche"
        return f"{name} ({code})\u00a0: " + _names([self.scheme_label(s) for s in covering])

    def scheme_label(self, loaded: LoadedRecord) -> str:
        scheme = loaded.record
        feminine = scheme.type in FEMININE
        words = status_label(scheme.status.value, feminine)
        if scheme.status_basis is not None and scheme.status_basis.value == "inferred":
            words += ", déduite" if feminine else ", déduit"  # the status no source states
        return f"{scheme.name} ({words})"

    def labels(self, schemes: Sequence[LoadedRecord]) -> dict[str, str]:
        feminine = bool(schemes) and all(s.record.type in FEMININE for s in schemes)
        return {status: status_label(status, feminine) for status in svg.STATUS_ORDER}

    def credits(self, schemes: Sequence[LoadedRecord]) -> list[str]:
        """The data's source and dates, then the geometry's."""
        dates = [
            s.as_of
            for loaded in schemes
            for s in loaded.record.sources
            if isinstance(s.as_of, dt.date)
        ]
        version = self.data_version
        words = "Données\u00a0: base des démarches territoriales de santé (dts"
        words += f", version {version['commit']})" if version else ")"
        if dates:
            low, high = min(dates), max(dates)
            if low == high:
                words += f", informations valables au {fr_date(low)} selon les sources"
            else:
                words += (
                    f", informations datées du {fr_date(low)} au {fr_date(high)} selon les sources"
                )
        words += f"\u00a0; carte établie le {fr_date(self.today)}."
        manifest = self.manifest()
        credit = manifest.get("credit") or (
            f"Fond de carte\u00a0: {manifest.get('source', 'source inconnue')}"
            f", {manifest.get('vintage', 'millésime inconnu')}"
        )
        return [words, str(credit)]

    # ------------------------------------------------------------ the three scales

    def area_map(
        self,
        schemes: Sequence[LoadedRecord],
        depts: Sequence[str],
        *,
        title: str,
        ident: str = "carte",
        area_label: str,
        focus: Territory | None = None,
        region: str | None = None,
    ) -> svg.MapSpec:
        """Every commune of `depts`, coloured by the schemes covering it."""
        referential = self.kb.referential
        within = frozenset(c for d in depts for c in referential.communes_of_dept(d))
        statuses, covering, counted = self.coverage(schemes, within)
        frame = svg.Frame(None)
        missing: list[str] = []
        for dept in depts:
            geometry = self.dept_geometry(dept)
            shapes = geometry.communes if geometry is not None else {}
            for code in referential.communes_of_dept(dept):
                rings = shapes.get(code)
                if not rings:
                    missing.append(code)
                    continue
                frame.shapes.append(
                    svg.Shape(
                        code,
                        "commune",
                        rings,
                        statuses.get(code),
                        self.commune_title(code, covering.get(code)),
                    )
                )
            if geometry is not None:
                frame.outlines += [svg.Outline("epci", r) for r in geometry.epci.values()]
        outlines = []
        for dept in depts:
            geometry = self.dept_geometry(dept)
            if geometry is not None:
                frame.outlines.append(svg.Outline("dept", geometry.outline))
                outlines += geometry.outline
        frame.box = svg.bounds(outlines)
        if region is not None:
            rings = self.france().regions.get(region)
            if rings:
                frame.outlines.append(svg.Outline("region", rings))
        if focus is not None:
            frame.outlines += self.focus_outlines(focus)
        counts: dict[str | None, tuple[int, int]] = {
            status: (counted[status], sum(1 for s in statuses.values() if s == status))
            for status in counted
        }
        uncovered = len(within) - len(statuses)
        if uncovered:
            counts[None] = (0, uncovered)
        legend = svg.legend_entries(counts, self.labels(schemes), "Aucune démarche")
        description = (
            f"Carte des communes de {area_label}, colorées selon le statut de la démarche la "
            f"plus avancée qui les couvre ; {len(statuses)} commune"
            f"{'s' if len(statuses) > 1 else ''} couverte{'s' if len(statuses) > 1 else ''} "
            f"sur {len(within)}. Les contours des intercommunalités (EPCI) et des départements "
            "sont tracés par-dessus."
        )
        description += self._missing_words(missing)
        return svg.MapSpec(title, description, [frame], legend, self.credits(self.drawn), ident)

    def national_map(
        self,
        schemes: Sequence[LoadedRecord],
        *,
        title: str,
        ident: str = "carte",
        depts: Sequence[str] | None = None,
        area_label: str = "France",
    ) -> svg.MapSpec:
        """France (or the départements `depts`): départements in the background, covered
        communes over them."""
        referential = self.kb.referential
        within = None
        if depts is not None:
            within = frozenset(c for d in depts for c in referential.communes_of_dept(d))
        statuses, covering, counted = self.coverage(schemes, within)
        france = self.france()
        if depts is not None:
            france = _Subset(france, depts)
        by_dept: dict[str, list[str]] = {}
        for code in statuses:
            commune = referential.communes.get(code)
            if commune is not None and commune.dept:
                by_dept.setdefault(commune.dept, []).append(code)
        mainland = svg.Frame(None, small=True)
        frames = {"": mainland}
        for code in OVERSEAS:
            if code in france.departements:
                name = (
                    referential.departements[code].name
                    if code in referential.departements
                    else code
                )
                frames[code] = svg.Frame(name, small=True)
        missing: list[str] = []
        for dept, rings in sorted(france.departements.items()):
            frame = frames.get(dept, mainland)
            frame.base.append(rings)
            frame.outlines.append(svg.Outline("dept", rings))
            codes = by_dept.get(dept)
            if not codes:
                continue
            held = {statuses[c] for c in codes}
            if len(codes) == len(referential.communes_of_dept(dept)) and len(held) == 1:
                names = sorted(
                    {self.scheme_label(s) for c in codes for s in covering[c]}, key=str.casefold
                )
                dept_name = referential.departements[dept].name
                frame.shapes.append(
                    svg.Shape(
                        dept,
                        "dept",
                        rings,
                        held.pop(),
                        f"{dept_name} ({dept}), toutes les communes\u00a0: {_names(names)}",
                    )
                )
                continue
            for code in sorted(codes):
                commune_rings = self.national_rings(dept, code)
                if not commune_rings:
                    missing.append(code)
                    continue
                frame.shapes.append(
                    svg.Shape(
                        code,
                        "commune",
                        commune_rings,
                        statuses[code],
                        self.commune_title(code, covering[code]),
                    )
                )
        for region_rings in self.mainland_regions(france):
            mainland.outlines.append(svg.Outline("region", region_rings))
        if not mainland.base and len(frames) > 1:  # an overseas region alone
            first = next(key for key in frames if key)
            mainland = frames.pop(first)
            mainland.label = None
            frames[""] = mainland
        counts: dict[str | None, tuple[int, int]] = {
            status: (counted[status], sum(1 for s in statuses.values() if s == status))
            for status in counted
        }
        total = len(referential.communes) if within is None else len(within)
        uncovered = total - len(statuses)
        if uncovered:
            counts[None] = (0, uncovered)
        legend = svg.legend_entries(counts, self.labels(schemes), "Aucune démarche")
        inset_names = [f.label for key, f in frames.items() if key and f.label]
        where = "de France" if within is None else f"de {area_label}"
        description = (
            f"Carte {where} des communes couvertes, colorées selon le statut de la démarche "
            f"la plus avancée qui les couvre ; {len(statuses)} commune"
            f"{'s' if len(statuses) > 1 else ''} couverte{'s' if len(statuses) > 1 else ''} "
            f"sur {total}. Les départements sont tracés"
            + (
                f" ; les départements d'outre-mer figurent en encarts ({fr_join(inset_names)})."
                if inset_names
                else "."
            )
        )
        description += self._missing_words(missing)
        ordered = [mainland] + [frames[c] for c in OVERSEAS if c in frames and frames[c].base]
        return svg.MapSpec(title, description, ordered, legend, self.credits(self.drawn), ident)

    def territory_map(
        self,
        schemes: Sequence[LoadedRecord],
        territory: Territory,
        *,
        title: str,
        ident: str = "carte",
    ) -> svg.MapSpec:
        """One territory on its départements: its communes coloured by `schemes` (a whole
        département or region is drawn by its départements)."""
        referential = self.kb.referential
        statuses, covering, counted = self.coverage(schemes, territory.communes)
        frame = svg.Frame(None, edged=True)
        depts = sorted(territory.depts)
        france = self.france() if territory.kind in ("dept", "region") else None
        missing: list[str] = []
        for dept in depts:
            geometry = self.dept_geometry(dept)
            if geometry is None:
                continue
            frame.base.append(geometry.outline)  # drawn edged: no outline drawn again over it
            box = self._box(dept, geometry.outline)
            frame.box = box if frame.box is None else svg.union(frame.box, box)
            if france is not None:
                dept_communes = referential.communes_of_dept(dept)
                held = {statuses.get(c) for c in dept_communes}
                status = held.pop() if len(held) == 1 else None
                names = sorted(
                    {self.scheme_label(s) for c in dept_communes for s in covering.get(c, [])},
                    key=str.casefold,
                )
                label = referential.departements[dept].name
                frame.shapes.append(
                    svg.Shape(
                        dept,
                        "dept",
                        geometry.outline,
                        status,
                        f"{label} ({dept})\u00a0: {_names(names) if names else 'aucune démarche'}",
                    )
                )
                continue
            for code in sorted(territory.communes):
                if referential.communes[code].dept != dept:
                    continue
                rings = geometry.communes.get(code)
                if not rings:
                    missing.append(code)
                    continue
                frame.shapes.append(
                    svg.Shape(
                        code,
                        "commune",
                        rings,
                        statuses.get(code),
                        self.commune_title(code, covering.get(code)),
                    )
                )
        frame.outlines += self.focus_outlines(territory)
        counts: dict[str | None, tuple[int, int]] = {
            status: (counted[status], sum(1 for s in statuses.values() if s == status))
            for status in counted
        }
        uncovered = len(territory.communes) - len(statuses)
        if uncovered:
            counts[None] = (0, uncovered)
        legend = svg.legend_entries(counts, self.labels(schemes), "Aucune démarche")
        dept_names = fr_join(referential.departements[d].name for d in depts)
        description = (
            f"Carte du territoire {territory.name} ({len(territory.communes)} commune"
            f"{'s' if len(territory.communes) > 1 else ''}) dans son département ou ses "
            f"départements ({dept_names}), coloré selon le statut des démarches qui le couvrent."
        )
        description += self._missing_words(missing)
        return svg.MapSpec(
            title, description, [frame], legend, self.credits(self.drawn), ident, width=SMALL
        )

    def mainland_regions(self, france: Any) -> list[svg.Rings]:
        """The outlines of the regions of the mainland (the overseas ones are insets)."""
        departements = self.kb.referential.departements
        overseas = {departements[d].region for d in OVERSEAS if d in departements}
        return [r for code, r in sorted(france.regions.items()) if r and code not in overseas]

    def focus_outlines(self, territory: Territory) -> list[svg.Outline]:
        """The outline of a territory, drawn over a map to show where it is."""
        outlines: list[svg.Outline] = []
        if territory.kind == "region":
            rings = self.france().regions.get(territory.code)
            return [svg.Outline("focus", rings)] if rings else []
        for dept in sorted(territory.depts):
            geometry = self.dept_geometry(dept)
            if geometry is None:
                continue
            if territory.kind == "dept":
                outlines.append(svg.Outline("focus", geometry.outline))
            elif territory.kind == "epci" and territory.code in geometry.epci:
                outlines.append(svg.Outline("focus", geometry.epci[territory.code]))
            else:
                for code in sorted(territory.communes):
                    rings = geometry.communes.get(code)
                    if rings and self.kb.referential.communes[code].dept == dept:
                        outlines.append(svg.Outline("focus", rings))
        return outlines

    def _missing_words(self, missing: list[str]) -> str:
        if not missing:
            return ""
        communes = self.kb.referential.communes
        names = [f"{communes[c].name} ({c})" if c in communes else c for c in missing]
        return (
            f" {len(missing)} commune{'s' if len(missing) > 1 else ''} sans contour dans le "
            f"fond de carte, non dessinée{'s' if len(missing) > 1 else ''}\u00a0: "
            f"{_names(names, 10)}."
        )

    # ------------------------------------------------------------ lists for the page

    def covered_list(
        self, schemes: Sequence[LoadedRecord], within: frozenset[str] | None
    ) -> list[dict[str, Any]]:
        """The covered communes as text (the map's alternative for screen readers): name,
        code, status and the schemes, by name."""
        statuses, covering, _ = self.coverage(schemes, within)
        communes = self.kb.referential.communes
        rows: list[dict[str, Any]] = []
        for code, status in statuses.items():
            commune = communes.get(code)
            rows.append(
                {
                    "code": code,
                    "name": commune.name if commune else code,
                    "status": status,
                    "schemes": [s.record.name for s in covering[code]],
                }
            )
        from dtscli.data.vocab import fold

        rows.sort(key=lambda row: (fold(row["name"]), row["code"]))
        return rows

    def density_map(
        self, schemes: Sequence[LoadedRecord], *, title: str, ident: str = "carte"
    ) -> svg.MapSpec:
        """France by département, shaded by the number of schemes with a commune there."""
        referential = self.kb.referential
        counts: dict[str, int] = {}
        for loaded in schemes:
            territory = self.kb.territory(loaded.record.territory)
            for dept in territory.depts if territory else ():
                counts[dept] = counts.get(dept, 0) + 1
        france = self.france()
        classes = ((0, 0), (1, 2), (3, 5), (6, 10), (11, None))
        words = (
            "Aucune démarche",
            "1 ou 2 démarches",
            "3 à 5 démarches",
            "6 à 10 démarches",
            "Plus de 10 démarches",
        )

        def level(count: int) -> int:
            for index, (low, high) in enumerate(classes):
                if count >= low and (high is None or count <= high):
                    return index
            return 0

        mainland = svg.Frame(None)
        frames = {"": mainland}
        for code in OVERSEAS:
            if code in france.departements:
                frames[code] = svg.Frame(referential.departements[code].name)
        tally = [0] * len(classes)
        for dept, rings in sorted(france.departements.items()):
            frame = frames.get(dept, mainland)
            count = counts.get(dept, 0)
            tally[level(count)] += 1
            name = referential.departements[dept].name if dept in referential.departements else dept
            plural = "s" if count > 1 else ""
            frame.shapes.append(
                svg.Shape(
                    dept,
                    "dept",
                    rings,
                    None,
                    f"{name} ({dept})\u00a0: {count} démarche{plural}",
                    level(count),
                )
            )
            frame.outlines.append(svg.Outline("dept", rings))
        for region_rings in self.mainland_regions(france):
            mainland.outlines.append(svg.Outline("region", region_rings))
        legend = [
            svg.LegendEntry(
                None,
                f"{words[i]}\u00a0: {tally[i]} département{'s' if tally[i] > 1 else ''}",
                svg.LEVEL_COLOURS[i],
            )
            for i in range(len(classes))
            if tally[i]
        ]
        covered = sum(1 for d in france.departements if counts.get(d))
        description = (
            "Carte de France des départements, plus ou moins foncés selon le nombre de "
            f"démarches de la base qui y ont au moins une commune ; {covered} département"
            f"{'s' if covered > 1 else ''} sur {len(france.departements)} en comptent au moins une."
        )
        self.drawn = list(schemes)
        ordered = [mainland] + [frames[c] for c in OVERSEAS if c in frames]
        return svg.MapSpec(title, description, ordered, legend, self.credits(self.drawn), ident)


class _Subset:
    """The national geometry narrowed to some départements (a region's)."""

    def __init__(self, france: Any, depts: Sequence[str]) -> None:
        self.departements = {d: france.departements[d] for d in depts if d in france.departements}
        self.regions: dict[str, Any] = {}
