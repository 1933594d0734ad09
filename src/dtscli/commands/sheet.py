"""`dts sheet`: a French fact sheet (Markdown, HTML, or its context as JSON) built by sheets/,
written to standard output or to a file."""

from __future__ import annotations

import sys
from pathlib import Path

from dtscli.commands.common import load_base, require_loadable
from dtscli.sheets import context as sheets
from dtscli.sheets import environment as render
from dtscli.util.errors import DtsError
from dtscli.util.files import write_atomically


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
    text = render.render_sheet(context, chosen, data_dir=kb.data_dir, template=template)
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        changed = write_atomically(output, text)
    except OSError as error:
        raise DtsError(f"cannot write {output}: {error.strerror or error}") from None
    sys.stderr.write(f"wrote {output}\n" if changed else f"{output} is unchanged\n")
    return 0
