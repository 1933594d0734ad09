"""`dts site`: a static website of the whole base (French; works from file:// and any host)."""

from __future__ import annotations

import sys
from pathlib import Path

from dtscli.commands.common import load_base, require_loadable
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _, ngettext


def run(
    data_dir: Path | None, output: Path, *, personal: bool = False, date: str | None = None
) -> int:
    from dtscli.sheets.context import parse_day
    from dtscli.site import build

    kb = load_base(data_dir)
    broken = build.unloadable(kb)  # files that did not load: left out, then reported
    if not broken:
        require_loadable(kb)
    site = build.run(kb, output, personal=personal, today=parse_day(date))
    message = ngettext(
        "wrote {count} page in {path}", "wrote {count} pages in {path}", site.pages
    ).format(count=site.pages, path=output)
    if site.maps is None:
        message += _(" (no map: the geometry is not installed)")
    sys.stderr.write(message + "\n")
    if broken:
        raise DtsError(broken, exit_code=1)
    return 0
