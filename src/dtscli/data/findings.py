"""The Finding type: one problem found in the knowledge base, with where it is."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


class Finding(NamedTuple):
    """A problem at a place in a file. Lines and columns are 1-based; 0 means unknown.

    A named tuple: a national base has thousands of findings, saved between checks as
    plain tuples (checkstate.py) and rebuilt from them at the cost of a tuple."""

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    hint: str | None = None
    record_id: str | None = None

    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = self._asdict()
        data["severity"] = self.severity.value
        return data
