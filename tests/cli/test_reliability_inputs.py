"""Reliability (issue 17): inputs that crashed a command — folder loops, deep nesting, dates
at the calendar's edges, runaway templates, unportable ids, empty bases, bad dts.toml,
suppressions inside values, refs that look like options.

Each test is named after its case of the adversarial run (C15, I03, I06...)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SHIPPED, copy_shipped

TODAY = ("--today", "2026-11-24")
CLS = """\
id: cls-nice
type: CLS
name: Contrat local de santé de Nice
territory: commune:06088
status: active
signed_on: 2024-01-10
sources:
  - document: doc-test
    as_of: 2024-01-01
"""


def with_cls_type(mini) -> None:
    mini.write("schemes/CLS.yaml", (SHIPPED / "schemes" / "CLS.yaml").read_text(encoding="utf-8"))


def no_crash(result) -> None:
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert "internal-error" not in result.output


# ---------------------------------------------------------------- C15 folder loops


def test_C15_a_folder_loop_is_reported_once_and_not_followed(invoke, mini):
    mini.write("territories/local/loop-test.yaml", "id: loop-test\n")
    (mini.root / "territories" / "local" / "loop").symlink_to(".")
    (mini.root / "schemes" / "up").symlink_to("..")
    result = invoke("check", "--format", "json", *TODAY, data=mini.root)
    no_crash(result)
    layout = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "layout"]
    assert sorted(f["path"].rsplit("/", 2)[-2:][-1] for f in layout) == ["loop", "up"]
    assert all("already read" in f["message"] for f in layout)


# ---------------------------------------------------------------- I03 deep nesting


@pytest.mark.parametrize("depth", [400, 100_000])
def test_I03_deep_nesting_is_refused_with_its_file_and_line(invoke, mini, depth):
    with_cls_type(mini)
    mini.write("schemes/cls/cls-nice.yaml", CLS + "notes: " + "[" * depth + "\n")
    for command in ("check", "list"):
        result = invoke(command, data=mini.root)
        no_crash(result)
        assert "cls-nice.yaml:10:" in result.output, result.output
        assert "nested more than 64 levels deep" in result.output


def test_I03_fmt_refuses_deep_nesting_too(invoke, mini):
    path = mini.write("schemes/cls/cls-nice.yaml", "id: cls-nice\nx: " + "[" * 5000 + "\n")
    result = invoke("fmt", str(path), data=mini.root)
    no_crash(result)
    assert result.exit_code == 1 and "cls-nice.yaml:2: the data is nested" in result.output


# ---------------------------------------------------------------- I06/I07/I08 dates


@pytest.mark.parametrize(
    ("signed", "end"),
    [("2024-02-29", "2030-06-01"), ("9999-01-01", "9999-12-31")],
    ids=["I06-29-february", "I07-year-9999"],
)
def test_I06_I07_dates_at_the_calendar_edges(invoke, mini, signed, end):
    with_cls_type(mini)
    mini.write("documents/doc-test.yaml", "id: doc-test\nkind: rapport\ntitle: T\ndate: 2024\n")
    text = CLS.replace("signed_on: 2024-01-10", f"signed_on: {signed}\nend_on: {end}")
    mini.write("schemes/cls/cls-nice.yaml", text)
    result = invoke("check", "--today", "9999-12-31", data=mini.root)
    no_crash(result)
    if signed.startswith("2024"):
        assert "duration-exceeds-type" in result.output


SOURCES = "sources:\n  - document: doc-test\n    as_of: 2024-01-01\n"


def test_I08_today_at_the_start_of_the_calendar(invoke, mini):
    mini.write(
        "contacts/someone.yaml",
        "id: someone\nkind: organisation\nname: X Y\nverified_on: 2024-01-01\n" + SOURCES,
    )
    result = invoke("check", "--today", "0001-01-01", data=mini.root)
    no_crash(result)
    assert "signed-in-future" in result.output or "source-date-future" in result.output


# ---------------------------------------------------------------- S03 templates


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{% macro f(n) %}{{ f(n+1) }}{% endmacro %}{{ f(1) }}", "recursion"),
        ("{{ 'x' * 10**10 }}", "too big to build"),
        ("{{ 7 ** 123456789 }}", "too big to compute"),
    ],
)
def test_S03_a_runaway_template_is_a_clear_error_naming_it(invoke, tmp_path, body, expected):
    mine = tmp_path / "mine.md.j2"
    mine.write_text(f"# Essai\n\n{body}\n", encoding="utf-8")
    result = invoke("sheet", "CLS", "--template", str(mine), "--date", "2026-11-24")
    assert result.exit_code == 2
    no_crash(result)
    assert "mine.md.j2" in result.stderr and expected in result.stderr


# ---------------------------------------------------------------- I10/I11 ids


@pytest.mark.parametrize("record_id", ["con", "aux", "nul", "com1", "lpt1", "a" * 300])
def test_I10_I11_new_refuses_an_id_no_system_can_hold(invoke, shipped_copy, record_id):
    result = invoke(
        "new", "CLS", "--id", record_id, "--territory", "commune:06088", data=shipped_copy
    )
    assert result.exit_code == 2
    no_crash(result)
    assert "OSError" not in result.output
    assert "reserves" in result.stderr or "over the limit of 100" in result.stderr
    assert not list((shipped_copy / "schemes" / "cls").glob(f"{record_id[:50]}*"))


def test_I10_check_flags_a_reserved_id(invoke, mini):
    mini.write("contacts/aux.yaml", "id: aux\nkind: organisation\nname: Aux\n" + SOURCES)
    result = invoke("check", "--format", "json", *TODAY, data=mini.root)
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert "id-portable" in rules


# ---------------------------------------------------------------- I12 no base


@pytest.mark.parametrize("layout", ["empty", "no-schemes"])
def test_I12_a_folder_without_schemes_is_not_a_base(invoke, tmp_path, layout):
    folder = tmp_path / "base"
    folder.mkdir()
    if layout == "no-schemes":
        (folder / "contacts").mkdir()
        (folder / "contacts" / "x.yaml").write_text("id: x\n", encoding="utf-8")
    result = invoke("check", data=folder)
    assert result.exit_code == 2
    no_crash(result)
    assert "is not a dts knowledge base: it has no schemes/ folder" in result.stderr
    assert "dts init" in result.stderr


def test_I12_a_base_without_any_record_is_an_error(invoke, mini):
    (mini.root / "documents" / "doc-test.yaml").unlink()
    result = invoke("check", data=mini.root)
    assert result.exit_code == 2
    assert "holds no record file: nothing to check" in result.stderr


# ---------------------------------------------------------------- I14 dts.toml


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('rules = "x"\n', "dts.toml:1: `rules` must be a table"),
        ("ignore = []\nrules = [1, 2]\n", "dts.toml:2: `rules` must be a table"),
        (
            '[rules.contact-stale]\nmax_age_months = "abc"\n',
            "dts.toml:2: rule 'contact-stale': option 'max_age_months' must be a whole number",
        ),
        (
            '[rules]\ncontact-stale = { max_age_months = "abc" }\n',
            "dts.toml:2: rule 'contact-stale': option 'max_age_months' must be a whole number",
        ),
        ("[rules]\ncontact-stale = { level = [1] }\n", "level must be one of"),
    ],
)
def test_I14_a_bad_dts_toml_is_named_with_its_line(invoke, mini, text, message):
    (mini.root / "dts.toml").write_text(text, encoding="utf-8")
    result = invoke("check", data=mini.root)
    assert result.exit_code == 2
    no_crash(result)
    assert message in result.stderr, result.stderr


# ---------------------------------------------------------------- I16 suppressions


def test_I16_a_suppression_inside_a_quoted_value_suppresses_nothing(invoke, mini):
    mini.write(
        "contacts/org.yaml",
        'id: org\nkind: organisation\nname: Org\nemail: "x at y # dts: disable=contact-email"\n'
        + SOURCES,
    )
    result = invoke("check", "--format", "json", *TODAY, data=mini.root)
    assert "contact-email" in {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_I16_a_real_comment_still_suppresses(invoke, mini):
    mini.write(
        "contacts/org.yaml",
        'id: org\nkind: organisation\nname: Org\nemail: "x at y"  # dts: disable=contact-email\n'
        + SOURCES,
    )
    result = invoke("check", "--format", "json", *TODAY, data=mini.root)
    assert "contact-email" not in {f["rule"] for f in json.loads(result.stdout)["findings"]}


# ---------------------------------------------------------------- I17 refs as options


@pytest.fixture
def git_base(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    copy_shipped(root / "data")
    git = ["git", "-C", str(root), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    return root


@pytest.mark.parametrize("ref", ["--output=x.txt", "-p"])
def test_I17_a_ref_that_looks_like_an_option_is_refused(invoke, git_base, ref, monkeypatch):
    monkeypatch.chdir(git_base)
    result = invoke("check", f"--changed-since={ref}", data=git_base / "data")
    assert result.exit_code == 2
    no_crash(result)
    assert "a ref cannot start with '-'" in result.stderr
    assert not (git_base / "x.txt").exists() and not Path("x.txt").exists()


def test_I17_an_ordinary_ref_still_works(invoke, git_base):
    result = invoke("check", "--changed-since", "HEAD", *TODAY, data=git_base / "data")
    no_crash(result)
    assert result.exit_code == 0, result.output
    assert shutil.which("git")


# ---------------------------------------------------------------- cases that passed: kept


def test_python_object_tags_are_refused_not_run(invoke, mini, tmp_path):
    witness = tmp_path / "ran"
    mini.write(
        "contacts/org.yaml",
        f'id: org\nkind: organisation\nname: !!python/object/apply:os.system ["touch {witness}"]\n'
        + SOURCES,
    )
    for command in ("check", "list", "fmt"):
        result = invoke(command, data=mini.root)
        no_crash(result)
    assert not witness.exists()
    assert "org.yaml:3:" in invoke("check", data=mini.root).output


def test_a_10_mb_file_is_refused(invoke, mini):
    mini.write("contacts/big.yaml", "id: big\nnotes: " + "x" * 10_000_000 + "\n")
    result = invoke("check", data=mini.root)
    no_crash(result)
    assert "big.yaml:1:1" in result.output and "yaml-file-size" in result.output


def test_concurrent_checks_agree(shipped_copy, tmp_path):
    import os
    import sys

    env = {**os.environ, "DTS_DATA": str(shipped_copy), "DTS_CACHE_DIR": str(tmp_path / "c")}
    command = [sys.executable, "-m", "dtscli", "check", "--format", "json", *TODAY]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], [err for _, err in outputs]
    reports = [json.loads(out)["findings"] for out, _ in outputs]
    assert reports[0] == reports[1] == reports[2]


def test_new_messages_are_french_by_default(invoke, mini, tmp_path, monkeypatch):
    from tests.conftest import set_language

    set_language(monkeypatch, "fr_FR.UTF-8")
    folder = tmp_path / "vide"
    folder.mkdir()
    result = invoke("check", data=folder)
    assert "n'est pas une base de connaissances dts : il n'a pas de dossier schemes/" in (
        result.stderr.replace("\u00a0", " ")
    )
    (mini.root / "territories" / "local").mkdir()
    (mini.root / "territories" / "local" / "loop").symlink_to(".")
    result = invoke("check", data=mini.root)
    assert "ce lien mène à un dossier déjà lu (une boucle\u00a0?)" in result.output
