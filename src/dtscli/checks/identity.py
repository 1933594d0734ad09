"""Identity: one id per record across the base, file name = id, folder = type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from dtscli.checks.registry import Context, declare, finding
from dtscli.findings import Finding, Severity
from dtscli.kb import KnowledgeBase


@declare(
    "id-unique", "identity", Severity.error, "References are by id: two records must not share one."
)
def id_unique(kb: KnowledgeBase, ctx: Context) -> Iterator[Finding]:
    first_seen: dict[str, str] = {}
    for bucket in kb.records.values():
        for loaded in bucket.values():
            if loaded.id in first_seen:
                yield finding(
                    "id-unique",
                    loaded,
                    f"id {loaded.id!r} is also used by {first_seen[loaded.id]}",
                    "id",
                    hint="give this record another id (and rename its file)",
                )
            else:
                first_seen[loaded.id] = loaded.path
    for first, second in kb.duplicates:
        yield finding(
            "id-unique",
            second,
            f"id {second.id!r} is also used by {first.path}",
            "id",
            hint="give this record another id (and rename its file)",
        )


@declare(
    "id-matches-filename",
    "identity",
    Severity.error,
    "The file name is how people and tools find a record; it must be its id.",
)
def id_matches_filename(kb: KnowledgeBase, ctx: Context) -> Iterator[Finding]:
    for bucket in kb.records.values():
        for loaded in bucket.values():
            stem = PurePosixPath(loaded.path).stem
            if stem != loaded.id:
                yield finding(
                    "id-matches-filename",
                    loaded,
                    f"id {loaded.id!r} differs from the file name {stem!r}",
                    "id",
                    hint=f"rename the file to {loaded.id}.yaml or change the id to {stem!r}",
                )


@declare(
    "scheme-folder-type",
    "identity",
    Severity.error,
    "Schemes sit in the folder of their type (schemes/clsm/ holds CLSM) so reviews route well.",
)
def scheme_folder_type(kb: KnowledgeBase, ctx: Context) -> Iterator[Finding]:
    for loaded in kb.schemes():
        folder = PurePosixPath(loaded.path).parent.name
        if folder != loaded.record.type.lower():
            yield finding(
                "scheme-folder-type",
                loaded,
                f"a {loaded.record.type} sits in schemes/{folder}/",
                "type",
                hint=f"move the file to schemes/{loaded.record.type.lower()}/ or fix `type`",
            )
