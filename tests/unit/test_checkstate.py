"""A check from the saved state reports exactly what a check of the whole base reports,
whatever changed in between, and re-reads only the changed files when it can."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from dtscli.checks.runner import Report
from dtscli.commands.check import check_base

from ..checks.test_check_property import mutated
from ..conftest import copy_shipped

TODAY = dt.date(2026, 11, 24)


def findings(report: Report) -> list[tuple]:
    return [
        (f.path, f.line, f.column, f.rule, f.severity.value, f.message, f.hint, f.record_id)
        for f in report.findings
    ]


def whole(data: Path, tmp_path: Path, today: dt.date = TODAY) -> list[tuple]:
    """A check with no cache at all: every file read, every rule run."""
    fresh = tmp_path / f"cold-{os.urandom(4).hex()}"
    report = check_base(data, today=today, cache_dir=fresh)
    assert report.reread is None
    shutil.rmtree(fresh)
    return findings(report)


def line_of(path: Path, key: str) -> str:
    """The first line of a record that sets `key`."""
    text = path.read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith(f"{key}:"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state-cache"


def again(data: Path, cache: Path, today: dt.date = TODAY) -> Report:
    return check_base(data, today=today, cache_dir=cache)


def test_unchanged_base_is_served_from_the_state(shipped_copy, state, tmp_path):
    first = again(shipped_copy, state)
    assert first.reread is None  # nothing saved yet: the whole base
    second = again(shipped_copy, state)
    assert second.reread == 0
    assert findings(second) == findings(first) == whole(shipped_copy, tmp_path)


def test_an_everyday_edit_rereads_one_file(shipped_copy, state, tmp_path):
    again(shipped_copy, state)
    nice = shipped_copy / "schemes/clsm/clsm-nice.yaml"
    edit(nice, "name: ", "name: Nouveau nom — ")
    report = again(shipped_copy, state)
    assert report.reread == 1
    assert findings(report) == whole(shipped_copy, tmp_path)
    assert again(shipped_copy, state).reread in (0, 1)  # 1 while its time is too recent


def test_a_touched_file_is_not_parsed_again(shipped_copy, state, tmp_path):
    """Same content, new times (a checkout, `touch`): the content's digest says so, and the
    re-check neither parses the file nor loads the YAML library for it."""
    import subprocess
    import sys

    again(shipped_copy, state)
    nice = shipped_copy / "schemes/clsm/clsm-nice.yaml"
    os.utime(nice, ns=(nice.stat().st_atime_ns, nice.stat().st_mtime_ns + 10**9))
    code = (
        "import sys, datetime as dt; from pathlib import Path; "
        "from dtscli.commands.check import check_base; "
        f"report = check_base(Path({str(shipped_copy)!r}), today=dt.date(2026, 11, 24), "
        f"cache_dir=Path({str(state)!r})); "
        "print(report.reread, 'ruamel.yaml' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    reread, yaml_loaded = done.stdout.split()
    assert int(reread) >= 1 and yaml_loaded == "False"
    assert findings(again(shipped_copy, state)) == whole(shipped_copy, tmp_path)


def test_a_new_finding_in_the_edited_file_appears(shipped_copy, state, tmp_path):
    again(shipped_copy, state)
    contact = next((shipped_copy / "contacts").glob("*.yaml"))
    line = line_of(contact, "published_on")
    edit(contact, line, "published_on: 2030-01-01")
    report = again(shipped_copy, state)
    assert report.reread == 1
    assert any(f.rule == "contact-verified" and "future" in f.message for f in report.findings)
    assert findings(report) == whole(shipped_copy, tmp_path)


def test_a_suppression_comment_is_honoured(shipped_copy, state, tmp_path):
    again(shipped_copy, state)
    scheme = shipped_copy / "schemes/clsm/clsm-nice.yaml"  # its status rests on 2021
    line = line_of(scheme, "status")
    before = [f for f in again(shipped_copy, state).findings if f.path.endswith(scheme.name)]
    assert any(f.rule == "status-source-old" for f in before)
    edit(scheme, line, line + "  # dts: disable=status-source-old")
    report = again(shipped_copy, state)
    assert report.reread == 1
    assert not any(
        f.rule == "status-source-old" and f.path.endswith(scheme.name) for f in report.findings
    )
    assert findings(report) == whole(shipped_copy, tmp_path)


@pytest.mark.parametrize(
    ("relative", "old", "new", "why"),
    [
        ("schemes/clsm/clsm-nice.yaml", "status: active", "status: bientot", "now unreadable"),
        ("schemes/clsm/clsm-nice.yaml", "id: clsm-nice", "id: clsm-nizza", "id changed"),
        ("schemes/clsm/clsm-nice.yaml", "territory: commune:06088", "territory: commune:06004",
         "a CLSM moved"),
        ("schemes/CLS.yaml", "duration_years: 5", "duration_years: 3", "a type record"),
        ("legal/loi-2022-217.yaml", "in_force_on: 2022-02-23", "in_force_on: 2023-02-23",
         "the 3DS date"),
    ],
)  # fmt: skip
def test_edits_other_files_depend_on_check_the_whole_base(
    shipped_copy, state, tmp_path, relative, old, new, why
):
    again(shipped_copy, state)
    edit(shipped_copy / relative, old, new)
    report = again(shipped_copy, state)
    assert report.reread is None, why
    assert findings(report) == whole(shipped_copy, tmp_path)


def test_a_territory_not_resolved_before_checks_the_whole_base(shipped_copy, state, tmp_path):
    again(shipped_copy, state)
    cls = next((shipped_copy / "schemes/cls").glob("*.yaml"))
    paris = "territory: commune:75056"  # no record of the base is there
    edit(cls, line_of(cls, "territory"), paris)
    report = again(shipped_copy, state)
    assert report.reread is None
    assert findings(report) == whole(shipped_copy, tmp_path)


def test_a_new_record_is_checked_alone(shipped_copy, state, tmp_path):
    again(shipped_copy, state)
    albi = shipped_copy / "schemes/cls/cls-albi.yaml"
    text = albi.read_text(encoding="utf-8").replace("id: cls-albi", "id: cls-albi-bis", 1)
    (albi.with_name("cls-albi-bis.yaml")).write_text(text, encoding="utf-8")
    report = again(shipped_copy, state)
    assert report.reread is not None and report.reread >= 1
    assert report.files_checked == len(list(shipped_copy.rglob("*.yaml"))) - 4  # referential
    assert findings(report) == whole(shipped_copy, tmp_path)
    assert again(shipped_copy, state).reread is not None  # and the state holds it


def test_a_new_record_resolves_references_to_it(shipped_copy, state, tmp_path):
    albi = shipped_copy / "schemes/cls/cls-albi.yaml"
    cited = "ars-occitanie-sante-mentale-cls-contrats-de-ville-2024"
    edit(albi, f"document: {cited}", "document: rapport-a-venir")
    first = again(shipped_copy, state)
    assert any(f.rule == "ref-document" and "rapport-a-venir" in f.message for f in first.findings)
    source = shipped_copy / "documents" / f"{cited}.yaml"
    text = source.read_text(encoding="utf-8").replace(f"id: {cited}", "id: rapport-a-venir")
    (source.with_name("rapport-a-venir.yaml")).write_text(text, encoding="utf-8")
    report = again(shipped_copy, state)
    assert report.reread is not None and report.reread >= 2  # the new file and the CLS
    assert not [f for f in report.findings if f.rule == "ref-document"]
    assert findings(report) == whole(shipped_copy, tmp_path)


@pytest.mark.parametrize(
    ("relative", "content"),
    [
        ("contacts/brouillon.yaml", "id: brouillon\nkind: [\n"),  # unreadable
        ("schemes/clsm/clsm-neuf.yaml", "id: clsm-neuf\ntype: CLSM\n"),  # a CLSM: whole
        ("schemes/autres/cls-ailleurs.yaml", "id: cls-ailleurs\n"),  # a new folder
        ("documents/notes.txt", "not a record\n"),
    ],
)
def test_other_new_files(shipped_copy, state, tmp_path, relative, content):
    again(shipped_copy, state)
    target = shipped_copy / relative
    target.parent.mkdir(exist_ok=True)
    target.write_text(content, encoding="utf-8")
    report = again(shipped_copy, state)
    assert findings(report) == whole(shipped_copy, tmp_path)


def test_files_added_and_deleted(shipped_copy, state, tmp_path):
    again(shipped_copy, state)
    nice = shipped_copy / "schemes/clsm/clsm-nice.yaml"
    copy = nice.with_name("clsm-nice-bis.yaml")
    copy.write_text(nice.read_text(encoding="utf-8"), encoding="utf-8")  # a duplicate id
    report = again(shipped_copy, state)
    assert report.reread is None
    assert any(f.rule == "id-unique" for f in report.findings)
    assert findings(report) == whole(shipped_copy, tmp_path)
    nice.unlink()  # its CLS may lose their CLSM; references to it break
    assert findings(again(shipped_copy, state)) == whole(shipped_copy, tmp_path)


def test_an_edit_that_restores_size_and_time_is_seen(shipped_copy, state, tmp_path):
    again(shipped_copy, state)
    nice = shipped_copy / "schemes/clsm/clsm-nice.yaml"
    stat = nice.stat()
    edit(nice, "status: active", "status: expire")  # same size, and unreadable
    os.utime(nice, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert nice.stat().st_size == stat.st_size
    report = again(shipped_copy, state)
    assert any(
        f.rule == "schema-value" and f.path.endswith("clsm-nice.yaml") for f in report.findings
    )
    assert findings(report) == whole(shipped_copy, tmp_path)


def test_a_touched_file_keeps_its_findings(shipped_copy, state, tmp_path):
    again(shipped_copy, state)
    nice = shipped_copy / "schemes/clsm/clsm-nice.yaml"
    os.utime(nice, ns=(nice.stat().st_atime_ns, nice.stat().st_mtime_ns + 5_000_000_000))
    report = again(shipped_copy, state)
    assert report.reread == 1
    assert findings(report) == whole(shipped_copy, tmp_path)


def test_another_day_or_configuration_checks_the_whole_base(shipped_copy, state, tmp_path):
    again(shipped_copy, state)
    later = dt.date(2027, 11, 24)
    report = again(shipped_copy, state, today=later)
    assert report.reread is None
    assert findings(report) == whole(shipped_copy, tmp_path, today=later)
    (shipped_copy / "dts.toml").write_text('[rules]\ncontact-stale = "off"\n', encoding="utf-8")
    report = again(shipped_copy, state)
    assert report.reread is None
    assert not any(f.rule == "contact-stale" for f in report.findings)


def test_a_broken_state_file_is_ignored(shipped_copy, state, tmp_path):
    again(shipped_copy, state)
    for saved in state.rglob("check-state.marshal*"):
        saved.write_bytes(b"not a pickle")
    report = again(shipped_copy, state)
    assert report.reread is None
    assert findings(report) == whole(shipped_copy, tmp_path)


def test_many_edits_fold_the_delta_into_the_state(shipped_copy, state, tmp_path, monkeypatch):
    from dtscli.cache import checkstate

    monkeypatch.setattr(checkstate, "DELTA_LIMIT", 2)
    again(shipped_copy, state)
    for number, path in enumerate(sorted((shipped_copy / "documents").glob("*.yaml"))[:4]):
        path.write_text(path.read_text(encoding="utf-8") + f"# revu {number}\n", encoding="utf-8")
        assert again(shipped_copy, state).reread is not None
    assert not list(state.rglob("check-state.marshal.delta"))  # folded at the third edit
    assert findings(again(shipped_copy, state)) == whole(shipped_copy, tmp_path)


# ---------------------------------------------------------------- any change at all


@pytest.fixture(scope="module")
def primed(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the shipped base and a cache folder primed by a whole check of it."""
    root = tmp_path_factory.mktemp("primed")
    data = copy_shipped(root / "data")
    cache = root / "cache"
    check_base(data, today=TODAY, cache_dir=cache)
    return data, cache


