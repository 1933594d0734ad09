"""The data under every map: the geometry read (and kept) from `dtscli.maps.geometry`,
which communes a selection of schemes covers and with which status, the tooltips, the
legend's words and the credits. `coverage.MapMaker` draws the maps on it."""

from __future__ import annotations

import datetime as dt
import functools
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from dtscli.base.french import fr_date, status_label
from dtscli.base.kb import KnowledgeBase
from dtscli.base.loader import LoadedRecord
from dtscli.data.territory import Territory
from dtscli.maps import svg

DEPT_CACHE = 8
COARSE = 0.002  # degree
OVERSEAS = ("971", "972", "973", "974", "976")
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


# Babel takes tens of microseconds a date; a site writes the same dates on thousands of maps.
_fr_date = functools.lru_cache(maxsize=4096)(fr_date)


def some_names(items: Sequence[str], limit: int = MAX_NAMES) -> str:
    """The first `limit` names joined, and how many more: « A ; B ; et 3 autres »."""
    if len(items) <= limit:
        return " ; ".join(items)
    return " ; ".join(items[:limit]) + f" ; et {len(items) - limit} autres"


class MapData:
    """A knowledge base and its geometry, cached: the parts every map is made of."""

    def __init__(
        self,
        kb: KnowledgeBase,
        geometry: Any,
        today: dt.date | None = None,
        data_version: dict[str, Any] | None = None,
    ) -> None:
        self.kb = kb
        self.geo = geometry
        self.today = today or dt.date.today()
        self.data_version = data_version
        self.paths: dict = {}
        self._depts: OrderedDict[str, Any] = OrderedDict()  # the last few read
        self.coarse: dict[str, list[array]] = {}  # communes for national maps (see keep_coarse)
        self._france: Any = None
        self._manifest: dict[str, Any] | None = None
        self._communes: dict[str, frozenset[str]] = {}
        self._boxes: dict[tuple[str, int], tuple[float, float, float, float]] = {}
        self._labels: dict[str, str] = {}  # scheme id -> its label (see scheme_label)

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
        return f"{name} ({code})\u00a0: " + some_names([self.scheme_label(s) for s in covering])

    def commune_shape(
        self,
        code: str,
        rings: svg.Rings,
        statuses: dict[str, str],
        covering: dict[str, list[LoadedRecord]],
    ) -> svg.Shape:
        """A commune in the colour of the most advanced status covering it (see `coverage`),
        its tooltip naming the schemes."""
        return svg.Shape(
            code, "commune", rings, statuses.get(code), self.commune_title(code, covering.get(code))
        )

    def legend(
        self,
        schemes: Sequence[LoadedRecord],
        statuses: dict[str, str],
        counted: dict[str, int],
        communes: int,
    ) -> list[svg.LegendEntry]:
        """The legend of a coverage map of `communes` communes: schemes and communes by
        status (see `coverage`), then the communes no scheme covers."""
        counts: dict[str | None, tuple[int, int]] = {
            status: (counted[status], sum(1 for s in statuses.values() if s == status))
            for status in counted
        }
        uncovered = communes - len(statuses)
        if uncovered:
            counts[None] = (0, uncovered)
        return svg.legend_entries(counts, self.labels(schemes), "Aucune démarche")

    def scheme_label(self, loaded: LoadedRecord) -> str:
        """« Name (status) », computed once a scheme: it is repeated in the tooltip of each
        commune the scheme covers, on each map."""
        label = self._labels.get(loaded.id)
        if label is None:
            scheme = loaded.record
            feminine = scheme.type in FEMININE
            words = status_label(scheme.status.value, feminine)
            if scheme.status_basis is not None and scheme.status_basis.value == "inferred":
                words += ", déduite" if feminine else ", déduit"  # the status no source states
            label = self._labels[loaded.id] = f"{scheme.name} ({words})"
        return label

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
                words += f", informations valables au {_fr_date(low)} selon les sources"
            else:
                words += f", informations datées du {_fr_date(low)} au {_fr_date(high)}"
                words += " selon les sources"
        words += f"\u00a0; carte établie le {_fr_date(self.today)}."
        manifest = self.manifest()
        credit = manifest.get("credit") or (
            f"Fond de carte\u00a0: {manifest.get('source', 'source inconnue')}"
            f", {manifest.get('vintage', 'millésime inconnu')}"
        )
        return [words, str(credit)]

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
            f"{some_names(names, 10)}."
        )
