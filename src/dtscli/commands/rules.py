"""`dts rules`: the rules of `dts check`, with their family, severity, legal text and why."""

from __future__ import annotations

from typing import TextIO

from dtscli.checks.registry import all_rules
from dtscli.util.output import check_format, write_rows

FORMATS = ("table", "json", "csv", "md")
COLUMNS = (
    ("name", "Rule"),
    ("family", "Family"),
    ("severity", "Severity"),
    ("legal", "Legal text"),
    ("options", "Options"),
    ("rationale", "Rationale"),
)


def rule_rows() -> list[dict[str, object]]:
    """Every rule as a row, by family then name (also what docs/rules.md is made of)."""
    rules = sorted(all_rules().values(), key=lambda r: (r.family, r.name))
    return [
        {
            "name": r.name,
            "family": r.family,
            "severity": r.severity.value,
            "legal": r.legal,
            "options": ", ".join(f"{k}={v}" for k, v in r.options),
            "rationale": r.rationale,
        }
        for r in rules
    ]


def run(fmt: str = "table", out: TextIO | None = None) -> int:
    check_format(fmt, FORMATS)
    rows = rule_rows()
    write_rows(rows, COLUMNS, fmt, footer=f"{len(rows)} rules", out=out)
    return 0
