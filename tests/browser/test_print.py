"""What the headless browser prints: a PDF sheet, a PNG map."""

from __future__ import annotations

import re
import subprocess

from ..conftest import SHIPPED


def test_sheet_as_pdf_keeps_tables_whole(invoke, tmp_path):
    out = tmp_path / "clsm-06.pdf"
    result = invoke("sheet", "CLSM", "--dept", "06", "-o", str(out), "--date", "2026-12-01")
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = int(re.search(rb"/Type\s*/Pages\b.*?/Count (\d+)", data, re.S).group(1))
    assert 2 <= pages <= 8
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    first = text.split("\f")[0]
    assert "Communes couvertes (10)" in first and "Combien en compte-t-on" in first
    # the list of the ten CLSM is one table on one page (rows wrap: « actif (déduit) (au… »)
    holding = [page for page in text.split("\f") if "mentale d'Antibes" in page]
    assert len(holding) == 1 and "mentale de Vence" in holding[0]
    assert "actif (déduit)" in holding[0]


def test_map_as_png(invoke, tmp_path):
    out = tmp_path / "clsm-06.png"
    result = invoke("map", "--type", "CLSM", "--dept", "06", "-o", str(out), data=SHIPPED)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    assert width == 2000  # 1,000 units drawn at twice the size, for slides


def test_pdf_without_a_browser_is_one_clear_error(invoke, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("DTS_BROWSER", raising=False)
    result = invoke("sheet", "CLSM", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no headless browser found")
    assert not (tmp_path / "x.pdf").exists()
