"""A resolved territory. Alone in its module so that a check from the saved state
(recheck.py) can rebuild territories without loading the referential's code."""

from __future__ import annotations

from typing import NamedTuple


class Territory(NamedTuple):
    """A resolved territory: what it is called and which communes, departments it covers.
    (A named tuple: immutable, and cheaper to define and rebuild than a frozen dataclass.)"""

    ref: str
    kind: str
    code: str
    name: str
    communes: frozenset[str]
    depts: frozenset[str]
    regions: frozenset[str]
    population: int | None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" if self.kind in ("commune", "dept") else self.name

    def overlaps(self, other: Territory) -> bool:
        if self.communes and other.communes:
            return not self.communes.isdisjoint(other.communes)
        return self.ref == other.ref
