"""SVG maps: the projection, the paths, the legend and the page of a map, as text.

This module knows nothing of the knowledge base: `coverage.py` decides what a map shows
(which shapes, which status each one has, what the legend counts) and hands a `MapSpec`
here. Everything from the data is XML-escaped; nothing here loads a file.

Projection: equirectangular, the longitudes scaled by the cosine of the frame's mean
latitude, so that a département keeps its shape; the y axis points south. Coordinates are
rounded to whole units of a 1,000-unit-wide frame and written as relative moves (`l`),
which keeps a département map of 300 communes near 100 kB. Holes are rings of the same
path, drawn with `fill-rule: evenodd`.
"""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Ring = list[tuple[float, float]]
Rings = list[Ring]

# The order of precedence when several schemes cover a commune: the most advanced first.
# An expired scheme ranks after the live ones; `unknown` (no status in the sources) last.
STATUS_ORDER = ("active", "renewal", "in_preparation", "intention", "expired", "unknown")
# Okabe-Ito colours (told apart by colour-blind readers), darkened where white text or a
# white border needs contrast.
STATUS_COLOURS = {
    "active": "#00795b",
    "renewal": "#0072b2",
    "in_preparation": "#e69f00",
    "intention": "#f0e442",
    "expired": "#cc79a7",
    "unknown": "#56b4e9",
}
NEUTRAL = "#e4e4e4"
# Classes of a count (a density map of the départements): light to dark blue.
LEVEL_COLOURS = ("#e4e4e4", "#c6d4ee", "#8fa9dc", "#4f74c4", "#1d3f8f")
WIDTH = 1000
FONT = "system-ui, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def xml(text: object) -> str:
    """Text or attribute value, escaped for XML (& < > and both quotes), as MarkupSafe's
    `escape` writes them, in half its time (a site escapes the titles of a million paths)."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


# ---------------------------------------------------------------- projection


def bounds(rings: Iterable[Ring]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of some rings; None when there is no point."""
    west = south = math.inf
    east = north = -math.inf
    for ring in rings:
        for lon, lat in ring:
            if lon < west:
                west = lon
            if lon > east:
                east = lon
            if lat < south:
                south = lat
            if lat > north:
                north = lat
    if west == math.inf:
        return None
    return west, south, east, north


def union(a: tuple[float, float, float, float], b: tuple[float, float, float, float]):
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


@dataclass(frozen=True)
class Projection:
    """Longitude and latitude to the frame's units: x east, y south, origin at (x0, y0)."""

    west: float
    north: float
    kx: float  # units per degree of longitude (already scaled by cos(mean latitude))
    ky: float  # units per degree of latitude
    x0: float = 0.0
    y0: float = 0.0
    width: float = WIDTH
    height: float = WIDTH

    @classmethod
    def fit(
        cls,
        box: tuple[float, float, float, float],
        width: float,
        max_height: float | None = None,
        x0: float = 0.0,
        y0: float = 0.0,
    ) -> Projection:
        """The projection that fits `box` (west, south, east, north) in `width` units
        (and `max_height`, if given), centred."""
        west, south, east, north = box
        cos = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * cos, 1e-9)
        span_y = max(north - south, 1e-9)
        scale = width / span_x
        if max_height is not None and span_y * scale > max_height:
            scale = max_height / span_y
        used_w, used_h = span_x * scale, span_y * scale
        height = used_h if max_height is None else max_height
        return cls(
            west,
            north,
            scale * cos,
            scale,
            x0 + (width - used_w) / 2,
            y0 + (height - used_h) / 2,
            width,
            height,
        )

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return self.x0 + (lon - self.west) * self.kx, self.y0 + (self.north - lat) * self.ky


def path_data(rings: Rings, project: Projection) -> str:
    """An SVG path: each ring rounded to whole units, repeated points dropped, as relative
    moves. A ring that shrinks below three points is left out; when every ring of a shape
    does, a one-unit square stands for it, so that a small commune stays visible."""
    kx, ky = project.kx, project.ky
    # x = x0 + (lon - west) * kx, folded into one multiply-add (+ 0.5: rounding by int())
    bx = project.x0 - project.west * kx + 0.5
    by = project.y0 + project.north * ky + 0.5
    floor = math.floor
    parts: list[str] = []
    first: tuple[int, int] | None = None
    for ring in rings:
        xs: list[int] = []
        ys: list[int] = []
        lx = ly = None
        for lon, lat in ring:
            x = floor(bx + lon * kx)
            y = floor(by - lat * ky)
            if x != lx or y != ly:
                xs.append(x)
                ys.append(y)
                lx, ly = x, y
        if len(xs) > 1 and xs[0] == xs[-1] and ys[0] == ys[-1]:
            xs.pop()
            ys.pop()
        if first is None and xs:
            first = (xs[0], ys[0])
        if len(xs) < 3:
            continue
        moves = [f"M{xs[0]} {ys[0]}l"]
        moves.extend(f"{xs[i] - xs[i - 1]} {ys[i] - ys[i - 1]} " for i in range(1, len(xs)))
        parts.append("".join(moves).rstrip() + "z")
    if not parts and first is not None:
        x, y = first
        return f"M{x} {y}h1v1h-1z"
    return "".join(parts).replace(" -", "-")


