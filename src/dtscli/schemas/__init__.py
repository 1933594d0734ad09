"""The JSON Schemas of the record files and of the `dts check` JSON report, shipped as package
data: generated from the models by `dts schema -o src/dtscli/schemas` (a test keeps them
equal), hand-written for the report. `dts init` copies them into a data repository."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


def schema_files() -> list[Traversable]:
    """Every shipped schema, sorted by name."""
    folder = resources.files(__name__)
    return sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".schema.json")),
        key=lambda entry: entry.name,
    )
