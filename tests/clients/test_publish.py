"""What the exports give the tools people read them with: a datapackage that frictionless
validates and pandas reads with its codes as text, an SQLite base whose keys sqlite-utils and
Datasette see (with its metadata.json), and bibliographies that citeproc-py, rispy and
bibtexparser read whole."""

from __future__ import annotations

import asyncio
import csv
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dtscli.base.kb import KnowledgeBase
from dtscli.commands.bibliography import TYPES, person

from ..conftest import SHIPPED


@pytest.fixture(scope="module")
def shipped_kb() -> KnowledgeBase:
    return KnowledgeBase.load(SHIPPED)


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    from typer.testing import CliRunner

    from dtscli.cli import app

    folder = tmp_path_factory.mktemp("package")
    result = CliRunner().invoke(
        app, ["export", "--format", "datapackage", "-o", str(folder), "--data-dir", str(SHIPPED)]
    )
    assert result.exit_code == 0, result.output
    return folder


# ---------------------------------------------------------------- datapackage


def test_frictionless_validates_the_datapackage(package):
    import frictionless

    report = frictionless.validate(str(package / "datapackage.json"))
    assert report.valid, report.flatten(["title", "rowNumber", "fieldName", "note"])[:10]


def test_frictionless_finds_a_broken_code_and_a_broken_reference(package, tmp_path):
    import shutil

    import frictionless

    broken = tmp_path / "broken"
    shutil.copytree(package, broken)
    depts = broken / "territory_depts.csv"
    depts.write_text(depts.read_text().replace("dept:06,06,", "dept:06,6,"))
    sources = broken / "scheme_sources.csv"
    sources.write_text(sources.read_text().replace("clsm-nice,0,ars-", "clsm-nice,0,nope-ars-"))
    report = frictionless.validate(str(broken / "datapackage.json"))
    kinds = {error.type for task in report.tasks for error in task.errors}
    assert {"constraint-error", "foreign-key"} <= kinds


