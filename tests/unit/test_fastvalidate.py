"""The quick validator (derived pydantic-core schemas, and `vouch` before them) accepts a
record only when the models accept it, and returns what the models hold."""

from __future__ import annotations

import copy
import datetime as dt
import marshal
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dtscli.base import loader
from dtscli.base.yamlfile import parse_file
from dtscli.cache.codec import decode, encode
from dtscli.cache.quickvalidate import QuickValidator, Unsure, derived_schemas, vouch
from dtscli.cache.views import view_of_model, view_of_validated
from dtscli.data import models, vocab

from ..conftest import SHIPPED

SCHEMAS = derived_schemas()
QUICK = QuickValidator(SCHEMAS)
RECORDS = [
    (kind, parse_file(path).data)
    for path, kind in loader.discover(SHIPPED)
    if kind in models.RECORD_MODELS
]


def by_models(kind: str, data: Any) -> Any | None:
    try:
        return view_of_model(models.RECORD_MODELS[kind].model_validate(data))
    except Exception:
        return None


def test_the_shipped_records_validate_alike():
    assert len(RECORDS) > 200
    for kind, data in RECORDS:
        expected = by_models(kind, data)
        assert expected is not None
        assert QUICK.validate(kind, data) == expected
        assert view_of_validated(vouch(SCHEMAS[kind], data), data) == expected


VALUES = st.sampled_from(
    [None, "", "x", "Nom", 0, 5, -1, True, 3.5, dt.date(2024, 1, 2), dt.date(2031, 5, 1),
     "2024-01-02", "2023-02-30", "2024", "unknown", "active", "expired", "CLS", "CLSM",
     "commune:06088", "epci:200030195", "local:nowhere", "Bad Id", "a\n", "sante-mentale",
     "https://example.org", "name@example.org", [], {}, ["x"], [""], [{"id": "x"}],
     {"document": "doc", "as_of": "unknown"}]
)  # fmt: skip


def paths_of(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths_of(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths_of(value, (*prefix, index))
    return found


@st.composite
def mutated_data(draw) -> tuple[str, Any]:
    kind, data = draw(st.sampled_from(RECORDS))
    data = copy.deepcopy(data)
    path = draw(st.sampled_from(paths_of(data)[1:]))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    action = draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        parent[path[-1]] = draw(VALUES)
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[draw(st.sampled_from(["extra", "notes", "status", "axes"]))] = draw(VALUES)
    else:
        parent.append(draw(VALUES))
    return kind, data


@settings(max_examples=400, deadline=None)
@given(mutated_data())
def test_mutated_records_validate_alike(case):
    kind, data = case
    expected = by_models(kind, data)
    assert QUICK.validate(kind, data) == expected
    try:
        vouched = view_of_validated(vouch(SCHEMAS[kind], data), data)
    except Unsure:
        return
    assert vouched == expected  # `vouch` never accepts what the models refuse


def test_the_derived_schemas_need_no_pydantic():
    """The check state keeps them as plain values (cache/codec.py), read back without the
    models and without unpickling anything."""
    encoded = encode(SCHEMAS)
    assert decode(encoded) == SCHEMAS
    data = marshal.dumps(encoded)
    script = (
        "import marshal, sys; from dtscli.cache.codec import decode; "
        "decode(marshal.loads(sys.stdin.buffer.read())); "
        "print(any(m.startswith(('pydantic', 'dtscli.data.models')) for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], input=data, capture_output=True, check=True
    )
    assert result.stdout.strip() == b"False"


def test_vocabularies_agree():
    import typing

    assert models.Status is vocab.Status  # one enum, which the fast paths import alone
    assert typing.get_args(models.SchemeTypeCode) == vocab.SCHEME_TYPES


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_every_kind_has_a_derived_schema(kind):
    assert SCHEMAS[kind]["type"] == "typed-dict"
    assert SCHEMAS[kind]["extra_behavior"] == "forbid"
