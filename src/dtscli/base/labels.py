"""The words of the vocabulary in the language of the output: statuses and families.

The codes live in data/vocab.py (the format); their words live in the catalogs (fr.po), with
the feminine a CPTS or a DAC takes (« une communauté », « active », « échue »). In English the
words are the codes themselves (what --status takes)."""

from __future__ import annotations

import datetime as dt

from dtscli.data.vocab import Status
from dtscli.util.i18n import N_, NP_, _, format_date, translations

FEMININE_TYPES = ("CPTS",)  # « une communauté » : « active », « déduite »
STATUS_CONTEXT = "status"
FEMININE_STATUS_CONTEXT = "status, feminine"
STATUS_WORDS = (
    NP_("status", "intention"),
    NP_("status", "in_preparation"),
    NP_("status", "renewal"),
    NP_("status", "active"),
    NP_("status", "expired"),
    NP_("status", "unknown"),
    NP_("status, feminine", "intention"),
    NP_("status, feminine", "in_preparation"),
    NP_("status, feminine", "renewal"),
    NP_("status, feminine", "active"),
    NP_("status, feminine", "expired"),
    NP_("status, feminine", "unknown"),
)
STATUSES: tuple[str, ...] = tuple(status.value for status in Status)


def status_label(status: str, feminine: bool = False, lang: str | None = None) -> str:
    """A status in words in the language of the output (`lang`: another one): « actif »,
    « en préparation », « active » when `feminine`; ValueError for an unknown status."""
    if status not in STATUSES:
        raise ValueError(_("unknown status {status!r}").format(status=status))
    context = FEMININE_STATUS_CONTEXT if feminine else STATUS_CONTEXT
    return translations(lang).pgettext(context, status)


INFERRED_WORDS = (
    NP_("status basis", "{status} (inferred)"),
    NP_("status basis, feminine", "{status} (inferred)"),
)
SOURCE_DATE_WORDS = N_("{status}, source of {date}")


def status_words(
    status: str,
    basis: str | None,
    feminine: bool = False,
    as_of: dt.date | str | None = None,
    lang: str | None = None,
    date_words: str | None = None,
) -> str:
    """The status as a reader must see it: « actif (déduit) » when inferred, and the date of
    its newest source when given (« actif (déduit), source du 17 novembre 2021 »)."""
    words = status_label(status, feminine, lang)
    catalog = translations(lang)
    if basis == "inferred":
        context = "status basis, feminine" if feminine else "status basis"
        words = catalog.pgettext(context, "{status} (inferred)").format(status=words)
    if date_words is not None and as_of is not None:  # the date already in words (list index)
        return catalog.gettext(SOURCE_DATE_WORDS).format(status=words, date=date_words)
    if isinstance(as_of, str) and as_of and as_of != "unknown":
        as_of = dt.date.fromisoformat(as_of)
    if isinstance(as_of, dt.date):
        words = catalog.gettext(SOURCE_DATE_WORDS).format(
            status=words, date=format_date(as_of, lang)
        )
    return words