def test_the_datapackage_describes_its_tables(package, shipped_kb):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    assert descriptor["version"] and descriptor["created"].endswith("Z")
    assert descriptor["sources"] and descriptor["language"] == "fr"
    resources = {r["name"]: r for r in descriptor["resources"]}
    for resource in resources.values():
        assert resource["title"] and resource["description"], resource["name"]
        assert resource["schema"]["primaryKey"]
        for field in resource["schema"]["fields"]:
            assert field["title"] and field["description"], (resource["name"], field["name"])
    schemes = resources["schemes"]["schema"]
    fields = {f["name"]: f for f in schemes["fields"]}
    assert fields["territory"]["type"] == "string" and "commune:" in fields["territory"][
        "constraints"]["pattern"]  # fmt: skip
    assert fields["status"]["constraints"]["enum"][0] == "intention"
    assert fields["signed_on"]["type"] == "date"
    assert {"fields": "type", "reference": {"resource": "scheme_types", "fields": "id"}} in (
        schemes["foreignKeys"]
    )
    sources = resources["scheme_sources"]["schema"]
    assert sources["primaryKey"] == ["scheme_id", "position"]
    targets = {key["reference"]["resource"] for key in sources["foreignKeys"]}
    assert targets == {"schemes", "documents"}  # a scheme's sources can be followed
    communes = {f["name"]: f for f in resources["local_territory_communes"]["schema"]["fields"]}
    assert communes["commune"]["constraints"]["pattern"] == r"(\d{5}|2[AB]\d{3})"
    with (package / "schemes.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == len(shipped_kb.schemes())


def test_pandas_reads_the_codes_as_text(package):
    import frictionless
    import pandas

    data = frictionless.Package(str(package / "datapackage.json"))
    territories = data.get_resource("territories").to_pandas()
    assert territories.loc["commune:06004", "code"] == "06004"
    depts = data.get_resource("territory_depts").to_pandas().reset_index()
    assert "06" in set(depts["dept"]) and pandas.api.types.is_string_dtype(depts["dept"])
    # what the issue saw: without the dictionary, pandas turns 06004 into 6004
    plain = pandas.read_csv(package / "territory_depts.csv")
    assert 6 in set(plain["dept"])


# ---------------------------------------------------------------- SQLite and Datasette


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> tuple[Path, Path]:
    from typer.testing import CliRunner

    from dtscli.cli import app

    folder = tmp_path_factory.mktemp("sqlite")
    db, metadata = folder / "base.db", folder / "metadata.json"
    result = CliRunner().invoke(
        app,
        ["export", "-o", str(db), "--metadata", str(metadata), "--data-dir", str(SHIPPED)],
    )
    assert result.exit_code == 0, result.output
    return db, metadata


def test_sqlite_utils_sees_the_same_keys_as_the_datapackage(database, package):
    import sqlite_utils

    db = sqlite_utils.Database(database[0])
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        table = db[resource["name"]]
        assert table.pks == resource["schema"]["primaryKey"], resource["name"]
        declared = {
            (key["fields"], key["reference"]["resource"] or resource["name"])
            for key in resource["schema"].get("foreignKeys", [])
        }
        assert {(fk.column, fk.other_table) for fk in table.foreign_keys} == declared
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_datasette_reads_the_metadata_and_follows_sources(database):
    from datasette.app import Datasette

    db_path, metadata_path = database
    metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    assert metadata["license"] == "Licence Ouverte / Open Licence version 2.0"
    datasette = Datasette([str(db_path)], metadata=metadata)

    async def read():
        keys = await datasette.get_database("base").foreign_keys_for_table("scheme_sources")
        page = await datasette.client.get(
            "/base/scheme_sources.json?_labels=on&_shape=objects&scheme_id=clsm-nice"
        )
        about = await datasette.client.get("/-/metadata.json")
        return keys, page.json(), about.json()

    # A thread of its own: the browser tests' Playwright keeps an event loop running here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        keys, page, about = pool.submit(asyncio.run, read()).result()
    assert {(k["column"], k["other_table"]) for k in keys} == {
        ("scheme_id", "schemes"),
        ("document", "documents"),
    }
    (row,) = page["rows"]
    assert row["scheme_id"]["label"] == "Conseil local de santé mentale de Nice"
    assert row["document"]["value"] == "ars-paca-dynamiques-territoriales-2021"
    tables = about["databases"]["base"]["tables"]
    assert tables["schemes"]["title"] == "Démarches"
    assert tables["schemes"]["columns"]["territory"].startswith("Territoire")
    assert datasette.table_metadata("base", "scheme_sources")["title"] == "Démarches : sources"


# ---------------------------------------------------------------- bibliographies


def bibliography(invoke, fmt: str, *extra: str) -> str:
    result = invoke("export", "--format", fmt, *extra)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_csl_json_renders_with_citeproc(invoke, shipped_kb):
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    items = json.loads(bibliography(invoke, "csl-json"))
    documents = shipped_kb.of_kind("document")
    assert sorted(i["id"] for i in items) == sorted(d.id for d in documents)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    rendered = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        rendered.register(Citation([CitationItem(item["id"])]))
    entries = [str(entry) for entry in rendered.bibliography()]
    assert len(entries) == len(items)
    nice = next(i for i in items if i["id"] == "adnot-2023-plan-gestion-crise-cpts")
    assert nice["author"][0] == {"family": "ADNOT", "given": "Sébastien"}
    assert nice["issued"] == {"date-parts": [[2023, 3, 3]]} and nice["number-of-pages"] == "59"
    assert any("plan de gestion de crise sanitaire" in entry for entry in entries)


def test_ris_parses_with_rispy(invoke, shipped_kb):
    import rispy

    text = bibliography(invoke, "ris")
    entries = rispy.loads(text)
    by_id = {entry["id"]: entry for entry in entries}
    documents = shipped_kb.of_kind("document")
    assert set(by_id) == {d.id for d in documents} and len(entries) == len(documents)
    for loaded in documents:
        entry, record = by_id[loaded.id], loaded.record
        assert entry["title"] == " ".join(record.title.split())
        assert entry["type_of_reference"] == TYPES[record.kind][1]
        if record.url:
            assert entry["urls"] == [record.url]
    guide = by_id["adnot-2023-plan-gestion-crise-cpts"]
    assert guide["authors"][:2] == ["ADNOT, Sébastien", "SALOME, Myriam"]
    assert guide["year"] == "2023" and guide["publisher"].startswith("URPS")


def test_bibtex_parses_with_bibtexparser(invoke, shipped_kb):
    import bibtexparser

    text = bibliography(invoke, "bibtex")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    by_key = {entry.key: entry for entry in library.entries}
    documents = shipped_kb.of_kind("document")
    assert set(by_key) == {d.id for d in documents}
    assert "Licence Ouverte" in library.comments[0].comment
    guide = by_key["adnot-2023-plan-gestion-crise-cpts"]
    assert guide.entry_type == "book"
    assert guide.fields_dict["author"].value.startswith("ADNOT, Sébastien and SALOME, Myriam")
    assert guide.fields_dict["author"].value.endswith("and others")
    assert guide.fields_dict["date"].value == "2023-03-03"


def test_bibliographies_filter_by_scheme_type(invoke, shipped_kb):
    items = json.loads(bibliography(invoke, "csl-json", "--type", "CLSM"))
    expected = {d.id for d in shipped_kb.of_kind("document") if "CLSM" in d.record.scheme_types}
    assert {i["id"] for i in items} == expected and expected


def test_authors_split_into_family_and_given_names():
    assert person("ADNOT Sébastien") == {"family": "ADNOT", "given": "Sébastien"}
    assert person("LE GOFF Anne-Marie") == {"family": "LE GOFF", "given": "Anne-Marie"}
    assert person("ARS PACA") == {"literal": "ARS PACA"}
    assert person("Fabrique Territoires Santé") == {"literal": "Fabrique Territoires Santé"}
