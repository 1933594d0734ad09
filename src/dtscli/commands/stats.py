"""`dts stats`: the figures the people who steer the schemes put on their slides.

Four views, each computed as plain rows (dataclasses) from the knowledge base, then written
as a table, Markdown, CSV or JSON:

- counts: scheme instances by department (or region) x type, broken down by status;
- completeness: each published count of the scheme-type records against what the base holds;
- coverage: population living in a commune covered by each type, per department and region;
- gaps: the communes above a population threshold that no CLS (or no CLSM) covers.

Definitions (also in README.md, "Steering figures"):

- an instance is *in* a department or region when its territory has a commune there, so an
  EPCI spanning two departments counts in both (and once in the total);
- *covering* statuses: by default every status except `intention` and `expired`; `--status`
  chooses others. Coverage, gaps and published counts that name no status use them;
- a published count that names a status compares with the instances of exactly that status;
- a scheme on a QPV covers part of a commune only: it is left out of coverage and gaps.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO

from dtscli.base.kb import KnowledgeBase
from dtscli.base.loader import did_you_mean
from dtscli.base.referential import Referential, Territory
from dtscli.commands.show import (
    normalise_code,
    normalise_statuses,
    normalise_types,
    require_loadable,
)
from dtscli.data import models
from dtscli.data.vocab import status_label
from dtscli.util.errors import DtsError
from dtscli.util.i18n import N_, NP_, _, counted, format_number, format_percent, pgettext
from dtscli.util.output import dump_json, write_rows

VIEWS: tuple[str, ...] = ("summary", "counts", "completeness", "coverage", "gaps")
LEVELS: tuple[str, ...] = ("dept", "region")
STATUSES: tuple[str, ...] = tuple(s.value for s in models.Status)
NOT_COVERING: tuple[str, ...] = ("intention", "expired")
COVERING_STATUSES: tuple[str, ...] = tuple(s for s in STATUSES if s not in NOT_COVERING)
GAP_TYPES: tuple[str, ...] = ("CLS", "CLSM")
DEFAULT_MIN_POPULATION = 10_000
SUMMARY_GAPS = 10
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

    @property
    def partial(self) -> bool:
        """True when the territory is part of a commune (a QPV): no commune population."""
        return self.kind in PARTIAL_KINDS

    def overlaps(self, territory: Territory) -> bool:
        if self.communes and territory.communes:
            return not self.communes.isdisjoint(territory.communes)
        return self.ref == territory.ref


def instances(kb: KnowledgeBase) -> list[Instance]:
    """Every scheme instance, its territory resolved (the referential caches each code)."""
    found = []
    for loaded in kb.schemes():
        scheme = loaded.record
        territory = kb.territory(scheme.territory)
        empty: frozenset[str] = frozenset()
        found.append(
            Instance(
                id=scheme.id,
                type=scheme.type,
                status=scheme.status.value,
                ref=scheme.territory,
                kind=territory.kind if territory else "",
                communes=territory.communes if territory else empty,
                depts=territory.depts if territory else empty,
                regions=territory.regions if territory else empty,
            )
        )
    return sorted(found, key=lambda i: (models.SCHEME_TYPES.index(i.type), i.id))


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


def make_scope(
    kb: KnowledgeBase,
    *,
    types: Iterable[str] = (),
    depts: Iterable[str] = (),
    regions: Iterable[str] = (),
    statuses: Iterable[str] = (),
    by: str = "dept",
    min_population: int = DEFAULT_MIN_POPULATION,
) -> Scope:
    """Check and normalise the options; unknown codes, types or statuses raise DtsError."""
    type_list = normalise_types(list(types))
    dept_list = [normalise_code(d) for d in depts]
    region_list = [normalise_code(r) for r in regions]
    kb.validate_codes(dept_list, region_list)
    status_list = normalise_statuses(list(statuses))
    if by not in LEVELS:
        raise DtsError(_("unknown --by {by!r}; choose dept or region").format(by=by))
    if by == "region" and dept_list:
        raise DtsError(_("--by region counts whole regions: narrow with --region, not --dept"))
    if min_population < 0:
        raise DtsError(_("--min-population must be zero or more"))
    referential = kb.referential
    if dept_list and region_list:
        outside = [d for d in dept_list if referential.departements[d].region not in region_list]
        if outside:
            raise DtsError(
                _(
                    "department {dept} is not in region {regions}; "
                    "give --dept or --region, or matching ones"
                ).format(dept=outside[0], regions=", ".join(region_list))
            )
    return Scope(
        types=tuple(dict.fromkeys(type_list)) or models.SCHEME_TYPES,
        types_given=bool(type_list),
        depts=frozenset(dept_list) if dept_list else None,
        regions=frozenset(region_list) if region_list else None,
        statuses=tuple(s for s in STATUSES if s in status_list) or None,
        by=by,
        min_population=min_population,
    )


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
        loaded = kb.find("scheme-type", type_)
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
            if i.type == type_ and i.status in compared and i.overlaps(territory)
        )
    held = len(held_ids) if territory is not None else None
    document = kb.find("document", published.source.document)
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
        held_ids=held_ids,
    )


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


def covered_communes(found: Sequence[Instance], scope: Scope) -> dict[str, set[str]]:
    """For each type, the union of the communes its covering instances (not QPV) cover."""
    covered: dict[str, set[str]] = {t: set() for t in models.SCHEME_TYPES}
    for instance in found:
        if instance.status in scope.covering and not instance.partial:
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
        if i.type in scope.types and i.status in scope.covering and i.kind and scope.touches(i)
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
            by_area = Counter()
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
        if i.partial and i.type in scope.types and i.status in scope.covering and scope.touches(i)
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


# ---------------------------------------------------------------- writing


def grouped(number: int | None) -> str:
    """1083310 -> « 1 083 310 » (U+202F) in French, « 1,083,310 » in English."""
    return "" if number is None else format_number(number)


def percent(share: float | None) -> str:
    """62.2 -> « 62,2 % » in French, « 62.2% » in English."""
    return "" if share is None else format_percent(share / 100, decimals=1)


def signed(number: int | None) -> str:
    return "" if number is None else f"{number:+d}" if number else "0"


def header_lines(header: Header, view: str) -> list[str]:
    """The definitions the figures rest on, printed above the tables."""
    types = (
        _("every type")
        if len(header.types) == len(models.SCHEME_TYPES)
        else ", ".join(header.types)
    )
    lines = [_("Scope: {scope}; types: {types}").format(scope=header.scope, types=types)]
    if header.statuses_from == "default":
        why = _("default: every status except intention and expired; --status to choose")
    else:
        why = _("from --status")
    if view in ("summary", "counts"):
        which = _("the chosen statuses") if header.statuses_from != "default" else _("every status")
        lines.append(
            _("Counts: {which}, one column each (all-zero columns not shown).").format(which=which)
        )
    if view != "counts":
        statuses = ", ".join(status_label(s) for s in header.covering_statuses)
        lines.append(_("Covering statuses: {statuses} ({why}).").format(statuses=statuses, why=why))
    if view in ("summary", "completeness"):
        lines.append(
            _(
                "Held: instances whose territory overlaps the published one, with the status the "
                "count names, or else a covering status."
            )
        )
    if view in ("summary", "coverage", "gaps"):
        left = f" ({', '.join(header.qpv_left_out)})" if header.qpv_left_out else ""
        lines.append(
            _(
                "Schemes on a QPV cover part of a commune: left out of population coverage and "
                "gaps{left}."
            ).format(left=left)
        )
    return lines


# Column titles: marked here, translated where a table is written (write).
COUNT_COLUMNS = (
    ("code", N_("Dept")),
    ("name", N_("Name")),
    ("type", N_("Type")),
    ("total", N_("Total")),
)
COMPLETENESS_COLUMNS = (
    ("type", N_("Type")),
    ("territory", N_("Territory")),
    ("territory_name", N_("Name")),
    ("label", N_("Published label")),
    ("compared", N_("Compared with")),
    ("published", N_("Published")),
    ("held", N_("Held")),
    ("gap", N_("Gap")),
    ("document", N_("Source document")),
    ("as_of", N_("As of")),
)
COVERAGE_COLUMNS = (
    ("level", N_("Level")),
    ("code", N_("Code")),
    ("name", N_("Name")),
    ("type", N_("Type")),
    ("covered_population", N_("Covered pop.")),
    ("population", N_("Population")),
    ("share", N_("Share")),
    ("schemes", N_("Schemes")),
    ("qpv_left_out", N_("QPV left out")),
)
GAP_COLUMNS = (
    ("code", N_("Commune")),
    ("name", N_("Name")),
    ("dept", N_("Dept")),
    ("dept_name", N_("Dept name")),
    ("population", N_("Population")),
    ("missing", N_("Missing")),
)
LEVEL_WORDS = (NP_("level", "dept"), NP_("level", "region"))  # the coverage rows' level


def count_table(rows: Sequence[CountRow], by: str, statuses: Sequence[str], human: bool):
    """Counts flattened, one column per status; a table for people drops all-zero columns."""
    if human:
        statuses = [s for s in statuses if any(row.by_status.get(s) for row in rows)]
    first = (("code", N_("Dept") if by == "dept" else N_("Region")), *COUNT_COLUMNS[1:])
    columns = (*first, *((s, status_label(s) if human else s) for s in statuses))
    flat = []
    for row in rows:
        code = _("Total") if row.level == "total" and human else row.code
        flat.append(
            {"code": code, "name": row.name, "type": row.type, "total": row.total, **row.by_status}
        )
    return columns, flat


def completeness_table(rows: Sequence[CompletenessRow], human: bool):
    flat = []
    for row in rows:
        item = asdict(row)
        item["compared"] = ", ".join(row.compared_statuses)
        if human:
            item["compared"] = status_label(row.status) if row.status else _("covering statuses")
            item["gap"] = signed(row.gap)
            item["published"] = grouped(row.published)
            item["held"] = grouped(row.held)
            if row.held is None:
                item["held"] = _("(territory unknown)")
        flat.append(item)
    return COMPLETENESS_COLUMNS, flat


def coverage_table(rows: Sequence[CoverageRow], human: bool):
    flat = []
    for row in rows:
        item = asdict(row)
        if human:
            item["covered_population"] = grouped(row.covered_population)
            item["population"] = grouped(row.population)
            item["share"] = percent(row.share)
            item["level"] = pgettext("level", row.level)
        flat.append(item)
    return COVERAGE_COLUMNS, flat


def gap_table(rows: Sequence[GapRow], human: bool):
    flat = []
    for row in rows:
        item = asdict(row)
        if human:
            item["population"] = grouped(row.population)
        flat.append(item)
    return GAP_COLUMNS, flat


def tables(stats: Stats, human: bool, limit_gaps: int | None = None) -> list[tuple]:
    """(view, title, columns, rows, footer) for each view computed."""
    header = stats.header
    found: list[tuple] = []
    if stats.counts is not None:
        statuses = header.covering_statuses if header.statuses_from != "default" else STATUSES
        columns, rows = count_table(stats.counts, header.by, statuses, human)
        title = (
            _("Scheme instances by department, type and status")
            if header.by == "dept"
            else _("Scheme instances by region, type and status")
        )
        found.append(
            (
                "counts",
                title,
                columns,
                rows,
                _("A scheme spanning two areas counts in each; the Total row once."),
            )
        )
    if stats.completeness is not None:
        columns, rows = completeness_table(stats.completeness, human)
        found.append(
            (
                "completeness",
                _("Published counts against the base (gap = published - held)"),
                columns,
                rows,
                None,
            )
        )
    if stats.coverage is not None:
        columns, rows = coverage_table(stats.coverage, human)
        found.append(
            (
                "coverage",
                _("Population living in a covered commune (each person once)"),
                columns,
                rows,
                None,
            )
        )
    if stats.gaps is not None:
        columns, rows = gap_table(stats.gaps, human)
        footer = counted("{count} commune", "{count} communes", len(rows))
        if limit_gaps is not None and len(rows) > limit_gaps:
            rows = rows[:limit_gaps]
            footer = _("first {limit} of {total}; `dts stats gaps` lists them all").format(
                limit=format_number(limit_gaps), total=footer
            )
        title = _("Communes of at least {population} inhabitants without a {types}").format(
            population=grouped(header.min_population), types=_(" or a ").join(header.gap_types)
        )
        found.append(("gaps", title, columns, rows, footer))
    return found


def to_json(stats: Stats) -> dict[str, Any]:
    view: dict[str, Any] = {"header": asdict(stats.header)}
    for name in VIEWS[1:]:
        rows = getattr(stats, name)
        if rows is not None:
            view[name] = [asdict(row) for row in rows]
    return view


def write(stats: Stats, view: str, fmt: str, out: TextIO | None = None) -> None:
    """Write the figures: table and md show a header; csv holds one view, header on stderr."""
    out = out or sys.stdout
    if fmt == "json":
        dump_json(to_json(stats), out)
        return
    lines = header_lines(stats.header, view)
    if fmt == "csv":
        if view == "summary":
            raise DtsError(
                _("csv holds one table: choose a view, e.g. `dts stats counts --format csv`")
            )
        columns, rows = tables(stats, human=False)[0][2:4]
        sys.stderr.write("".join(f"{line}\n" for line in lines))
        write_rows(rows, columns, "csv", out=out)
        return
    limit = SUMMARY_GAPS if view == "summary" else None
    out.write("".join(f"{line}\n" for line in lines))
    for _view, title, columns, rows, footer in tables(stats, human=True, limit_gaps=limit):
        columns = [(key, _(heading)) for key, heading in columns]
        out.write("\n")
        if fmt == "md":
            out.write(f"## {title}\n\n")
            if not rows:
                out.write(_("(none)") + "\n")
                continue
        elif not rows:
            out.write(_("{title}: none").format(title=title) + "\n")
            continue
        write_rows(rows, columns, fmt, title=title, footer=footer, out=out)


def check_view(view: str) -> str:
    if view not in VIEWS:
        guess = did_you_mean(view, list(VIEWS))
        hint = _(" (did you mean {guess}?)").format(guess=guess) if guess else ""
        raise DtsError(
            _("unknown view {view!r}{hint}; views are: {views}").format(
                view=view, hint=hint, views=", ".join(VIEWS)
            )
        )
    return view


def run(
    kb: KnowledgeBase,
    view: str = "summary",
    *,
    fmt: str = "table",
    out: TextIO | None = None,
    **options: Any,
) -> Stats:
    """The `dts stats` command without the CLI: check, compute, write."""
    check_view(view)
    if fmt not in ("table", "json", "csv", "md"):
        raise DtsError(
            _("unknown format {fmt!r}; choose one of: {formats}").format(
                fmt=fmt, formats="table, json, csv, md"
            )
        )
    if fmt == "csv" and view == "summary":
        raise DtsError(
            _("csv holds one table: choose a view, e.g. `dts stats counts --format csv`")
        )
    require_loadable(kb)
    scope = make_scope(kb, **options)
    stats = compute(kb, scope, view)
    write(stats, view, fmt, out)
    return stats
