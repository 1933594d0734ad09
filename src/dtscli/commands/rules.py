"""`dts rules`: the rules of `dts check`, with their family, severity, legal text and why."""

from __future__ import annotations

from typing import TextIO

from dtscli.checks.registry import all_rules
from dtscli.util.i18n import NP_, _, counted, pgettext
from dtscli.util.output import check_format, write_rows

FAMILY_WORDS = (  # the rule families in words, for `dts rules`
    NP_("rule family", "yaml"),
    NP_("rule family", "schema"),
    NP_("rule family", "identity"),
    NP_("rule family", "references"),
    NP_("rule family", "scale"),
    NP_("rule family", "law"),
    NP_("rule family", "time"),
    NP_("rule family", "contacts"),
    NP_("rule family", "consistency"),
    NP_("rule family", "internal"),
)

FORMATS = ("table", "json", "csv", "md")


def columns() -> tuple[tuple[str, str], ...]:
    return (
        ("name", _("Rule")),
        ("family", _("Family")),
        ("severity", _("Severity")),
        ("legal", _("Legal text")),
        ("options", _("Options")),
        ("rationale", _("Rationale")),
    )


def rule_rows(words: bool = False) -> list[dict[str, object]]:
    """Every rule as a row, by family then name (also what docs/rules.md is made of);
    `words`: families, severities and rationales in the language of the output."""
    rules = sorted(all_rules().values(), key=lambda r: (r.family, r.name))
    return [
        {
            "name": r.name,
            "family": pgettext("rule family", r.family) if words else r.family,
            "severity": pgettext("severity", r.severity.value) if words else r.severity.value,
            "legal": r.legal,
            "options": ", ".join(f"{k}={v}" for k, v in r.options),
            "rationale": _(r.rationale) if words else r.rationale,
        }
        for r in rules
    ]


def run(fmt: str = "table", out: TextIO | None = None) -> int:
    check_format(fmt, FORMATS)
    rows = rule_rows(words=fmt in ("table", "md"))  # for people: in words
    footer = counted("{count} rule", "{count} rules", len(rows))
    write_rows(rows, columns(), fmt, footer=footer, out=out)
    return 0
