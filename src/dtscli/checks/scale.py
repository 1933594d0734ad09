"""Scale: a scheme's territory is of a kind its type allows (read from the type record)."""

from __future__ import annotations

from collections.abc import Iterator

from dtscli.checks.registry import Context, Scope, declare, finding
from dtscli.data import kinds
from dtscli.data.findings import Finding, Severity

KIND_NAMES = {
    "commune": "a commune",
    "epci": "an EPCI",
    "dept": "a department",
    "region": "a region",
    "qpv": "a QPV",
    "local": "a local territory",
}


@declare(
    "scale-territory-kind",
    "scale",
    Severity.error,
    "Each scheme type works at one scale (a PTSM per department, a CLS per commune or EPCI).",
)
def scale_territory_kind(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked(kinds.SCHEME):
        scheme = loaded.record
        scheme_type = scope.find(kinds.SCHEME_TYPE, scheme.type)
        if scheme_type is None:
            continue  # reported by ref-scheme
        allowed = scheme_type.record.scale.kinds
        kind = scheme.territory.partition(":")[0]
        if kind not in allowed:
            names = ", ".join(KIND_NAMES[k] for k in allowed)
            yield finding(
                "scale-territory-kind",
                loaded,
                f"a {scheme.type} covers {names}; {scheme.territory!r} is {KIND_NAMES[kind]}",
                "territory",
                hint=f"see schemes/{scheme.type}.yaml: {scheme_type.record.scale.label}",
            )
