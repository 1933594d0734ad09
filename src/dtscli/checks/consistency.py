"""Consistency between schemes: links the texts ask for."""

from __future__ import annotations

from collections.abc import Iterator

from dtscli.checks.registry import Context, Scope, declare, finding
from dtscli.data import kinds
from dtscli.data.findings import Finding, Severity


@declare(
    "cls-without-clsm",
    "consistency",
    Severity.info,
    "The 3DS law links a CLS's mental-health section to local mental-health work (CLSM).",
    legal="loi-2022-217",
)
def cls_without_clsm(scope: Scope, ctx: Context) -> Iterator[Finding]:
    covered = scope.clsm_coverage()  # every commune some CLSM covers: one pass, not CLS x CLSM
    for loaded in scope.checked(kinds.SCHEME):
        scheme = loaded.record
        if scheme.type != "CLS" or scheme.status.value == "expired":
            continue
        territory = scope.territory(scheme.territory)
        if territory is None or not territory.communes.isdisjoint(covered):
            continue
        yield finding(
            "cls-without-clsm",
            loaded,
            f"no CLSM in the base covers any part of {territory.name}",
            "territory",
            hint="record the CLSM if there is one, or plan one with the mental-health axis",
        )
