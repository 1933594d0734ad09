"""`dts stats freshness`: how old the facts of the base are, by scheme type and department.

The maintenance queue of whoever keeps the base: for each type and department, the date of
the newest source and the schemes whose newest fact is older than N years.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from dtscli.base.kb import KnowledgeBase
from dtscli.base.provenance import newest_date
from dtscli.base.stats import Scope, area_name, instances
from dtscli.data import kinds, models
from dtscli.util.calendar import add_years

DEFAULT_YEARS = 3


@dataclass(frozen=True)
class FreshnessRow:
    """One type in one department: its newest fact and the schemes gone stale."""

    type: str
    dept: str
    dept_name: str
    schemes: int
    newest: str | None  # ISO date of the newest dated fact, None when none is dated
    stale: tuple[str, ...]  # schemes whose newest fact is older than the limit
    undated: tuple[str, ...]  # schemes with no dated fact at all


def limit_date(today: dt.date, years: int) -> dt.date:
    """The same day `years` years earlier, whatever the date (util/calendar.py)."""
    return add_years(today, -years)


def freshness(
    kb: KnowledgeBase, scope: Scope, years: int = DEFAULT_YEARS, today: dt.date | None = None
) -> list[FreshnessRow]:
    """Rows by type then department, for the types and areas of the scope."""
    limit = limit_date(today or dt.date.today(), years)
    allowed = scope.dept_set(kb.referential)
    newest_by_id: dict[str, dt.date | None] = {}
    for loaded in kb.of_kind(kinds.SCHEME):
        newest_by_id[loaded.id] = newest_date(loaded.record.sources)
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for instance in instances(kb):
        if instance.type not in scope.types:
            continue
        for dept in instance.depts or frozenset({"?"}):
            if allowed is None or dept in allowed:
                groups[(instance.type, dept)].append(instance.id)
    rows = []
    for (type_, dept), ids in groups.items():
        dates = [d for i in ids if (d := newest_by_id.get(i)) is not None]
        rows.append(
            FreshnessRow(
                type=type_,
                dept=dept,
                dept_name=area_name(kb.referential, "dept", dept) if dept != "?" else "?",
                schemes=len(ids),
                newest=max(dates).isoformat() if dates else None,
                stale=tuple(
                    sorted(i for i in ids if (d := newest_by_id.get(i)) is not None and d < limit)
                ),
                undated=tuple(sorted(i for i in ids if newest_by_id.get(i) is None)),
            )
        )
    return sorted(rows, key=lambda r: (models.SCHEME_TYPES.index(r.type), r.dept))
