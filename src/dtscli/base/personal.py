"""Finding people in free text, for every output that promises no personal data (the open
exports, the public site): their ids, their names however they are written (any case, with
or without accents: "Yaël Eched", "YAEL ECHED", "Yael eched") and their phone numbers in any
usual French format (+33 7 64 51 50 75, 0033 7…, 07 64 51 50 75, 07.64.51.50.75,
07-64-51-50-75, 0764515075).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
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
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


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
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0033"):
        digits = digits[4:]
    elif digits.startswith("33") and phone.strip().startswith("+"):
        digits = digits[2:]
    digits = digits.removeprefix("0")
    if len(digits) < 6:
        return None
    body = PHONE_GAP.join(re.escape(d) for d in digits)
    return rf"(?<![\d+]){PHONE_PREFIX}{body}(?!\d)"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    phone: str | None = None


class PersonalData:
    """The people of a base, found and replaced in text."""

    def __init__(self, people: Iterable[Person]) -> None:
        ids, names, phones = [], [], []
        for person in people:
            ids.append(rf"(?<![\w-]){re.escape(person.id)}(?![\w-])")
            pattern = name_pattern(person.name)
            if pattern:
                names.append(pattern)
            pattern = phone_pattern(person.phone) if person.phone else None
            if pattern:
                phones.append(pattern)
        self._people = _union(ids + names)
        self._phones = _union(phones)

    def scrub(self, text: str, person: str, phone: str) -> str:
        """`text` with every person replaced by `person` and their phones by `phone`."""
        if self._people is None and self._phones is None:
            return text
        text = unicodedata.normalize("NFC", text)
        if self._phones is not None:
            text = self._phones.sub(phone, text)
        if self._people is not None:
            text = self._people.sub(person, text)
        return text


def _union(patterns: list[str]) -> re.Pattern[str] | None:
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
