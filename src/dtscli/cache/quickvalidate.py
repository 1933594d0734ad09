"""Validate records with pydantic-core alone, from schemas derived from the models.

Importing pydantic and building the models costs more than a whole warm `dts check`
may take. The models' core schemas are plain data once each model is turned into a
typed dict (same fields, same constraints, same defaults, unknown keys forbidden) and
their metadata is dropped; they reference only vocab.py (enums, two coercions), so they
can be pickled by a full check and used by the next one without importing pydantic.

Importing pydantic-core still costs a tenth of the warm check's budget, so a record is
first walked through the derived schema by `vouch`, in Python, which accepts only what it
is sure pydantic-core accepts too (plain YAML types, anchored patterns, ISO dates) and
answers "unsure" for anything else; then pydantic-core decides.

A QuickValidator only vouches for valid data: whatever it refuses is validated again by
the models (loader.validate_parsed), which word the findings.
tests/test_fastvalidate.py holds both steps to the models on the shipped data, on a
synthetic national base and on mutations.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dtscli.cache.views import view_of_validated

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
KNOWN_KEYS = {  # the schema keys `vouch` understands, by schema type
    "typed-dict": {"type", "fields", "extra_behavior"},
    "typed-dict-field": {"type", "schema", "required"},
    "default": {"type", "schema", "default", "default_factory", "default_factory_takes_data"},
    "nullable": {"type", "schema"},
    "list": {"type", "items_schema", "min_length", "max_length"},
    "str": {"type", "pattern"},
    "int": {"type", "ge", "le"},
    "bool": {"type"},
    "date": {"type"},
    "literal": {"type", "expected"},
    "enum": {"type", "cls", "members", "sub_type"},
    "union": {"type", "choices"},
    "function-before": {"type", "function", "schema"},
    "function-after": {"type", "function", "schema"},
}


class Unsure(Exception):
    """`vouch` cannot be sure pydantic-core would accept the value."""


def vouch(schema: dict[str, Any], value: Any) -> Any:
    """The value as pydantic-core would return it, for values it surely accepts."""
    kind = schema["type"]
    if not schema.keys() <= KNOWN_KEYS.get(kind, set()):
        raise Unsure(kind)
    if kind == "typed-dict":
        fields = schema["fields"]
        if type(value) is not dict or schema["extra_behavior"] != "forbid":
            raise Unsure(kind)
        if not value.keys() <= fields.keys():
            raise Unsure("unknown key")
        result = {}
        for name, field in fields.items():
            if name in value:
                result[name] = vouch(field["schema"], value[name])
            elif field["required"]:
                raise Unsure("missing key")
            else:
                result[name] = _default(field["schema"])
        return result
    if kind == "default":
        return vouch(schema["schema"], value)
    if kind == "nullable":
        return None if value is None else vouch(schema["schema"], value)
    if kind == "str":
        pattern = schema.get("pattern")
        if type(value) is not str or (pattern and ("\n" in value or not re.search(pattern, value))):
            raise Unsure(kind)
        return value
    if kind == "int":
        if (
            type(value) is not int
            or value < schema.get("ge", value)
            or value > schema.get("le", value)
        ):
            raise Unsure(kind)
        return value
    if kind == "bool":
        if type(value) is not bool:  # YAML true/false; "yes" or 1 left to pydantic-core
            raise Unsure(kind)
        return value
    if kind == "date":
        if type(value) is dt.date:
            return value
        if type(value) is str and ISO_DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise Unsure(kind) from None
        raise Unsure(kind)
    if kind == "literal":
        for expected in schema["expected"]:
            if type(value) is type(expected) and value == expected:
                return value
        raise Unsure(kind)
    if kind == "enum":
        if schema.get("sub_type") == "str" and type(value) is str:
            for member in schema["members"]:
                if member.value == value:
                    return member
        raise Unsure(kind)
    if kind == "list":
        if type(value) is not list:
            raise Unsure(kind)
        if not schema.get("min_length", 0) <= len(value) <= schema.get("max_length", len(value)):
            raise Unsure(kind)
        return [vouch(schema["items_schema"], item) for item in value]
    if kind == "union":
        accepted = []
        for choice in schema["choices"]:
            try:
                accepted.append(vouch(choice, value))
            except Unsure:
                continue
        if len(accepted) != 1:
            raise Unsure(kind)
        return accepted[0]
    function = schema["function"]
    if function.get("type") != "no-info" or set(function) != {"type", "function"}:
        raise Unsure(kind)
    try:
        if kind == "function-before":
            return vouch(schema["schema"], function["function"](value))
        return function["function"](vouch(schema["schema"], value))
    except Unsure:
        raise
    except Exception:  # the function refuses the value: pydantic-core words the error
        raise Unsure(kind) from None


def _default(schema: dict[str, Any]) -> Any:
    if schema["type"] != "default" or schema.get("default_factory_takes_data"):
        raise Unsure("missing key")
    if "default_factory" in schema:
        return schema["default_factory"]()
    return schema["default"]


DROPPED_KEYS = ("metadata", "serialization", "ref")


def derive(schema: Any) -> Any:
    """A core schema in which every model schema is a typed-dict schema."""
    if isinstance(schema, list):
        return [derive(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("type") == "model":
        inner = schema["schema"]
        if inner.get("type") != "model-fields":
            raise ValueError(f"cannot derive a typed dict from {inner.get('type')!r}")
        fields = {}
        for name, field in inner["fields"].items():
            field_schema = derive(field["schema"])
            fields[name] = {
                "type": "typed-dict-field",
                "schema": field_schema,
                "required": field_schema.get("type") != "default",
            }
        config = schema.get("config", {})
        return {
            "type": "typed-dict",
            "fields": fields,
            "extra_behavior": config.get("extra_fields_behavior", "ignore"),
        }
    if schema.get("type") in ("definitions", "definition-ref"):
        raise ValueError("recursive models are not supported by the quick validator")
    return {key: derive(value) for key, value in schema.items() if key not in DROPPED_KEYS}


def derived_schemas() -> dict[str, Any]:
    """The derived schema of every record kind (imports the models)."""
    from dtscli.data import models

    return {
        kind: derive(model.__pydantic_core_schema__) for kind, model in models.RECORD_MODELS.items()
    }


class QuickValidator:
    """Validates YAML data into RecordViews; None for data it does not accept."""

    def __init__(self, schemas: dict[str, Any]) -> None:
        self.schemas = schemas
        self._validators: dict[str, Any] = {}

    def validate(self, kind: str, data: dict[str, Any]) -> Any | None:
        schema = self.schemas.get(kind)
        if schema is None:
            return None
        try:
            return view_of_validated(vouch(schema, data), data)
        except Unsure:
            pass
        from pydantic_core import SchemaValidator, ValidationError

        validator = self._validators.get(kind)
        if validator is None:
            validator = self._validators[kind] = SchemaValidator(schema)
        try:
            validated = validator.validate_python(data)
        except ValidationError:
            return None
        return view_of_validated(validated, data)
