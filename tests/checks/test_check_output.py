"""The report formats of `dts check` against their specifications."""

import json
import re
from pathlib import Path

import jsonschema
import pytest

from dtscli.checks.report import sarif_document, write_github, write_json, write_text
from dtscli.checks.runner import Report
from dtscli.data.findings import Finding, Severity

SCHEMA = (
    Path(__file__).resolve().parent.parent.parent / "src/dtscli/schemas/check-report.schema.json"
)

REPORT = Report(
    [
        Finding(
            "data/schemes/cls/cls-x.yaml",
            7,
            1,
            "cls-mental-health-axis",
            Severity.error,
            "a CLS signed on or after 23 février 2022 must have a `sante-mentale` axis, 100%",
            "add `- id: sante-mentale` under `axes:`",
            "cls-x",
        ),
        Finding("data/contacts/a,b.yaml", 3, 5, "contact-stale", Severity.warning, "old\nline"),
        Finding("data/schemes/cls/cls-y.yaml", 4, 1, "cls-without-clsm", Severity.info, "no CLSM"),
    ],
    files_checked=12,
    data_dir="data",
)


def test_json_report_follows_its_schema():
    import io

    buffer = io.StringIO()
    write_json(REPORT, buffer)
    document = json.loads(buffer.getvalue())
    jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert document["summary"] == {"error": 1, "warning": 1, "info": 1}
    assert document["findings"][0]["legal"] == "loi-2022-217"


GITHUB_LINE = re.compile(
    r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,title=[^,:]+::[^\r\n]+$"
)


def test_github_workflow_commands():
    import io

    buffer = io.StringIO()
    write_github(REPORT, buffer)
    lines = buffer.getvalue().splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 3
    for line in commands:
        assert GITHUB_LINE.match(line), line
    assert commands[0].startswith(
        "::error file=data/schemes/cls/cls-x.yaml,line=7,col=1,title=dts cls-mental-health-axis::"
    )
    assert "100%25" in commands[0]  # data escaping
    assert "file=data/contacts/a%2Cb.yaml" in commands[1]  # property escaping
    assert "old%0Aline" in commands[1]
    assert commands[2].startswith("::notice ")


def test_sarif_has_the_required_fields():
    document = sarif_document(REPORT)
    assert document["version"] == "2.1.0" and document["$schema"].endswith("sarif-2.1.0.json")
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "dts" and driver["version"]
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for result in run["results"]:
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith(("./", "/"))
        assert location["region"]["startLine"] >= 1
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note"]


def test_text_is_grouped_by_file_with_hints():
    import io

    buffer = io.StringIO()
    write_text(REPORT, buffer)
    text = buffer.getvalue()
    assert "data/schemes/cls/cls-x.yaml\n  data/schemes/cls/cls-x.yaml:7:1  error  " in text
    assert "      hint: add `- id: sante-mentale`" in text
    assert "\033[" not in text  # no colour when not asked
    assert text.rstrip().endswith("1 error, 1 warning, 1 info in 3 files (12 checked).")


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "text"])
def test_cli_formats_on_shipped_data(invoke, fmt):
    result = invoke("check", "--format", fmt, "--today", "2026-11-24")
    assert result.exit_code == 0, result.output
    if fmt in ("json", "sarif"):
        document = json.loads(result.stdout)
        assert document
    if fmt == "json":
        jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))
        assert document["summary"]["error"] == 0
        assert all(not f["path"].startswith("./") for f in document["findings"])


def test_rules_lists_every_rule_with_rationale(invoke):
    result = invoke("rules", "--format", "json", data=None)
    rules = json.loads(result.stdout)
    names = {rule["name"] for rule in rules}
    assert {"cls-mental-health-axis", "ref-territory", "yaml-anchors", "contact-stale"} <= names
    assert all(rule["rationale"] for rule in rules)
    assert {rule["severity"] for rule in rules} == {"error", "warning", "info"}
    law = next(rule for rule in rules if rule["name"] == "cls-mental-health-axis")
    assert law["legal"] == "loi-2022-217"


# ---------------------------------------------------------------- SARIF against its clients


def test_sarif_rules_have_names_apart_from_ids_and_documentation():
    run = sarif_document(REPORT)["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["informationUri"].startswith("https://")
    for rule in driver["rules"]:
        assert rule["name"].casefold() != rule["id"].casefold()
        assert rule["helpUri"].startswith("https://")
    names = {rule["id"]: rule["name"] for rule in driver["rules"]}
    assert names["cls-mental-health-axis"] == "ClsMentalHealthAxis"
    assert names["layout"] == "LayoutCheck"


def test_sarif_uri_of_a_file_outside_the_working_directory(tmp_path):
    outside = Report(
        [Finding(str(tmp_path / "data dé/schemes/x.yaml"), 2, 1, "schema", Severity.error, "m")],
        files_checked=1,
        data_dir=str(tmp_path / "data dé"),
    )
    location = sarif_document(outside)["runs"][0]["results"][0]["locations"][0]
    artifact = location["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": (tmp_path / "data dé/schemes/x.yaml").as_uri()}
    assert artifact["uri"].startswith("file:///") and "%20d%C3%A9" in artifact["uri"]
    inside = sarif_document(REPORT)["runs"][0]["results"][1]["locations"][0]
    assert inside["physicalLocation"]["artifactLocation"] == {
        "uri": "data/contacts/a%2Cb.yaml",
        "uriBaseId": "%SRCROOT%",
    }


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_sarif_multitool_validates_the_report(invoke, tmp_path, monkeypatch, where):
    """The SARIF Multitool (Microsoft's validator, from npm) finds no error or warning, the
    data inside the working directory or outside it (SARIF1004 was the problem there)."""
    from ..conftest import SHIPPED, copy_shipped
    from ..tools import sarif_multitool

    tool = sarif_multitool()
    if where == "outside":
        data = copy_shipped(tmp_path / "elsewhere" / "data")
        monkeypatch.chdir(Path(__file__).parent)
    else:
        data = SHIPPED
        monkeypatch.chdir(SHIPPED.parent)
    report = tmp_path / "dts.sarif"
    result = invoke("check", "--format", "sarif", "-o", str(report), "--today", "2026-11-24",
                    data=data)  # fmt: skip
    assert result.exit_code == 0, result.output
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(report.read_text())["runs"][0]["results"]
    }
    assert uris and all(u.startswith("file:///") == (where == "outside") for u in uris)
    import subprocess

    checked = subprocess.run(
        [str(tool), "validate", "--output", str(tmp_path / "validation.sarif"), str(report)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    validation = json.loads((tmp_path / "validation.sarif").read_text(encoding="utf-8-sig"))
    problems = [
        (r["ruleId"], r["message"].get("arguments"))
        for r in validation["runs"][0]["results"]
        if r.get("level", "warning") in ("error", "warning")
    ]
    assert problems == []
