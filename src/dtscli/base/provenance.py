"""How sure a fact is: whether a scheme's status says it exists, the date its status rests
on, and the words that show an inferred status or a guessed name to a reader.

The figures people put on slides (coverage, gaps, completeness) count a scheme only when its
status says it exists: stated by a source, or inferred with the reason written in the notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from dtscli.data import vocab
from dtscli.data.vocab import COVERING_STATUSES

if TYPE_CHECKING:  # the models cost pydantic: a warm check re-checks without it
    from dtscli.data import models


def status_is_grounded(scheme: models.Scheme) -> bool:
    """True when the status rests on something: stated, or inferred with a reason in the notes."""
    if scheme.status is vocab.Status.unknown:
        return False
    if scheme.status_basis is vocab.StatusBasis.inferred:
        return bool(scheme.notes and scheme.notes.strip())
    return scheme.status_basis is vocab.StatusBasis.stated


def counts_as_existing(scheme: models.Scheme) -> bool:
    """A scheme that coverage and gaps count: a covering status with a ground."""
    return scheme.status.value in COVERING_STATUSES and status_is_grounded(scheme)


def newest_date(sources: Iterable[models.Source]) -> dt.date | None:
    """The most recent dated fact among the sources (None when none is dated)."""
    dates = [s.as_of for s in sources if isinstance(s.as_of, dt.date)]
    return max(dates) if dates else None


def is_inferred(scheme: models.Scheme) -> bool:
    return scheme.status_basis is vocab.StatusBasis.inferred


def name_is_guessed(contact: models.Contact) -> bool:
    return contact.name_basis is vocab.NameBasis.guessed
