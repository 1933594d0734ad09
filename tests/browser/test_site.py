"""The website in a real browser: pages load cleanly, links resolve, the maps mark the
right communes, the search finds what the CLI finds, axe-core finds no serious or critical
violation, and record text never runs."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from typer.testing import CliRunner

from dtscli.base.kb import SchemeQuery
from dtscli.cli import app

from ..conftest import SHIPPED

# One page of each type (and the index pages).
PAGES = {
    "accueil": "index.html",
    "type": "types/clsm.html",
    "régions": "regions/index.html",
    "région": "regions/93.html",
    "département": "departements/06.html",
    "démarche": "demarches/clsm-nice.html",
    "démarche (territoire de projet)": "demarches/cls-pays-cevennes.html",
    "textes": "textes/index.html",
    "texte": "textes/loi-2016-41.html",
    "territoires": "territoires/index.html",
    "territoire": "territoires/pays-cevennes.html",
    "bibliographie": "bibliographie/index.html",
    "bibliographie par type": "bibliographie/cls.html",
    "recherche": "recherche.html?q=Nice",
}


def url(site: Path, relative: str) -> str:
    path, _, query = relative.partition("?")
    return (site / path).as_uri() + (f"?{query}" if query else "")


@pytest.mark.parametrize("kind", list(PAGES))
def test_every_page_type_loads_without_console_errors(site, page, kind):
    response = page.goto(url(site, PAGES[kind]))
    assert response is None or response.ok
    page.wait_for_load_state("load")
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text().strip()
    assert page.locator("#titre-sources").count() == 1, "every page shows its sources"
    footer = page.locator("footer").inner_text()
    assert "Site établi le 1er décembre 2026" in footer
    assert page.console_errors == [], page.console_errors
    assert page.failed == [], page.failed
    # the stylesheet applied (the header's rule under the title)
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.entete')).borderBottomStyle")
        == "solid"
    )


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key == "id" and value:
                self.ids.add(value)
            if key in ("href", "src") and value:
                self.targets.append(value)


def test_every_internal_link_and_asset_resolves(site):
    parsed: dict[Path, Links] = {}
    files = sorted(site.rglob("*.html"))
    assert len(files) > 150
    for file in files:
        links = Links()
        links.feed(file.read_text(encoding="utf-8"))
        parsed[file] = links
    checked = 0
    for file, links in parsed.items():
        for target in links.targets:
            parts = urlsplit(target)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            assert not parts.scheme, f"{file}: unexpected link {target!r}"
            resolved = (file.parent / unquote(parts.path)).resolve() if parts.path else file
            assert resolved.exists(), f"{file.relative_to(site)}: {target} does not resolve"
            assert site.resolve() in resolved.parents, f"{file}: {target} leaves the site"
            if parts.fragment and resolved.suffix == ".html":
                ids = parsed[resolved].ids if resolved in parsed else set()
                assert parts.fragment in ids, f"{file.relative_to(site)}: no #{parts.fragment}"
            checked += 1
    assert checked > 1000


def test_the_clsm_map_of_the_alpes_maritimes_marks_exactly_the_covered_communes(
    site, page, shipped_kb
):
    expected: set[str] = set()
    for loaded in shipped_kb.query(SchemeQuery(types=["CLSM"], depts=["06"])):
        expected |= shipped_kb.territory(loaded.record.territory).communes
    expected &= set(shipped_kb.referential.communes_of_dept("06"))
    assert len(expected) == 10
    page.goto(url(site, "departements/06.html"))
    figure = page.locator("#carte-clsm-06")
    marked = figure.locator("svg path[data-status]")
    codes = set(marked.evaluate_all("nodes => nodes.map(n => n.dataset.code)"))
    assert codes == expected
    assert set(marked.evaluate_all("nodes => nodes.map(n => n.dataset.status)")) == {"active"}
    drawn = figure.locator("svg path[data-code]").count()
    assert drawn == len(shipped_kb.referential.communes_of_dept("06"))
    nice = figure.locator('svg path[data-code="06088"] > title')
    assert (
        nice.text_content()
        == "Nice (06088)\u00a0: Conseil local de santé mentale de Nice (actif, déduit)"
    )
    assert figure.locator("svg").get_attribute("role") == "img"
    # the communes as text, for screen readers
    items = figure.locator("ul.couvertes li")
    assert set(items.evaluate_all("nodes => nodes.map(n => n.dataset.code)")) == expected
    # the map is drawn: a covered commune is filled with the status colour
    fill = page.evaluate(
        "getComputedStyle(document.querySelector('#carte-clsm-06 path[data-code=\"06088\"]')).fill"
    )
    assert fill == "rgb(0, 121, 91)"


def cli_ids(*args: str) -> set[str]:
    result = CliRunner().invoke(
        app, ["list", *args, "--format", "json", "--data-dir", str(SHIPPED)]
    )
    assert result.exit_code == 0, result.output
    start = result.stdout.index("[")
    return {row["id"] for row in json.loads(result.stdout[start:])}


def result_links(page) -> set[str]:
    hrefs = page.locator("#resultats a").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('href'))"
    )
    return {m.group(1) for h in hrefs if (m := re.fullmatch(r"demarches/(.+)\.html", h))}


def test_search_for_cevennes_finds_what_dts_list_text_finds(site, page):
    wanted = cli_ids("--text", "Cévennes")
    assert wanted == {"cls-pays-cevennes", "asv-pays-cevennes"}
    page.goto(url(site, "recherche.html?q=Cévennes"))
    page.wait_for_selector("#resume-recherche")
    assert wanted <= result_links(page)
    # the local territory is found too
    territories = page.locator("#resultats a[href='territoires/pays-cevennes.html']")
    assert territories.count() >= 1
    assert page.console_errors == []


def test_search_for_la_garde_finds_what_dts_list_territory_finds(site, page, shipped_kb):
    communes = shipped_kb.referential.find_by_name("La Garde")
    assert len(communes) == 3
    page.goto(url(site, "recherche.html?q=La%20Garde"))
    page.wait_for_selector("#resume-recherche")
    for commune in communes:
        wanted = cli_ids("--territory", commune.ref)
        item = page.locator(f"#resultats li[data-commune='{commune.code}']")
        assert item.count() == 1, commune.ref
        hrefs = item.locator("a").evaluate_all("nodes => nodes.map(n => n.getAttribute('href'))")
        assert {h.split("/")[-1][:-5] for h in hrefs} == wanted, commune.ref
    assert "cls-la-garde" in result_links(page)


def test_search_form_works_from_the_page(site, page):
    page.goto(url(site, "recherche.html"))
    page.fill("#q", "instruction clsm")
    page.click("button[type=submit]")
    page.wait_for_selector("#resume-recherche")
    texts = page.locator("#resultats a[href^='textes/']")
    assert texts.count() >= 1


AXE = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"


@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_core_finds_no_serious_or_critical_violation(site, page, kind):
    page.goto(url(site, PAGES[kind]))
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
    )
    assert results["passes"], "axe-core ran no check"
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []


def test_a_record_carrying_script_shows_as_text(hostile_site, page):
    site, name = hostile_site
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url(site, "demarches/clsm-nice.html"))
    assert page.locator("h1").inner_text() == name
    assert page.locator("script").count() == 0
    assert page.locator("img[src=x]").count() == 0
    assert "javascript:alert(2)" in page.locator("main").inner_text()
    hrefs = page.locator("a").evaluate_all("nodes => nodes.map(n => n.getAttribute('href'))")
    assert not [h for h in hrefs if h and "javascript" in h.lower()]
    # the map's tooltip holds the name as text
    title = page.locator("#carte-territoire svg path[data-code='06088'] > title")
    assert name in title.text_content()
    for relative in ("departements/06.html", "regions/93.html", "types/clsm.html"):
        page.goto(url(site, relative))
        assert page.locator("script").count() == 0
        assert page.locator(f"a:text-is('{name}')").count() >= 1 or name in page.inner_text("main")
    page.goto(url(site, "regions/93.html"))
    sites = page.locator("a[href^='https://example.org']").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('href'))"
    )
    assert sites == [], "an address with a quote is shown, not linked"
    page.goto(url(site, "recherche.html?q=piegee"))
    page.wait_for_selector("#resume-recherche")
    assert page.locator("#resultats a", has_text="Démarche piégée").count() == 1
    assert page.locator("#resultats script, #resultats img").count() == 0
    assert dialogs == []
    assert page.console_errors == []


def test_everything_but_search_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url(site, "departements/06.html"))
    assert page.locator("#carte-clsm-06 svg path[data-status]").count() == 10
    page.click("text=Régions et départements")
    assert page.url.endswith("regions/index.html")
    page.goto(url(site, "recherche.html"))
    assert "La recherche a besoin de JavaScript" in page.content()
    context.close()
