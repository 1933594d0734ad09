"""The canonical key order of record files, defined here once.

`dts fmt` writes keys in this order, the JSON Schemas list their properties in it, `dts new`
writes its template in it and the exports use it for their columns. It is the order in which
the model declares its fields, with `id` first and the shared `sources` and `notes` last
(Pydantic lists inherited fields first; a reader wants them at the end). For a scheme that is
id, type, name, territory, status, …, sources, notes.
"""

from __future__ import annotations

import functools
import types
import typing
from typing import Any

from pydantic import BaseModel

HEAD: tuple[str, ...] = ("id",)
TAIL: tuple[str, ...] = ("sources", "notes")


@functools.cache
def key_order(model: type[BaseModel]) -> tuple[str, ...]:
    """The keys of `model` in canonical order."""
    fields = list(model.model_fields)
    body = [name for name in fields if name not in HEAD and name not in TAIL]
    head = [name for name in HEAD if name in fields]
    tail = [name for name in TAIL if name in fields]
    return (*head, *body, *tail)


def sort_keys(keys: list[str], model: type[BaseModel]) -> list[str]:
    """`keys` in canonical order; keys the model does not know keep their relative order,
    after the known ones and before the tail (the schema check reports them)."""
    order = key_order(model)
    rank = {name: index for index, name in enumerate(order)}
    unknown_rank = next((rank[name] for name in TAIL if name in rank), len(order)) - 0.5
    return sorted(keys, key=lambda key: rank.get(key, unknown_rank))


def nested_model(model: type[BaseModel], key: str) -> type[BaseModel] | None:
    """The model of the value (or of the list items) under `key`, if it is a model."""
    field = model.model_fields.get(key)
    return _model_in(field.annotation) if field is not None else None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType) or origin is typing.Annotated:
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
