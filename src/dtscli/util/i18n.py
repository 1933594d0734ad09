"""One language per output: French by default, English when the locale asks for it.

Messages are written in English in the code and wrapped in `_()` (`ngettext` for counts,
`pgettext` for a word that needs a context); a constant defined at import is marked with
`N_()` and translated where it is shown, so that it follows the language of the run. The
French is in `dtscli/locale/fr/LC_MESSAGES/dts.po`, compiled to `dts.mo` and read by gettext
(`python scripts/catalogs.py` extracts, updates and compiles; tests/cli/test_i18n.py fails when
a marked string has no French or the `.mo` is older than its `.po`). English needs no
catalog: the messages are the English text.

The language: the first of ours in LANGUAGE (a colon-separated list), else the first of
LC_ALL, LC_MESSAGES and LANG that is set: English when it starts with `en`, French otherwise
(C, POSIX, another language, nothing set). It is read on every call, so a test or a library
caller may change it between two runs.

Dates and numbers go through Babel (CLDR data) for the language of the output. Babel costs
more to import than a warm `dts list` takes, so it is imported only when a date or a number
that needs it is formatted: an integer is grouped by three with the language's sign, which
is all CLDR's pattern asks for in both languages (tests/cli/test_i18n.py holds it to Babel).

The fact sheets and the site are French documents whatever the locale: they pass
`lang="fr"` to these functions.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

DOMAIN = "dts"
LOCALE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "locale")
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
ENGLISH = "en"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
GROUP_SIGN = {"fr": "\u202f", "en": ","}  # CLDR's thousands separators (NARROW NO-BREAK SPACE)

_catalogs: dict[str, Any] = {}  # gettext translations by language, read once


def language() -> str:
    """`fr` or `en`, from the environment (see the module docstring)."""
    environ = os.environ
    for entry in environ.get("LANGUAGE", "").split(":"):
        code = entry[:2].lower()
        if code in LANGUAGES:
            return code
    for name in LOCALE_VARIABLES:
        value = environ.get(name)
        if value:
            return ENGLISH if value[:2].lower() == ENGLISH else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def catalog_path(lang: str) -> str:
    return os.path.join(LOCALE_DIR, lang, "LC_MESSAGES", f"{DOMAIN}.mo")


def translations(lang: str | None = None) -> Any:
    """The gettext translations of a language (the current one by default)."""
    lang = lang or language()
    found = _catalogs.get(lang)
    if found is None:
        import gettext

        found = gettext.NullTranslations()
        if lang != ENGLISH:
            try:
                with open(catalog_path(lang), "rb") as handle:
                    found = gettext.GNUTranslations(handle)
            except OSError:  # no catalog: the English text rather than nothing
                pass
        _catalogs[lang] = found
    return found


def _(message: str) -> str:
    """The message in the current language."""
    return translations().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural message for `count`, in the current language."""
    return translations().ngettext(singular, plural, count)


def counted(singular: str, plural: str, count: int) -> str:
    """« 1 démarche », « 3 démarches »: `{count}` in the singular or plural message, the
    number formatted for the language."""
    return ngettext(singular, plural, count).format(count=format_number(count))


def pgettext(context: str, message: str) -> str:
    """A message that needs a context to be translated (the same English word may take two
    French ones), in the current language."""
    return translations().pgettext(context, message)


def N_(message: str) -> str:
    """Mark a constant for the catalog; `_()` translates it where it is shown."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark a constant with a context for the catalog; `pgettext` translates it."""
    return message


# ---------------------------------------------------------------- dates and numbers


def format_date(day: dt.date, lang: str | None = None) -> str:
    """« 21 février 2022 », « 1er mars 2022 » (the French ordinal of the first day);
    « February 21, 2022 » in English."""
    from babel.dates import format_date as babel_date

    lang = lang or language()
    if lang == ENGLISH:
        return babel_date(day, "long", locale=lang)
    return babel_date(day, "d'er' MMMM y" if day.day == 1 else "d MMMM y", locale=lang)


def format_month(year: int, month: int, lang: str | None = None) -> str:
    """« mars 2018 », « March 2018 »: a date known to the month."""
    from babel.dates import format_date as babel_date

    return babel_date(dt.date(year, month, 1), "MMMM y", locale=lang or language())


def format_number(value: int | float, lang: str | None = None, decimals: int | None = None) -> str:
    """« 702 348 » (U+202F NARROW NO-BREAK SPACE between thousands) or « 702,348 »; with
    `decimals`, that many digits after the decimal sign (« 3,5 »)."""
    lang = lang or language()
    if decimals is None and type(value) is int and lang in GROUP_SIGN:
        # Grouped by three with the language's sign, as CLDR's pattern #,##0 says for both
        # languages (a test holds it to Babel's output): loading Babel's locale data for
        # a count would cost more than a warm `dts check` spends on everything else.
        return f"{value:,}".replace(",", GROUP_SIGN[lang])
    from babel.numbers import format_decimal

    pattern = None
    if decimals is not None:
        pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return format_decimal(value, format=pattern, locale=lang)


def format_percent(ratio: float, lang: str | None = None, decimals: int = 0) -> str:
    """A ratio as a percentage in the language's pattern: 0.622 -> « 62,2 % » (U+00A0
    before the sign) or « 62.2% » with `decimals=1`."""
    from babel import Locale
    from babel.numbers import parse_pattern

    locale = Locale.parse(lang or language())
    pattern = parse_pattern(locale.percent_formats[None].pattern)
    pattern.frac_prec = (decimals, decimals)
    return pattern.apply(ratio, locale)
