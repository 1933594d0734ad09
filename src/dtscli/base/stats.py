"""The figures of `dts stats`, the ones the people who steer the schemes put on their slides.

Four views, each computed as plain rows (dataclasses) from the knowledge base; the command
(commands/stats.py) checks the options and writes them as a table, Markdown, CSV or JSON:

- counts: scheme instances by department (or region) x type, broken down by status;
- completeness: each published count of the scheme-type records against what the base holds;
- coverage: population living in a commune covered by each type, per department and region;
- gaps: the communes above a population threshold that no CLS (or no CLSM) covers.

Definitions (also in docs/commands.md, "dts stats"):

- an instance is *in* a department or region when its territory has a commune there, so an
  EPCI spanning two departments counts in both (and once in the total);
- *covering* statuses: by default every status except `intention`, `expired` and `unknown`,
  and only when the status is stated or inferred with a reason (base/provenance.py);
  `--status` chooses others. Coverage, gaps and published counts that name no status use them;
- a scheme whose record names the département the source groups it under (`department`)
  counts there only, even when its EPCI spans two départements;
- a local territory known to be incomplete (`incomplete: true`) is flagged wherever its
  figures appear: its covered population is a lower bound;
- a published count that names a status compares with the instances of exactly that status;
- a scheme on a QPV covers part of a commune only: it is left out of coverage and gaps.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from dtscli.base.kb import KnowledgeBase
from dtscli.base.provenance import newest_date, status_is_grounded
from dtscli.base.referential import Referential, Territory
from dtscli.data import kinds, models
from dtscli.data.vocab import COVERING_STATUSES, NOT_COVERING
from dtscli.util.i18n import _

__all__ = ["COVERING_STATUSES", "NOT_COVERING"]  # the statuses that cover, from the vocabulary

VIEWS: tuple[str, ...] = ("summary", "counts", "completeness", "coverage", "gaps")
LEVELS: tuple[str, ...] = ("dept", "region")
STATUSES: tuple[str, ...] = tuple(s.value for s in models.Status)
GAP_TYPES: tuple[str, ...] = ("CLS", "CLSM")
DEFAULT_MIN_POPULATION = 10_000
PARTIAL_KINDS = ("qpv",)


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Instance:
    """A scheme instance with its territory resolved once: the communes it covers."""

    id: str
    type: str
    status: str
    ref: str
    kind: str  # territory kind; empty when the code does not resolve
    communes: frozenset[str]
    depts: frozenset[str]
    regions: frozenset[str]
    grounded: bool = True  # the status says it exists (stated, or inferred with a reason)
    incomplete: bool = False  # on a local territory whose communes are only partly known

    @property
    def partial(self) -> bool:
        """True when the territory is part of a commune (a QPV): no commune population."""
        return self.kind in PARTIAL_KINDS

    def overlaps(self, territory: Territory) -> bool:
        if territory.kind in ("dept", "region"):  # where the scheme is grouped (department)
            return territory.code in (self.depts if territory.kind == "dept" else self.regions)
        if self.communes and territory.communes:
            return not self.communes.isdisjoint(territory.communes)
        return self.ref == territory.ref


def instances(kb: KnowledgeBase) -> list[Instance]:
    """Every scheme instance, its territory resolved (the referential caches each code)."""
    found = []
    for loaded in kb.of_kind(kinds.SCHEME):
        scheme = loaded.record
        territory = kb.territory(scheme.territory)
        empty: frozenset[str] = frozenset()
        depts = territory.depts if territory else empty
        regions = territory.regions if territory else empty
        dept = kb.referential.departements.get(scheme.department or "")
        if dept is not None:  # grouped as the source groups it, not by every commune
            depts, regions = frozenset({dept.code}), frozenset({dept.region})
        found.append(
            Instance(
                id=scheme.id,
                type=scheme.type,
                status=scheme.status.value,
                ref=scheme.territory,
                kind=territory.kind if territory else "",
                communes=territory.communes if territory else empty,
                depts=depts,
                regions=regions,
                grounded=status_is_grounded(scheme),
                incomplete=_incomplete(kb, scheme.territory),
            )
        )
    return sorted(found, key=lambda i: (models.SCHEME_TYPES.index(i.type), i.id))


def _incomplete(kb: KnowledgeBase, ref: str) -> bool:
    kind, _, code = ref.partition(":")
    if kind != "local":
        return False
    loaded = kb.find(kinds.LOCAL_TERRITORY, code)
    return bool(loaded is not None and getattr(loaded.record, "incomplete", False))


@dataclass(frozen=True)
class Scope:
    """What the user narrowed the figures to, and the statuses that count as covering."""

    types: tuple[str, ...] = models.SCHEME_TYPES
    types_given: bool = False
    depts: frozenset[str] | None = None  # None: every department
    regions: frozenset[str] | None = None  # None: every region
    statuses: tuple[str, ...] | None = None  # from --status; None: the defaults
    by: str = "dept"
    min_population: int = DEFAULT_MIN_POPULATION

    @property
    def covering(self) -> tuple[str, ...]:
        return self.statuses or COVERING_STATUSES

    def counts(self, instance: Instance) -> bool:
        """Covers its territory: a covering status, grounded unless --status chose them."""
        return instance.status in self.covering and (self.statuses is not None or instance.grounded)

    @property
    def narrowed(self) -> bool:
        return self.depts is not None or self.regions is not None

    @property
    def gap_types(self) -> tuple[str, ...]:
        return self.types if self.types_given else GAP_TYPES

    def touches(self, instance: Instance) -> bool:
        if self.depts is not None:
            return not instance.depts.isdisjoint(self.depts)
        if self.regions is not None:
            return not instance.regions.isdisjoint(self.regions)
        return True

    def dept_set(self, referential: Referential) -> frozenset[str] | None:
        """The departments in scope (those of the regions for --region), None for all."""
        if self.depts is not None:
            return self.depts
        if self.regions is not None:
            return frozenset(
                d.code for d in referential.departements.values() if d.region in self.regions
            )
        return None


# ---------------------------------------------------------------- names


def area_name(referential: Referential, level: str, code: str) -> str:
    if level == "dept":
        dept = referential.departements.get(code)
        return dept.name if dept else _("(territory not in the referential)")
    region = referential.regions.get(code)
    return region.name if region else _("(territory not in the referential)")


def scope_label(referential: Referential, scope: Scope) -> str:
    """`Alpes-Maritimes (06)`, `Provence-Alpes-Côte d'Azur (region 93)` or `France`."""
    if scope.depts is not None:
        return ", ".join(f"{referential.departements[d].name} ({d})" for d in sorted(scope.depts))
    if scope.regions is not None:
        return ", ".join(
            _("{name} (region {code})").format(name=referential.regions[r].name, code=r)
            for r in sorted(scope.regions)
        )
    return _("France (every department)")


# ---------------------------------------------------------------- counts


@dataclass(frozen=True)
class CountRow:
    """Instances of one type in one area (level `total`: distinct instances in the scope)."""

    level: str
    code: str
    name: str
    type: str
    total: int
    by_status: dict[str, int]


def _areas(instance: Instance, level: str) -> frozenset[str]:
    return instance.depts if level == "dept" else instance.regions


def _allowed_areas(referential: Referential, scope: Scope, level: str) -> frozenset[str] | None:
    return scope.dept_set(referential) if level == "dept" else scope.regions


def counts(kb: KnowledgeBase, scope: Scope, found: Sequence[Instance]) -> list[CountRow]:
    """Instances by area x type and status; --status filters them, by default all count."""
    referential = kb.referential
    level = scope.by
    selected = [
        i
        for i in found
        if i.type in scope.types
        and (scope.statuses is None or i.status in scope.statuses)
        and scope.touches(i)
    ]
    allowed = _allowed_areas(referential, scope, level)
    tally: dict[tuple[str, str], Counter[str]] = {}
    for instance in selected:
        areas = _areas(instance, level) or frozenset({"?"})
        if allowed is not None:
            areas = areas & allowed
        for area in areas:
            tally.setdefault((area, instance.type), Counter())[instance.status] += 1
    present = {i.type for i in selected}
    types = [t for t in scope.types if scope.types_given or t in present]
    area_codes = sorted(allowed) if allowed is not None else sorted({a for a, _ in tally})
    statuses = scope.statuses or STATUSES
    rows = []
    for area in area_codes:
        for type_ in types:
            tallied = tally.get((area, type_), Counter())
            if tallied or scope.narrowed:
                rows.append(
                    _count_row(
                        level, area, area_name(referential, level, area), type_, tallied, statuses
                    )
                )
    label = scope_label(referential, scope)
    for type_ in types:
        tallied = Counter(i.status for i in selected if i.type == type_)
        rows.append(_count_row("total", "total", label, type_, tallied, statuses))
    return rows


def _count_row(
    level: str, code: str, name: str, type_: str, tallied: Counter[str], statuses: Sequence[str]
) -> CountRow:
    by_status = {s: tallied.get(s, 0) for s in statuses}
    return CountRow(level, code, name, type_, sum(by_status.values()), by_status)


# ---------------------------------------------------------------- completeness


@dataclass(frozen=True)
class CompletenessRow:
    """A published count, what the base holds in its territory, and the gap between them."""

    type: str
    territory: str
    territory_name: str | None
    label: str
    status: str | None  # the status the published count names, if any
    compared_statuses: tuple[str, ...]  # the statuses of the instances counted as held
    published: int
    held: int | None  # None when the territory code does not resolve
    gap: int | None  # published - held: > 0 the base misses some, < 0 it holds more
    document: str
    document_title: str | None
    as_of: str
    locator: str | None
    held_ids: tuple[str, ...] = field(default=())
    compared: bool = True  # False: a figure for context (quartiers, a share), no comparison
    scale: str = ""  # france, region or dept
    older_than_base: bool = False  # the count is older than the newest fact the base holds


def completeness(
    kb: KnowledgeBase, scope: Scope, found: Sequence[Instance]
) -> list[CompletenessRow]:
    """Each published count whose territory is in the scope, against the instances held.

    Held: instances of the type whose territory overlaps the published territory (they share
    a commune) and whose status is the one the count names — or, when it names none, one of
    the covering statuses. The whole published territory counts, whatever the narrowing.
    """
    allowed = scope.dept_set(kb.referential)
    rows = []
    for type_ in scope.types:
        loaded = kb.find(kinds.SCHEME_TYPE, type_)
        if loaded is None:
            continue
        for published in loaded.record.published_counts:
            territory = kb.territory(published.territory)
            if allowed is not None and (territory is None or territory.depts.isdisjoint(allowed)):
                continue
            rows.append(_completeness_row(kb, type_, published, territory, found, scope))
    return rows


def _completeness_row(
    kb: KnowledgeBase,
    type_: str,
    published: models.PublishedCount,
    territory: Territory | None,
    found: Sequence[Instance],
    scope: Scope,
) -> CompletenessRow:
    compared = (published.status.value,) if published.status else scope.covering
    held_ids: tuple[str, ...] = ()
    if territory is not None:
        held_ids = tuple(
            i.id
            for i in found
            if i.type == type_
            and i.status in compared
            and (published.status is not None or scope.counts(i))
            and i.overlaps(territory)
        )
    held = len(held_ids) if territory is not None and published.compared else None
    document = kb.find(kinds.DOCUMENT, published.source.document)
    as_of = published.source.as_of
    return CompletenessRow(
        type=type_,
        territory=published.territory,
        territory_name=territory.name if territory else None,
        label=published.label,
        status=published.status.value if published.status else None,
        compared_statuses=compared,
        published=published.count,
        held=held,
        gap=published.count - held if held is not None else None,
        document=published.source.document,
        document_title=document.record.title if document else None,
        as_of=as_of if isinstance(as_of, str) else as_of.isoformat(),
        locator=published.source.locator,
        held_ids=held_ids if published.compared else (),
        compared=published.compared,
        scale=published.territory.partition(":")[0] or published.territory,
        older_than_base=_older_than_base(kb, type_, published, held_ids),
    )


def _older_than_base(
    kb: KnowledgeBase, type_: str, published: models.PublishedCount, held_ids: Sequence[str]
) -> bool:
    """True when some scheme of the type held in the territory rests on a newer fact."""
    as_of = published.source.as_of
    if not isinstance(as_of, dt.date):
        return False
    for scheme_id in held_ids:
        loaded = kb.find(kinds.SCHEME, scheme_id)
        newest = newest_date(loaded.record.sources) if loaded else None
        if newest is not None and newest > as_of:
            return True
    return False


# ---------------------------------------------------------------- coverage


@dataclass(frozen=True)
class CoverageRow:
    """People living in a commune that a scheme of the type covers, in one area."""

    level: str
    code: str
    name: str
    type: str
    covered_population: int
    population: int
    share: float | None  # percent, one decimal; None when the area has no population
    schemes: int  # covering instances counted (QPV ones left out)
    qpv_left_out: int  # covering instances on a QPV, not counted
    incomplete: tuple[str, ...] = ()  # counted instances on a territory only partly known


def covered_communes(found: Sequence[Instance], scope: Scope) -> dict[str, set[str]]:
    """For each type, the union of the communes its covering instances (not QPV) cover."""
    covered: dict[str, set[str]] = {t: set() for t in models.SCHEME_TYPES}
    for instance in found:
        if scope.counts(instance) and not instance.partial:
            covered[instance.type].update(instance.communes)
    return covered


def area_populations(referential: Referential) -> dict[str, dict[str, int]]:
    """Population of each department and region: the sum of its communes' populations."""
    totals: dict[str, dict[str, int]] = {"dept": Counter(), "region": Counter()}
    for commune in referential.communes.values():
        population = commune.population or 0
        if commune.dept:
            totals["dept"][commune.dept] += population
        if commune.region:
            totals["region"][commune.region] += population
    return totals