def both_ways(data: Path, cache: Path, scratch: Path) -> tuple[list[tuple], list[tuple]]:
    """The findings of a check from a copy of the primed state, and of a whole check (a
    copy of the primed cache without the state)."""
    saved, reference = scratch / "saved", scratch / "reference"
    shutil.copytree(cache, saved)
    shutil.copytree(cache, reference, ignore=shutil.ignore_patterns("check-state.marshal*"))
    from_state = check_base(data, today=TODAY, cache_dir=saved)
    from_records = check_base(data, today=TODAY, cache_dir=reference)
    assert from_records.reread is None
    return findings(from_state), findings(from_records)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutated())
def test_any_new_file_reports_as_the_whole_check(primed, tmp_path_factory, case):
    """A copy of a record under a new name and id, then mutated: checked as a new file."""
    data, cache = primed
    relative, content = case
    stem = Path(relative).stem
    target = (data / relative).with_name(f"{stem}-copie.yaml")
    content = content.replace(f"id: {stem}".encode(), f"id: {stem}-copie".encode(), 1)
    try:
        target.write_bytes(content)
        from_state, from_records = both_ways(data, cache, tmp_path_factory.mktemp("case"))
        assert from_state == from_records
    finally:
        target.unlink()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutated())
def test_any_change_to_a_file_reports_as_the_whole_check(primed, tmp_path_factory, case):
    data, cache = primed
    relative, content = case
    target = data / relative
    original = target.read_bytes()
    try:
        target.write_bytes(content)
        from_state, from_records = both_ways(data, cache, tmp_path_factory.mktemp("case"))
        assert from_state == from_records
    finally:
        target.write_bytes(original)


