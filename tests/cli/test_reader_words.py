"""What readers see, built from the shipped data, holds no internal word: no seed, no
working note (LEGAL.md, SOURCES.md), no path of the machine, and on a French page no
English status or `unknown`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import set_language

INTERNAL = re.compile(
    r"\bseeds?\b|LEGAL\.md|SOURCES\.md|DESIGN\.md|/work/|\b00\d_[0-9a-f]{8}", re.I
)
ENGLISH_STATUS = re.compile(
    r"\b(?:unknown|inferred|stated|guessed|in_preparation|renewal|expired)\b"
)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S)
TAG = re.compile(r"<[^>]+>")
SHOWN = ("CLS", "clsm-nice", "cls-albi", "cls-manosque", "l-sebbag", "celine-mansour",
         "decret-2023-12-28-qpv", "instruction-2025-05-13-referentiel-clsm", "legifrance",
         "site-ars-paca-dac", "pays-cevennes")  # fmt: skip
SHEETS = (("CLS",), ("CLSM", "--region", "93"), ("DAC",), ("PTSM",), ("clsm-nice",),
          ("cls-albi",), ("--territory", "local:pays-cevennes"))  # fmt: skip


def visible(html: str) -> str:
    """The text of a page as a reader sees it: no scripts, styles, tags or attributes."""
    return TAG.sub(" ", SCRIPT_OR_STYLE.sub(" ", html))


@pytest.fixture
def french(monkeypatch):
    set_language(monkeypatch, "fr_FR.UTF-8")


def outputs(invoke, tmp_path: Path) -> dict[str, str]:
    """Every reader-facing output of the shipped data, by name."""
    found: dict[str, str] = {"list": invoke("list").stdout}
    for record in SHOWN:
        found[f"show {record}"] = invoke("show", record).stdout
    for view in ("summary", "completeness", "freshness"):
        found[f"stats {view}"] = invoke("stats", view).stdout
    for args in SHEETS:
        found[f"sheet {' '.join(args)}"] = invoke("sheet", *args).stdout
    for fmt in ("json", "csv", "ris"):
        found[f"export {fmt}"] = invoke("export", "--format", fmt).stdout
    site = tmp_path / "site"
    assert invoke("site", "-o", str(site)).exit_code == 0
    for page in sorted(site.rglob("*.html")):
        found[f"site {page.relative_to(site)}"] = visible(page.read_text(encoding="utf-8"))
    return found


def test_no_internal_word_and_no_english_status_reaches_readers(invoke, tmp_path, french):
    found = outputs(invoke, tmp_path)
    assert len([name for name in found if name.startswith("site ")]) > 50
    internal = {name: INTERNAL.findall(text) for name, text in found.items()}
    assert {name: words for name, words in internal.items() if words} == {}
    french_pages = {
        name: ENGLISH_STATUS.findall(text)
        for name, text in found.items()
        if not name.startswith("export ")  # exports are data: the codes, not words
    }
    assert {name: words for name, words in french_pages.items() if words} == {}
    # and the facts readers must see are there
    assert "actif (déduit)" in found["sheet clsm-nice"]
    assert "actif (déduit), source du 17 novembre 2021" in found["list"]
    assert "nom déduit de l'adresse électronique" in found["sheet CLSM --region 93"]