# ---------------------------------------------------------------- what a map holds


@dataclass
class Shape:
    """A filled shape: a commune (`kind` "commune") or a whole département drawn as one
    (`kind` "dept", at national scale, when all its communes share a status)."""

    code: str
    kind: str
    rings: Rings
    status: str | None
    title: str
    level: int | None = None  # a class of a count (`data-level`), for a density map


@dataclass
class Outline:
    """Lines drawn over the shapes: EPCI, départements, the territory in focus."""

    kind: str  # "epci", "dept", "region" or "focus"
    rings: Rings


@dataclass
class LegendEntry:
    status: str | None  # None: not covered
    label: str  # « Actif : 10 démarches, 10 communes »
    colour: str | None = None  # when not a status colour (density classes)


@dataclass
class Frame:
    """A part of the map with its own projection: the mainland, or an overseas inset."""

    label: str | None
    small: bool = False  # shapes a few units wide (communes on a map of France): thickened
    edged: bool = False  # the background's edges drawn dark (a territory on its départements)
    box: tuple[float, float, float, float] | None = None  # what to fit, when known already
    base: list[Rings] = field(default_factory=list)  # neutral background (départements)
    shapes: list[Shape] = field(default_factory=list)
    outlines: list[Outline] = field(default_factory=list)


@dataclass
class MapSpec:
    title: str
    description: str
    frames: list[Frame]
    legend: list[LegendEntry]
    credits: list[str]  # data source and dates, geometry source and vintage
    id: str = "carte"  # prefix of the element ids, unique in a page
    width: int = WIDTH


# ---------------------------------------------------------------- rendering

STYLE = (
    ".dts-map{font-family:" + FONT + "}"
    ".dts-map .base path{fill:" + NEUTRAL + ";stroke:#fff;stroke-width:.5}"
    ".dts-map .edged path{stroke:#1e1e1e;stroke-width:1.4}"
    ".dts-map .shapes path{fill:" + NEUTRAL + ";fill-rule:evenodd;stroke:#fff;"
    "stroke-width:.4;stroke-linejoin:round}"
    ".dts-map .shapes path:hover{stroke:#000;stroke-width:1.5}"
    + "".join(
        f".dts-map .shapes [data-status={status}]{{fill:{colour}}}"
        f".dts-map .small [data-status={status}]{{stroke:{colour};stroke-width:1.6}}"
        for status, colour in STATUS_COLOURS.items()
    )
    + "".join(
        f".dts-map .shapes [data-level='{level}']{{fill:{colour}}}"
        for level, colour in enumerate(LEVEL_COLOURS)
    )
    + ".dts-map .outlines path{fill:none;stroke-linejoin:round;pointer-events:none}"
    ".dts-map .epci{stroke:#5c5c5c;stroke-width:.8}"
    ".dts-map .dept{stroke:#1e1e1e;stroke-width:1.4}"
    ".dts-map .region{stroke:#1e1e1e;stroke-width:2.2}"
    ".dts-map .focus{stroke:#000091;stroke-width:2.6}"
    ".dts-map .frame{fill:none;stroke:#929292;stroke-width:1}"
    ".dts-map text{fill:#1e1e1e}"
    ".dts-map .t{font-size:28px;font-weight:700}"
    ".dts-map .l{font-size:22px}"
    ".dts-map .n{font-size:16px;fill:#3a3a3a}"
    ".dts-map .i{font-size:16px}"
)
TITLE_SIZE, LEGEND_SIZE, NOTE_SIZE = 28, 22, 16
INSET_GAP = 12
MARGIN = 16


@functools.lru_cache(maxsize=4096)
def _lines(text: str, size: float, width: float, em: float = 0.55) -> list[str]:
    """Wrap text for an SVG <text> (no wrapping in SVG): `em` ems a character."""
    return textwrap.wrap(text, max(20, int(width / (size * em)))) or [""]