# ---------------------------------------------------------------- folders not listed


def age(data: Path) -> None:
    """Put every time of the base an hour back, so that the saved stamps are trusted (a
    stamp this close to the check is not, and its folder is listed again)."""
    past = dt.datetime.now().timestamp() - 3600
    for folder, _, files in os.walk(data):
        for name in files:
            os.utime(os.path.join(folder, name), (past, past))
        os.utime(folder, (past, past))


def test_a_file_saved_by_renaming_over_it_is_seen(shipped_copy, state, tmp_path):
    age(shipped_copy)
    again(shipped_copy, state)
    nice = shipped_copy / "schemes/clsm/clsm-nice.yaml"
    scratch = nice.with_name(".clsm-nice.yaml.swp")  # as editors that save safely do
    scratch.write_text(nice.read_text(encoding="utf-8").replace("name: ", "name: Bis ", 1))
    scratch.replace(nice)
    report = again(shipped_copy, state)
    assert report.reread == 1
    assert findings(report) == whole(shipped_copy, tmp_path)


def test_new_entries_that_hold_no_record_keep_the_saved_check(shipped_copy, state, tmp_path):
    age(shipped_copy)
    again(shipped_copy, state)
    (shipped_copy / "contacts/README.txt").write_text("notes\n", encoding="utf-8")
    (shipped_copy / "documents/drafts").mkdir()
    report = again(shipped_copy, state)
    assert report.reread == 0
    assert findings(report) == whole(shipped_copy, tmp_path)


