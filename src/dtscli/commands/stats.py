"""`dts stats`: the options checked, the figures (base/stats.py) computed, then written as a
table, Markdown, CSV or JSON.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from dtscli.base.freshness import DEFAULT_YEARS
from dtscli.base.kb import KnowledgeBase
from dtscli.base.labels import status_label
from dtscli.base.stats import (
    COVERING_STATUSES,
    DEFAULT_MIN_POPULATION,
    LEVELS,
    STATUSES,
    VIEWS,
    CompletenessRow,
    CountRow,
    CoverageRow,
    GapRow,
    Header,
    Scope,
    Stats,
    compute,
)
from dtscli.cache.listindex import normalise_code, normalise_statuses, normalise_types
from dtscli.commands.common import load_base, require_loadable
from dtscli.commands.freshness import write_freshness
from dtscli.data import models
from dtscli.util.errors import DtsError
from dtscli.util.i18n import N_, NP_, _, counted, format_number, format_percent, pgettext
from dtscli.util.output import check_format, dump_json, write_rows
from dtscli.util.suggest import did_you_mean

__all__ = ["COVERING_STATUSES", "Stats", "compute", "make_scope", "print_stats", "run"]

SUMMARY_GAPS = 10


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
        why = _(
            "default: every status except intention, expired and unknown, when a source states "
            "it or the notes give the reason it is inferred; --status to choose"
        )
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
    ("note", N_("Note")),
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
    ("note", N_("Note")),
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
        item["compared"] = ", ".join(row.compared_statuses) if row.compared else ""
        item["note"] = completeness_note(row)
        if human:
            item["compared"] = status_label(row.status) if row.status else _("covering statuses")
            item["gap"] = signed(row.gap)
            if row.as_of == "unknown":
                item["as_of"] = _("unknown date")
            item["published"] = grouped(row.published)
            item["held"] = grouped(row.held)
            if not row.compared:
                item["compared"] = _("(context, not compared)")
                item["held"] = item["gap"] = ""
            elif row.held is None:
                item["held"] = _("(territory unknown)")
        flat.append(item)
    return COMPLETENESS_COLUMNS, flat


def completeness_note(row: CompletenessRow) -> str:
    """What a reader must know before comparing: a count older than the base's facts."""
    if row.compared and row.older_than_base:
        return _("count older than the facts the base holds")
    return ""


def coverage_note(row: CoverageRow) -> str:
    """A territory only partly known makes the covered population a lower bound."""
    if not row.incomplete:
        return ""
    return _("lower bound: communes of {ids} only partly known").format(
        ids=", ".join(row.incomplete)
    )


def coverage_table(rows: Sequence[CoverageRow], human: bool):
    flat = []
    for row in rows:
        item = asdict(row)
        item["note"] = coverage_note(row)
        item["incomplete"] = ", ".join(row.incomplete)
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


ALL_VIEWS = (*VIEWS, "freshness")  # freshness: commands/freshness.py


def check_view(view: str) -> str:
    if view not in ALL_VIEWS:
        guess = did_you_mean(view, list(ALL_VIEWS))
        hint = _(" (did you mean {guess}?)").format(guess=guess) if guess else ""
        raise DtsError(
            _("unknown view {view!r}{hint}; views are: {views}").format(
                view=view, hint=hint, views=", ".join(ALL_VIEWS)
            )
        )
    return view


FORMATS = ("table", "json", "csv", "md")


def run(
    data_dir: Path | None,
    view: str = "summary",
    *,
    fmt: str = "table",
    out: TextIO | None = None,
    **options: Any,
) -> int:
    """`dts stats`: the view and the format checked before the base is loaded."""
    check_view(view)
    check_format(fmt, FORMATS)
    print_stats(load_base(data_dir), view, fmt=fmt, out=out, **options)
    return 0


def print_stats(
    kb: KnowledgeBase,
    view: str = "summary",
    *,
    fmt: str = "table",
    out: TextIO | None = None,
    **options: Any,
) -> Stats:
    """The figures of a loaded base: check, compute, write."""
    check_view(view)
    check_format(fmt, FORMATS)
    if fmt == "csv" and view == "summary":
        raise DtsError(
            _("csv holds one table: choose a view, e.g. `dts stats counts --format csv`")
        )
    require_loadable(kb)
    years = options.pop("years", DEFAULT_YEARS)
    scope = make_scope(kb, **options)
    if view == "freshness":
        write_freshness(kb, scope, years, fmt, out)
        return Stats(Header("", None, None, [], "", [], "", 0, [], 0, []))
    stats = compute(kb, scope, view)
    write(stats, view, fmt, out)
    return stats
