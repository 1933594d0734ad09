"""Consistency between schemes: links the texts ask for."""

from __future__ import annotations

from collections.abc import Iterator

from dtscli.checks.registry import Context, Scope, declare, finding
from dtscli.data.findings import Finding, Severity
from dtscli.util.i18n import N_, _


@declare(
    "cls-without-clsm",
    "consistency",
    Severity.info,
    N_("The 3DS law links a CLS's mental-health section to local mental-health work (CLSM)."),
    legal="loi-2022-217",
)
def cls_without_clsm(scope: Scope, ctx: Context) -> Iterator[Finding]:
    covered = scope.clsm_coverage()  # every commune some CLSM covers: one pass, not CLS x CLSM
    for loaded in scope.checked("scheme"):
        scheme = loaded.record
        if scheme.type != "CLS" or scheme.status.value == "expired":
            continue
        territory = scope.territory(scheme.territory)
        if territory is None or not territory.communes.isdisjoint(covered):
            continue
        yield finding(
            "cls-without-clsm",
            loaded,
            _("no CLSM in the base covers any part of {territory}").format(
                territory=territory.name
            ),
            "territory",
            hint=_("record the CLSM if there is one, or plan one with the mental-health axis"),
        )
