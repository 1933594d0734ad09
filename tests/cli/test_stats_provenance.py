"""`dts stats`: figures count only schemes whose status says they exist, group a scheme
where the source does, flag what is only partly known, and `dts stats freshness`."""

from __future__ import annotations

import datetime as dt
import json

from dtscli.base.freshness import freshness
from dtscli.base.kb import KnowledgeBase
from dtscli.commands import stats

NICE = "06088"
CANNES = "06029"
ALES = "30007"
DLVA = "200034700"  # Durance-Luberon-Verdon Agglomération: spans 04 and 83

CLSM_TYPE = """\
id: CLSM
name: Conseil local de santé mentale
family: sante-mentale
scale: {kinds: [commune, epci, local], label: commune ou EPCI}
pilotage: [élus]
public: Tous les habitants.
themes: [santé mentale]
published_counts:
  - territory: dept:04
    count: 1
    label: CLSM des Alpes-de-Haute-Provence
    source: {document: doc-test, as_of: 2023-01-01}
  - territory: france
    count: 300
    label: quartiers, pour le contexte
    compared: false
    source: {document: doc-test, as_of: 2024-01-01}
description: Un conseil local.
sources: [{document: doc-test, as_of: 2024-01-01}]
"""


def scope_of(kb, **options):
    return stats.make_scope(kb, **options)


def coverage_row(kb, dept, type_="CLSM"):
    rows = stats.compute(kb, scope_of(kb, depts=[dept], types=[type_]), "coverage").coverage
    (row,) = [r for r in rows if r.code == dept]
    return row


def test_only_grounded_statuses_cover(mini):
    mini.scheme("clsm-nice", "CLSM", f"commune:{NICE}", status_basis="inferred")  # no notes
    mini.scheme(
        "clsm-cannes",
        "CLSM",
        f"commune:{CANNES}",
        status_basis="inferred",
        notes="Nommé dans une liste d'existants.",
    )
    kb = KnowledgeBase.load(mini.root)
    row = coverage_row(kb, "06")
    assert row.covered_population == kb.referential.communes[CANNES].population
    assert row.schemes == 1
    chosen = stats.compute(kb, scope_of(kb, depts=["06"], statuses=["active"]), "coverage")
    assert chosen.coverage[0].schemes == 2  # --status chooses: every status asked counts


def test_a_scheme_counts_in_the_department_the_source_names(mini):
    mini.write("schemes/CLSM.yaml", CLSM_TYPE)
    mini.scheme("clsm-dlva", "CLSM", f"epci:{DLVA}", department="'04'")
    kb = KnowledgeBase.load(mini.root)
    counts = stats.compute(kb, scope_of(kb), "counts").counts
    assert {r.code for r in counts if r.level == "dept"} == {"04"}
    completeness = stats.compute(kb, scope_of(kb), "completeness").completeness
    by_territory = {r.territory: r for r in completeness}
    assert by_territory["dept:04"].held == 1 and by_territory["dept:04"].gap == 0
    context = by_territory["france"]
    assert (context.compared, context.held, context.gap) == (False, None, None)
    # the count (2023) is older than the scheme's fact (2024): said beside the figure
    assert by_territory["dept:04"].older_than_base


def test_an_incomplete_local_territory_is_flagged(mini, invoke):
    mini.write(
        "territories/local/pays-test.yaml",
        f"""\
        id: pays-test
        name: Pays de test
        kind: pays
        communes: ['{ALES}']
        incomplete: true
        sources: [{{document: doc-test, as_of: 2024-01-01}}]
        """,
    )
    mini.scheme("clsm-pays-test", "CLSM", "local:pays-test")
    kb = KnowledgeBase.load(mini.root)
    assert coverage_row(kb, "30").incomplete == ("clsm-pays-test",)
    text = invoke("stats", "coverage", "--dept", "30", data=mini.root).stdout
    assert "lower bound" in text and "clsm-pays-test" in text


def test_freshness_lists_the_schemes_older_than_the_limit(mini, invoke):
    mini.scheme("clsm-nice", "CLSM", f"commune:{NICE}")  # a source of 2024-01-01
    mini.scheme("clsm-cannes", "CLSM", f"commune:{CANNES}", status="unknown")
    kb = KnowledgeBase.load(mini.root)
    scope = scope_of(kb)
    (row,) = freshness(kb, scope, years=1, today=dt.date(2026, 6, 1))
    assert (row.type, row.dept, row.schemes, row.newest) == ("CLSM", "06", 2, "2024-01-01")
    assert row.stale == ("clsm-cannes", "clsm-nice")
    (recent,) = freshness(kb, scope, years=3, today=dt.date(2026, 6, 1))
    assert recent.stale == ()
    result = invoke("stats", "freshness", "--years", "0", "--format", "json", data=mini.root)
    assert result.exit_code == 0
    view = json.loads(result.stdout)
    assert view["years"] == 0 and view["freshness"][0]["stale"] == ["clsm-cannes", "clsm-nice"]


def test_freshness_refuses_negative_years(mini, invoke):
    mini.scheme("clsm-nice", "CLSM", f"commune:{NICE}")
    result = invoke("stats", "freshness", "--years", "-1", data=mini.root)
    assert result.exit_code != 0 and "--years" in result.output
    assert "Traceback" not in result.output
