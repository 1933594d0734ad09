"""Validate records with pydantic-core alone, from schemas derived from the models.

Importing pydantic and building the models costs more than a whole warm `dts check`
may take. The models' core schemas are plain data once each model is turned into a
typed dict (same fields, same constraints, same defaults, unknown keys forbidden) and
their metadata is dropped; they reference only vocab.py (enums, two coercions), so they
can be pickled by a full check and used by the next one without importing pydantic.

A QuickValidator only vouches for valid data: whatever it refuses is validated again by
the models (loader.validate_parsed), which word the findings.
tests/test_fastvalidate.py holds it to the models on the shipped data and on mutations.
"""

from __future__ import annotations

from typing import Any

from dtscli.views import view_of_validated

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
    from dtscli import models

    return {
        kind: derive(model.__pydantic_core_schema__) for kind, model in models.RECORD_MODELS.items()
    }


class QuickValidator:
    """Validates YAML data into RecordViews; None for data it does not accept."""

    def __init__(self, schemas: dict[str, Any]) -> None:
        self.schemas = schemas
        self._validators: dict[str, Any] = {}

    def validate(self, kind: str, data: dict[str, Any]) -> Any | None:
        from pydantic_core import SchemaValidator, ValidationError

        validator = self._validators.get(kind)
        if validator is None:
            schema = self.schemas.get(kind)
            if schema is None:
                return None
            validator = self._validators[kind] = SchemaValidator(schema)
        try:
            validated = validator.validate_python(data)
        except ValidationError:
            return None
        return view_of_validated(validated, data)
