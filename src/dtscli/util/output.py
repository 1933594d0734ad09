"""Write rows as a rich table, JSON, CSV or Markdown. rich is imported only for tables."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from enum import Enum
from typing import Any, TextIO

FORMATS = ("table", "json", "csv", "md")


def check_format(fmt: str, allowed: Sequence[str] = FORMATS) -> None:
    """Refuse a --format the command does not write."""
    if fmt not in allowed:
        from dtscli.util.errors import DtsError
        from dtscli.util.i18n import _

        raise DtsError(
            _("unknown format {fmt!r}; choose one of: {formats}").format(
                fmt=fmt, formats=", ".join(allowed)
            )
        )


def to_jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_jsonable(v) for v in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    return value


def dump_json(value: Any, out: TextIO | None = None) -> None:
    import json

    out = out or sys.stdout
    json.dump(to_jsonable(value), out, ensure_ascii=False, indent=2)
    out.write("\n")


def cell(value: Any) -> str:
    """A value as table text: lists joined, None empty, dates ISO."""
    value = to_jsonable(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(cell(v) for v in value)
    return str(value)


def md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown_table(columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]]) -> str:
    header = "| " + " | ".join(title for _, title in columns) + " |"
    rule = "| " + " | ".join("---" for _ in columns) + " |"
    lines = [header, rule]
    for row in rows:
        lines.append("| " + " | ".join(md_escape(cell(row.get(key))) for key, _ in columns) + " |")
    return "\n".join(lines)


def write_rows(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    fmt: str,
    *,
    title: str | None = None,
    footer: str | None = None,
    json_rows: Sequence[Any] | None = None,
    out: TextIO | None = None,
) -> None:
    """Write rows in one of FORMATS. `json_rows` lets JSON carry richer objects than the table."""
    out = out or sys.stdout
    if fmt == "json":
        dump_json(list(json_rows if json_rows is not None else rows), out)
    elif fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([key for key, _ in columns])
        for row in rows:
            writer.writerow([cell(row.get(key)) for key, _ in columns])
        out.write(buffer.getvalue())
    elif fmt == "md":
        out.write(markdown_table(columns, rows) + "\n")
        if footer:
            out.write(f"\n{footer}\n")
    elif not out.isatty():
        out.write(plain_table(columns, rows, title))
        if footer:
            out.write(f"{footer}\n")
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, show_lines=False, header_style="bold")
        for _, heading in columns:
            table.add_column(heading, overflow="fold")
        for row in rows:
            table.add_row(*(cell(row.get(key)) for key, _ in columns))
        console = Console(file=out)
        console.print(table)
        if footer:
            console.print(footer)


def plain_table(
    columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]], title: str | None = None
) -> str:
    """Aligned columns without colour or box drawing: for pipes, files and `grep`.

    On a terminal, rich draws the table; elsewhere its frame is noise (and importing and
    running it costs more than the rest of a warm `dts list`).
    """
    cells = [[title for _, title in columns]]
    cells += [[cell(row.get(key)).replace("\n", " ") for key, _ in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    lines = [f"{title}"] if title else []
    for index, line in enumerate(cells):
        lines.append("  ".join(text.ljust(widths[i]) for i, text in enumerate(line)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines) + "\n"
