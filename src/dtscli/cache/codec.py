"""Objects the caches keep, as plain values marshal can write, and back.

A cache is data: it holds strings, numbers, tuples, lists and dicts, never a pickle. The
few objects the check state needs beyond those (record views, dates, the vocabulary's
enums and the two coercion functions that the derived schemas reference) are written as
tagged tuples and rebuilt by name, from dtscli.data.vocab only: a name that is not one of
its enums or functions makes the whole value unreadable (ValueError), never a call.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
from typing import Any

from dtscli.cache.views import RecordView
from dtscli.data import vocab
from dtscli.data.findings import Finding, Severity

SEVERITIES = {severity.value: severity for severity in Severity}
TAG = "\x00dts"  # first item of a tagged tuple; no YAML value or schema key is this
BUILTINS = {"list": list, "dict": dict, "tuple": tuple, "set": set}


def finding_row(item: Finding) -> tuple[Any, ...]:
    """A finding as a plain tuple, its severity as text."""
    return (*item[:4], item.severity.value, *item[5:])


def finding_of(row: Any) -> Finding:
    path, line, column, rule, severity, message, hint, record_id = row
    return tuple.__new__(
        Finding, (path, line, column, rule, SEVERITIES[severity], message, hint, record_id)
    )


def encode(value: Any) -> Any:
    """`value` as plain values; ValueError for anything this module cannot rebuild."""
    kind = type(value)
    if kind in (str, int, float, bool, bytes) or value is None:
        return value
    if kind is list:
        return [encode(item) for item in value]
    if kind is tuple:
        return (TAG, "tuple", [encode(item) for item in value])
    if kind is dict:
        return {encode(key): encode(item) for key, item in value.items()}
    if kind is RecordView:
        fields = {k: encode(v) for k, v in value.__dict__.items() if k != "model_fields_set"}
        return (TAG, "view", fields, sorted(value.model_fields_set))
    if kind is dt.date:
        return (TAG, "date", value.isoformat())
    if isinstance(value, enum.Enum) and _vocab_name(kind) is not None:
        return (TAG, "member", kind.__name__, value.name)
    if isinstance(value, type) and issubclass(value, enum.Enum) and _vocab_name(value):
        return (TAG, "enum", value.__name__)
    if isinstance(value, types.FunctionType) and _vocab_name(value) is not None:
        return (TAG, "function", value.__name__)
    if value in BUILTINS.values():
        return (TAG, "builtin", value.__name__)
    raise ValueError(f"cannot keep a {kind.__name__} in a cache")


def decode(value: Any) -> Any:
    """The value `encode` was given; ValueError for a value it cannot have written."""
    kind = type(value)
    if kind is list:
        return [decode(item) for item in value]
    if kind is dict:
        return {decode(key): decode(item) for key, item in value.items()}
    if kind is not tuple:
        if kind in (str, int, float, bool, bytes) or value is None:
            return value
        raise ValueError(f"unexpected {kind.__name__} in a cache")
    if len(value) < 3 or value[0] != TAG:
        raise ValueError("an untagged tuple in a cache")
    tag = value[1]
    if tag == "tuple":
        return tuple(decode(item) for item in value[2])
    if tag == "view" and len(value) == 4:
        fields = {key: decode(item) for key, item in value[2].items()}
        return RecordView(fields, frozenset(value[3]))
    if tag == "date":
        return dt.date.fromisoformat(value[2])
    if tag == "member" and len(value) == 4:
        return _vocab_enum(value[2])[value[3]]
    if tag == "enum":
        return _vocab_enum(value[2])
    if tag == "function":
        function = getattr(vocab, value[2], None)
        if not isinstance(function, types.FunctionType) or _vocab_name(function) is None:
            raise ValueError(f"no function {value[2]!r} in the vocabulary")
        return function
    if tag == "builtin" and value[2] in BUILTINS:
        return BUILTINS[value[2]]
    raise ValueError(f"unknown tag {tag!r} in a cache")


def _vocab_name(item: Any) -> str | None:
    """The name of an enum or function defined in the vocabulary, else None."""
    name = getattr(item, "__name__", None)
    if (
        getattr(item, "__module__", None) == vocab.__name__
        and getattr(vocab, name or "", None) is item
    ):
        return name
    return None


def _vocab_enum(name: Any) -> type[enum.Enum]:
    found = getattr(vocab, name, None) if isinstance(name, str) else None
    if not (isinstance(found, type) and issubclass(found, enum.Enum)) or not _vocab_name(found):
        raise ValueError(f"no enum {name!r} in the vocabulary")
    return found
