"""A sheet written out: its map drawn (when the geometry is installed), rendered as Markdown,
HTML or PDF, and written atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dtscli.base.kb import KnowledgeBase, SchemeQuery
from dtscli.base.referential import fold
from dtscli.sheets.environment import fr_join
from dtscli.util.errors import DtsError

Context = dict[str, Any]


# ---------------------------------------------------------------- the sheet's map


def sheet_map(kb: KnowledgeBase, context: Context, geometry: Any = None) -> Any:
    """The map of a sheet's area (an `svg.MapSpec`), or None when the geometry is not
    installed: a type sheet maps its scope (France when none), a scheme sheet its
    territory, a territory sheet the départements around it."""
    from dtscli.maps.coverage import MapMaker, types_title

    try:
        maker = MapMaker(kb, geometry, context["generated_on"], context["data_version"])
    except DtsError:
        return None
    referential = kb.referential
    kind = context["sheet_kind"]
    if kind == "type":
        code = context["type"]["code"]
        schemes = kb.query(SchemeQuery(types=[code]))
        heading = types_title([code])
        scope = context["scope"]
        if scope is None:
            return maker.national_map(schemes, title=f"{heading} — France", ident="carte")
        if scope["kind"] == "dept":
            label = f"{scope['name']} ({scope['code']})"
            return maker.area_map(
                schemes, [scope["code"]], title=f"{heading} — {label}", area_label=label
            )
        depts = sorted(
            d.code for d in referential.departements.values() if d.region == scope["code"]
        )
        return maker.area_map(
            schemes,
            depts,
            title=f"{heading} — {scope['name']}",
            area_label=f"la région {scope['name']}",
            region=scope["code"],
        )
    if kind == "scheme":
        loaded = kb.find("scheme", context["scheme"]["id"])
        territory = kb.territory(loaded.record.territory) if loaded is not None else None
        if loaded is None or territory is None:
            return None
        return maker.territory_map(
            [loaded], territory, title=f"Territoire : {context['scheme']['name']}"
        )
    territory = kb.territory(context["territory"]["ref"])
    if territory is None:
        return None
    schemes = kb.covering(territory)
    depts = sorted(territory.depts)
    title = f"Démarches territoriales de santé — {territory.label}"
    if territory.kind == "region":
        return maker.area_map(
            schemes,
            depts,
            title=title,
            area_label=f"la région {territory.name}",
            region=territory.code,
            focus=territory,
        )
    names = fr_join(referential.departements[d].name for d in depts)
    return maker.area_map(schemes, depts, title=title, area_label=names, focus=territory)


def map_context(kb: KnowledgeBase, context: Context, spec: Any) -> Context | None:
    """What the templates print of the map: its title, and the covered communes (the text
    alternative of the picture); `file` is set when the SVG is written beside the sheet."""
    if spec is None:
        return None
    communes = []
    for frame in spec.frames:
        for shape in frame.shapes:
            if shape.status is None:
                continue
            if shape.kind == "commune":
                name = kb.referential.communes[shape.code].name
                communes.append(f"{name} ({shape.code})")
            else:
                name = kb.referential.departements[shape.code].name
                communes.append(f"toutes les communes de {name} ({shape.code})")
    communes.sort(key=fold)
    return {
        "title": spec.title,
        "description": spec.description,
        "communes": communes,
        "file": None,
        "inline": None,
    }


def attach_map(kb: KnowledgeBase, context: Context, geometry: Any = None) -> Any:
    """Draw the sheet's map and describe it in `context["map"]`; returns the map (an
    `svg.MapSpec`) or None when there is no geometry."""
    spec = sheet_map(kb, context, geometry)
    context["map"] = map_context(kb, context, spec)
    return spec


def run(
    kb: KnowledgeBase,
    context: Context,
    fmt: str,
    *,
    output: Path | None,
    template: Path | None = None,
) -> tuple[str | bytes, list[tuple[Path, bool]]]:
    """Render a sheet with its map and write it: Markdown with the SVG map beside it (`-o
    x.md` writes `x.svg` and links it), HTML with the map inline, PDF printed by a headless
    Chromium. Returns the sheet (text, or PDF bytes) and the files written, each with
    whether it changed."""
    from dtscli.sheets import environment as render
    from dtscli.util.files import write_atomically

    if fmt == "pdf" and output is None:
        raise DtsError("a PDF sheet needs -o FILE.pdf")
    if fmt == "pdf":
        from dtscli.util.browser import find_browser

        find_browser()  # say so before the work, not after
    spec = attach_map(kb, context)
    map_svg = None
    written: list[tuple[Path, bool]] = []
    if spec is not None and fmt != "json":
        from dtscli.maps import svg

        map_svg = svg.render(spec)
        if fmt == "md" and output is not None and output.suffix.lower() != ".svg":
            beside = output.with_suffix(".svg")
            written.append((beside, _write(beside, map_svg, write_atomically)))
            context["map"]["file"] = beside.name
    page_format = "html" if fmt == "pdf" else fmt
    text = render.render_sheet(
        context, page_format, data_dir=kb.data_dir, template=template, map_svg=map_svg
    )
    if fmt == "pdf":
        from dtscli.maps.command import write_bytes
        from dtscli.util.browser import html_to_pdf

        data = html_to_pdf(text)
        assert output is not None
        written.append((output, _write(output, data, write_bytes)))
        return data, written
    if output is not None:
        written.append((output, _write(output, text, write_atomically)))
    return text, written


def _write(path: Path, data: Any, writer: Any) -> bool:
    try:
        return writer(path, data)
    except OSError as error:
        raise DtsError(f"cannot write {path}: {error.strerror or error}") from None
