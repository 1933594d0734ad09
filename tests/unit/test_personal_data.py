"""PersonalData matches a text against the patterns that can match in it only: the text
must come out as the union of every person's patterns would leave it, whatever the
spelling (case, accents, ligatures, dotless i, Kelvin sign, phone formats)."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from dtscli.base.personal import (
    Person,
    PersonalData,
    name_pattern,
    phone_pattern,
    plain_letters,
)

FIRST = ["Jean-Marie", "Yaël", "Éloïse", "Chloé", "Zoë", "Noël", "Marie", "François", "Ægidius"]
FIRST += ["Œdipe", "Li", "Ilkay", "Dıdem", "Kévin", "Ange"]
LAST = ["Dupont", "Eched", "Müller", "D'Arc", "Le Goff", "Ibáñez", "Wu", "Øster", "Saint-Éloi"]
WORDS = ["réunion", "le", "coordonnateur", "tél.", "contact", ":", "avec", "et", "CLS", "06"]


def union_of_all(people: list[Person], text: str) -> str:
    """What one regular expression of every person leaves of `text` (the reference)."""
    ids = [rf"(?<![\w-]){re.escape(p.id)}(?![\w-])" for p in people]
    names = [pattern for p in people if (pattern := name_pattern(p.name))]
    phones = [pattern for p in people if p.phone and (pattern := phone_pattern(p.phone))]
    text = unicodedata.normalize("NFC", text)
    for patterns, words in ((phones, "[tél]"), (ids + names, "[personne]")):
        if patterns:
            ordered = sorted(set(patterns), key=len, reverse=True)
            union = re.compile("|".join(f"(?:{p})" for p in ordered), re.IGNORECASE)
            text = union.sub(words, text)
    return text


def spellings(person: Person):
    name = person.name
    yield from (name, name.upper(), name.lower(), plain_letters(name))
    yield name.replace(" ", "  ").replace("-", " ")
    yield name.replace("i", "ı").replace("I", "İ")
    yield name.replace("a", "æ").replace("o", "œ")
    yield person.id.upper()
    yield person.id.replace("k", "\u212a")  # KELVIN SIGN: "k" ignoring case
    if person.phone:
        phone = person.phone
        yield from (phone, phone.replace(" ", "."), phone.replace(" ", ""))
        if phone.startswith("0"):
            yield "0033 " + phone[1:]


@pytest.mark.parametrize("seed", range(3))
def test_only_the_patterns_that_can_match_and_the_same_text_as_all_of_them(seed):
    draw = random.Random(seed)
    people = []
    for number in range(120):
        name = f"{draw.choice(FIRST)} {draw.choice(LAST)}"
        pairs = " ".join(str(draw.randint(10, 99)) for _ in range(4))
        phone = draw.choice([None, f"0{draw.randint(1, 9)} {pairs}"])
        slug = re.sub(r"\W+", "-", plain_letters(name))
        people.append(Person(f"p{number}-{slug}", name, phone))
    data = PersonalData(people)
    changed = 0
    for _ in range(600):
        parts = [draw.choice(WORDS) for _ in range(3)]
        for _ in range(draw.randint(0, 3)):
            spelled = list(spellings(draw.choice(people)))
            parts.insert(draw.randint(0, len(parts)), draw.choice(spelled))
        text = draw.choice([" ", "", " - "]).join(parts)
        scrubbed = data.scrub(text, "[personne]", "[tél]")
        assert scrubbed == union_of_all(people, text), text
        changed += scrubbed != text
    assert changed > 200  # people were there to find


def test_a_text_with_no_one_compiles_nothing():
    data = PersonalData([Person("yael-eched", "Yaël Eched", "07 64 51 50 75")])
    assert data.scrub("Réunion du 12 mars", "X", "T") == "Réunion du 12 mars"
    assert data.scrub("YAEL ECHED, 07.64.51.50.75", "X", "T") == "X, T"
