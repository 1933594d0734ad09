"""The record cache and the list index never serve stale data."""

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dtscli import KnowledgeBase  # the public name: its cache_dir= opens the caches

ROOT = Path(__file__).resolve().parent.parent.parent


def snapshot(kb: KnowledgeBase) -> dict:
    """Everything a load produces, comparable between a cached and a cold load."""
    records = {
        kind: {rid: loaded.record.model_dump(mode="json") for rid, loaded in bucket.items()}
        for kind, bucket in kb.records.items()
    }
    findings = sorted((f.path, f.line, f.column, f.rule, f.message) for f in kb.findings)
    return {"records": records, "findings": findings, "unreadable": sorted(kb.unreadable)}


def touch_later(path: Path) -> None:
    """Change the modification time even on coarse clocks."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


@pytest.fixture
def base(shipped_copy: Path) -> Path:
    return shipped_copy


def test_cached_load_equals_cold_load_through_edits(base, tmp_path):
    cache = tmp_path / "cache"
    cold = lambda: snapshot(KnowledgeBase.load(base, use_cache=False))  # noqa: E731
    warm = lambda: snapshot(KnowledgeBase.load(base, cache_dir=cache))  # noqa: E731
    assert warm() == cold()
    assert (next(iter(cache.iterdir())) / "records.marshal").exists()
    assert warm() == cold()  # served from the cache

    nice = base / "schemes/clsm/clsm-nice.yaml"
    nice.write_text(nice.read_text(encoding="utf-8").replace("status: active", "status: expired"))
    touch_later(nice)
    (base / "contacts/reseda.yaml").unlink()
    (base / "schemes/clsm/clsm-test.yaml").write_text(
        "id: clsm-test\ntype: CLSM\nname: Test\nterritory: commune:06029\nstauts: active\n"
        "sources: [{document: cres-paca-bibliographie-dts-2023, as_of: 2023-04-25}]\n",
        encoding="utf-8",
    )
    after = warm()
    assert after == cold()
    assert after["records"]["scheme"]["clsm-nice"]["status"] == "expired"
    assert "reseda" not in after["records"]["contact"]
    assert any(f[3] == "schema-unknown-key" for f in after["findings"])


def edit_keeping_size_and_time(path: Path) -> None:
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status: active", "status: renewa"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_check_sees_an_edit_that_keeps_size_and_time(base, tmp_path, monkeypatch):
    from dtscli.commands.check import check_base

    monkeypatch.setenv("DTS_CACHE_DIR", str(tmp_path / "cache"))
    assert (
        check_base(base).count(__import__("dtscli.data.findings").data.findings.Severity.error) == 0
    )
    edit_keeping_size_and_time(base / "schemes/clsm/clsm-nice.yaml")
    report = check_base(base)
    assert [(f.rule, f.line) for f in report.findings if f.path.endswith("clsm-nice.yaml")] == [
        ("schema-value", 5)
    ]


def test_an_edit_right_after_caching_is_rehashed(base, tmp_path, monkeypatch):
    import dtscli.cache.store

    # the load must stay within the racy window after the touch, even on a busy machine
    monkeypatch.setattr(dtscli.cache.store, "RACY_SECONDS", 60.0)
    cache = tmp_path / "cache"
    nice = base / "schemes/clsm/clsm-nice.yaml"
    nice.touch()  # modified now: within the racy window of the save that follows
    KnowledgeBase.load(base, cache_dir=cache)
    edit_keeping_size_and_time(nice)
    kb = KnowledgeBase.load(base, cache_dir=cache)
    assert "clsm-nice" not in kb.records["scheme"]  # 'renewa' is not a status


def test_cache_is_dropped_when_the_code_changes(base, tmp_path, monkeypatch):
    from dtscli.cache import records as cache
    from dtscli.cache import store

    folder = tmp_path / "cache"
    KnowledgeBase.load(base, cache_dir=folder)
    assert cache.RecordCache.open(base, folder).entries
    monkeypatch.setattr(store, "code_fingerprint", lambda: "another version")
    opened = cache.RecordCache.open(base, folder)
    assert opened.entries == {}


def run_list(data: Path, cache: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DTS_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "dtscli", "list", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_list_index_follows_every_change(base, tmp_path):
    cache = tmp_path / "cache"
    first = run_list(base, cache, "--type", "CLSM", "--dept", "06", "-f", "csv")
    assert first.returncode == 0 and first.stdout.count("\n") == 11  # header and ten rows
    assert list(next(iter(cache.iterdir())).glob("list-clsm@06.marshal"))
    again = run_list(base, cache, "--type", "CLSM", "--dept", "06", "-f", "csv")
    assert again.stdout == first.stdout  # from the index

    nice = base / "schemes/clsm/clsm-nice.yaml"
    nice.write_text(nice.read_text(encoding="utf-8").replace("status: active", "status: expired"))
    touch_later(nice)
    changed = run_list(base, cache, "--type", "CLSM", "--dept", "06", "-f", "csv")
    assert "clsm-nice,CLSM" in changed.stdout and ",expired," in changed.stdout

    (base / "schemes/clsm/clsm-menton.yaml").unlink()
    time.sleep(0.01)
    removed = run_list(base, cache, "--type", "CLSM", "--dept", "06", "-f", "csv")
    assert "clsm-menton" not in removed.stdout and removed.stdout.count("\n") == 10

    local = base / "territories/local/pays-de-martigues.yaml"
    local.write_text(local.read_text(encoding="utf-8").replace("'13098'", "'06029'"))
    touch_later(local)
    moved = run_list(base, cache, "--type", "CLSM", "--dept", "06", "-f", "csv")
    assert "clsm-pays-de-martigues" in moved.stdout  # a territory edit reaches the index


def test_synthetic_base_generator_and_cache(tmp_path):
    out = tmp_path / "nat"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/synth.py"), str(out), "--schemes", "300"],
        capture_output=True,
        text=True,
        check=True,
    )
    counts = json.loads(result.stdout)
    assert counts["schemes"] == 300 and counts["contacts"] == 60 and counts["documents"] == 30
    assert len(list(out.glob("schemes/*/*-synth-*.yaml"))) == 300
    cache = tmp_path / "cache"
    cold = snapshot(KnowledgeBase.load(out, use_cache=False))
    assert snapshot(KnowledgeBase.load(out, cache_dir=cache)) == cold
    assert snapshot(KnowledgeBase.load(out, cache_dir=cache)) == cold
    assert cold["findings"], "the synthetic base carries a few invalid records"


def test_cache_dir_and_no_cache_options(invoke, shipped_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("DTS_CACHE_DIR", os.environ["DTS_CACHE_DIR"])  # restored after the test
    monkeypatch.setenv("DTS_NO_CACHE", "0")
    chosen = tmp_path / "chosen"
    result = invoke("--cache-dir", str(chosen), "check", "--data-dir", str(shipped_copy), data=None)
    assert result.exit_code == 0, result.output
    saved = {p.name for p in chosen.rglob("*") if p.is_file()}
    assert {"records.marshal", "check-state.marshal", "referential.marshal"} <= saved
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("DTS_CACHE_DIR", str(elsewhere))
    result = invoke("--no-cache", "check", "--data-dir", str(shipped_copy), data=None)
    assert result.exit_code == 0, result.output
    assert not elsewhere.exists()


TERRITORY_QUERIES = [
    ("--territory", "Nice"),
    ("--territory", "commune:13056"),
    ("--territory", "dept:06", "--type", "CLSM"),
    ("--territory", "region:93", "--status", "active"),
    ("--territory", "local:pays-de-martigues"),
    ("--territory", "Martigues", "--dept", "13"),
    ("--territory", "dept:13", "--dept", "06"),  # nothing: the filters exclude each other
    ("--territory", "La Garde"),  # ambiguous: the same message both ways
    ("--territory", "Atlantide"),  # unknown
]


@pytest.mark.parametrize("args", TERRITORY_QUERIES)
def test_territory_queries_from_the_index_match_the_base(base, tmp_path, monkeypatch, args):
    from dtscli.cache import listindex as listing
    from dtscli.util.errors import DtsError

    monkeypatch.setenv("DTS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DTS_NO_CACHE", raising=False)
    options = {"types": [], "depts": [], "regions": [], "statuses": [], "territory": None}
    names = {"--territory": "territory", "--type": "types", "--dept": "depts",
             "--status": "statuses"}  # fmt: skip
    for flag, value in zip(args[::2], args[1::2], strict=True):
        key = names[flag]
        options[key] = value if key == "territory" else [value]

    def listed(**given) -> str:
        out = io.StringIO()
        try:
            listing.list_command(base, text=None, fmt="csv", out=out, **given)
        except DtsError as error:
            return f"error: {error}"
        return out.getvalue()

    monkeypatch.setenv("DTS_NO_CACHE", "1")
    from_base = listed(**options)
    monkeypatch.delenv("DTS_NO_CACHE")
    listed(types=[], depts=[], regions=[], statuses=[], territory=None)  # writes the index

    def refuse(*args, **kwargs):
        raise AssertionError("the index was not used")

    monkeypatch.setattr(listing, "_list_from_base", refuse)
    assert listed(**options) == from_base
    if args[1] == "Nice":
        assert "clsm-nice,CLSM" in from_base


def listing_of(base: Path, capsys, **given) -> tuple[int, str, str]:
    """Exit code, rows (CSV) and problems of a `dts list` run in this process."""
    from dtscli.cache import listindex as listing

    options = {"types": [], "depts": [], "regions": [], "statuses": [], "territory": None}
    out = io.StringIO()
    code = listing.list_command(base, text=None, fmt="csv", out=out, **{**options, **given})
    return code, out.getvalue(), capsys.readouterr().err


def edit_in_place(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    touch_later(path)


def test_the_index_of_a_folder_follows_edits_file_by_file(base, tmp_path, monkeypatch, capsys):
    from dtscli.cache import listindex as listing

    monkeypatch.setenv("DTS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DTS_NO_CACHE", raising=False)
    listing_of(base, capsys)  # the index, from the whole base
    clsm = base / "schemes/clsm"
    nice, antibes = clsm / "clsm-nice.yaml", clsm / "clsm-antibes.yaml"
    steps = [
        lambda: edit_in_place(nice, "status: active", "status: expired"),
        lambda: (clsm / "clsm-neuf.yaml").write_text(
            nice.read_text(encoding="utf-8").replace("id: clsm-nice", "id: clsm-neuf"),
            encoding="utf-8",
        ),
        lambda: edit_in_place(antibes, "status: ", "status: bientot-"),  # now unreadable
        lambda: edit_in_place(antibes, "status: bientot-", "status: "),  # readable again
        lambda: (clsm / "clsm-menton.yaml").unlink(),
        lambda: edit_in_place(nice, "name: ", "name: Le "),
    ]
    slow = listing._list_from_base

    def refuse(*args, **kwargs):
        raise AssertionError("the base was loaded: the folder's index was not refreshed")

    for step in steps:
        step()
        monkeypatch.setenv("DTS_NO_CACHE", "1")
        expected = [listing_of(base, capsys, types=t) for t in ([], ["CLSM"])]
        monkeypatch.delenv("DTS_NO_CACHE")
        monkeypatch.setattr(listing, "_list_from_base", refuse)
        assert [listing_of(base, capsys, types=t) for t in ([], ["CLSM"])] == expected
        monkeypatch.setattr(listing, "_list_from_base", slow)
    assert "clsm-neuf" in expected[1][1] and "clsm-menton" not in expected[1][1]


def test_an_id_taken_from_another_folder_loads_the_base(base, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DTS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DTS_NO_CACHE", raising=False)
    listing_of(base, capsys)
    other = next((base / "schemes/cls").glob("*.yaml")).stem
    edit_in_place(base / "schemes/clsm/clsm-nice.yaml", "id: clsm-nice", f"id: {other}")
    monkeypatch.setenv("DTS_NO_CACHE", "1")
    expected = listing_of(base, capsys, types=["CLSM"])
    monkeypatch.delenv("DTS_NO_CACHE")
    assert listing_of(base, capsys, types=["CLSM"]) == expected
