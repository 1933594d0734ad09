"""Outlines for maps, read from the files scripts/import_geometry.py commits.

Pure standard library. Each file is read on first use and cached. Coordinates are
(longitude, latitude) in degrees (WGS84), quantised to 1e-4 degree; every ring is closed
(its last point repeats the first). A shape is a list of rings, exteriors and holes of all
its parts together: draw it with fill-rule evenodd. Source, vintage and licence: manifest().
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

GEOMETRY_DIR = Path(__file__).resolve().parent / "geometry"
SUFFIX = ".json.gz"

Ring = list[tuple[float, float]]  # (lon, lat) in degrees
Rings = list[Ring]

_DEPT_CODE = re.compile(r"\d{2,3}|2[AB]")


@dataclass(frozen=True)
class DepartementGeometry:
    """One département: its communes, the parts of its EPCI inside it, its outline."""

    code: str
    communes: dict[str, Rings]  # INSEE code -> rings
    epci: dict[str, Rings]  # SIREN -> rings (part inside this département)
    outline: Rings


@dataclass(frozen=True)
class FranceGeometry:
    """Every département and région, simplified for a national map."""

    departements: dict[str, Rings]
    regions: dict[str, Rings]


def decode_ring(flat: list[int], scale: int) -> Ring:
    """[x0, y0, dx1, dy1, ...] in 1/scale degree -> a closed ring of (lon, lat)."""
    ring = [
        (x / scale, y / scale)
        for x, y in zip(accumulate(flat[0::2]), accumulate(flat[1::2]), strict=True)
    ]
    ring.append(ring[0])
    return ring


def _decode(shapes: dict[str, list[list[int]]], scale: int) -> dict[str, Rings]:
    return {key: [decode_ring(flat, scale) for flat in rings] for key, rings in shapes.items()}


def read_raw(name: str) -> dict:
    """The parsed JSON of one geometry file (`06`, `france`), rings still encoded."""
    with gzip.open(GEOMETRY_DIR / f"{name}{SUFFIX}", "rt", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def manifest() -> dict:
    """The parsed manifest.json: source package, upstream origin, credit line, counts."""
    return json.loads((GEOMETRY_DIR / "manifest.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=16)
def departement(code: str) -> DepartementGeometry | None:
    """The geometry of département `code` ('06', '2A', '971'), None when it has no file."""
    if not _DEPT_CODE.fullmatch(code) or not (GEOMETRY_DIR / f"{code}{SUFFIX}").is_file():
        return None
    raw = read_raw(code)
    scale = raw["scale"]
    return DepartementGeometry(
        code=code,
        communes=_decode(raw["communes"], scale),
        epci=_decode(raw["epci"], scale),
        outline=[decode_ring(flat, scale) for flat in raw["outline"]],
    )


@lru_cache(maxsize=1)
def france() -> FranceGeometry:
    """Every département's and région's outline, keyed by INSEE code."""
    raw = read_raw("france")
    scale = raw["scale"]
    return FranceGeometry(
        departements=_decode(raw["departements"], scale),
        regions=_decode(raw["regions"], scale),
    )


@lru_cache(maxsize=1)
def _available() -> tuple[str, ...]:
    names = (p.name[: -len(SUFFIX)] for p in GEOMETRY_DIR.glob(f"*{SUFFIX}"))
    return tuple(sorted(n for n in names if _DEPT_CODE.fullmatch(n)))


def available_departements() -> list[str]:
    """The codes of the départements that have a geometry file, sorted."""
    return list(_available())
