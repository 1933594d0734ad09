"""Records as plain objects: what the check rules read, without pydantic.

A RecordView has the attributes of the model it stands for (nested records are views
too, enums are the same vocab enums, dates are dates) and its `model_fields_set`, so a
rule cannot tell it from the model. Views come from pydantic-core validation of YAML
data (fastvalidate.py) or from a validated model (to keep it in the check state).
"""

from __future__ import annotations

from typing import Any


class RecordView:
    """Attribute access to the fields of a validated record."""

    def __init__(self, fields: dict[str, Any], fields_set: frozenset[str]) -> None:
        self.__dict__.update(fields)
        self.model_fields_set = fields_set

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RecordView) and self.__dict__ == other.__dict__

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items() if k != "model_fields_set")
        return f"RecordView({shown})"


def view_of_validated(value: Any, given: Any) -> Any:
    """A view of what a typed-dict validation returned; `given` is the input, whose keys
    are the fields set. Every mapping in the output is a record (models have no dict field)."""
    if isinstance(value, dict):
        given_map = given if isinstance(given, dict) else {}
        fields = {key: view_of_validated(item, given_map.get(key)) for key, item in value.items()}
        return RecordView(fields, frozenset(key for key in given_map if key in value))
    if isinstance(value, list):
        given_list = given if isinstance(given, list) else []
        return [
            view_of_validated(item, given_list[index] if index < len(given_list) else None)
            for index, item in enumerate(value)
        ]
    return value


def view_of_model(value: Any) -> Any:
    """A view of a pydantic model instance (nested models and lists included)."""
    fields_set = getattr(value, "__pydantic_fields_set__", None)
    if fields_set is not None:
        fields = {key: view_of_model(item) for key, item in value.__dict__.items()}
        return RecordView(fields, frozenset(fields_set))
    if isinstance(value, list):
        return [view_of_model(item) for item in value]
    return value