Box = tuple[float, float, float, float]  # x, y, width, height


def _frame_boxes(spec: MapSpec, top: float) -> tuple[list[tuple[Projection, Box]], float]:
    """A projection per frame, with the box it is drawn in: the first across the whole
    width, the insets in a row below it."""
    width = spec.width - 2 * MARGIN
    projections: list[Projection] = []
    cells: list[Box] = []
    main = spec.frames[0]
    main_box = _frame_box(main) or (0.0, 0.0, 1.0, 1.0)
    max_main = width * 1.1
    projections.append(Projection.fit(main_box, width, max_height=None, x0=MARGIN, y0=top))
    if projections[0].height > max_main:
        projections[0] = Projection.fit(main_box, width, max_height=max_main, x0=MARGIN, y0=top)
    cells.append((MARGIN, top, width, projections[0].height))
    y = top + projections[0].height
    insets = spec.frames[1:]
    if insets:
        y += INSET_GAP
        cell = (width - INSET_GAP * (len(insets) - 1)) / len(insets)
        inner = cell - 8
        label_room = 20
        for index, frame in enumerate(insets):
            box = _frame_box(frame) or (0.0, 0.0, 1.0, 1.0)
            x0 = MARGIN + index * (cell + INSET_GAP) + 4
            projections.append(
                Projection.fit(box, inner, max_height=inner * 0.8, x0=x0, y0=y + label_room)
            )
            cells.append((x0 - 4, y, cell, label_room + inner * 0.8 + 8))
        y += label_room + inner * 0.8 + 8
    return list(zip(projections, cells, strict=True)), y


def _frame_box(frame: Frame) -> tuple[float, float, float, float] | None:
    """What a frame fits: its `box`, else its background, else its shapes and outlines."""
    if frame.box is not None:
        return frame.box
    rings = [ring for rings in frame.base for ring in rings]
    if not rings:
        rings = [ring for shape in frame.shapes for ring in shape.rings]
        rings += [ring for outline in frame.outlines for ring in outline.rings]
    return bounds(rings)


def _text(x: float, y: float, css: str, content: str, anchor: str = "start") -> str:
    extra = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return f'<text x="{x:.0f}" y="{y:.0f}" class="{css}"{extra}>{xml(content)}</text>'


def render(spec: MapSpec, paths: dict | None = None) -> str:
    """The map as a standalone SVG document (also fit to be inlined in HTML). `paths`
    keeps the path data of shapes between maps drawn in the same frame (a site draws the
    same département for each type of scheme)."""
    width = spec.width
    paths = {} if paths is None else paths
    out: list[str] = []
    y = 10.0
    title_lines = _lines(spec.title, TITLE_SIZE, width - 2 * MARGIN, em=0.62)
    heading = []
    for line in title_lines:
        y += TITLE_SIZE * 1.2
        heading.append(_text(MARGIN, y, "t", line))
    top = y + 14
    projections, y = _frame_boxes(spec, top)
    body: list[str] = []
    for frame, (project, cell) in zip(spec.frames, projections, strict=True):
        body.append(_frame(frame, project, cell, paths))
    # legend: swatch and words, one entry a line (two columns when there are many)
    y += 16
    legend: list[str] = ['<g class="legend">']
    columns = 2 if len(spec.legend) > 4 else 1
    column_width = (width - 2 * MARGIN) / columns
    rows = math.ceil(len(spec.legend) / columns) if spec.legend else 0
    for index, entry in enumerate(spec.legend):
        column, row = divmod(index, rows) if rows else (0, 0)
        x = MARGIN + column * column_width
        ly = y + row * LEGEND_SIZE * 1.6
        fill = entry.colour or (STATUS_COLOURS[entry.status] if entry.status else NEUTRAL)
        legend.append(
            f'<rect x="{x:.0f}" y="{ly:.0f}" width="28" height="20" fill="{fill}" '
            'stroke="#6a6a6a" stroke-width="1"/>'
        )
        legend.append(_text(x + 38, ly + 18, "l", entry.label))
    legend.append("</g>")
    y += rows * LEGEND_SIZE * 1.6 + 8
    notes: list[str] = ['<g class="credits">']
    for credit in spec.credits:
        for line in _lines(credit, NOTE_SIZE, width - 2 * MARGIN):
            y += NOTE_SIZE * 1.35
            notes.append(_text(MARGIN, y, "n", line))
    notes.append("</g>")
    height = math.ceil(y + 8)
    ident = xml(spec.id)
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dts-map" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-titre {ident}-desc">'
    )
    out.append(f'<title id="{ident}-titre">{xml(spec.title)}</title>')
    out.append(f'<desc id="{ident}-desc">{xml(spec.description)}</desc>')
    out.append(f"<style>{STYLE}</style>")
    out.append('<rect width="100%" height="100%" fill="#fff"/>')
    out.extend(heading)
    out.extend(body)
    out.extend(legend)
    out.extend(notes)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _frame(frame: Frame, project: Projection, cell: Box, paths: dict) -> str:
    paths = paths.setdefault(project, {})  # the paths drawn in this projection
    parts: list[str] = ["<g>"]
    x, y, w, h = cell
    if frame.label is not None:
        parts.append(
            f'<rect class="frame" x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}"/>'
        )
    if frame.base:
        parts.append('<g class="base edged">' if frame.edged else '<g class="base">')
        parts.extend(f'<path d="{_cached(rings, project, paths)}"/>' for rings in frame.base)
        parts.append("</g>")
    parts.append('<g class="shapes small">' if frame.small else '<g class="shapes">')
    parts.extend(shape_element(shape, project, paths) for shape in frame.shapes)
    parts.append("</g>")
    if frame.outlines:
        parts.append('<g class="outlines">')
        for outline in frame.outlines:
            data = _cached(outline.rings, project, paths)
            parts.append(f'<path class="{outline.kind}" d="{data}"/>')
        parts.append("</g>")
    if frame.label is not None:
        parts.append(_text(x + 6, y + 16, "i", frame.label))
    parts.append("</g>")
    return "".join(parts)


