"""The JSON Schemas under schemas/: generated from the models, and right about the files.

The shipped records and the invalid check cases go through an independent validator,
check-jsonschema, as an editor or a CI job would use the schemas.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from dtscli.base.loader import classify, discover
from dtscli.data import jsonschemas, models
from dtscli.data.canonical import key_order

ROOT = Path(__file__).resolve().parent.parent.parent
SCHEMAS = ROOT / "src" / "dtscli" / "schemas"
SHIPPED = ROOT / "data"
CASES = Path(__file__).resolve().parent.parent / "check_cases"


def check_jsonschema(kind: str, files: list[Path]) -> dict:
    """Run check-jsonschema on `files` against the committed schema of `kind`."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--output-format",
            "json",
            "--schemafile",
            str(SCHEMAS / jsonschemas.file_name(kind)),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


# ---------------------------------------------------------------- generation


@pytest.mark.parametrize("kind", jsonschemas.KINDS)
def test_committed_schemas_match_the_models(kind):
    committed = (SCHEMAS / jsonschemas.file_name(kind)).read_text(encoding="utf-8")
    assert committed == jsonschemas.render(kind), (
        f"{jsonschemas.file_name(kind)} is out of date: run `dts schema -o src/dtscli/schemas`"
    )


def test_one_schema_per_record_kind():
    assert set(jsonschemas.KINDS) == set(models.RECORD_MODELS)
    for kind in jsonschemas.KINDS:
        schema = json.loads((SCHEMAS / jsonschemas.file_name(kind)).read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["type"] == "object"
        assert schema["additionalProperties"] is False


def _objects(schema: dict):
    yield schema
    yield from schema.get("$defs", {}).values()


@pytest.mark.parametrize("kind", jsonschemas.KINDS)
def test_every_property_has_a_title_and_a_description(kind):
    schema = jsonschemas.schema_for(kind)
    for definition in _objects(schema):
        for name, prop in definition.get("properties", {}).items():
            assert prop.get("title"), f"{kind}: {name} has no title"
            assert prop.get("description"), f"{kind}: {name} has no description"


def test_enumerations_and_patterns_reach_the_editor():
    schema = jsonschemas.schema_for("scheme")
    assert schema["$defs"]["Status"]["enum"] == [s.value for s in models.Status]
    assert schema["properties"]["type"]["enum"] == list(models.SCHEME_TYPES)
    assert "commune:06088" in schema["properties"]["territory"]["examples"]
    assert schema["properties"]["territory"]["pattern"] == models.TERRITORY_PATTERN


def test_dates_are_strings_in_date_format():
    """The loader hands the models dates as ISO text: the schema must accept such strings."""
    schema = jsonschemas.schema_for("scheme")
    assert {"type": "string", "format": "date"} in schema["properties"]["signed_on"]["anyOf"]
    as_of = schema["$defs"]["Source"]["properties"]["as_of"]["anyOf"]
    assert {"type": "string", "format": "date"} in as_of
    assert {"type": "string", "const": "unknown"} in as_of


def test_properties_follow_the_canonical_key_order():
    schema = jsonschemas.schema_for("scheme")
    assert list(schema["properties"]) == list(key_order(models.Scheme))
    assert list(schema["properties"])[:3] == ["id", "type", "name"]
    assert list(schema["properties"])[-2:] == ["sources", "notes"]


def test_dts_schema_writes_then_checks(invoke, tmp_path):
    result = invoke("schema", "-o", str(tmp_path), data=None)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        jsonschemas.file_name(k) for k in jsonschemas.KINDS
    )
    assert invoke("schema", "-o", str(tmp_path), "--check", data=None).exit_code == 0
    again = invoke("schema", "-o", str(tmp_path), data=None)
    assert "unchanged" in again.stdout and "wrote" not in again.stdout
    stale = tmp_path / "contact.schema.json"
    stale.write_text("{}\n", encoding="utf-8")
    result = invoke("schema", "-o", str(tmp_path), "--check", data=None)
    assert result.exit_code == 1
    assert "contact.schema.json" in result.stdout
    assert stale.read_text(encoding="utf-8") == "{}\n"  # --check changes nothing


def test_dts_schema_prints_one_kind_and_refuses_unknown_ones(invoke):
    result = invoke("schema", "scheme", data=None)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == jsonschemas.schema_for("scheme")
    result = invoke("schema", "shceme", data=None)
    assert result.exit_code == 2
    assert "did you mean scheme" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- an independent validator


def test_every_shipped_record_validates_with_check_jsonschema():
    by_kind: dict[str, list[Path]] = defaultdict(list)
    for path, kind in discover(SHIPPED):
        if kind in models.RECORD_MODELS:
            by_kind[kind].append(path)
    assert {"scheme-type", "scheme", "contact", "legal", "document"} <= set(by_kind)
    for kind, files in sorted(by_kind.items()):
        report = check_jsonschema(kind, files)
        assert report.get("parse_errors", []) == [], kind
        assert report["errors"] == [], kind
        assert report["status"] == "ok"


def _case_files(outcome: str) -> list[tuple[str, Path]]:
    root = CASES / "schema" / outcome
    found = []
    for path in sorted(root.rglob("*.yaml")):
        kind = classify(path.relative_to(root))
        assert kind in models.RECORD_MODELS, path
        found.append((kind, path))
    return found


def test_check_jsonschema_rejects_every_invalid_schema_case():
    cases = _case_files("invalid")
    assert len(cases) >= 7
    by_kind: dict[str, list[Path]] = defaultdict(list)
    for kind, path in cases:
        by_kind[kind].append(path)
    for kind, files in by_kind.items():
        report = check_jsonschema(kind, files)
        rejected = {Path(error["filename"]).resolve() for error in report["errors"]}
        for path in files:
            assert path.resolve() in rejected, f"{path.name} passes the {kind} schema"


def test_check_jsonschema_accepts_the_valid_schema_cases():
    for kind, path in _case_files("valid"):
        assert check_jsonschema(kind, [path])["errors"] == [], path.name


def test_a_year_written_as_a_number_is_accepted_as_by_dts(tmp_path):
    """`date: 2016` unquoted is a number in YAML; the model accepts it, so must the schema."""
    document = tmp_path / "documents" / "doc-annee.yaml"
    document.parent.mkdir()
    document.write_text("id: doc-annee\nkind: rapport\ntitle: Titre\ndate: 2016\n")
    assert check_jsonschema("document", [document])["errors"] == []