def coverage(kb: KnowledgeBase, scope: Scope, found: Sequence[Instance]) -> list[CoverageRow]:
    """Covered population per type and area: a person counts once, however many schemes.

    Department rows, then region rows (only region rows with --by region; with --dept alone,
    only department rows). Areas: the narrowed ones, or those a covering instance touches.
    """
    referential = kb.referential
    covering = [
        i
        for i in found
        if i.type in scope.types and scope.counts(i) and i.kind and scope.touches(i)
    ]
    present = {i.type for i in covering if not i.partial}
    types = [t for t in scope.types if scope.types_given or t in present]
    covered = covered_communes(found, scope)
    totals = area_populations(referential)
    rows: list[CoverageRow] = []
    for level in _coverage_levels(scope):
        allowed = _allowed_areas(referential, scope, level)
        touched = {a for i in covering if not i.partial for a in _areas(i, level)}
        area_codes = sorted(allowed if allowed is not None else touched)
        for type_ in types:
            by_area: Counter[str | None] = Counter()
            for code in covered[type_]:
                commune = referential.communes[code]
                area = commune.dept if level == "dept" else commune.region
                by_area[area] += commune.population or 0
            of_type = [i for i in covering if i.type == type_]
            for area in area_codes:
                rows.append(
                    _coverage_row(
                        referential,
                        level,
                        area,
                        type_,
                        by_area[area],
                        totals[level].get(area, 0),
                        of_type,
                    )
                )
    return sorted(rows, key=lambda r: (LEVELS.index(r.level), r.code, _type_rank(r.type)))


