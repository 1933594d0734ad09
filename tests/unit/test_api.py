"""The library: `from dtscli import KnowledgeBase, check`, as the README shows it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from dtscli.util.errors import DtsError

from ..conftest import ROOT, SHIPPED

README = ROOT / "README.md"


def readme_python() -> list[str]:
    """The Python blocks of the README's "Use from Python" section, in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Use from Python\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_the_readme_example_runs_as_written_and_writes_no_cache(monkeypatch, tmp_path):
    cache = tmp_path / "cache"
    monkeypatch.setenv("DTS_CACHE_DIR", str(cache))
    monkeypatch.chdir(ROOT)
    blocks = readme_python()
    assert blocks, "README.md has no Python example under ## Use from Python"
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    frame = namespace["df"]
    assert len(frame) > 0 and {"id", "name", "status"} <= set(frame.columns)
    assert not cache.exists(), "a library call wrote a cache"


def test_schemes_select_what_dts_list_selects(invoke):
    from dtscli import KnowledgeBase

    kb = KnowledgeBase.load(SHIPPED)
    listed = json.loads(invoke("list", "--type", "CLSM", "--dept", "06", "--format", "json").stdout)
    found = kb.schemes(type="CLSM", dept="06")
    assert [s.id for s in found] == [row["id"] for row in listed]
    first = found[0]
    assert (first.name, first.territory, first.status) == (
        first.record.name,
        first.record.territory,
        first.record.status,
    )
    assert first.path.endswith(f"schemes/clsm/{first.id}.yaml")


def test_schemes_take_a_value_or_a_list_and_normalise_them():
    from dtscli import KnowledgeBase

    kb = KnowledgeBase.load(SHIPPED)
    both = kb.schemes(type=["cls", "CLSM"], dept="6")
    assert {s.record.type for s in both} == {"CLS", "CLSM"}
    assert {s.id for s in kb.schemes(type="CLSM", dept="06")} < {s.id for s in both}
    assert [s.id for s in kb.schemes(territory="Nice", type="CLSM")] == ["clsm-nice"]
    assert len(kb.schemes()) == len(kb.records["scheme"])
    with pytest.raises(DtsError, match="unknown scheme type 'clms' \\(did you mean CLS"):
        kb.schemes(type="clms")


def test_check_returns_the_findings_of_dts_check(invoke):
    from dtscli import Severity, check

    report = check(SHIPPED)
    cli = json.loads(invoke("check", "--format", "json").stdout)
    assert report.count(Severity.error) == cli["summary"]["error"] == 0
    assert sorted((f.path, f.line, f.rule) for f in report.findings) == sorted(
        (f["path"], f["line"], f["rule"]) for f in cli["findings"]
    )
    with pytest.raises(DtsError):
        check(ROOT / "no-such-folder")


def test_importing_the_package_loads_nothing_heavy():
    script = (
        "import sys, dtscli; print(sorted(m for m in sys.modules if m.startswith(("
        "'pydantic', 'typer', 'dtscli.'))))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
