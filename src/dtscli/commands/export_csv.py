"""`dts export --format csv`: one row per scheme instance, its territory and references
resolved — what a spreadsheet or a map join needs.

With `--excel` (French Excel: `;`, CRLF, a byte order mark) every cell that a spreadsheet
would read as a formula — one starting with `=`, `+`, `-`, `@`, a tab or a carriage return —
is prefixed with `'` (OWASP's rule against CSV injection): Excel then shows it as text.
The plain CSV is data for programs and keeps every value exactly as it is in the base.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from dtscli.util.output import cell

if TYPE_CHECKING:
    from dtscli.commands.export import Dataset

CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "type",
    "type_name",
    "name",
    "status",
    "territory",
    "territory_kind",
    "territory_code",
    "territory_name",
    "depts",
    "dept_names",
    "regions",
    "region_names",
    "population",
    "communes",
    "signed_on",
    "end_on",
    "axes",
    "coordinator",
    "coordinator_name",
    "related",
    "sources",
    "latest_as_of",
    "notes",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A cell a spreadsheet would run as a formula, made plain text with a leading `'`."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def scheme_rows(dataset: Dataset) -> list[dict[str, Any]]:
    """One row per scheme instance, territory and references resolved."""
    territories = {t["ref"]: t for t in dataset.territories}
    type_names = {t["id"]: t["name"] for t in dataset.records["scheme_types"]}
    contact_names = {c["id"]: c["name"] for c in dataset.records["contacts"]}
    rows = []
    for scheme in dataset.records["schemes"]:
        where = territories.get(scheme["territory"], {})
        dates = [s["as_of"] for s in scheme["sources"] if s["as_of"] != "unknown"]
        rows.append(
            {
                "id": scheme["id"],
                "type": scheme["type"],
                "type_name": type_names.get(scheme["type"]),
                "name": scheme["name"],
                "status": scheme["status"],
                "territory": scheme["territory"],
                "territory_kind": where.get("kind"),
                "territory_code": where.get("code"),
                "territory_name": where.get("name"),
                "depts": where.get("depts", []),
                "dept_names": where.get("dept_names", []),
                "regions": where.get("regions", []),
                "region_names": where.get("region_names", []),
                "population": where.get("population"),
                "communes": where.get("communes"),
                "signed_on": scheme["signed_on"],
                "end_on": scheme["end_on"],
                "axes": [axis["id"] for axis in scheme["axes"]],
                "coordinator": scheme["coordinator"],
                "coordinator_name": contact_names.get(scheme["coordinator"]),
                "related": scheme["related"],
                "sources": [s["document"] for s in scheme["sources"]],
                "latest_as_of": max(dates) if dates else None,
                "notes": scheme["notes"],
            }
        )
    return rows


def to_csv(dataset: Dataset, excel: bool = False) -> str:
    """CSV of the scheme instances; `excel`: `;` separators, CRLF, formulas neutralised and
    a byte order mark, as French Excel wants."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n"
    )
    writer.writerow(CSV_COLUMNS)
    for row in scheme_rows(dataset):
        cells = [cell(row[column]) for column in CSV_COLUMNS]
        writer.writerow([neutralise(text) for text in cells] if excel else cells)
    return ("\ufeff" if excel else "") + buffer.getvalue()
