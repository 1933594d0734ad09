"""Identity: one id per record across the base, file name = id, folder = type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from dtscli.checks.registry import Context, Scope, declare, finding
from dtscli.data import kinds
from dtscli.data.findings import Finding, Severity


@declare(
    "id-unique", "identity", Severity.error, "References are by id: two records must not share one."
)
def id_unique(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked():
        first = scope.owners(loaded.id)[0]
        if first != loaded.path:
            yield finding(
                "id-unique",
                loaded,
                f"id {loaded.id!r} is also used by {first}",
                "id",
                hint="give this record another id (and rename its file)",
            )


@declare(
    "id-matches-filename",
    "identity",
    Severity.error,
    "The file name is how people and tools find a record; it must be its id.",
)
def id_matches_filename(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked():
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
def scheme_folder_type(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked(kinds.SCHEME):
        folder = PurePosixPath(loaded.path).parent.name
        if folder != loaded.record.type.lower():
            yield finding(
                "scheme-folder-type",
                loaded,
                f"a {loaded.record.type} sits in schemes/{folder}/",
                "type",
                hint=f"move the file to schemes/{loaded.record.type.lower()}/ or fix `type`",
            )
