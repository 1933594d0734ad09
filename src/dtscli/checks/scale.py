"""Scale: a scheme's territory is of a kind its type allows (read from the type record)."""

from __future__ import annotations

from collections.abc import Iterator

from dtscli.checks.registry import Context, Scope, declare, finding
from dtscli.data.findings import Finding, Severity
from dtscli.util.i18n import N_, _

KIND_NAMES = {
    "commune": N_("a commune"),
    "epci": N_("an EPCI"),
    "dept": N_("a department"),
    "region": N_("a region"),
    "qpv": N_("a QPV"),
    "local": N_("a local territory"),
}


@declare(
    "scale-territory-kind",
    "scale",
    Severity.error,
    N_("Each scheme type works at one scale (a PTSM per department, a CLS per commune or EPCI)."),
)
def scale_territory_kind(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked("scheme"):
        scheme = loaded.record
        scheme_type = scope.find("scheme-type", scheme.type)
        if scheme_type is None:
            continue  # reported by ref-scheme
        allowed = scheme_type.record.scale.kinds
        kind = scheme.territory.partition(":")[0]
        if kind not in allowed:
            names = ", ".join(_(KIND_NAMES[k]) for k in allowed)
            yield finding(
                "scale-territory-kind",
                loaded,
                _("a {type} covers {kinds}; {territory!r} is {kind}").format(
                    type=scheme.type,
                    kinds=names,
                    territory=scheme.territory,
                    kind=_(KIND_NAMES[kind]),
                ),
                "territory",
                hint=_("see schemes/{type}.yaml: {scale}").format(
                    type=scheme.type, scale=scheme_type.record.scale.label
                ),
            )
