"""What the commands share: loading the base as the command line does (with its caches),
and refusing a base that did not load."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from dtscli.base.kb import KnowledgeBase
from dtscli.base.layout import find_data_dir
from dtscli.cache import open_caches
from dtscli.data.findings import Severity
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _, counted


def load_base(data_dir: Path | None) -> KnowledgeBase:
    """The base of --data-dir (else $DTS_DATA, else the first data/ upwards), through the
    record cache: the command line keeps caches, a library call does not unless asked."""
    folder = find_data_dir(data_dir)
    return KnowledgeBase.load(folder, caches=open_caches(folder))


def require_loadable(kb: KnowledgeBase, err: TextIO | None = None) -> None:
    """Stop on data that did not load (one line, with the place); print warnings to stderr."""
    err = err or sys.stderr
    errors = [f for f in kb.findings if f.severity is Severity.error]
    for warning in [f for f in kb.findings if f.severity is Severity.warning][:5]:
        where = f"{warning.location()}: {warning.message}"
        err.write(_("warning: {message}").format(message=where) + "\n")
    if kb.duplicates:
        first, second = kb.duplicates[0]
        raise DtsError(
            _(
                "{path}: id {id!r} is already used by {other}; "
                "give each record its own id (run `dts check`)"
            ).format(path=second.path, id=second.id, other=first.path),
            exit_code=1,
        )
    if errors:
        error = errors[0]
        more = ""
        if len(errors) > 1:
            more = counted(
                " (and {count} more problem)", " (and {count} more problems)", len(errors) - 1
            )
        raise DtsError(
            _("{place}: {message}{more}; fix the file, `dts check` lists them all").format(
                place=error.location(), message=error.message, more=more
            ),
            exit_code=1,
        )
