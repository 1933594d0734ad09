"""`dts stats`: each figure checked on a hand-made base where the answer is known."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from dtscli.base.kb import KnowledgeBase, SchemeQuery
from dtscli.commands import stats
from dtscli.util.errors import DtsError

NICE = "06088"
CANNES = "06029"
VENCE = "06157"
NCA = "200030195"  # Métropole Nice Côte d'Azur, which contains Nice
DLVA = "200034700"  # Durance-Luberon-Verdon Agglomération: spans 04 and 83
QPV = "QN00606M"
SHIPPED = Path(__file__).resolve().parent.parent.parent / "data"

SCHEME_TYPE = """\
id: CLSM
name: Conseil local de santé mentale
family: sante-mentale
scale: {kinds: [commune, epci, local, qpv], label: commune ou EPCI}
pilotage: [élus]
public: Tous les habitants.
themes: [santé mentale]
published_counts:
  - territory: region:93
    count: 5
    label: CLSM en PACA
    source: {document: doc-test, as_of: 2025-04-22}
  - territory: region:93
    count: 1
    status: active
    label: CLSM actifs en PACA
    source: {document: doc-test, as_of: 2025-04-22, locator: diapositive 3}
  - territory: dept:06
    count: 1
    status: in_preparation
    label: CLSM en préparation dans les Alpes-Maritimes
    source: {document: doc-test, as_of: 2024-01-01}
