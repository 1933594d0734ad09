"""What the site may show: links only to http, https or mailto addresses, and people's
contact details only when asked."""

from __future__ import annotations

import re

from dtscli.base.kb import KnowledgeBase
from dtscli.base.personal import PersonalData, people_of, plain_letters

REMOVED = "[personne]"


def safe_href(url: object) -> str | None:
    """The address when it is http, https or mailto (compared without case, spaces or
    control characters, as a browser reads it); None for anything else (`javascript:`)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", text).lower()
    if re.match(r"^(https?://|mailto:)", cleaned) and not re.search(r"[\s<>\"']", text):
        return text
    return None


class Personal:
    """What may be shown of people: everything with --personal; otherwise no person's
    record, and their ids, names (any case or accents), e-mail addresses and phones (any
    French format) replaced in free text (base/personal.py).

    A text goes through the people's patterns only when one of its words (folded) is a word
    of a person's name or id, or it holds six digits: a base of a thousand people stays
    quick."""

    EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
    WORD = re.compile(r"\w+")
    DIGITS = re.compile(r"\d(?:[\s.\-]?\d){5}")

    def __init__(self, kb: KnowledgeBase, show: bool) -> None:
        self.show = show
        self.persons = {c.id for c in kb.of_kind("contact") if c.record.kind == "person"}
        people = [] if show else people_of(kb, self.persons)
        self.people = PersonalData(people)
        self.words = {
            word
            for person in people
            for word in {*self.WORD.findall(plain_letters(person.name)), *person.id.split("-")}
            if len(word) > 2
        }
        self.any_phone = any(person.phone for person in people)

    @classmethod
    def of(cls, kb: KnowledgeBase, show: bool) -> Personal:
        return cls(kb, show)

    def text(self, value: str | None) -> str | None:
        if value is None or self.show:
            return value
        if "@" in value:
            value = self.EMAIL.sub("[courriel]", value)
        named = not self.words.isdisjoint(self.WORD.findall(plain_letters(value)))
        if named or (self.any_phone and self.DIGITS.search(value)):
            value = self.people.scrub(value, REMOVED, "[téléphone]")
        return value
