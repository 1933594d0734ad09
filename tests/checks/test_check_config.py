"""Configuration, suppression, file selection and exit codes of `dts check`."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import SHIPPED

TODAY = ["--today", "2026-11-24"]
BAD_CLS = """\
id: cls-test
type: CLS
name: Contrat local de santé de test
territory: commune:06088
status: active
signed_on: 2023-03-01
sources:
  - document: ars-paca-webinaire-sante-mentale-qpv-2025
    as_of: 2025-04-22
status_basis: stated
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding a copy of the shipped base (referential linked)."""
    root = tmp_path / "repo"
    data = root / "data"
    shutil.copytree(SHIPPED, data, ignore=shutil.ignore_patterns("*.yaml"), dirs_exist_ok=True)
    for path in SHIPPED.rglob("*.yaml"):
        target = data / path.relative_to(SHIPPED)
        if path.parent == SHIPPED / "territories":
            target.symlink_to(path)
        else:
            shutil.copyfile(path, target)
    git = ["git", "-C", str(root), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    return root


def findings(invoke, root: Path, *args: str) -> tuple[int, list[dict]]:
    result = invoke("check", "--format", "json", *TODAY, *args, data=root / "data")
    return result.exit_code, json.loads(result.stdout)["findings"]


def test_error_exit_code_and_location(invoke, repo):
    (repo / "data/schemes/cls/cls-test.yaml").write_text(BAD_CLS, encoding="utf-8")
    code, found = findings(invoke, repo)
    assert code == 1
    (finding,) = [f for f in found if f["rule"] == "cls-mental-health-axis"]
    assert finding["path"] == "data/schemes/cls/cls-test.yaml"
    assert (finding["line"], finding["column"]) == (6, 1)
    assert "loi n° 2022-217 (3DS)" in finding["message"]


def test_strict_fails_on_warnings(invoke, repo):
    assert invoke("check", *TODAY, data=repo / "data").exit_code == 0  # old statuses warn
    assert invoke("check", "--strict", *TODAY, data=repo / "data").exit_code == 1


def test_dts_toml_changes_severity_disables_and_ignores(invoke, repo):
    (repo / "data/schemes/cls/cls-test.yaml").write_text(BAD_CLS, encoding="utf-8")
    (repo / "dts.toml").write_text(
        'ignore = ["contacts/*"]\n'
        "[rules]\n"
        'cls-mental-health-axis = "warning"\n'
        'cls-without-clsm = "off"\n'
        'status-source-old = "off"\n',  # the shipped CLSM of 2021 warn
        encoding="utf-8",
    )
    code, found = findings(invoke, repo)
    assert code == 0
    assert {f["rule"] for f in found} == {"cls-mental-health-axis"}
    assert found[0]["severity"] == "warning"


def test_pyproject_tool_dts_and_rule_options(invoke, repo):
    (repo / "pyproject.toml").write_text(
        "[tool.dts.rules]\ncontact-stale = { max_age_months = 72 }\n", encoding="utf-8"
    )
    _, found = findings(invoke, repo)
    assert "contact-stale" not in {f["rule"] for f in found}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[rules]\ncontact-stal = "off"\n', "unknown rule 'contact-stal' (did you mean"),
        ('[rules]\ncontact-stale = "loud"\n', "level must be one of"),
        ("[rules]\ncontact-stale = { max_days = 3 }\n", "has no option 'max_days'"),
        ("[rules\n", "invalid TOML"),
    ],
)
def test_bad_configuration_is_one_line(invoke, repo, text, message):
    (repo / "dts.toml").write_text(text, encoding="utf-8")
    result = invoke("check", data=repo / "data")
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_a_comment_silences_a_rule_on_its_line(invoke, repo):
    comment = "  # dts: disable=cls-mental-health-axis"
    text = BAD_CLS.replace("signed_on: 2023-03-01", "signed_on: 2023-03-01" + comment)
    (repo / "data/schemes/cls/cls-test.yaml").write_text(text, encoding="utf-8")
    code, found = findings(invoke, repo)
    assert "cls-mental-health-axis" not in {f["rule"] for f in found}
    assert code == 0


def test_paths_limit_the_report_not_the_loading(invoke, repo):
    target = repo / "data/schemes/clsm/clsm-test.yaml"
    target.write_text(
        BAD_CLS.replace("cls-test", "clsm-test").replace("type: CLS", "type: CLSM")
        + "coordinator: cres-paca\nrelated: [clsm-nice]\n",
        encoding="utf-8",
    )
    code, found = findings(invoke, repo, str(target))
    assert code == 0 and found == []  # references to unchanged files resolve
    stale = (repo / "data/contacts/celine-mansour.yaml").read_text(encoding="utf-8")
    (repo / "data/contacts/celine-mansour.yaml").write_text(
        stale.replace("published_on:", "verified_on:"), encoding="utf-8"
    )  # checked in 2021: a stale contact, the one finding under contacts/
    code, found = findings(invoke, repo, str(repo / "data/contacts"))
    assert {f["path"].split("/")[1] for f in found} == {"contacts"}


def test_changed_since_checks_what_git_says_changed(invoke, repo):
    (repo / "data/schemes/cls/cls-test.yaml").write_text(BAD_CLS, encoding="utf-8")
    code, found = findings(invoke, repo, "--changed-since", "HEAD")
    assert code == 1
    assert {f["path"] for f in found} == {"data/schemes/cls/cls-test.yaml"}


def test_changed_since_keeps_broken_references_after_a_deletion(invoke, repo):
    (repo / "data/contacts/reseda.yaml").unlink()
    code, found = findings(invoke, repo, "--changed-since", "HEAD")
    assert code == 1
    assert [(f["path"], f["rule"]) for f in found] == [
        ("data/schemes/cls/cls-pays-cevennes.yaml", "ref-contact")
    ]


def test_changed_since_sees_a_rename_as_a_deletion(invoke, repo):
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "mv", "data/contacts/reseda.yaml", "data/contacts/reseda-2.yaml"],
                   check=True)  # fmt: skip
    moved = repo / "data/contacts/reseda-2.yaml"
    moved.write_text(moved.read_text().replace("id: reseda", "id: reseda-2"))
    code, found = findings(invoke, repo, "--changed-since", "HEAD")
    assert code == 1
    assert ("data/schemes/cls/cls-pays-cevennes.yaml", "ref-contact") in {
        (f["path"], f["rule"]) for f in found
    }


def test_staged_reports_what_the_commit_changes(invoke, repo):
    git = ["git", "-C", str(repo)]
    (repo / "data/schemes/cls/cls-test.yaml").write_text(BAD_CLS, encoding="utf-8")
    code, found = findings(invoke, repo, "--staged")
    assert (code, found) == (0, [])  # not staged: not in the commit
    subprocess.run([*git, "add", "data/schemes/cls/cls-test.yaml"], check=True)
    code, found = findings(invoke, repo, "--staged")
    assert code == 1 and {f["path"] for f in found} == {"data/schemes/cls/cls-test.yaml"}
    subprocess.run([*git, "reset", "-q"], check=True)
    subprocess.run([*git, "rm", "-q", "data/contacts/reseda.yaml"], check=True)
    code, found = findings(invoke, repo, "--staged")
    assert ("data/schemes/cls/cls-pays-cevennes.yaml", "ref-contact") in {
        (f["path"], f["rule"]) for f in found
    }
    both = invoke("check", "--staged", "--changed-since", "HEAD", data=repo / "data")
    assert both.exit_code == 2 and "not both" in both.stderr


def test_changed_since_with_a_bad_ref(invoke, repo):
    result = invoke("check", "--changed-since", "no-such-ref", data=repo / "data")
    assert result.exit_code == 2 and "git cannot compare with 'no-such-ref'" in result.stderr


def test_output_file_is_written_atomically(invoke, repo, tmp_path):
    out = tmp_path / "report.sarif"
    result = invoke("check", "--format", "sarif", "-o", str(out), *TODAY, data=repo / "data")
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert not list(tmp_path.glob(".report.sarif.*"))
