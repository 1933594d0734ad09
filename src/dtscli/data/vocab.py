"""The fixed vocabulary of the format and small text helpers, importable without pydantic
(fast paths use them)."""

from __future__ import annotations

from dtscli.util.i18n import NP_, _, translations

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


# The statuses in words, one source for the command line and the sheets. In English they
# are the values themselves (what --status takes); the French is in the catalog (fr.po),
# with the feminine a CPTS or a DAC takes (« une communauté », « active », « échue »).
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


def status_label(status: str, feminine: bool = False, lang: str | None = None) -> str:
    """A status in words in the language of the output (`lang`: another one): « actif »,
    « en préparation », « active » when `feminine`; ValueError for an unknown status."""
    if status not in STATUSES:
        raise ValueError(_("unknown status {status!r}").format(status=status))
    context = FEMININE_STATUS_CONTEXT if feminine else STATUS_CONTEXT
    return translations(lang).pgettext(context, status)


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