def _cached(rings: Rings, project: Projection, paths: dict) -> str:
    """The path of rings drawn again in the same frame (a département's outline on each of
    its maps, an EPCI's on each map of its département): keyed by the rings' identity,
    checked against the rings kept with the path (an id may be reused once they are gone).
    `paths`: the paths of this projection."""
    key = id(rings)
    data = paths.get(key)
    if data is None or data[0] is not rings:
        data = paths[key] = (rings, path_data(rings, project))
    return data[1]


def shape_element(shape: Shape, project: Projection, paths: dict | None = None) -> str:
    """A shape's <path> with its data attributes and tooltip. `paths`: the path data
    already drawn in this projection, by kind and code."""
    kind = "data-code" if shape.kind == "commune" else "data-dept"
    status = f' data-status="{shape.status}"' if shape.status else ""
    if shape.level is not None:
        status += f' data-level="{shape.level}"'
    if paths is None:
        data = path_data(shape.rings, project)
    else:
        key = (shape.kind, shape.code)
        cached = paths.get(key)
        if cached is None:
            cached = paths[key] = path_data(shape.rings, project)
        data = cached
    return (
        f'<path d="{data}" {kind}="{xml(shape.code)}"{status}>'
        f"<title>{xml(shape.title)}</title></path>"
    )


def legend_entries(
    counts: dict[str | None, tuple[int, int]], labels: dict[str, str], uncovered_word: str
) -> list[LegendEntry]:
    """Legend lines in the order of precedence, the uncovered communes last.
    `counts[status] = (schemes, communes)`; `counts[None] = (0, uncovered communes)`."""
    from dtscli.base.french import fr_number

    entries = []
    for status in STATUS_ORDER:
        if status not in counts:
            continue
        schemes, communes = counts[status]
        words = [
            f"{fr_number(schemes)} démarche{'s' if schemes > 1 else ''}",
            f"{fr_number(communes)} commune{'s' if communes > 1 else ''}",
        ]
        entries.append(
            LegendEntry(status, f"{labels[status].capitalize()}\u00a0: " + ", ".join(words))
        )
    if None in counts:
        communes = counts[None][1]
        plural = "s" if communes > 1 else ""
        entries.append(
            LegendEntry(None, f"{uncovered_word}\u00a0: {fr_number(communes)} commune{plural}")
        )
    return entries


def best_status(statuses: Sequence[str]) -> str:
    """The most advanced of several statuses (see STATUS_ORDER)."""
    return min(statuses, key=STATUS_ORDER.index)


def size(document: str) -> tuple[int, int]:
    """(width, height) of a map this module drew."""
    import re

    match = re.search(r'viewBox="0 0 (\d+) (\d+)"', document)
    if match is None:
        raise ValueError("not a map drawn by dts")
    return int(match.group(1)), int(match.group(2))
