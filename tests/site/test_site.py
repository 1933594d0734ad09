"""`dts site` without a browser: safe links, people's details, downloads, escaping.
(tests/browser/ opens the site in Chromium.)"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dtscli.base.kb import KnowledgeBase
from dtscli.site import build

from ..conftest import SHIPPED
from ..maps.test_maps import FakeGeometry

DAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(SHIPPED)


@pytest.fixture(scope="module")
def site(kb, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "public"
    build.run(kb, out, today=DAY, geometry=FakeGeometry(kb.referential))
    return out


@pytest.mark.parametrize(
    ("address", "kept"),
    [
        ("https://www.legifrance.gouv.fr/loda/id/X", True),
        ("http://example.org/a?b=c", True),
        ("mailto:contact@example.org", True),
        ("javascript:alert(1)", False),
        (" JaVaScRiPt:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>", False),
        ('https://example.org/"><script>', False),
        ("//example.org", False),
        (None, False),
    ],
)
def test_only_http_https_and_mailto_become_links(address, kept):
    assert (build.safe_href(address) is not None) is kept


def test_pages_of_every_kind_are_written(site, kb):
    assert (site / "index.html").is_file()
    assert (site / "types/clsm.html").is_file()
    assert (site / "departements/06.html").is_file() and (site / "departements/2A.html").is_file()
    assert len(list((site / "departements").glob("*.html"))) == len(kb.referential.departements)
    assert len(list((site / "demarches").glob("*.html"))) == len(kb.schemes())
    assert len(list((site / "textes").glob("*.html"))) == len(kb.records["legal"]) + 1
    assert (site / "territoires/pays-cevennes.html").is_file()
    assert (site / "assets/style.css").is_file() and (site / "assets/recherche.js").is_file()


def test_people_s_details_only_with_personal(kb, site, tmp_path):
    people = [c.record for c in kb.of_kind("contact") if c.record.kind == "person"]
    assert people
    text = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    text += (site / "assets/index-recherche.json").read_text(encoding="utf-8")
    for person in people:
        assert person.name not in text, person.name
        if person.email:
            assert person.email not in text
    out = tmp_path / "personal"
    build.run(kb, out, personal=True, today=DAY, geometry=FakeGeometry(kb.referential))
    shown = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert any(person.name in shown for person in people)


def test_bibliography_downloads_hold_every_document(site, kb):
    documents = kb.records["document"]
    csl = json.loads((site / "bibliographie/bibliographie.csl.json").read_text(encoding="utf-8"))
    assert {item["id"] for item in csl} == set(documents)
    assert all(item["title"] for item in csl)
    ris = (site / "bibliographie/bibliographie.ris").read_text(encoding="utf-8")
    assert ris.count("TY  - ") == len(documents) == ris.count("ER  - ")
    rows = (site / "bibliographie/bibliographie.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("id,type,titre")
    years = (site / "bibliographie/index.html").read_text(encoding="utf-8")
    assert 'id="annee-2023"' in years and "bibliographie.ris" in years


def test_search_index_lists_schemes_texts_documents_and_every_commune(site, kb):
    script = (site / "assets/index-recherche.js").read_text(encoding="utf-8")
    assert script.startswith("window.DTS_RECHERCHE=")
    index = json.loads((site / "assets/index-recherche.json").read_text(encoding="utf-8"))
    kinds = {entry[0] for entry in index["entries"]}
    assert {"démarche", "territoire", "texte", "document", "type"} <= kinds
    assert len(index["communes"]) == len(kb.referential.communes)
    nice = next(c for c in index["communes"] if c[1] == "06088")
    covering = {index["entries"][i][2] for i in nice[4]}
    assert "demarches/clsm-nice.html" in covering and "demarches/ptsm-06.html" in covering


def test_record_text_is_escaped_in_the_pages(tmp_path):
    from ..conftest import copy_shipped

    data = copy_shipped(tmp_path / "data")
    scheme = data / "schemes/clsm/clsm-nice.yaml"
    scheme.write_text(
        scheme.read_text(encoding="utf-8").replace(
            "name: Conseil local de santé mentale de Nice", "name: '<script>alert(1)</script>'"
        ),
        encoding="utf-8",
    )
    kb = KnowledgeBase.load(data)
    out = tmp_path / "public"
    build.run(kb, out, today=DAY, geometry=FakeGeometry(kb.referential))
    page = (out / "demarches/clsm-nice.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    index = (out / "assets/index-recherche.js").read_text(encoding="utf-8")
    assert "</script>" not in index


def test_dts_site_command(invoke, tmp_path, monkeypatch, kb):
    from dtscli.maps import coverage

    monkeypatch.setattr(coverage, "load_geometry", lambda: FakeGeometry(kb.referential))
    out = tmp_path / "public"
    result = invoke("site", "-o", str(out), "--date", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("wrote ") and f"pages in {out}" in result.stderr
    assert "1er décembre 2026" in (out / "index.html").read_text(encoding="utf-8")


def test_site_leaves_out_broken_files_and_says_so(invoke, tmp_path, monkeypatch, kb):
    from dtscli.maps import coverage

    from ..conftest import copy_shipped

    monkeypatch.setattr(coverage, "load_geometry", lambda: FakeGeometry(kb.referential))
    data = copy_shipped(tmp_path / "data")
    broken = data / "schemes/cls/cls-gap.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("status:", "stauts:"), "utf-8")
    out = tmp_path / "public"
    result = invoke("site", "-o", str(out), data=data)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("wrote ") and "cls-gap.yaml" in lines[1]
    assert "the site leaves out the records of this file" in lines[1]
    assert (out / "demarches/cls-nice.html").is_file()
    assert not (out / "demarches/cls-gap.html").exists()


def test_one_process_or_two_write_the_same_site(kb, site, tmp_path):
    out = tmp_path / "alone"
    build.run(kb, out, today=DAY, geometry=FakeGeometry(kb.referential), jobs=1)
    ours = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    theirs = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert ours == theirs
    for relative in ("departements/06.html", "demarches/clsm-nice.html", "index.html"):
        assert (out / relative).read_bytes() == (site / relative).read_bytes()
    first, second = build.split_work(["01", "02", "03"], {"01": [], "02": [], "03": []}, 2)
    assert sorted(first + second) == ["01", "02", "03"] and first and second


def test_the_files_left_out_are_counted_in_french(tmp_path, monkeypatch):
    from ..conftest import copy_shipped, set_language

    data = copy_shipped(tmp_path / "data")
    for name in ("cls/cls-gap.yaml", "cls/cls-nice.yaml"):
        broken = data / "schemes" / name
        text = broken.read_text(encoding="utf-8").replace("status:", "stauts:")
        broken.write_text(text, "utf-8")
    set_language(monkeypatch, "fr_FR.UTF-8")
    said = build.unloadable(KnowledgeBase.load(data))
    assert said is not None and "cls-gap.yaml" in said
    words = "le site laisse de côté les fiches de ce fichier et de 1 autre fichier"
    assert f"\u00a0; {words}\u00a0: `dts check` liste les problèmes" in said


def test_a_site_built_again_rewrites_only_what_changed(kb, site, tmp_path):
    import os
    import shutil

    out = tmp_path / "again"
    shutil.copytree(site, out)
    old = 1_000_000_000  # 2001: any date the build would not write
    for path in out.rglob("*"):
        os.utime(path, (old, old))
    home = out / "index.html"
    home.write_text("une page périmée", encoding="utf-8")
    os.utime(home, (old, old))
    build.run(kb, out, today=DAY, geometry=FakeGeometry(kb.referential), jobs=1)
    touched = sorted(p.relative_to(out) for p in out.rglob("*.*") if p.stat().st_mtime != old)
    assert touched == [Path("index.html")]
    assert home.read_bytes() == (site / "index.html").read_bytes()
    assert not list(out.rglob("*.tmp"))


def test_the_site_is_written_with_the_umask(kb, tmp_path):
    import os

    previous = os.umask(0o027)
    try:
        out = tmp_path / "public"
        build.run(kb, out, today=DAY, geometry=FakeGeometry(kb.referential), jobs=1)
    finally:
        os.umask(previous)
    modes = {p.stat().st_mode & 0o777 for p in out.rglob("*") if p.is_file()}
    assert modes == {0o640}
