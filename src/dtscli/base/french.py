"""French words and numbers for the documents dts publishes (sheets, maps, the site): they are
French whatever the locale of the run. Dates and numbers through Babel (util/i18n.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from dtscli.base import labels
from dtscli.util.i18n import _, format_date, format_month, format_number, format_percent

NBSP = "\u00a0"
NNBSP = "\u202f"
SHEET_LANGUAGE = "fr"  # the sheets are French documents, whatever the locale of the run

FAMILY_LABELS: dict[str, str] = {
    "sante-globale": "Santé globale",
    "sante-mentale": "Santé mentale",
    "parcours-de-soins": "Parcours de soins",
}


# ---------------------------------------------------------------- French formatting
# Through Babel (util/i18n.py), in French: the sheets are French documents.


def fr_date(value: dt.date | str | None) -> str:
    """`2022-02-21` -> « 21 février 2022 »; partial dates (`2018-03`, `2018`) and `unknown`."""
    if value is None:
        raise ValueError(_("no date to format (None)"))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return format_date(value, SHEET_LANGUAGE)
    text = str(value)
    if text == "unknown":
        return "date inconnue"
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not match:
        raise ValueError(_("not a date: {text!r}").format(text=text))
    year, month, day = match.groups()
    if day:
        return fr_date(dt.date(int(year), int(month), int(day)))
    if month:
        return format_month(int(year), int(month), SHEET_LANGUAGE)
    return year


def fr_number(value: int | float | None) -> str:
    """5218960 -> « 5 218 960 », with U+202F NARROW NO-BREAK SPACE between thousands."""
    if value is None or isinstance(value, bool):
        raise ValueError(_("no number to format ({value!r})").format(value=value))
    if isinstance(value, float) and not value.is_integer():
        return format_number(value, SHEET_LANGUAGE, decimals=1)
    return format_number(int(value), SHEET_LANGUAGE)


def fr_percent(part: int, whole: int) -> str:
    """« 42 % »; « moins de 1 % » rather than a misleading « 0 % »."""
    if not whole:
        raise ValueError(_("percentage of zero"))
    share = 100 * part / whole
    if 0 < share < 1:
        return f"moins de 1{NBSP}%"
    return format_percent(round(share) / 100, SHEET_LANGUAGE)


def status_label(status: str, feminine: bool = False) -> str:
    """« actif », « en préparation »; « active » for a feminine type (a CPTS is « une
    communauté »). The labels of the command line, in French (data/vocab.py)."""
    return labels.status_label(str(status), feminine, lang=SHEET_LANGUAGE)


def scheme_status_label(scheme: Any, feminine: bool = False, with_date: bool = False) -> str:
    """« actif (déduit) » for an inferred status; with its source date when `with_date`
    (« actif (déduit), source du 17 novembre 2021 »), for pages that print no date beside."""
    from dtscli.base.provenance import newest_date

    basis = scheme.status_basis.value if scheme.status_basis else None
    as_of = newest_date(scheme.sources) if with_date else None
    return labels.status_words(scheme.status.value, basis, feminine, as_of, lang=SHEET_LANGUAGE)


def family_label(family: str) -> str:
    try:
        return FAMILY_LABELS[str(family)]
    except KeyError:
        raise ValueError(_("unknown family {family!r}").format(family=family)) from None


def fr_join(items: Iterable[Any], last: str = " et ") -> str:
    """['a', 'b', 'c'] -> « a, b et c »."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + last + words[-1]
