"""The map renderer on a small fake geometry: projection, paths, data attributes, legend
counts, escaping. (tests/maps/test_maps_real.py draws on the committed geometry.)"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import ClassVar

import pytest

from dtscli.base.kb import KnowledgeBase, SchemeQuery
from dtscli.maps import command, coverage, svg

from ..conftest import SHIPPED

NS = {"s": "http://www.w3.org/2000/svg"}


def square(lon: float, lat: float, size: float = 0.02) -> list[tuple[float, float]]:
    return [(lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size), (lon, lat)]


@dataclass
class FakeDept:
    code: str
    communes: dict
    epci: dict = field(default_factory=dict)
    outline: list = field(default_factory=list)


@dataclass
class FakeFrance:
    departements: dict
    regions: dict


class FakeGeometry:
    """Each commune a small square on a grid, placed from its département's origin."""

    ORIGINS: ClassVar[dict[str, tuple[float, float]]] = {"971": (-61.5, 16.0), "974": (55.3, -21.2)}

    def __init__(self, referential, depts=("06", "83", "971")):
        self.referential = referential
        self.depts = {}
        for number, dept in enumerate(depts):
            lon0, lat0 = self.ORIGINS.get(dept, (5.0 + number, 43.5 + number * 0.5))
            codes = referential.communes_of_dept(dept)
            communes = {
                code: [square(lon0 + (i % 20) * 0.03, lat0 + (i // 20) * 0.03)]
                for i, code in enumerate(codes)
            }
            rows = math.ceil(len(codes) / 20) * 0.03
            east, north = lon0 + 0.6, lat0 + rows
            outline = [[(lon0, lat0), (east, lat0), (east, north), (lon0, north), (lon0, lat0)]]
            self.depts[dept] = FakeDept(dept, communes, {"epci-x": outline}, outline)

    def manifest(self):
        return {"source": "fausse géométrie", "version": "0", "vintage": "2025",
                "licence": "test", "credit": "Fond de carte : géométrie de test"}  # fmt: skip

    def departement(self, code):
        return self.depts.get(code)

    def france(self):
        return FakeFrance({c: d.outline for c, d in self.depts.items()}, {"93": []})

    def available_departements(self):
        return sorted(self.depts)


def parse(document: str) -> ET.Element:
    return ET.fromstring(document)


def shapes(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//s:g[@class='shapes']/s:path", NS) + root.findall(
        ".//s:g[@class='shapes small']/s:path", NS
    )


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(SHIPPED)


@pytest.fixture(scope="module")
def fake(kb) -> FakeGeometry:
    return FakeGeometry(kb.referential)


# ---------------------------------------------------------------- projection and paths


def test_projection_scales_longitudes_by_the_cosine_of_the_mean_latitude():
    project = svg.Projection.fit((10.0, 59.5, 11.0, 60.5), 1000)
    # at 60° a degree of longitude is half a degree of latitude: the frame is twice as tall
    assert project.height == pytest.approx(2000, rel=1e-3)
    assert project(10.0, 60.5) == pytest.approx((0.0, 0.0))
    assert project(11.0, 59.5) == pytest.approx((1000.0, 2000.0), rel=1e-3)
    capped = svg.Projection.fit((10.0, 59.5, 11.0, 60.5), 1000, max_height=1000)
    assert capped.height == 1000
    assert capped(10.0, 60.5)[0] == pytest.approx(250.0, rel=1e-3)  # centred


def test_path_data_is_relative_rounded_and_keeps_holes():
    project = svg.Projection(west=0.0, north=10.0, kx=10.0, ky=10.0)
    outer = [(0.0, 10.0), (10.0, 10.0), (10.0, 0.0), (0.0, 0.0), (0.0, 10.0)]
    hole = [(2.0, 8.0), (8.0, 8.0), (8.0, 2.0), (2.0, 2.0), (2.0, 8.0)]
    data = svg.path_data([outer, hole], project)
    assert data == "M0 0l100 0 0 100-100 0zM20 20l60 0 0 60-60 0z"
    # a ring smaller than a unit still leaves a mark
    tiny = [(0.0, 10.0), (0.01, 10.0), (0.01, 9.99), (0.0, 10.0)]
    assert svg.path_data([tiny], project) == "M0 0h1v1h-1z"


def test_svg_style_fills_holes_evenodd():
    assert "fill-rule:evenodd" in svg.STYLE


def test_best_status_is_the_most_advanced():
    assert svg.best_status(["expired", "active", "unknown"]) == "active"
    assert svg.best_status(["unknown", "intention"]) == "intention"


# ---------------------------------------------------------------- a département map


def test_department_map_marks_exactly_the_covered_communes(kb, fake):
    spec = command.build(kb, types=["CLSM"], depts=["06"], geometry=fake)
    root = parse(svg.render(spec))
    expected = set()
    for loaded in kb.query(SchemeQuery(types=["CLSM"], depts=["06"])):
        expected |= kb.territory(loaded.record.territory).communes
    drawn = {p.get("data-code") for p in shapes(root)}
    assert drawn == set(kb.referential.communes_of_dept("06"))
    marked = {p.get("data-code") for p in shapes(root) if p.get("data-status")}
    assert marked == expected and len(marked) == 10
    assert {p.get("data-status") for p in shapes(root) if p.get("data-status")} == {"active"}
    nice = next(p for p in shapes(root) if p.get("data-code") == "06088")
    assert nice.find("s:title", NS).text == (
        "Nice (06088)\u00a0: Conseil local de santé mentale de Nice (actif, déduit)"
    )
    aiglun = next(p for p in shapes(root) if p.get("data-code") == "06001")
    assert aiglun.find("s:title", NS).text.endswith("aucune démarche")
    assert root.find("s:title", NS).text == (
        "Conseils locaux de santé mentale (CLSM) — Alpes-Maritimes (06)"
    )
    assert "10 communes couvertes sur 163" in root.find("s:desc", NS).text
    assert root.get("aria-labelledby") == "carte-clsm-06-titre carte-clsm-06-desc"


def test_legend_counts_schemes_and_communes_by_status(kb, fake):
    spec = command.build(kb, types=["CLSM"], depts=["06"], geometry=fake)
    labels = [entry.label for entry in spec.legend]
    assert labels == [
        "Actif\u00a0: 10 démarches, 10 communes",
        "Aucune démarche\u00a0: 153 communes",
    ]
    text = svg.render(spec)
    assert "Actif\u00a0: 10 démarches, 10 communes" in text


def test_credits_give_the_dates_of_the_sources_and_the_geometry(kb, fake):
    spec = command.build(kb, types=["CLSM"], depts=["06"], geometry=fake)
    assert "informations valables au 17 novembre 2021" in spec.credits[0]
    assert spec.credits[1] == "Fond de carte : géométrie de test"


def test_epci_and_department_outlines_are_drawn_over_the_communes(kb, fake):
    root = parse(svg.render(command.build(kb, types=["CLSM"], depts=["06"], geometry=fake)))
    groups = [g.get("class") for g in root.iter(f"{{{NS['s']}}}g")]
    assert groups.index("shapes") < groups.index("outlines")
    kinds = [p.get("class") for p in root.findall(".//s:g[@class='outlines']/s:path", NS)]
    assert "epci" in kinds and "dept" in kinds


# ---------------------------------------------------------------- several schemes, escaping


def test_most_advanced_status_wins_and_names_are_escaped(mini, fake):
    mini.write(
        "schemes/CLSM.yaml",
        (SHIPPED / "schemes/CLSM.yaml").read_text(encoding="utf-8"),
    )
    mini.scheme(
        "clsm-a", "CLSM", "commune:06088", "expired", name='"<script>alert(1)</script> & Cie"'
    )
    mini.scheme("clsm-b", "CLSM", "commune:06088", "active")
    mini.scheme("clsm-c", "CLSM", "commune:06004", "unknown")
    kb = KnowledgeBase.load(mini.root)
    document = svg.render(command.build(kb, types=["CLSM"], depts=["06"], geometry=fake))
    root = parse(document)  # well-formed: the name did not break the XML
    assert root.find(".//s:script", NS) is None
    assert (
        "<script>" not in document and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie" in document
    )
    statuses = {p.get("data-code"): p.get("data-status") for p in shapes(root)}
    assert statuses["06088"] == "active" and statuses["06004"] == "unknown"
    labels = [
        entry.label
        for entry in command.build(kb, types=["CLSM"], depts=["06"], geometry=fake).legend
    ]
    assert labels[:3] == [
        "Actif\u00a0: 1 démarche, 1 commune",
        "Échu\u00a0: 1 démarche, 0 commune",
        "Inconnu\u00a0: 1 démarche, 1 commune",
    ]


def test_status_filter_and_unknown_values(kb, fake):
    from dtscli.util.errors import DtsError

    spec = command.build(kb, types=["CLS"], depts=["06"], statuses=["active"], geometry=fake)
    root = parse(svg.render(spec))
    assert not [p for p in shapes(root) if p.get("data-status")]
    with pytest.raises(DtsError, match="unknown scheme type 'CLX'"):
        command.build(kb, types=["CLX"], geometry=fake)
    with pytest.raises(DtsError, match="unknown status 'signed'"):
        command.build(kb, statuses=["signed"], geometry=fake)
    with pytest.raises(DtsError, match="not both"):
        command.build(kb, depts=["06"], regions=["93"], geometry=fake)


# ---------------------------------------------------------------- national maps


def test_national_map_draws_covered_communes_and_overseas_insets(kb, fake):
    spec = command.build(kb, types=["CLSM"], geometry=fake)
    assert [frame.label for frame in spec.frames] == [None, "Guadeloupe"]
    root = parse(svg.render(spec))
    codes = {p.get("data-code") for p in shapes(root)}
    covered = set()
    for loaded in kb.query(SchemeQuery(types=["CLSM"])):
        covered |= kb.territory(loaded.record.territory).communes
    in_fake = {c for c in covered if kb.referential.communes[c].dept in fake.depts}
    assert codes == in_fake  # only covered communes; none outside the fake geometry
    assert "Guadeloupe" in root.find("s:desc", NS).text


def test_a_department_covered_whole_is_one_shape_at_national_scale(kb, fake):
    spec = command.build(kb, types=["PTSM"], geometry=fake)
    root = parse(svg.render(spec))
    depts = {p.get("data-dept"): p.get("data-status") for p in shapes(root) if p.get("data-dept")}
    assert depts == {"06": "active", "83": "active"}
    assert not [p for p in shapes(root) if p.get("data-code")]


# ---------------------------------------------------------------- the command


def test_dts_map_writes_an_svg(invoke, tmp_path, monkeypatch, kb, fake):
    monkeypatch.setattr(coverage, "load_geometry", lambda: fake)
    out = tmp_path / "clsm-06.svg"
    result = invoke("map", "--type", "CLSM", "--dept", "06", "-o", str(out))
    assert result.exit_code == 0, result.output
    root = parse(out.read_text(encoding="utf-8"))
    assert len([p for p in shapes(root) if p.get("data-status")]) == 10
    again = invoke("map", "--type", "CLSM", "--dept", "06", "-o", str(out))
    assert "is unchanged" in again.stderr


def test_png_without_a_browser_is_one_clear_error(invoke, tmp_path, monkeypatch, fake):
    monkeypatch.setattr(coverage, "load_geometry", lambda: fake)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("DTS_BROWSER", raising=False)
    result = invoke("map", "--type", "CLSM", "--dept", "06", "-o", str(tmp_path / "m.png"))
    assert result.exit_code == 2
    assert (
        "no headless browser found" in result.stderr and "apt-get install chromium" in result.stderr
    )
    assert not (tmp_path / "m.png").exists()


def test_svg_size_reads_the_view_box():
    assert svg.size('<svg viewBox="0 0 1000 812">') == (1000, 812)
