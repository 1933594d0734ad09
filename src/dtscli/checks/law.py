"""Rules that enforce a legal text; each reads its dates from the legal record, not code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dtscli.checks.registry import Context, Scope, declare, finding
from dtscli.data.findings import Finding, Severity
from dtscli.data.formats import MENTAL_HEALTH_AXIS
from dtscli.util.i18n import N_, _, format_date

if TYPE_CHECKING:
    from dtscli.base.loader import LoadedRecord

RULE = "cls-mental-health-axis"


def legal_record_for(scope: Scope, rule: str) -> LoadedRecord | None:
    """The legal text whose `requires` names `rule` (and has an entry-into-force date)."""
    for loaded in scope.context("legal"):
        if any(req.rule == rule for req in loaded.record.requires) and loaded.record.in_force_on:
            return loaded
    return None


def citation(loaded: LoadedRecord) -> str:
    text = loaded.record
    name = f"{text.kind} n° {text.number}" if text.number else text.id
    return f"{name} ({text.short_name})" if text.short_name else name


@declare(
    RULE,
    "law",
    Severity.error,
    N_("Since the 3DS law a CLS must include a section on mental health (art. L1434-10 CSP)."),
    legal="loi-2022-217",
)
def cls_mental_health_axis(scope: Scope, ctx: Context) -> Iterator[Finding]:
    law = legal_record_for(scope, RULE)
    if law is None:
        return  # `legal-rule-source` reports the missing text
    in_force = law.record.in_force_on
    for loaded in scope.checked("scheme"):
        scheme = loaded.record
        if scheme.type != "CLS" or scheme.signed_on is None:
            continue
        if any(axis.id == MENTAL_HEALTH_AXIS for axis in scheme.axes):
            continue
        axis_hint = _("add `- id: {axis}` under `axes:`").format(axis=MENTAL_HEALTH_AXIS)
        if scheme.signed_on >= in_force:
            yield finding(
                RULE,
                loaded,
                _("a CLS signed on or after {date} must have a `{axis}` axis ({law})").format(
                    date=format_date(in_force), axis=MENTAL_HEALTH_AXIS, law=citation(law)
                ),
                "axes" if "axes" in scheme.model_fields_set else "signed_on",
                hint=axis_hint,
            )
        elif scheme.status.value in ("active", "renewal"):
            yield finding(
                RULE,
                loaded,
                _(
                    "this CLS was signed before {date} without a `{axis}` axis: "
                    "add one at renewal ({law})"
                ).format(date=format_date(in_force), axis=MENTAL_HEALTH_AXIS, law=citation(law)),
                "signed_on",
                hint=axis_hint,
                severity=Severity.warning,
            )


@declare(
    "legal-rule-source",
    "law",
    Severity.warning,
    N_(
        "A rule that enforces a law reads its date from the legal record; without it, "
        "it cannot run."
    ),
    base=True,
)
def legal_rule_source(scope: Scope, ctx: Context) -> Iterator[Finding]:
    if scope.checked("scheme") and legal_record_for(scope, RULE) is None:
        yield Finding(
            scope.display(scope.data_dir / "legal"),
            1,
            1,
            "legal-rule-source",
            Severity.warning,
            _(
                "no legal record declares `requires: - rule: {rule}` with `in_force_on`: "
                "the 3DS check did not run"
            ).format(rule=RULE),
            _("add or fix legal/loi-2022-217.yaml"),
        )
