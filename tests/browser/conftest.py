"""Browser tests: Debian's `chromium` driven by Playwright (no browser download), on a site
built from the shipped data with the committed geometry. They never skip: CI installs
chromium (`.ci/run`), and a machine without it fails here with the reason."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dtscli.base.kb import KnowledgeBase
from dtscli.site import build

from ..conftest import SHIPPED, copy_shipped

DAY = dt.date(2026, 12, 1)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "chromium is not installed: apt-get install -y chromium (see .ci/run)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.failed = []  # type: ignore[attr-defined]
    page.on("requestfailed", lambda r: page.failed.append(r.url))
    yield page
    context.close()


@pytest.fixture(scope="session")
def shipped_kb() -> KnowledgeBase:
    return KnowledgeBase.load(SHIPPED)


@pytest.fixture(scope="session")
def site(tmp_path_factory, shipped_kb) -> Path:
    """The site of the shipped data, with maps drawn on the committed geometry."""
    out = tmp_path_factory.mktemp("site") / "public"
    built = build.run(shipped_kb, out, today=DAY, jobs=1)  # no fork beside the browser
    assert built.maps is not None, "the committed geometry did not load"
    return out


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> tuple[Path, str]:
    """A site whose records carry HTML and script: a scheme named with a <script> element,
    notes with a javascript: link, a contact site with an attribute break-out."""
    data = copy_shipped(tmp_path_factory.mktemp("hostile") / "data")
    name = '<script>alert("nom")</script><img src=x onerror=alert(1)> Démarche piégée'
    scheme = data / "schemes/clsm/clsm-nice.yaml"
    text = scheme.read_text(encoding="utf-8")
    text = text.replace("name: Conseil local de santé mentale de Nice", f"name: '{name}'")
    text = text.replace(
        "notes: >-",
        'notes: >-\n  Voir javascript:alert(2) et <a href="javascript:alert(3)">ici</a>.',
    )
    scheme.write_text(text, encoding="utf-8")
    contact = data / "contacts/cres-paca.yaml"
    lines = contact.read_text(encoding="utf-8").splitlines()
    lines = [
        'website: "https://example.org/\\"><script>alert(4)</script>"'
        if line.startswith("website:")
        else line
        for line in lines
    ]
    contact.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kb = KnowledgeBase.load(data)
    assert kb.find("scheme", "clsm-nice").record.name == name
    out = tmp_path_factory.mktemp("hostile-site") / "public"
    build.run(kb, out, today=DAY, jobs=1)
    return out, name
