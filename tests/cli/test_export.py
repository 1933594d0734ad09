"""`dts export`: JSON, CSV and SQLite exports of the base, and --no-personal."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from dtscli.base.kb import KnowledgeBase
from dtscli.commands.export import TABLES
from dtscli.commands.export_csv import CSV_COLUMNS

from ..conftest import SHIPPED


@pytest.fixture(scope="module")
def shipped_kb() -> KnowledgeBase:
    return KnowledgeBase.load(SHIPPED)


def person_traces(kb: KnowledgeBase) -> list[str]:
    """What must not appear in an open-data export: people's ids, e-mails and phones."""
    traces = []
    for contact in kb.of_kind("contact"):
        if contact.record.kind == "person":
            traces.append(contact.id)
            traces += [v for v in (contact.record.email, contact.record.phone) if v]
    return traces


def rows_of(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


# ---------------------------------------------------------------- JSON


def test_json_holds_every_record_kind(invoke, shipped_kb, tmp_path):
    target = tmp_path / "base.json"
    result = invoke("export", "--format", "json", "-o", str(target))
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert set(data) == {"metadata", *TABLES.values(), "territories"}
    assert data["metadata"]["licenses"][0]["name"] == "etalab-2.0"
    assert data["metadata"]["version"] and data["metadata"]["created"]
    for kind, table in TABLES.items():
        assert len(data[table]) == len(shipped_kb.of_kind(kind)), table
    nice = next(s for s in data["schemes"] if s["id"] == "clsm-nice")
    assert nice["territory"] == "commune:06088"
    assert list(nice)[:3] == ["id", "type", "name"]
    assert list(nice)[-2:] == ["sources", "notes"]
    territory = next(t for t in data["territories"] if t["ref"] == "commune:06088")
    assert territory["name"] == "Nice" and territory["depts"] == ["06"]


def test_json_goes_to_standard_output_without_o(invoke):
    result = invoke("export", "--format", "json", "--type", "PTSM")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert sorted(s["id"] for s in data["schemes"]) == [
        "ptsm-04", "ptsm-05", "ptsm-06", "ptsm-13", "ptsm-83", "ptsm-84",
    ]  # fmt: skip
    assert len(data["documents"]) > 100  # the filters narrow the schemes only


# ---------------------------------------------------------------- CSV


def test_csv_has_one_row_per_scheme_with_territories_resolved(invoke, shipped_kb, tmp_path):
    target = tmp_path / "schemes.csv"
    assert invoke("export", "-o", str(target)).exit_code == 0  # format from the suffix
    raw = target.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = rows_of(raw.decode("utf-8"))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(shipped_kb.schemes())
    nice = next(r for r in rows if r["id"] == "clsm-nice")
    population = shipped_kb.referential.communes["06088"].population
    assert nice == {
        **nice,
        "type": "CLSM",
        "type_name": "Conseil local de santé mentale",
        "territory": "commune:06088",
        "territory_kind": "commune",
        "territory_code": "06088",
        "territory_name": "Nice",
        "depts": "06",
        "dept_names": "Alpes-Maritimes",
        "regions": "93",
        "region_names": "Provence-Alpes-Côte d'Azur",
        "population": str(population),
        "communes": "1",
        "status": "active",
        "sources": "ars-paca-dynamiques-territoriales-2021",
        "latest_as_of": "2021-11-17",
    }
    manosque = next(r for r in rows if r["id"] == "cls-manosque")
    assert manosque["depts"] == "04, 83"  # an EPCI across two departments


def test_csv_filters_like_list(invoke):
    result = invoke("export", "--format", "csv", "--type", "CLSM", "--dept", "06")
    assert result.exit_code == 0
    rows = rows_of(result.stdout)
    assert len(rows) == 10
    assert {r["type"] for r in rows} == {"CLSM"} and {r["depts"] for r in rows} == {"06"}


def test_csv_for_excel_has_a_bom_and_semicolons(invoke, tmp_path):
    target = tmp_path / "excel.csv"
    assert invoke("export", "--format", "csv", "--excel", "-o", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id;type;type_name;name;")
    assert "\r\n" in text
    rows = rows_of(text.replace("\r\n", "\n"), delimiter=";")
    assert next(r for r in rows if r["id"] == "clsm-nice")["territory_name"] == "Nice"


# ---------------------------------------------------------------- SQLite


def test_sqlite_has_tables_keys_indexes_and_links(invoke, shipped_kb, tmp_path):
    target = tmp_path / "out" / "base.db"
    result = invoke("export", "--format", "sqlite", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert list(target.parent.glob(".*.tmp")) == []
    db = sqlite3.connect(target)
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {*TABLES.values(), "territories", "territory_depts", "metadata"} <= tables
    assert {"scheme_axes", "scheme_related", "scheme_type_legal_basis", "scheme_sources"} <= tables
    views = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='view'")}
    assert views == {"sources"}
    to_documents = {
        (row[2], row[3]) for row in db.execute("PRAGMA foreign_key_list(scheme_sources)")
    }
    assert to_documents == {("schemes", "scheme_id"), ("documents", "document")}
    about = dict(db.execute("SELECT key, value FROM metadata"))
    assert about["licence"] == "Licence Ouverte / Open Licence version 2.0"
    assert about["version"] and about["created"] and about["generator"].startswith("dts ")
    for table in TABLES.values():
        keys = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")') if row[5]]
        assert keys == ["id"], table
    links = {(row[2], row[3]) for row in db.execute("PRAGMA foreign_key_list(schemes)")}
    assert links == {
        ("scheme_types", "type"),
        ("contacts", "coordinator"),
        ("territories", "territory"),
    }
    indexes = {row[1] for row in db.execute("PRAGMA index_list(schemes)")}
    assert {"idx_schemes_type", "idx_schemes_territory", "idx_schemes_status"} <= indexes
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []  # every reference resolves
    count = db.execute("SELECT count(*) FROM schemes").fetchone()[0]
    assert count == len(shipped_kb.schemes())
    in_06 = db.execute(
        "SELECT count(*) FROM schemes s JOIN territory_depts d ON d.territory = s.territory "
        "WHERE s.type = 'CLSM' AND d.dept = '06'"
    ).fetchone()[0]
    assert in_06 == 10
    nice = db.execute(
        "SELECT t.name, t.population FROM schemes s JOIN territories t ON t.ref = s.territory "
        "WHERE s.id = 'clsm-nice'"
    ).fetchone()
    assert nice == ("Nice", shipped_kb.referential.communes["06088"].population)
    sources = db.execute(
        "SELECT document, as_of FROM sources WHERE record_table = 'schemes' AND record_id = ?",
        ("clsm-nice",),
    ).fetchall()
    assert sources == [("ars-paca-dynamiques-territoriales-2021", "2021-11-17")]
    db.close()
    again = invoke("export", "--format", "sqlite", "-o", str(target))  # replaces the file
    assert again.exit_code == 0
    assert list(target.parent.iterdir()) == [target]


def test_sqlite_needs_a_file_and_formats_are_checked(invoke, tmp_path):
    for args, expected in [
        (["--format", "sqlite"], "needs a file"),
        (["--format", "xml"], "unknown format"),
        (["-o", str(tmp_path / "base.txt")], "give --format"),
        (["--format", "json", "--excel"], "--excel is for the CSV"),
    ]:
        result = invoke("export", *args)
        assert result.exit_code == 2, args
        assert expected in result.output
        assert "Traceback" not in result.output


# ---------------------------------------------------------------- no personal data


def test_no_personal_removes_every_person(invoke, shipped_kb, tmp_path):
    traces = person_traces(shipped_kb)
    assert any("@" in trace for trace in traces)
    full = invoke("export", "--format", "json").stdout
    assert any(trace in full for trace in traces)  # they are there without the option

    open_json = invoke("export", "--format", "json", "--no-personal").stdout
    open_csv = invoke("export", "--format", "csv", "--no-personal").stdout
    target = tmp_path / "open.db"
    assert invoke("export", "-o", str(target), "--no-personal").exit_code == 0
    open_db = "\n".join(sqlite3.connect(target).iterdump())
    for text in (open_json, open_csv, open_db):
        for trace in traces:
            assert trace not in text
    data = json.loads(open_json)
    assert {c["kind"] for c in data["contacts"]} == {"organisation"}
    assert "lsebbag@" not in open_json  # a person's address in an organisation's notes
    assert any(c["id"] == "ars-paca" for c in data["contacts"])


def test_a_coordinator_who_is_a_person_becomes_null(invoke, mini):
    mini.write(
        "contacts/camille-martin.yaml",
        """\
        id: camille-martin
        kind: person
        name: Camille Martin
        email: camille.martin@example.org
        phone: 04 91 00 00 00
        verified_on: 2024-01-01
        sources: [{document: doc-test, as_of: 2024-01-01}]
        """,
    )
    mini.scheme(
        "clsm-nice",
        "CLSM",
        "commune:06088",
        coordinator="camille-martin",
        notes="Coordonné par Camille Martin (camille.martin@example.org, 04 91 00 00 00).",
    )
    full = json.loads(invoke("export", "--format", "json", data=mini.root).stdout)
    assert full["schemes"][0]["coordinator"] == "camille-martin"
    data = json.loads(invoke("export", "--format", "json", "--no-personal", data=mini.root).stdout)
    scheme = data["schemes"][0]
    assert scheme["coordinator"] is None
    assert data["contacts"] == []
    assert "Camille" not in scheme["notes"] and "example.org" not in scheme["notes"]
    assert "04 91" not in scheme["notes"]
    rows = rows_of(invoke("export", "-f", "csv", "--no-personal", data=mini.root).stdout)
    assert rows[0]["coordinator"] == "" and rows[0]["coordinator_name"] == ""


def test_an_unchanged_json_export_is_left_untouched(invoke, tmp_path):
    target = tmp_path / "base.json"
    assert invoke("export", "-o", str(target)).exit_code == 0
    stamp = target.stat().st_mtime_ns
    result = invoke("export", "-o", str(target))
    assert result.exit_code == 0 and "unchanged" in result.output
    assert target.stat().st_mtime_ns == stamp
    assert Path(target).read_text(encoding="utf-8").endswith("\n")
