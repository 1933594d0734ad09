"""The fixed vocabulary of the format: the enums and codes the models and the fast paths
share, the two coercions of document fields, and small text helpers (folding, dates in
French, "did you mean").

Importable without pydantic: the derived validation schemas of the quick validator refer to
these objects, so a check can unpickle them without importing the models.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum

SCHEME_TYPES: tuple[str, ...] = ("CLS", "CLSM", "ASV", "PTSM", "CPTS", "DAC")
MENTAL_HEALTH_AXIS = "sante-mentale"
# An id is a file name too (<id>.yaml): it must be one every system can check out. Windows
# refuses these device names (whatever the extension), and long names break its paths.
RESERVED_FILE_NAMES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
)
MAX_ID_LENGTH = 100
ID_RESERVED, ID_TOO_LONG = "reserved", "too-long"


def id_problem(record_id: str) -> str | None:
    """Why an id cannot be a file name everywhere (ID_RESERVED, ID_TOO_LONG), or None."""
    if record_id.lower() in RESERVED_FILE_NAMES:
        return ID_RESERVED
    if len(record_id) > MAX_ID_LENGTH:
        return ID_TOO_LONG
    return None


EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


class Status(str, Enum):
    """Where a scheme instance stands."""

    intention = "intention"
    in_preparation = "in_preparation"
    renewal = "renewal"
    active = "active"
    expired = "expired"
    unknown = "unknown"


class StatusBasis(str, Enum):
    """How sure a status is: the source states it, or the base infers it (reason in notes)."""

    stated = "stated"
    inferred = "inferred"


class NameBasis(str, Enum):
    """Whether a contact's name is printed by a source or guessed (e.g. from an e-mail)."""

    stated = "stated"
    guessed = "guessed"


# The statuses under which a scheme covers its territory, for `dts stats` coverage and gaps
# and for the sheets: every status but an intention, an ended scheme and an unknown status
# (a scheme whose status no source gives may not exist any more: it is not counted).
NOT_COVERING: tuple[str, ...] = (
    Status.intention.value,
    Status.expired.value,
    Status.unknown.value,
)
COVERING_STATUSES: tuple[str, ...] = tuple(s.value for s in Status if s.value not in NOT_COVERING)


class Family(str, Enum):
    """The three families of schemes the seeds describe."""

    sante_globale = "sante-globale"
    sante_mentale = "sante-mentale"
    parcours_de_soins = "parcours-de-soins"


def date_as_text(value: object) -> object:
    """YAML reads `2021-11-17` as a date and `2021` as a number: keep both as text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 2999:
        return str(value)
    return value


def no_blank_author(authors: list[str]) -> list[str]:
    if any(not author.strip() for author in authors):
        raise ValueError("an author is blank")
    return authors


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-light form used for name and text search."""
    import unicodedata

    plain = text
    if not text.isascii():  # accents: decompose, then drop the combining marks
        plain = unicodedata.normalize("NFKD", text)
        for mark in [ch for ch in set(plain) if unicodedata.combining(ch)]:  # a few distinct
            plain = plain.replace(mark, "")  # (str.translate is ten times slower here)
    plain = plain.casefold()
    for char in "-'’":
        plain = plain.replace(char, " ")
    return " ".join(plain.split())
