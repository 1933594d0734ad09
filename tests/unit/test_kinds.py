"""The table of record kinds (data/kinds.py) is the one place a kind is described: the
loader, the models, the schemas and the exports all follow it."""

from __future__ import annotations

import pytest

from dtscli.base.loader import classify
from dtscli.data import jsonschemas, kinds, models


@pytest.mark.parametrize("kind", kinds.KINDS, ids=lambda kind: kind.name)
def test_the_loader_finds_each_kind_where_the_table_says(kind: kinds.Kind):
    sample = kind.where.replace("<type>", "cls").replace("<TYPE>", "CLS")
    sample = sample.replace("<id>", "x").replace("<code>", "X")
    assert classify(sample) == kind.name
    assert classify(f"{kind.folder}/deeper/still/x.yaml") == kinds.UNEXPECTED


@pytest.mark.parametrize("kind", kinds.KINDS, ids=lambda kind: kind.name)
def test_each_kind_has_its_model_and_schema(kind: kinds.Kind):
    assert models.RECORD_MODELS[kind.name].__name__ == kind.model
    assert jsonschemas.file_name(kind.name) == kind.schema_file
    assert kind.where in jsonschemas.schema_for(kind.name)["title"]


def test_names_and_tables_are_unique():
    assert len(set(kinds.NAMES)) == len(kinds.KINDS)
    assert len({kind.table for kind in kinds.KINDS}) == len(kinds.KINDS)
    assert set(models.RECORD_MODELS) == set(kinds.NAMES)


def test_files_outside_the_kinds_folders_are_not_records():
    assert classify("territories/communes.yaml") is None  # the generated referential
    assert classify("notes.yaml") == kinds.UNEXPECTED
    assert classify("schemes/cls/README.md") is None
