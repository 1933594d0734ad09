"""References: every id and territory code a record mentions resolves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dtscli.checks.registry import Context, Scope, declare, finding
from dtscli.data.findings import Finding, Severity
from dtscli.data.vocab import did_you_mean
from dtscli.util.i18n import N_, _

if TYPE_CHECKING:
    from dtscli.base.loader import LoadedRecord

KIND_LABEL = {
    "contact": N_("no contact has the id {id!r}"),
    "legal": N_("no legal text has the id {id!r}"),
    "document": N_("no document has the id {id!r}"),
    "scheme": N_("no scheme has the id {id!r}"),
    "scheme-type": N_("no scheme type has the id {id!r}"),
}
FOLDER = {
    "contact": "contacts/",
    "legal": "legal/",
    "document": "documents/",
    "scheme": "schemes/<type>/",
    "scheme-type": "schemes/",
}


def _missing(
    scope: Scope,
    rule: str,
    loaded: LoadedRecord,
    kind: str,
    target: str,
    *key_path: str | int,
) -> Finding | None:
    if scope.has_id(kind, target) or target in scope.unreadable:
        return None  # an unreadable target is reported in its own file
    guess = did_you_mean(target, scope.ids(kind))
    return finding(
        rule,
        loaded,
        _(KIND_LABEL[kind]).format(id=target)
        + (_(" (did you mean {guess!r}?)").format(guess=guess) if guess else ""),
        *key_path,
        hint=_("add {file} or fix the id").format(file=f"{FOLDER[kind]}{target}.yaml"),
    )


@declare(
    "ref-document",
    "references",
    Severity.error,
    N_("A fact is sourced only if its document exists."),
)
def ref_document(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked():
        record = loaded.record
        places: list[tuple[str, tuple[str | int, ...]]] = [
            (source.document, ("sources", index, "document"))
            for index, source in enumerate(getattr(record, "sources", None) or [])
        ]
        places += [
            (count.source.document, ("published_counts", index, "source", "document"))
            for index, count in enumerate(getattr(record, "published_counts", None) or [])
        ]
        for target, key_path in places:
            problem = _missing(scope, "ref-document", loaded, "document", target, *key_path)
            if problem:
                yield problem


@declare(
    "ref-contact",
    "references",
    Severity.error,
    N_("A coordinator or organisation must be a contact record."),
)
def ref_contact(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked("scheme"):
        if loaded.record.coordinator:
            problem = _missing(
                scope, "ref-contact", loaded, "contact", loaded.record.coordinator, "coordinator"
            )
            if problem:
                yield problem
    for loaded in scope.checked("contact"):
        if loaded.record.organisation:
            problem = _missing(
                scope, "ref-contact", loaded, "contact", loaded.record.organisation, "organisation"
            )
            if problem:
                yield problem


@declare(
    "ref-legal", "references", Severity.error, N_("A legal basis must point at a legal record.")
)
def ref_legal(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked("scheme-type") + scope.checked("legal"):
        field = "legal_basis" if loaded.kind == "scheme-type" else "code_articles"
        for index, target in enumerate(getattr(loaded.record, field)):
            problem = _missing(scope, "ref-legal", loaded, "legal", target, field, index)
            if problem:
                yield problem


@declare("ref-scheme", "references", Severity.error, N_("Related schemes must exist."))
def ref_scheme(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked("scheme"):
        for index, target in enumerate(loaded.record.related):
            problem = _missing(scope, "ref-scheme", loaded, "scheme", target, "related", index)
            if problem:
                yield problem
        if not scope.has_id("scheme-type", loaded.record.type):
            problem = _missing(
                scope, "ref-scheme", loaded, "scheme-type", loaded.record.type, "type"
            )
            if problem:
                yield problem


@declare(
    "ref-territory",
    "references",
    Severity.error,
    N_("Territory codes must exist in the official referential or as local records."),
)
def ref_territory(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked():
        record = loaded.record
        places: list[tuple[str, tuple[str | int, ...]]] = []
        if getattr(record, "territory", None):
            places.append((record.territory, ("territory",)))
        for index, count in enumerate(getattr(record, "published_counts", None) or []):
            places.append((count.territory, ("published_counts", index, "territory")))
        for index, code in enumerate(getattr(record, "communes", None) or []):
            places.append((f"commune:{code}", ("communes", index)))
        for index, code in enumerate(getattr(record, "epci", None) or []):
            places.append((f"epci:{code}", ("epci", index)))
        for ref, key_path in places:
            if scope.territory(ref) is None and ref.partition(":")[2] not in scope.unreadable:
                yield finding(
                    "ref-territory",
                    loaded,
                    _("territory {ref!r} is not in the referential").format(ref=ref),
                    *key_path,
                    hint=_territory_hint(ref),
                )


def _territory_hint(ref: str) -> str:
    kind = ref.partition(":")[0]
    hint = {
        "commune": N_("use the INSEE code of a current commune (not the postal code)"),
        "epci": N_("use the SIREN of a current EPCI (data/territories/epci.yaml)"),
        "local": N_("add the local territory under territories/local/"),
        "qpv": N_("add the QPV under territories/qpv/"),
    }.get(kind, N_("see data/territories/ for the codes"))
    return _(hint)
