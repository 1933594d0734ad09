"""Identity: one id per record across the base, file name = id, folder = type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from dtscli.checks.registry import Context, Scope, declare, finding
from dtscli.data import kinds, vocab
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


def id_problem_message(record_id: str) -> str | None:
    """What is wrong with an id as a file name, in words (None when nothing is)."""
    problem = vocab.id_problem(record_id)
    if problem == vocab.ID_RESERVED:
        return _(
            "id {id!r} is a name Windows reserves for a device: "
            "git cannot check out {id}.yaml there"
        ).format(id=record_id)
    if problem == vocab.ID_TOO_LONG:
        return _("id is {length} characters long, over the limit of {limit}").format(
            length=len(record_id), limit=vocab.MAX_ID_LENGTH
        )
    return None


@declare(
    "id-portable",
    "identity",
    Severity.error,
    N_("An id is a file name: it must be one every system can check out (no CON, NUL, AUX…)."),
)
def id_portable(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked():
        message = id_problem_message(loaded.id) if isinstance(loaded.id, str) else None
        if message is not None:
            yield finding(
                "id-portable",
                loaded,
                message,
                "id",
                hint=_("choose a longer, more telling id, such as {example}").format(
                    example="cls-" + loaded.id[:20].rstrip("-")
                ),
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
    for loaded in scope.checked(kinds.SCHEME):
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
