"""Finding people in free text, for every output that promises no personal data (the open
exports, the public site): their ids, their names however they are written (any case, with
or without accents: "Yaël Eched", "YAEL ECHED", "Yael eched") and their phone numbers in any
usual French format (+33 7 64 51 50 75, 0033 7…, 07 64 51 50 75, 07.64.51.50.75,
07-64-51-50-75, 0764515075).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import filterfalse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dtscli.base.kb import KnowledgeBase

# Each letter matches its accented forms (the text is NFC-normalised first).
ACCENTED = {
    "a": "aàâäáãåæ",
    "c": "cç",
    "e": "eéèêë",
    "i": "iîïíì",
    "n": "nñ",
    "o": "oôöóòõœ",
    "u": "uùûüú",
    "y": "yÿý",
}
NAME_GAP = r"[\s\-'’.]+"  # "Jean-Marie", "Jean Marie", "d'Arc", "J. Dupont"
PHONE_GAP = r"[\s.\-]?"
PHONE_PREFIX = r"(?:(?:\+|00)\s?33[\s.\-]?(?:\(0\)[\s.\-]?)?|0)"


def plain_letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(filterfalse(unicodedata.combining, decomposed)).casefold()


def name_pattern(name: str) -> str | None:
    """A regular expression for a name in any case, accents optional or different."""
    words = re.findall(r"\w+", plain_letters(name))
    if not words:
        return None
    parts = []
    for word in words:
        parts.append(
            "".join(f"[{ACCENTED[ch]}]" if ch in ACCENTED else re.escape(ch) for ch in word)
        )
    return r"(?<!\w)" + NAME_GAP.join(parts) + r"(?!\w)"


def phone_pattern(phone: str) -> str | None:
    """A regular expression for a French number written with +33, 0033 or 0, and spaces,
    dots, dashes or nothing between the digits."""
    digits = _national_digits(phone)
    if len(digits) < 6:
        return None
    body = PHONE_GAP.join(re.escape(d) for d in digits)
    return rf"(?<![\d+]){PHONE_PREFIX}{body}(?!\d)"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    phone: str | None = None


# What a letter may stand for in a name pattern besides itself, ignoring case (ACCENTED's
# ligatures, the dotless i of re.IGNORECASE): mapped to that letter in `skeleton`.
SKELETON = str.maketrans({"æ": "a", "œ": "o", "ı": "i"})


def skeleton(text: str) -> str:
    """`text` without accents or case, each letter a name pattern lets stand for another
    written as that other: whatever a person's pattern matches in a text, its words (and
    id) are substrings of the text's skeleton."""
    return plain_letters(text).translate(SKELETON)


@dataclass(frozen=True)
class _Patterns:
    """One person's patterns and the substrings a text must hold for them to match."""

    id_pattern: str
    name_pattern: str | None
    id: str  # the skeleton of the id
    words: tuple[str, ...]  # the skeletons of the words of the name
    phone: str | None
    digits: str | None  # the digits of the phone after its prefix


class PersonalData:
    """The people of a base, found and replaced in text.

    One regular expression of a thousand people takes most of a second to compile: a
    text is matched only against the patterns that can match in it (a name whose every
    word, an id, a phone whose digits are in the text's skeleton or digits), their union
    compiled once. The patterns left out could not match, so the text comes out as the
    union of all would leave it (tests/unit/test_personal_data.py compares them)."""

    def __init__(self, people: Iterable[Person]) -> None:
        self._all: list[_Patterns] = []
        for person in people:
            phone = phone_pattern(person.phone) if person.phone else None
            self._all.append(
                _Patterns(
                    rf"(?<![\w-]){re.escape(person.id)}(?![\w-])",
                    name_pattern(person.name),
                    skeleton(person.id),
                    tuple(re.findall(r"\w+", skeleton(person.name))),
                    phone,
                    _national_digits(person.phone) if person.phone and phone else None,
                )
            )

    def scrub(self, text: str, person: str, phone: str) -> str:
        """`text` with every person replaced by `person` and their phones by `phone`."""
        if not self._all:
            return text
        text = unicodedata.normalize("NFC", text)
        digits = re.sub(r"\D", "", text)  # a phone's digits, with what was between them left out
        phones = [p.phone for p in self._all if p.digits and p.digits in digits]
        if phones:
            text = _union(tuple(phones)).sub(phone, text)  # type: ignore[union-attr]
        shape = skeleton(text)
        names = [p.id_pattern for p in self._all if p.id in shape]
        names += [
            p.name_pattern
            for p in self._all
            if p.name_pattern and all(word in shape for word in p.words)
        ]
        if names:
            text = _union(tuple(names)).sub(person, text)  # type: ignore[union-attr]
        return text


def _national_digits(phone: str) -> str:
    """The digits a phone pattern matches after its prefix (see phone_pattern)."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0033"):
        digits = digits[4:]
    elif digits.startswith("33") and phone.strip().startswith("+"):
        digits = digits[2:]
    return digits.removeprefix("0")


@functools.lru_cache(maxsize=256)
def _union(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    # Longest first: "Marie Dupont-Durand" before "Marie Dupont".
    ordered = sorted(set(patterns), key=len, reverse=True)
    return re.compile("|".join(f"(?:{p})" for p in ordered), re.IGNORECASE)


def people_of(kb: KnowledgeBase, persons: Iterable[str]) -> list[Person]:
    """The person contacts of `kb` whose ids are `persons`."""
    found = []
    for person_id in sorted(persons):
        loaded = kb.find("contact", person_id)
        if loaded is not None:
            record = loaded.record
            found.append(Person(record.id, record.name, getattr(record, "phone", None)))
    return found
