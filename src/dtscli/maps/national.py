"""Maps of France, of a region or of several départements: the départements in the
background, the covered communes over them (`national_map`), or the départements shaded by
their number of schemes (`density_map`); the overseas départements in insets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dtscli.base.french import fr_join
from dtscli.base.loader import LoadedRecord
from dtscli.maps import svg
from dtscli.maps.mapdata import OVERSEAS, MapData, some_names


class NationalMaps(MapData):
    """The maps drawn on the national geometry (see the module docstring)."""

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
                        f"{dept_name} ({dept}), toutes les communes\u00a0: {some_names(names)}",
                    )
                )
                continue
            for code in sorted(codes):
                commune_rings = self.national_rings(dept, code)
                if not commune_rings:
                    missing.append(code)
                    continue
                frame.shapes.append(self.commune_shape(code, commune_rings, statuses, covering))
        for region_rings in self.mainland_regions(france):
            mainland.outlines.append(svg.Outline("region", region_rings))
        if not mainland.base and len(frames) > 1:  # an overseas region alone
            first = next(key for key in frames if key)
            mainland = frames.pop(first)
            mainland.label = None
            frames[""] = mainland
        total = len(referential.communes) if within is None else len(within)
        legend = self.legend(schemes, statuses, counted, total)
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

    def mainland_regions(self, france: Any) -> list[svg.Rings]:
        """The outlines of the regions of the mainland (the overseas ones are insets)."""
        departements = self.kb.referential.departements
        overseas = {departements[d].region for d in OVERSEAS if d in departements}
        return [r for code, r in sorted(france.regions.items()) if r and code not in overseas]

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
