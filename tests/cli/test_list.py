import csv
import io
import json

import pytest

from dtscli.base.kb import KnowledgeBase

ALPES_MARITIMES_CLSM = {
    "Menton", "Grasse", "Carros", "Vence", "Valbonne", "Roquebrune-Cap-Martin",
    "Cannes", "Cagnes-sur-Mer", "Antibes", "Nice",
}  # fmt: skip


def ids(result) -> list[str]:
    return [row["id"] for row in json.loads(result.stdout)]


def test_the_ten_clsm_of_the_alpes_maritimes(invoke):
    result = invoke("list", "--type", "CLSM", "--dept", "06", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    names = {row["resolved"]["territory"]["name"] for row in rows}
    assert names == ALPES_MARITIMES_CLSM
    assert all(row["type"] == "CLSM" for row in rows)


def test_table_output_ends_with_a_count(invoke):
    result = invoke("list", "--type", "clsm", "--dept", "6")
    assert result.exit_code == 0
    assert result.stdout.rstrip().endswith("10 schemes")
    assert "Roquebrune-Cap-Martin" in result.stdout


def test_dept_finds_every_kind_of_territory(mini, invoke):
    mini.scheme("cls-nice", "CLS", "commune:06088")
    mini.scheme("clsm-dlva", "CLSM", "epci:200034700")  # spans 04 and 83
    mini.scheme("ptsm-83", "PTSM", "dept:83")
    mini.scheme("cls-martigues", "CLS", "local:pays")
    mini.write(
        "territories/local/pays.yaml",
        """\
        id: pays
        name: Un pays
        kind: pays
        communes: ['83062']
        sources: [{document: doc-test, as_of: 2024-01-01}]
        """,
    )
    found = ids(invoke("list", "--dept", "83", "--format", "json", data=mini.root))
    assert found == ["cls-martigues", "clsm-dlva", "ptsm-83"]
    assert ids(invoke("list", "--dept", "04", "--format", "json", data=mini.root)) == ["clsm-dlva"]
    assert ids(invoke("list", "--region", "93", "-f", "json", data=mini.root)) == [
        "cls-nice",
        "cls-martigues",
        "clsm-dlva",
        "ptsm-83",
    ]


def test_status_territory_and_text_filters(mini, invoke):
    mini.scheme("cls-nice", "CLS", "commune:06088", status="active", notes="Quartiers de l'Ariane")
    mini.scheme("cls-vence", "CLS", "commune:06157", status="expired")
    mini.scheme("ptsm-06", "PTSM", "dept:06")
    assert ids(invoke("list", "--status", "expired", "-f", "json", data=mini.root)) == ["cls-vence"]
    assert ids(invoke("list", "--territory", "Nice", "-f", "json", data=mini.root)) == [
        "cls-nice",
        "ptsm-06",
    ]
    assert ids(invoke("list", "--territory", "commune:06157", "-f", "json", data=mini.root)) == [
        "cls-vence",
        "ptsm-06",
    ]
    assert ids(invoke("list", "--text", "ARIANE", "-f", "json", data=mini.root)) == ["cls-nice"]
    assert ids(invoke("list", "--text", "demarche cls-v", "-f", "json", data=mini.root)) == [
        "cls-vence"
    ]


def test_csv_and_markdown(invoke):
    result = invoke("list", "--type", "PTSM", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["territory"] for row in rows] == [
        f"dept:{d}" for d in ("04", "05", "06", "13", "83", "84")
    ]
    markdown = invoke("list", "--type", "PTSM", "--format", "md").stdout.splitlines()
    assert markdown[0].startswith("| Id | Type |") and markdown[1].startswith("| --- |")
    assert len(markdown) == 2 + 6 + 2  # header, rule, rows, blank, count


def test_order_is_stable(mini, invoke):
    for id_, code in [("clsm-b", "06088"), ("clsm-a", "06029"), ("clsm-c", "04070")]:
        mini.scheme(id_, "CLSM", f"commune:{code}", name=f"CLSM {id_}")
    first = ids(invoke("list", "-f", "json", data=mini.root))
    assert first == ["clsm-c", "clsm-a", "clsm-b"]  # department, then name
    assert ids(invoke("list", "-f", "json", data=mini.root)) == first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "CLSMM"], "unknown scheme type 'CLSMM' (did you mean CLSM?)"),
        (["--status", "actif"], "unknown status 'actif' (did you mean active?)"),
        (["--dept", "00"], "unknown department '00'"),
        (["--territory", "La Garde"], "ambiguous"),
        (["--format", "xml"], "unknown format 'xml'"),
    ],
)
def test_bad_filters_give_one_line(invoke, args, message):
    result = invoke("list", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_library_query_matches_cli():
    from dtscli.base.kb import SchemeQuery

    kb = KnowledgeBase.load(__import__("tests.conftest").conftest.SHIPPED)
    found = kb.query(SchemeQuery(types=["CLS"], depts=["83"]))
    assert "cls-manosque" in {s.id for s in found}  # DLVA spans the Var
