"""Maps drawn on the committed geometry: the right communes, reasonable sizes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from dtscli.base.kb import KnowledgeBase, SchemeQuery
from dtscli.maps import command, svg

from ..conftest import SHIPPED

NS = {"s": "http://www.w3.org/2000/svg"}


def test_clsm_of_the_alpes_maritimes_on_the_real_geometry(invoke, tmp_path):
    kb = KnowledgeBase.load(SHIPPED)
    expected: set[str] = set()
    for loaded in kb.query(SchemeQuery(types=["CLSM"], depts=["06"])):
        expected |= kb.territory(loaded.record.territory).communes
    out = tmp_path / "clsm-06.svg"
    assert invoke("map", "--type", "CLSM", "--dept", "06", "-o", str(out)).exit_code == 0
    document = out.read_text(encoding="utf-8")
    root = ET.fromstring(document)
    paths = root.findall(".//s:g[@class='shapes']/s:path", NS)
    assert {p.get("data-code") for p in paths} == set(kb.referential.communes_of_dept("06"))
    assert {p.get("data-code") for p in paths if p.get("data-status")} == expected
    assert len(expected) == 10
    assert "Contours : IGN ADMIN EXPRESS COG 2024" in document
    assert len(document.encode()) < 120_000  # measured: about 55 kB


def test_national_map_stays_small_and_has_its_insets():
    kb = KnowledgeBase.load(SHIPPED)
    spec = command.build(kb, types=["CLSM"])
    assert [f.label for f in spec.frames[1:]] == [
        "Guadeloupe",
        "Martinique",
        "Guyane",
        "La Réunion",
        "Mayotte",
    ]
    document = svg.render(spec)
    assert len(document.encode()) < 400_000  # measured: about 190 kB
    root = ET.fromstring(document)
    covered = root.findall(".//s:path[@data-status]", NS)
    expected: set[str] = set()
    for loaded in kb.query(SchemeQuery(types=["CLSM"])):  # every status has its colour
        expected |= kb.territory(loaded.record.territory).communes
    assert len(expected) > 10
    assert {path.get("data-code") for path in covered} == expected
