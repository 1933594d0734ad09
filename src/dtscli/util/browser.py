"""A headless Chromium, for what only a browser does well: a sheet printed to PDF (tables
kept whole, the page's print styles applied) and a map turned into a PNG for slides.

The browser is the one installed on the machine (`chromium` from Debian's packages, or
Chrome); dts never downloads one. `$DTS_BROWSER` names another executable.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from dtscli.util.errors import DtsError
from dtscli.util.i18n import _

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
)
TIMEOUT = 120


def find_browser() -> str:
    """The browser's executable, or one error saying how to install one."""
    named = os.environ.get("DTS_BROWSER")
    if named:
        found = shutil.which(named)
        if found:
            return found
        raise DtsError(f"DTS_BROWSER names {named!r}, which is not an executable")
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise DtsError(
        "no headless browser found: PDF sheets and PNG maps are printed by Chromium; install "
        "it (Debian/Ubuntu: apt-get install chromium) or name one with DTS_BROWSER"
    )


def _run(arguments: list[str], folder: Path, product: Path) -> None:
    browser = find_browser()
    command = [browser, *FLAGS, f"--user-data-dir={folder / 'profile'}", *arguments]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT, check=False, cwd=folder
        )
    except subprocess.TimeoutExpired:
        raise DtsError(
            _("{browser} did not finish within {seconds} s").format(
                browser=browser, seconds=TIMEOUT
            )
        ) from None
    except OSError as error:
        raise DtsError(
            _("cannot run {browser}: {problem}").format(
                browser=browser, problem=error.strerror or error
            )
        ) from None
    if not product.exists() or product.stat().st_size == 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise DtsError(
            _("{browser} wrote nothing (exit {code}): {said}").format(
                browser=browser, code=done.returncode, said=said[-1]
            )
            if said
            else _("{browser} wrote nothing (exit {code})").format(
                browser=browser, code=done.returncode
            )
        )


def html_to_pdf(html: str) -> bytes:
    """An HTML page printed to PDF with its own print styles, without the browser's header
    and footer."""
    with tempfile.TemporaryDirectory(prefix="dts-print-") as name:
        folder = Path(name)
        page = folder / "page.html"
        page.write_text(html, encoding="utf-8")
        product = folder / "page.pdf"
        _run(
            [f"--print-to-pdf={product}", "--no-pdf-header-footer", page.as_uri()],
            folder,
            product,
        )
        return product.read_bytes()


def svg_to_png(svg: str, width: int, height: int, scale: float = 2.0) -> bytes:
    """A standalone SVG drawn at `scale` times its size (2: sharp on slides)."""
    with tempfile.TemporaryDirectory(prefix="dts-png-") as name:
        folder = Path(name)
        page = folder / "map.html"
        page.write_text(
            '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>'
            "html,body{margin:0;background:#fff}svg{display:block}</style></head><body>"
            + svg
            + "</body></html>",
            encoding="utf-8",
        )
        product = folder / "map.png"
        _run(
            [
                f"--screenshot={product}",
                f"--window-size={width},{height}",
                f"--force-device-scale-factor={scale}",
                "--default-background-color=ffffffff",
                page.as_uri(),
            ],
            folder,
            product,
        )
        return product.read_bytes()
