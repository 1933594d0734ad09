"""`dts stats freshness`: the date of the newest source for each type and department, and
the schemes whose facts are older than --years (base/freshness.py computes them)."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import asdict
from typing import Any, TextIO

from dtscli.base.freshness import FreshnessRow, freshness
from dtscli.base.kb import KnowledgeBase
from dtscli.base.stats import Scope
from dtscli.util.errors import DtsError
from dtscli.util.i18n import N_, _, format_date
from dtscli.util.output import dump_json, write_rows

COLUMNS = (
    ("type", N_("Type")),
    ("dept", N_("Dept")),
    ("dept_name", N_("Name")),
    ("schemes", N_("Schemes")),
    ("newest", N_("Newest source")),
    ("stale", N_("Facts older than the limit")),
    ("undated", N_("No dated source")),
)


def write_freshness(
    kb: KnowledgeBase, scope: Scope, years: int, fmt: str, out: TextIO | None = None
) -> list[FreshnessRow]:
    if years < 0:
        raise DtsError(_("--years must be zero or more"))
    out = out or sys.stdout
    rows = freshness(kb, scope, years)
    if fmt == "json":
        dump_json({"years": years, "freshness": [asdict(r) for r in rows]}, out)
        return rows
    human = fmt != "csv"
    flat: list[dict[str, Any]] = []
    for row in rows:
        item = asdict(row)
        item["stale"] = ", ".join(row.stale)
        item["undated"] = ", ".join(row.undated)
        if human and row.newest:
            item["newest"] = format_date(dt.date.fromisoformat(row.newest))
        flat.append(item)
    title = _("Newest source and facts older than {years} years, by type and department").format(
        years=years
    )
    columns = [(key, _(heading) if human else key) for key, heading in COLUMNS]
    if fmt == "md":
        out.write(f"## {title}\n\n")
    write_rows(flat, columns, fmt, title=title if fmt == "table" else None, out=out)
    return rows
