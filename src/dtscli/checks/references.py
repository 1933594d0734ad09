"""References: every id and territory code a record mentions resolves."""

from __future__ import annotations

from collections.abc import Iterator

from dtscli.checks.registry import Context, declare, finding
from dtscli.findings import Finding, Severity
from dtscli.kb import KnowledgeBase
from dtscli.loader import LoadedRecord, did_you_mean

KIND_LABEL = {
    "contact": "contact",
    "legal": "legal text",
    "document": "document",
    "scheme": "scheme",
    "scheme-type": "scheme type",
}
FOLDER = {
    "contact": "contacts/",
    "legal": "legal/",
    "document": "documents/",
    "scheme": "schemes/<type>/",
    "scheme-type": "schemes/",
}


def _missing(
    kb: KnowledgeBase,
    rule: str,
    loaded: LoadedRecord,
    kind: str,
    target: str,
    *key_path: str | int,
) -> Finding | None:
    if target in kb.records[kind] or target in kb.unreadable:
        return None  # an unreadable target is reported in its own file
    guess = did_you_mean(target, list(kb.records[kind]))
    return finding(
        rule,
        loaded,
        f"no {KIND_LABEL[kind]} has the id {target!r}"
        + (f" (did you mean {guess!r}?)" if guess else ""),
        *key_path,
        hint=f"add {FOLDER[kind]}{target}.yaml or fix the id",
    )


@declare(
    "ref-document", "references", Severity.error, "A fact is sourced only if its document exists."
)
def ref_document(kb: KnowledgeBase, ctx: Context) -> Iterator[Finding]:
    for bucket in kb.records.values():
        for loaded in bucket.values():
            for index, source in enumerate(getattr(loaded.record, "sources", None) or []):
                problem = _missing(
                    kb,
                    "ref-document",
                    loaded,
                    "document",
                    source.document,
                    "sources",
                    index,
                    "document",
                )
                if problem:
                    yield problem
            for index, count in enumerate(getattr(loaded.record, "published_counts", None) or []):
                problem = _missing(
                    kb,
                    "ref-document",
                    loaded,
                    "document",
                    count.source.document,
                    "published_counts",
                    index,
                    "source",
                    "document",
                )
                if problem:
                    yield problem


@declare(
    "ref-contact",
    "references",
    Severity.error,
    "A coordinator or organisation must be a contact record.",
)
def ref_contact(kb: KnowledgeBase, ctx: Context) -> Iterator[Finding]:
    for loaded in kb.schemes():
        if loaded.record.coordinator:
            problem = _missing(
                kb, "ref-contact", loaded, "contact", loaded.record.coordinator, "coordinator"
            )
            if problem:
                yield problem
    for loaded in kb.of_kind("contact"):
        if loaded.record.organisation:
            problem = _missing(
                kb, "ref-contact", loaded, "contact", loaded.record.organisation, "organisation"
            )
            if problem:
                yield problem


@declare("ref-legal", "references", Severity.error, "A legal basis must point at a legal record.")
def ref_legal(kb: KnowledgeBase, ctx: Context) -> Iterator[Finding]:
    for loaded in kb.of_kind("scheme-type") + kb.of_kind("legal"):
        field = "legal_basis" if loaded.kind == "scheme-type" else "code_articles"
        for index, target in enumerate(getattr(loaded.record, field)):
            problem = _missing(kb, "ref-legal", loaded, "legal", target, field, index)
            if problem:
                yield problem


@declare("ref-scheme", "references", Severity.error, "Related schemes must exist.")
def ref_scheme(kb: KnowledgeBase, ctx: Context) -> Iterator[Finding]:
    for loaded in kb.schemes():
        for index, target in enumerate(loaded.record.related):
            problem = _missing(kb, "ref-scheme", loaded, "scheme", target, "related", index)
            if problem:
                yield problem
        if loaded.record.type not in kb.records["scheme-type"]:
            problem = _missing(kb, "ref-scheme", loaded, "scheme-type", loaded.record.type, "type")
            if problem:
                yield problem


@declare(
    "ref-territory",
    "references",
    Severity.error,
    "Territory codes must exist in the official referential or as local records.",
)
def ref_territory(kb: KnowledgeBase, ctx: Context) -> Iterator[Finding]:
    referential = kb.referential
    for bucket in kb.records.values():
        for loaded in bucket.values():
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
                if referential.resolve(ref) is None and ref.partition(":")[2] not in kb.unreadable:
                    yield finding(
                        "ref-territory",
                        loaded,
                        f"territory {ref!r} is not in the referential",
                        *key_path,
                        hint=_territory_hint(ref),
                    )


def _territory_hint(ref: str) -> str:
    kind = ref.partition(":")[0]
    return {
        "commune": "use the INSEE code of a current commune (not the postal code)",
        "epci": "use the SIREN of a current EPCI (data/territories/epci.yaml)",
        "local": "add the local territory under territories/local/",
        "qpv": "add the QPV under territories/qpv/",
    }.get(kind, "see data/territories/ for the codes")
