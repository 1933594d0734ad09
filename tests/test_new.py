"""`dts new`: a new scheme record in the right place, that `dts check` accepts at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from dtscli.commands import new as authoring
from dtscli.commands.check import check_base
from dtscli.commands.fmt import format_text
from dtscli.data.findings import Severity

SOURCE = "ars-paca-webinaire-sante-mentale-qpv-2025"


def load(path: Path) -> dict:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def errors_of(data_dir: Path, path: Path) -> list[str]:
    report = check_base(data_dir, [path])
    return [f"{f.rule}: {f.message}" for f in report.findings if f.severity is Severity.error]


def test_a_clsm_by_name_passes_dts_check_at_once(invoke, shipped_copy):
    result = invoke(
        "new", "CLSM", "--territory", "Toulon", "--name",
        "Conseil local de santé mentale de Toulon", "--source", SOURCE, "--as-of", "2025-04-22",
        data=shipped_copy,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = shipped_copy / "schemes" / "clsm" / "clsm-toulon.yaml"
    assert "wrote" in result.stdout and "clsm-toulon.yaml" in result.stdout
    assert "dts check" in result.stderr
    record = load(path)
    assert record["id"] == "clsm-toulon"
    assert record["type"] == "CLSM"
    assert record["territory"] == "commune:83137"
    assert record["status"] == "unknown"
    assert record["sources"] == [{"document": SOURCE, "as_of": dt.date(2025, 4, 22)}]
    text = path.read_text(encoding="utf-8")
    assert "#   - cls-toulon" in text  # the CLS of Toulon is offered as a related scheme
    assert "# signed_on:" in text and "# coordinator:" in text and "# notes:" in text
    assert errors_of(shipped_copy, path) == []
    assert format_text(text, "scheme") == text  # already in the style of `dts fmt`
    assert list(shipped_copy.rglob(".*.tmp")) == []


def test_la_garde_in_the_var_and_the_existing_id(invoke, shipped_copy):
    args = ["new", "CLS", "--territory", "La Garde", "--dept", "83", "--name", "CLS de La Garde"]
    args += ["--source", SOURCE]
    refused = invoke(*args, data=shipped_copy)
    assert refused.exit_code == 2
    assert "cls-la-garde" in refused.output and "--id cls-la-garde-2" in refused.output
    result = invoke(*args, "--id", "cls-la-garde-2", "--status", "active", data=shipped_copy)
    assert result.exit_code == 0, result.output
    path = shipped_copy / "schemes" / "cls" / "cls-la-garde-2.yaml"
    record = load(path)
    assert record["territory"] == "commune:83062"
    assert record["status"] == "active"
    text = path.read_text(encoding="utf-8")
    assert "# axes:  # required for a CLS signed from February 23, 2022" in text
    assert "#   - id: sante-mentale" in text
    assert errors_of(shipped_copy, path) == []


def test_an_ambiguous_name_is_refused_with_the_candidates(invoke, mini):
    result = invoke(
        "new", "CLS", "--territory", "La Garde", "--name", "x", "--source", "doc-test",
        data=mini.root,
    )  # fmt: skip
    assert result.exit_code == 2
    message = result.output.strip()
    assert "\n" not in message and "ambiguous" in message
    for code in ("commune:04092", "commune:38177", "commune:83062"):
        assert code in message
    assert not (mini.root / "schemes" / "cls").exists()


def test_a_code_is_taken_as_is(invoke, mini):
    result = invoke(
        "new", "CLSM", "--territory", "commune:06088", "--name", "CLSM : Nice #2",
        "--source", "doc-test", data=mini.root,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = mini.root / "schemes" / "clsm" / "clsm-nice.yaml"
    record = load(path)
    assert record["territory"] == "commune:06088"
    assert record["name"] == "CLSM : Nice #2"  # quoted where YAML needs it
    assert '"CLSM : Nice #2"' in path.read_text(encoding="utf-8")


def test_refusals_are_one_line_and_write_nothing(invoke, shipped_copy):
    cases = [
        (["CLSM", "--territory", "Toulon", "--source", SOURCE], "missing option --name"),
        (["CLSM", "--territory", "Toulon", "--name", "x"], "missing option --source"),
        (["CLSM", "--name", "x", "--source", SOURCE], "missing option --territory"),
        (["CLSM", "--territory", "Toulon", "--name", "x", "--source", "ars-paca-webinaire"],
         "did you mean"),
        (["PTSM", "--territory", "Toulon", "--name", "x", "--source", SOURCE], "is a commune"),
        (["CLSM", "--territory", "Nice", "--name", "x", "--source", SOURCE], "already used"),
        (["CLSS", "--territory", "Toulon", "--name", "x", "--source", SOURCE], "did you mean CLS"),
        (["CLSM", "--territory", "Toulon", "--name", "x", "--source", SOURCE, "--as-of",
          "22/04/2025"], "YYYY-MM-DD"),
        (["CLSM", "--territory", "Toulon", "--name", "x", "--source", SOURCE, "--id", "Bad Id"],
         "kebab-case"),
    ]  # fmt: skip
    before = sorted(shipped_copy.rglob("*.yaml"))
    for args, expected in cases:
        result = invoke("new", *args, data=shipped_copy)
        assert result.exit_code == 2, (args, result.output)
        assert expected in result.output, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert "Traceback" not in result.output
    assert sorted(shipped_copy.rglob("*.yaml")) == before


def test_on_a_terminal_missing_options_are_asked(runner, mini, monkeypatch):
    from dtscli.cli import app

    monkeypatch.setattr(authoring, "interactive", lambda: True)
    answers = "\n".join(
        [
            "La Garde",  # ambiguous: asked again
            "commune:83062",
            "",  # the suggested name
            "active",
            "doc-tset",  # unknown document: asked again
            "doc-test",
            "2024-05-01",
        ]
    )
    result = runner.invoke(app, ["new", "CLSM", "--data-dir", str(mini.root)], input=answers + "\n")
    assert result.exit_code == 0, result.output
    assert "ambiguous" in result.output and "did you mean doc-test" in result.output
    record = load(mini.root / "schemes" / "clsm" / "clsm-la-garde.yaml")
    assert record["name"] == "CLSM de La Garde"
    assert record["status"] == "active"
    assert record["sources"][0]["document"] == "doc-test"
    assert str(record["sources"][0]["as_of"]) == "2024-05-01"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Nice", "nice"),
        ("Pays d'Apt Luberon", "pays-d-apt-luberon"),
        ("Cœur de Savoie", "coeur-de-savoie"),
        ("  Métropole Nice Côte d'Azur ", "metropole-nice-cote-d-azur"),
    ],
)
def test_slugify(text, slug):
    assert authoring.slugify(text) == slug


def test_place_names_take_the_right_preposition():
    assert authoring.of_place("Nice") == "de Nice"
    assert authoring.of_place("Albi") == "d'Albi"
    assert authoring.of_place("Le Cannet") == "du Cannet"
    assert authoring.of_place("Les Mées") == "des Mées"
    assert authoring.of_place("Pays Cévennes") == "du Pays Cévennes"
    assert authoring.of_place("La Garde") == "de La Garde"


def test_a_department_scheme_is_named_by_its_code(mini):
    from dtscli.base.kb import KnowledgeBase

    kb = KnowledgeBase.load(mini.root)
    assert authoring.suggest_id("PTSM", kb.referential.parse_territory("dept:06")) == "ptsm-06"
    assert authoring.suggest_id("CLS", kb.referential.parse_territory("Nice")) == "cls-nice"
