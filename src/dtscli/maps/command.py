"""`dts map`: one SVG (or PNG) map of the schemes of some types on an area."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from dtscli.base.kb import KnowledgeBase, SchemeQuery
from dtscli.maps import svg
from dtscli.maps.coverage import MapMaker, types_title
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _

FORMATS = ("svg", "png")


def map_format(fmt: str | None, output: Path | None) -> str:
    """--format, else the suffix of -o, else SVG."""
    if fmt is None:
        return "png" if output is not None and output.suffix.lower() == ".png" else "svg"
    if fmt not in FORMATS:
        raise DtsError(
            _("unknown format {fmt!r}; choose one of: {formats}").format(
                fmt=fmt, formats=", ".join(FORMATS)
            )
        )
    return fmt


def build(
    kb: KnowledgeBase,
    *,
    types: list[str] | None = None,
    depts: list[str] | None = None,
    regions: list[str] | None = None,
    statuses: list[str] | None = None,
    today: dt.date | None = None,
    geometry=None,
) -> svg.MapSpec:
    """The map `dts map` draws: départements (several make one map), a region, or France."""
    from dtscli.base.dataversion import data_version
    from dtscli.base.query import normalise_code, normalise_statuses, normalise_types

    types = normalise_types(types or [])
    statuses = normalise_statuses(statuses or [])
    depts = [normalise_code(d) for d in depts or []]
    regions = [normalise_code(r) for r in regions or []]
    kb.validate_codes(depts, regions)
    if depts and regions:
        raise DtsError(_("give --dept or --region, not both"))
    if len(regions) > 1:
        raise DtsError(_("one --region at a time (or several --dept)"))
    referential = kb.referential
    maker = MapMaker(kb, geometry, today, data_version(kb.data_dir))
    schemes = kb.query(SchemeQuery(types=types, statuses=statuses))
    heading = types_title(types)
    ident = "carte-" + re.sub(r"[^a-z0-9]+", "-", "-".join([*types, *depts, *regions]).lower())
    ident = ident.rstrip("-") or "carte"
    if depts:
        names = [f"{referential.departements[d].name} ({d})" for d in depts]
        label = " et ".join(names) if len(names) < 3 else ", ".join(names)
        return maker.area_map(
            schemes, depts, title=f"{heading} — {label}", ident=ident, area_label=label
        )
    if regions:
        region = regions[0]
        in_region = sorted(d.code for d in referential.departements.values() if d.region == region)
        name = referential.regions[region].name
        return maker.area_map(
            schemes,
            in_region,
            title=f"{heading} — {name}",
            ident=ident,
            area_label=f"la région {name}",
            region=region,
        )
    return maker.national_map(schemes, title=f"{heading} — France", ident=ident)


def run(
    kb: KnowledgeBase,
    *,
    output: Path | None,
    fmt: str | None = None,
    types: list[str] | None = None,
    depts: list[str] | None = None,
    regions: list[str] | None = None,
    statuses: list[str] | None = None,
    today: dt.date | None = None,
) -> tuple[str | bytes, bool]:
    """Draw the map; write it to `output` (atomically) when given. Returns the map (SVG
    text or PNG bytes) and whether the file changed."""
    chosen = map_format(fmt, output)
    if chosen == "png" and output is None:
        raise DtsError(_("a PNG map needs -o FILE.png"))
    spec = build(kb, types=types, depts=depts, regions=regions, statuses=statuses, today=today)
    text = svg.render(spec)
    if chosen == "png":
        from dtscli.util.browser import svg_to_png

        width, height = svg.size(text)
        data: str | bytes = svg_to_png(text, width, height)
    else:
        data = text
    if output is None:
        return data, False
    from dtscli.util.files import write_atomically

    try:
        if isinstance(data, bytes):
            changed = write_bytes(output, data)
        else:
            changed = write_atomically(output, data)
    except OSError as error:
        raise DtsError(
            _("cannot write {path}: {problem}").format(path=output, problem=error.strerror or error)
        ) from None
    return data, changed


def write_bytes(path: Path, data: bytes) -> bool:
    """Write `data` atomically (util/files.py); False when the file already holds it."""
    from dtscli.util.files import write_bytes_atomically

    return write_bytes_atomically(path, data)
