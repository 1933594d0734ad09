"""`dts map`: an SVG (or PNG) map of the communes the selected schemes cover."""

from __future__ import annotations

import sys
from pathlib import Path

from dtscli.commands.common import load_base, require_loadable
from dtscli.util.i18n import _


def run(
    data_dir: Path | None,
    *,
    output: Path | None = None,
    fmt: str | None = None,
    types: list[str] | None = None,
    depts: list[str] | None = None,
    regions: list[str] | None = None,
    statuses: list[str] | None = None,
    date: str | None = None,
) -> int:
    from dtscli.maps import command
    from dtscli.sheets.context import parse_day

    command.map_format(fmt, output)
    kb = load_base(data_dir)
    require_loadable(kb)
    data, changed = command.run(
        kb,
        output=output,
        fmt=fmt,
        types=types,
        depts=depts,
        regions=regions,
        statuses=statuses,
        today=parse_day(date),
    )
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return 0
    message = _("wrote {path}") if changed else _("{path} is unchanged")
    sys.stderr.write(message.format(path=output) + "\n")
    return 0
