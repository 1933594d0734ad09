"""`dts sheet`: a French fact sheet (Markdown, HTML, or its context as JSON) built by sheets/,
written to standard output or to a file."""

from __future__ import annotations

import sys
from pathlib import Path

from dtscli.commands.common import load_base, require_loadable
from dtscli.sheets import context as sheets
from dtscli.sheets import environment as render
from dtscli.util.i18n import _


def run(
    data_dir: Path | None,
    target: str | None,
    *,
    territory: str | None = None,
    dept: str | None = None,
    region: str | None = None,
    fmt: str | None = None,
    output: Path | None = None,
    template: Path | None = None,
    date: str | None = None,
) -> int:
    chosen = render.output_format(fmt, output)
    kb = load_base(data_dir)
    require_loadable(kb)
    context = sheets.build_sheet(
        kb,
        target,
        territory=territory,
        dept=dept,
        region=region,
        today=sheets.parse_day(date),
    )
    text, written = sheets.run(kb, context, chosen, output=output, template=template)
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        return 0
    for path, changed in written:
        message = _("wrote {path}") if changed else _("{path} is unchanged")
        sys.stderr.write(message.format(path=path) + "\n")
    return 0
