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
hundreds of maps reads each département once. The data under the maps (geometry,
coverage, tooltips, credits) is `mapdata.MapData`; the national scale is in `national`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from typing import Any

from dtscli.base.french import fr_join
from dtscli.base.kb import KnowledgeBase
from dtscli.base.loader import LoadedRecord
from dtscli.data import models
from dtscli.data.territory import Territory
from dtscli.maps import svg
from dtscli.maps.mapdata import some_names
from dtscli.maps.national import NationalMaps
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _

SMALL = 640  # the width of a territory's map (a page shows it smaller than an area's)
PLURALS = {
    "CLS": "Contrats locaux de santé",
    "CLSM": "Conseils locaux de santé mentale",
    "ASV": "Ateliers santé ville",
    "PTSM": "Projets territoriaux de santé mentale",
    "CPTS": "Communautés professionnelles territoriales de santé",
    "DAC": "Dispositifs d'appui à la coordination",
}


def load_geometry() -> Any:
    """The committed geometry (`dtscli.maps.geometry`), or one clear error."""
    geometry: Any = None
    with contextlib.suppress(ImportError):
        from dtscli.maps import geometry
    if geometry is None or not hasattr(geometry, "departement"):
        raise DtsError(
            _(
                "the map geometry is not installed (dtscli.maps.geometry); reinstall dts from "
                "its repository"
            )
        )
    return geometry


def types_title(types: Sequence[str]) -> str:
    """« Conseils locaux de santé mentale (CLSM) »; « CLS et CLSM »; all types: a phrase."""
    if not types or set(types) == set(models.SCHEME_TYPES):
        return "Démarches territoriales de santé"
    if len(types) == 1:
        return f"{PLURALS.get(types[0], types[0])} ({types[0]})"
    return fr_join(types)


class MapMaker(NationalMaps):
    """Maps of a knowledge base on the committed geometry (see the module docstring)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        geometry: Any = None,
        today: dt.date | None = None,
        data_version: dict[str, Any] | None = None,
    ) -> None:
        geometry = geometry if geometry is not None else load_geometry()
        super().__init__(kb, geometry, today, data_version)

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
                frame.shapes.append(self.commune_shape(code, rings, statuses, covering))
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
        legend = self.legend(schemes, statuses, counted, len(within))
        description = (
            f"Carte des communes de {area_label}, colorées selon le statut de la démarche la "
            f"plus avancée qui les couvre ; {len(statuses)} commune"
            f"{'s' if len(statuses) > 1 else ''} couverte{'s' if len(statuses) > 1 else ''} "
            f"sur {len(within)}. Les contours des intercommunalités (EPCI) et des départements "
            "sont tracés par-dessus."
        )
        description += self._missing_words(missing)
        return svg.MapSpec(title, description, [frame], legend, self.credits(self.drawn), ident)

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
                        f"{label} ({dept})\u00a0: "
                        + (some_names(names) if names else "aucune démarche"),
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
                frame.shapes.append(self.commune_shape(code, rings, statuses, covering))
        frame.outlines += self.focus_outlines(territory)
        legend = self.legend(schemes, statuses, counted, len(territory.communes))
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
