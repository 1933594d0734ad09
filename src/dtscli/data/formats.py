"""Value formats shared by the models and by the quick validator (fastvalidate.py):
the enums, the e-mail pattern, the two coercions of document fields.

Importable without pydantic: the derived validation schemas refer to these objects, so
a check can unpickle them without importing the models.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum

from dtscli.util.i18n import _

MENTAL_HEALTH_AXIS = "sante-mentale"
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


class Status(str, Enum):
    """Where a scheme instance stands."""

    intention = "intention"
    in_preparation = "in_preparation"
    renewal = "renewal"
    active = "active"
    expired = "expired"
    unknown = "unknown"


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
        raise ValueError(_("an author is blank"))
    return authors
