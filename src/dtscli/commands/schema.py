"""`dts schema`: the JSON Schemas of the record files (data/jsonschemas.py builds them from
the models), printed, written to a folder, or compared with a folder's files."""

from __future__ import annotations

import sys
from pathlib import Path

from dtscli.data import jsonschemas
from dtscli.util.errors import DtsError
from dtscli.util.files import write_atomically
from dtscli.util.i18n import _
from dtscli.util.suggest import did_you_mean


def check_kind(kind: str) -> str:
    if kind not in jsonschemas.KINDS:
        guess = did_you_mean(kind, list(jsonschemas.KINDS))
        hint = f" (did you mean {guess}?)" if guess else ""
        raise DtsError(
            f"unknown record kind {kind!r}{hint}; kinds are: {', '.join(jsonschemas.KINDS)}"
        )
    return kind


def write_schemas(folder: Path, kinds: list[str] | None = None) -> list[tuple[Path, bool]]:
    """Write the schemas of `kinds` (default: all) to `folder`; (path, changed) for each."""
    written = []
    for kind in kinds or jsonschemas.KINDS:
        path = folder / jsonschemas.file_name(kind)
        try:
            changed = write_atomically(path, jsonschemas.render(kind))
        except OSError as error:
            raise DtsError(
                _("cannot write {path}: {problem}").format(
                    path=path, problem=error.strerror or error
                )
            ) from None
        written.append((path, changed))
    return written


def stale_schemas(folder: Path, kinds: list[str] | None = None) -> list[Path]:
    """The schema files of `folder` that differ from what the models generate (or are missing)."""
    stale = []
    for kind in kinds or jsonschemas.KINDS:
        path = folder / jsonschemas.file_name(kind)
        try:
            current = path.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != jsonschemas.render(kind):
            stale.append(path)
    return stale


def run(kinds: list[str], output: Path | None = None, check: bool = False) -> int:
    """Print one kind's schema, write them all (or the `kinds` given) to `output`, or, with
    `check`, list the files of `output` that are out of date (exit 1)."""
    chosen = [check_kind(kind) for kind in kinds] or None
    if output is None:
        if check or chosen is None or len(chosen) != 1:
            raise DtsError(_("give one KIND to print (e.g. scheme), or -o DIR to write files"))
        sys.stdout.write(jsonschemas.render(chosen[0]))
        return 0
    if check:
        stale = stale_schemas(output, chosen)
        for path in stale:
            sys.stdout.write(_("out of date: {path}").format(path=path) + "\n")
        if stale:
            sys.stderr.write(
                _("regenerate with: {command}").format(command=f"dts schema -o {output}") + "\n"
            )
            return 1
        sys.stderr.write(_("the schemas are up to date") + "\n")
        return 0
    for path, changed in write_schemas(output, chosen):
        sys.stdout.write(f"{'wrote' if changed else 'unchanged'} {path}\n")
    return 0