def _coverage_levels(scope: Scope) -> tuple[str, ...]:
    if scope.by == "region":
        return ("region",)
    if scope.depts is not None and scope.regions is None:
        return ("dept",)
    return LEVELS


def _coverage_row(
    referential: Referential,
    level: str,
    area: str,
    type_: str,
    covered_population: int,
    population: int,
    of_type: Sequence[Instance],
) -> CoverageRow:
    here = [i for i in of_type if area in _areas(i, level)]
    return CoverageRow(
        level=level,
        code=area,
        name=area_name(referential, level, area),
        type=type_,
        covered_population=covered_population,
        population=population,
        share=round(100 * covered_population / population, 1) if population else None,
        schemes=sum(1 for i in here if not i.partial),
        qpv_left_out=sum(1 for i in here if i.partial),
        incomplete=tuple(i.id for i in here if i.incomplete),
    )


def _type_rank(type_: str) -> int:
    return models.SCHEME_TYPES.index(type_)


# ---------------------------------------------------------------- gaps


@dataclass(frozen=True)
class GapRow:
    """A commune above the threshold that lacks at least one of the gap types."""

    code: str
    name: str
    dept: str | None
    dept_name: str | None
    population: int
    missing: tuple[str, ...]


def gaps(kb: KnowledgeBase, scope: Scope, found: Sequence[Instance]) -> list[GapRow]:
    """Communes of at least --min-population inhabitants with no CLS or no CLSM (or the
    --type given), largest first. A QPV scheme does not cover its commune."""
    referential = kb.referential
    covered = covered_communes(found, scope)
    allowed = scope.dept_set(referential)
    if allowed is None:
        codes: Iterable[str] = referential.communes
    else:
        codes = [c for d in sorted(allowed) for c in referential.communes_of_dept(d)]
    rows = []
    for code in codes:
        commune = referential.communes[code]
        population = commune.population
        if population is None or population < scope.min_population:
            continue
        missing = tuple(t for t in scope.gap_types if code not in covered[t])
        if missing:
            dept = referential.departements.get(commune.dept or "")
            rows.append(
                GapRow(
                    code,
                    commune.name,
                    commune.dept,
                    dept.name if dept else None,
                    population,
                    missing,
                )
            )
    return sorted(rows, key=lambda r: (-r.population, r.code))