@pytest.mark.parametrize("hide_the_time", [False, True])
def test_a_file_added_to_a_trusted_folder_is_seen(shipped_copy, state, tmp_path, hide_the_time):
    age(shipped_copy)
    again(shipped_copy, state)
    folder = shipped_copy / "documents"
    before = folder.stat()
    source = next(folder.glob("*.yaml"))
    copy = folder / "copie.yaml"
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")  # a duplicate id
    if hide_the_time:  # the folder's modification time put back: its change time still moves
        os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    report = again(shipped_copy, state)
    assert report.reread is None
    assert any(f.rule == "id-unique" for f in report.findings)
    assert findings(report) == whole(shipped_copy, tmp_path)


def test_a_file_removed_from_a_trusted_folder_is_seen(shipped_copy, state, tmp_path):
    age(shipped_copy)
    again(shipped_copy, state)
    next((shipped_copy / "documents").glob("*.yaml")).unlink()
    report = again(shipped_copy, state)
    assert report.reread is None
    assert findings(report) == whole(shipped_copy, tmp_path)


def test_an_edit_in_place_lists_no_folder(shipped_copy, state, tmp_path, monkeypatch):
    from dtscli.cache import recheck

    age(shipped_copy)
    again(shipped_copy, state)
    edit(shipped_copy / "schemes/clsm/clsm-nice.yaml", "name: ", "name: Autre ")

    def listed(*args, **kwargs):
        raise AssertionError("a folder was listed although no entry of it changed")

    monkeypatch.setattr(recheck, "scan", listed)
    monkeypatch.setattr(recheck, "_new_entries", listed)
    report = again(shipped_copy, state)
    assert report.reread == 1
    monkeypatch.undo()
    assert findings(report) == whole(shipped_copy, tmp_path)
