"""How a page of the site is made into HTML: the Jinja environment and its French
filters, and the French typography of a whole page."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

from dtscli.sheets.environment import (
    fr_date,
    fr_join,
    fr_number,
    french_typography,
)
from dtscli.site.safety import safe_href

HERE = Path(__file__).resolve().parent

# Babel formats a date in tens of microseconds; a site formats the same few hundred dates
# tens of thousands of times (the dates of its sources). Both always write French.
_cached_date = functools.lru_cache(maxsize=8192)(fr_date)
_cached_number = functools.lru_cache(maxsize=8192)(fr_number)


def french_html(text: str) -> str:
    """The no-break spaces of `render.french_typography`, on a whole page at once (an HTML
    page has no Markdown table rules or fenced code to leave alone). The same rules, made
    quicker on pages of tens of kilobytes: a rule runs only where its sign occurs, and the
    spaces before « » » are stripped by string methods rather than tried at every place."""
    from dtscli.sheets.environment import _AFTER_OPENING, _NUMERO, _SPACE_BEFORE, NBSP, NNBSP

    text = _SPACE_BEFORE.sub(NBSP + r"\1", text)
    if "»" in text:  # any run of spaces before it (or none) becomes one no-break space
        pieces = text.split("»")
        spaces = " \t" + NBSP + NNBSP
        text = "»".join([piece.rstrip(spaces) + NBSP for piece in pieces[:-1]] + pieces[-1:])
    if "«" in text:
        text = _AFTER_OPENING.sub("«" + NBSP, text)
    if "°" in text:
        text = _NUMERO.sub(r"\1" + NBSP, text)
    return text


class _DictFirstEnvironment(jinja2.Environment):
    """`row.name` on a dict reads its key at once (Jinja tries the attribute first and
    fails, a million times a site); a key named like a dict method would hide the method,
    and no row of the site has one (`by_type.items()` is still the method)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def environment() -> jinja2.Environment:
    """The templates of the site, autoescaped, with the French filters they use."""
    env = _DictFirstEnvironment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # thousands of pages: no stat of the template for each
    )
    env.filters.update(
        {
            "date_fr": _cached_date,
            "nombre": _cached_number,
            "liste_fr": fr_join,
            "href": safe_href,
            "typo": lambda text: french_typography(str(text)),
        }
    )
    return env
