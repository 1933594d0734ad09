"""The quicker ways the site makes its pages give the same text as the plain rules: the
page's typography, the escaping of map text, Jinja reading a row's keys."""

from __future__ import annotations

import random

import jinja2
import pytest
from markupsafe import escape

from dtscli.maps import svg
from dtscli.sheets.environment import _AFTER_OPENING, _BEFORE_CLOSING, _NUMERO, _SPACE_BEFORE
from dtscli.site.render import environment, french_html

NBSP = "\u00a0"
SIGNS = [" ", "  ", "\t", NBSP, "\u202f", "»", "«", ":", ";", "?", "!", "%", "N", "n", "°"]
SIGNS += ["a", "é", "-", "\n", "<", ">", "&", '"', "'", "1"]


def rule_by_rule(text: str) -> str:
    """The four rules of the sheets' typography, one regular expression each."""
    text = _SPACE_BEFORE.sub(NBSP + r"\1", text)
    text = _BEFORE_CLOSING.sub(NBSP + "»", text)
    text = _AFTER_OPENING.sub("«" + NBSP, text)
    return _NUMERO.sub(r"\1" + NBSP, text)


def samples(count: int) -> list[str]:
    rng = random.Random(14)
    return ["".join(rng.choices(SIGNS, k=rng.randint(0, 16))) for _ in range(count)]


def test_the_page_typography_is_the_rules_one_by_one():
    texts = [*samples(20000), "Voir « Sources » : n° 3 ; 50 %", "a  »» b", "«  x", "N°  12"]
    changed = 0
    for text in texts:
        assert french_html(text) == rule_by_rule(text), repr(text)
        changed += french_html(text) != text
    assert changed > 1000  # the samples do exercise the rules


def test_map_text_is_escaped_as_markupsafe_does():
    for text in [*samples(2000), "<script>alert('x')</script> & \"y\"", 3]:
        assert svg.xml(text) == str(escape(str(text))), repr(text)
    assert svg.xml("<b title='x'>&") == "&lt;b title=&#39;x&#39;&gt;&amp;"


def test_a_row_key_is_read_and_dict_methods_still_work():
    env = environment()
    template = env.from_string(
        "{{ row.name }}|{{ row.count }}|{% for k, v in row.items() %}{{ k }}{% endfor %}"
    )
    assert template.render(row={"name": "CLSM", "count": 3}) == "CLSM|3|namecount"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ row.missing }}").render(row={"name": "x"})
