"""Identity: one id per record across the base, file name = id, folder = type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from dtscli.checks.registry import Context, Scope, declare, finding
from dtscli.data.findings import Finding, Severity
from dtscli.util.i18n import N_, _


@declare(
    "id-unique",
    "identity",
    Severity.error,
    N_("References are by id: two records must not share one."),
)
def id_unique(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked():
        first = scope.owners(loaded.id)[0]
        if first != loaded.path:
            yield finding(
                "id-unique",
                loaded,
                _("id {id!r} is also used by {path}").format(id=loaded.id, path=first),
                "id",
                hint=_("give this record another id (and rename its file)"),
            )


@declare(
    "id-matches-filename",
    "identity",
    Severity.error,
    N_("The file name is how people and tools find a record; it must be its id."),
)
def id_matches_filename(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked():
        stem = PurePosixPath(loaded.path).stem
        if stem != loaded.id:
            yield finding(
                "id-matches-filename",
                loaded,
                _("id {id!r} differs from the file name {name!r}").format(id=loaded.id, name=stem),
                "id",
                hint=_("rename the file to {id}.yaml or change the id to {name!r}").format(
                    id=loaded.id, name=stem
                ),
            )


@declare(
    "scheme-folder-type",
    "identity",
    Severity.error,
    N_("Schemes sit in the folder of their type (schemes/clsm/ holds CLSM) so reviews route well."),
)
def scheme_folder_type(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked("scheme"):
        folder = PurePosixPath(loaded.path).parent.name
        if folder != loaded.record.type.lower():
            yield finding(
                "scheme-folder-type",
                loaded,
                _("a {type} sits in schemes/{folder}/").format(
                    type=loaded.record.type, folder=folder
                ),
                "type",
                hint=_("move the file to schemes/{folder}/ or fix `type`").format(
                    folder=loaded.record.type.lower()
                ),
            )
