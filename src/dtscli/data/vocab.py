"""The fixed vocabulary of the format and small text helpers, importable without pydantic
(fast paths use them)."""

from __future__ import annotations

import datetime as dt

SCHEME_TYPES: tuple[str, ...] = ("CLS", "CLSM", "ASV", "PTSM", "CPTS", "DAC")
STATUSES: tuple[str, ...] = (  # the values of formats.Status (a test keeps them equal)
    "intention",
    "in_preparation",
    "renewal",
    "active",
    "expired",
    "unknown",
)


def did_you_mean(word: str, choices: list[str]) -> str | None:
    """The choice `word` most likely meant (a typo-aware distance: util/suggest.py)."""
    from dtscli.util.suggest import closest  # only on a mistake: off the start-up path

    return closest(word, choices)


MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_date(day: dt.date) -> str:
    """« 1er mars 2022 », « 21 février 2022 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


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