# ---------------------------------------------------------------- all together


@dataclass
class Header:
    """What the figures are about: shown above the tables, and as `header` in JSON."""

    scope: str
    depts: list[str] | None
    regions: list[str] | None
    types: list[str]
    by: str
    covering_statuses: list[str]
    statuses_from: str  # "default" or "--status"
    min_population: int
    gap_types: list[str]
    instances_in_base: int
    qpv_left_out: list[str]


@dataclass
class Stats:
    header: Header
    counts: list[CountRow] | None = None
    completeness: list[CompletenessRow] | None = None
    coverage: list[CoverageRow] | None = None
    gaps: list[GapRow] | None = None


def compute(kb: KnowledgeBase, scope: Scope, view: str = "summary") -> Stats:
    """The figures of one view (or all four for `summary`)."""
    found = instances(kb)
    referential = kb.referential
    qpv = [
        i.id
        for i in found
        if i.partial and i.type in scope.types and scope.counts(i) and scope.touches(i)
    ]
    header = Header(
        scope=scope_label(referential, scope),
        depts=sorted(scope.depts) if scope.depts is not None else None,
        regions=sorted(scope.regions) if scope.regions is not None else None,
        types=list(scope.types),
        by=scope.by,
        covering_statuses=list(scope.covering),
        statuses_from="--status" if scope.statuses else "default",
        min_population=scope.min_population,
        gap_types=list(scope.gap_types),
        instances_in_base=len(found),
        qpv_left_out=qpv,
    )
    stats = Stats(header)
    wanted = VIEWS[1:] if view == "summary" else (view,)
    for name in wanted:
        setattr(stats, name, VIEW_FUNCTIONS[name](kb, scope, found))
    return stats


VIEW_FUNCTIONS = {
    "counts": counts,
    "completeness": completeness,
    "coverage": coverage,
    "gaps": gaps,
}