description: Un conseil local.
sources: [{document: doc-test, as_of: 2025-04-22}]
"""

QPV_RECORD = f"""\
id: {QPV}
name: Un quartier de Nice
communes: ['{NICE}']
qpv_list: '2024'
sources: [{{document: doc-test, as_of: 2024-01-01}}]
"""


def figures(root, view="summary", **options) -> stats.Stats:
    kb = KnowledgeBase.load(root)
    return stats.compute(kb, stats.make_scope(kb, **options), view)


def row_of(rows, **match):
    found = [r for r in rows if all(getattr(r, k) == v for k, v in match.items())]
    assert len(found) == 1, (match, rows)
    return found[0]


def population(kb: KnowledgeBase, codes) -> int:
    communes = kb.referential.communes
    return sum(communes[c].population or 0 for c in codes)


def dept_population(kb: KnowledgeBase, dept: str) -> int:
    return population(kb, kb.referential.communes_of_dept(dept))


# ---------------------------------------------------------------- counts


@pytest.fixture
def counted(mini):
    mini.scheme("cls-nice", "CLS", f"commune:{NICE}", status="active")
    mini.scheme("cls-vence", "CLS", f"commune:{VENCE}", status="expired")
    mini.scheme("clsm-nice", "CLSM", f"commune:{NICE}", status="active")
    mini.scheme("clsm-dlva", "CLSM", f"epci:{DLVA}", status="in_preparation")
    mini.scheme("ptsm-83", "PTSM", "dept:83", status="active")
    return mini


def test_counts_by_type_dept_and_status(counted):
    rows = figures(counted.root, "counts").counts
    cls_06 = row_of(rows, level="dept", code="06", type="CLS")
    assert cls_06.total == 2
    assert cls_06.by_status["active"] == 1 and cls_06.by_status["expired"] == 1
    assert cls_06.name == KnowledgeBase.load(counted.root).referential.departements["06"].name
    assert row_of(rows, level="dept", code="04", type="CLSM").by_status["in_preparation"] == 1
    assert row_of(rows, level="dept", code="83", type="CLSM").total == 1
    assert row_of(rows, level="dept", code="83", type="PTSM").total == 1
    assert not [r for r in rows if r.code == "04" and r.type == "CLS"]  # no zero rows unnarrowed
    # the EPCI spans two departments: in each department row, once in the total
    assert row_of(rows, level="total", type="CLSM").total == 2
    assert row_of(rows, level="total", type="CLS").total == 2


def test_counts_by_region_and_status_filter(counted):
    rows = figures(counted.root, "counts", by="region").counts
    assert row_of(rows, level="region", code="93", type="CLSM").total == 2
    assert {r.code for r in rows if r.level == "region"} == {"93"}
    active = figures(counted.root, "counts", statuses=["active"]).counts
    assert row_of(active, level="dept", code="06", type="CLS").total == 1
    assert row_of(active, level="dept", code="06", type="CLS").by_status == {"active": 1}
    assert not [r for r in active if r.code == "04"]


def test_narrowed_counts_keep_zero_rows(counted):
    rows = figures(counted.root, "counts", depts=["5"], types=["clsm"]).counts
    assert [(r.level, r.code, r.type, r.total) for r in rows] == [
        ("dept", "05", "CLSM", 0),
        ("total", "total", "CLSM", 0),
    ]
    region = figures(counted.root, "counts", regions=["93"], types=["CLS"]).counts
    assert row_of(region, level="dept", code="13", type="CLS").total == 0
    assert row_of(region, level="total", type="CLS").total == 2


# ---------------------------------------------------------------- completeness


@pytest.fixture
def published(mini):
    mini.write("schemes/CLSM.yaml", SCHEME_TYPE)
    mini.scheme("clsm-nice", "CLSM", f"commune:{NICE}", status="active")
    mini.scheme("clsm-menton", "CLSM", "commune:06083", status="active")
    mini.scheme("clsm-dlva", "CLSM", f"epci:{DLVA}", status="in_preparation")
    mini.scheme("clsm-vence", "CLSM", f"commune:{VENCE}", status="expired")
    mini.scheme("clsm-albi", "CLSM", "commune:81004", status="active")  # Occitanie
    return mini


def test_completeness_without_status_uses_covering_statuses(published):
    rows = figures(published.root, "completeness").completeness
    row = row_of(rows, label="CLSM en PACA")
    assert row.status is None
    assert set(row.held_ids) == {"clsm-nice", "clsm-menton", "clsm-dlva"}  # not expired, not Albi
    assert (row.published, row.held, row.gap) == (5, 3, 2)
    assert (row.document, row.as_of, row.territory_name) == (
        "doc-test",
        "2025-04-22",
        "Provence-Alpes-Côte d'Azur",
    )
    assert row.document_title == "Document de test"


def test_completeness_with_status_compares_that_status_only(published):
    rows = figures(published.root, "completeness").completeness
    active = row_of(rows, label="CLSM actifs en PACA")
    assert active.compared_statuses == ("active",)
    assert (active.published, active.held, active.gap) == (1, 2, -1)
    assert active.locator == "diapositive 3"
    preparing = row_of(rows, label="CLSM en préparation dans les Alpes-Maritimes")
    assert (preparing.held, preparing.gap) == (0, 1)  # the DLVA one is in 04/83, not 06


def test_completeness_follows_status_option_and_narrowing(published):
    expired = figures(published.root, "completeness", statuses=["expired"]).completeness
    assert row_of(expired, label="CLSM en PACA").held_ids == ("clsm-vence",)
    assert row_of(expired, label="CLSM actifs en PACA").held == 2  # its own status wins
    only_04 = figures(published.root, "completeness", depts=["04"]).completeness
    assert {r.territory for r in only_04} == {"region:93"}  # dept:06 is out of scope
    assert figures(published.root, "completeness", depts=["81"]).completeness == []


# ---------------------------------------------------------------- coverage


def test_coverage_counts_each_person_once(mini):
    mini.scheme("cls-nice", "CLS", f"commune:{NICE}")
    mini.scheme("cls-nca", "CLS", f"epci:{NCA}", status="renewal")
    kb = KnowledgeBase.load(mini.root)
    metropole = kb.referential.epcis[NCA].communes
    assert NICE in metropole
    expected = population(kb, metropole)
    rows = figures(mini.root, "coverage", depts=["06"]).coverage
    row = row_of(rows, level="dept", code="06", type="CLS")
    assert row.covered_population == expected
    assert row.covered_population != expected + kb.referential.communes[NICE].population
    assert row.population == dept_population(kb, "06")
    assert row.share == round(100 * expected / dept_population(kb, "06"), 1)
    assert row.schemes == 2
    assert [r.level for r in rows] == ["dept"]  # --dept alone: department rows only


def test_coverage_by_department_and_region(mini):
    mini.scheme("clsm-nice", "CLSM", f"commune:{NICE}")
    mini.scheme("clsm-dlva", "CLSM", f"epci:{DLVA}")
    kb = KnowledgeBase.load(mini.root)
    dlva = kb.referential.epcis[DLVA].communes
    rows = figures(mini.root, "coverage", regions=["93"]).coverage
    in_83 = [c for c in dlva if kb.referential.communes[c].dept == "83"]
    assert row_of(rows, level="dept", code="83", type="CLSM").covered_population == population(
        kb, in_83
    )
    assert row_of(rows, level="dept", code="05", type="CLSM").covered_population == 0
    region = row_of(rows, level="region", code="93", type="CLSM")
    region_population = population(kb, kb.referential.communes_of_region("93"))
    assert region.covered_population == population(kb, [NICE, *dlva])
    assert region.population == region_population
    assert region.share == round(100 * region.covered_population / region_population, 1)
    by_region = figures(mini.root, "coverage", by="region").coverage
    assert {(r.level, r.code) for r in by_region} == {("region", "93")}


def test_coverage_leaves_out_covering_statuses_it_should(mini):
    mini.scheme("clsm-nice", "CLSM", f"commune:{NICE}", status="intention")
    mini.scheme("clsm-vence", "CLSM", f"commune:{VENCE}", status="expired")
    mini.scheme("clsm-cannes", "CLSM", f"commune:{CANNES}", status="unknown")
    kb = KnowledgeBase.load(mini.root)
    default = figures(mini.root, "coverage", depts=["06"], types=["CLSM"]).coverage
    assert [r.covered_population for r in default] == [0]  # unknown: may not exist any more
    chosen = figures(mini.root, "coverage", depts=["06"], statuses=["intention"]).coverage
    assert chosen[0].covered_population == population(kb, [NICE])


def test_qpv_schemes_are_left_out_of_coverage_and_gaps(mini, invoke):
    mini.write(f"territories/qpv/{QPV}.yaml", QPV_RECORD)
    mini.scheme("clsm-quartier", "CLSM", f"qpv:{QPV}")
    result = figures(mini.root, depts=["06"], types=["CLSM"])
    row = row_of(result.coverage, level="dept", code="06", type="CLSM")
    assert (row.covered_population, row.schemes, row.qpv_left_out) == (0, 0, 1)
    assert result.header.qpv_left_out == ["clsm-quartier"]
    assert NICE in {g.code for g in result.gaps}  # a QPV does not cover its commune
    assert row_of(result.counts, level="dept", code="06", type="CLSM").total == 1
    text = invoke("stats", "coverage", "--dept", "06", data=mini.root).stdout
    assert "QPV cover part of a commune" in text and "clsm-quartier" in text


# ---------------------------------------------------------------- gaps


def test_gaps_lists_large_communes_without_cls_or_clsm(mini):
    mini.scheme("cls-nca", "CLS", f"epci:{NCA}")
    mini.scheme("clsm-nice", "CLSM", f"commune:{NICE}")
    mini.scheme("cls-cannes", "CLS", f"commune:{CANNES}", status="intention")
    kb = KnowledgeBase.load(mini.root)
    communes = kb.referential.communes
    metropole = set(kb.referential.epcis[NCA].communes)
    expected = []
    for code in kb.referential.communes_of_dept("06"):
        if (communes[code].population or 0) >= 10_000:
            missing = tuple(
                type_
                for type_, covered in (("CLS", metropole), ("CLSM", {NICE}))
                if code not in covered
            )
            if missing:
                expected.append((communes[code].population, code, missing))
    expected.sort(key=lambda item: (-item[0], item[1]))
    rows = figures(kb.data_dir, "gaps", depts=["06"]).gaps
    assert [(r.population, r.code, r.missing) for r in rows] == expected
    assert NICE not in {r.code for r in rows}
    assert row_of(rows, code=CANNES).missing == ("CLS", "CLSM")  # an intention covers nothing
    assert all(r.dept == "06" and r.dept_name == "Alpes-Maritimes" for r in rows)


def test_gaps_threshold_and_types(mini):
    mini.scheme("clsm-nice", "CLSM", f"commune:{NICE}")
    kb = KnowledgeBase.load(mini.root)
    communes = kb.referential.communes
    cannes = communes[CANNES].population
    rows = figures(mini.root, "gaps", depts=["06"], min_population=cannes).gaps
    assert rows and all(r.population >= cannes for r in rows)
    assert CANNES in {r.code for r in rows}
    above = figures(mini.root, "gaps", depts=["06"], min_population=cannes + 1).gaps
    assert CANNES not in {r.code for r in above}
    nice_only = figures(mini.root, "gaps", depts=["06"], types=["CLSM"], min_population=cannes)
    assert {r.missing for r in nice_only.gaps} == {("CLSM",)}
    biggest = max(kb.referential.communes_of_dept("06"), key=lambda c: communes[c].population or 0)
    assert biggest == NICE
    top = figures(mini.root, "gaps", depts=["06"], min_population=communes[NICE].population).gaps
    assert [(r.code, r.missing) for r in top] == [(NICE, ("CLS",))]


# ---------------------------------------------------------------- CLI and formats


@pytest.fixture
def nice_base(mini):
    mini.write("schemes/CLSM.yaml", SCHEME_TYPE)
    mini.scheme("clsm-nice", "CLSM", f"commune:{NICE}")
    mini.scheme("cls-nca", "CLS", f"epci:{NCA}")
    return mini


def test_table_summary_shows_all_four_views_and_the_header(nice_base, invoke):
    result = invoke("stats", "--dept", "06", data=nice_base.root)
    assert result.exit_code == 0, result.output
    out = result.stdout
    kb = KnowledgeBase.load(nice_base.root)
    share = round(100 * kb.referential.communes[NICE].population / dept_population(kb, "06"), 1)
    assert "Covering statuses: in_preparation, renewal, active (default" in out
    for title in ("Scheme instances by department", "Published counts", "Population living"):
        assert title in out
    assert "Communes of at least 10,000 inhabitants without a CLS or a CLSM" in out
    assert f"{share:.1f}%" in out
    assert "Alpes-Maritimes" in out and "doc-test" in out and "2025-04-22" in out
    assert "`dts stats gaps` lists them all" in out  # the summary shows the first 10 gaps


def test_json_output(nice_base, invoke):
    result = invoke(
        "stats", "completeness", "-t", "CLSM", "-r", "93", "-f", "json", data=nice_base.root
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"header", "completeness"}
    assert data["header"]["regions"] == ["93"]
    first = data["completeness"][0]
    assert (first["published"], first["held"], first["gap"]) == (5, 1, 4)
    assert (first["document"], first["as_of"]) == ("doc-test", "2025-04-22")
    summary = json.loads(invoke("stats", "-d", "06", "-f", "json", data=nice_base.root).stdout)
    assert {"counts", "completeness", "coverage", "gaps"} <= set(summary)


def test_csv_output_is_one_plain_table(nice_base, invoke):
    result = invoke("stats", "gaps", "--dept", "06", "--format", "csv", data=nice_base.root)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["code", "name", "dept", "dept_name", "population", "missing"]
    kb = KnowledgeBase.load(nice_base.root)
    cannes = next(r for r in rows if r["code"] == CANNES)
    assert int(cannes["population"]) == kb.referential.communes[CANNES].population
    assert cannes["missing"] == "CLS, CLSM"
    assert "Covering statuses" in result.stderr
    counts = list(
        csv.DictReader(
            io.StringIO(invoke("stats", "counts", "-f", "csv", data=nice_base.root).stdout)
        )
    )
    (clsm_06,) = [r for r in counts if (r["code"], r["type"]) == ("06", "CLSM")]
    assert (clsm_06["total"], clsm_06["active"], clsm_06["expired"]) == ("1", "1", "0")
    summary = invoke("stats", "--format", "csv", data=nice_base.root)
    assert summary.exit_code == 2 and "choose a view" in summary.stderr


def test_markdown_output(nice_base, invoke):
    result = invoke("stats", "coverage", "--dept", "06", "-f", "md", data=nice_base.root)
    assert result.exit_code == 0, result.output
    assert "## Population living in a covered commune" in result.stdout
    kb = KnowledgeBase.load(nice_base.root)
    metropole = population(kb, kb.referential.epcis[NCA].communes)
    assert f"| dept | 06 | Alpes-Maritimes | CLS | {stats.grouped(metropole)} |" in result.stdout


def test_narrowing_options(nice_base, invoke):
    data = json.loads(
        invoke("stats", "-t", "clsm", "-d", "6", "-f", "json", data=nice_base.root).stdout
    )
    assert data["header"]["depts"] == ["06"] and data["header"]["types"] == ["CLSM"]
    assert {r["type"] for r in data["counts"] + data["coverage"]} == {"CLSM"}
    assert {g["missing"] == ["CLSM"] for g in data["gaps"]} == {True}
    elsewhere = json.loads(invoke("stats", "-r", "76", "-f", "json", data=nice_base.root).stdout)
    assert elsewhere["completeness"] == [] and elsewhere["coverage"] == []
    kb = KnowledgeBase.load(nice_base.root)
    occitanie = {d.code for d in kb.referential.departements.values() if d.region == "76"}
    assert elsewhere["gaps"] and {g["dept"] for g in elsewhere["gaps"]} <= occitanie


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dept", "99"], "unknown department '99'"),
        (["--region", "99"], "unknown region '99'"),
        (["--type", "CLX"], "unknown scheme type 'CLX' (did you mean CLS?)"),
        (["coverag"], "unknown view 'coverag' (did you mean coverage?)"),
        (["--status", "actif"], "unknown status 'actif' (did you mean active?)"),
        (["--by", "commune"], "unknown --by 'commune'"),
        (["--by", "region", "--dept", "06"], "narrow with --region, not --dept"),
        (["--dept", "06", "--region", "76"], "department 06 is not in region 76"),
        (["--format", "xml"], "unknown format 'xml'"),
    ],
)
def test_errors_are_one_line_and_exit_2(nice_base, invoke, args, message):
    result = invoke("stats", *args, data=nice_base.root)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_make_scope_raises_dts_error(nice_base):
    kb = KnowledgeBase.load(nice_base.root)
    with pytest.raises(DtsError, match="--min-population"):
        stats.make_scope(kb, min_population=-1)


# ---------------------------------------------------------------- shipped data


def test_shipped_clsm_in_paca_against_the_19_announced(invoke):
    result = invoke("stats", "completeness", "--type", "CLSM", "--region", "93", "-f", "json")
    assert result.exit_code == 0, result.output
    (row,) = [r for r in json.loads(result.stdout)["completeness"] if r["label"] == "CLSM en PACA"]
    kb = KnowledgeBase.load(SHIPPED)
    expected = kb.query(
        SchemeQuery(types=["CLSM"], regions=["93"], statuses=list(stats.COVERING_STATUSES))
    )
    assert row["published"] == 19
    assert row["held"] == len(expected) and row["gap"] == 19 - len(expected)
    assert set(row["held_ids"]) == {loaded.id for loaded in expected}
    assert row["as_of"] == "2025-04-22"
