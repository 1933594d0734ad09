"""What the site may show: links only to http, https or mailto addresses, and people's
contact details only when asked."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from dtscli.base.kb import KnowledgeBase

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
    record, and their names, ids, e-mail addresses and phones replaced in free text.

    A text is searched for a person only when one of its words is a word of that person's
    name or id (a set lookup), so that a base of a thousand people stays quick."""

    EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
    WORD = re.compile(r"\w+")

    def __init__(self, kb: KnowledgeBase, show: bool) -> None:
        self.show = show
        self.persons = {c.id for c in kb.of_kind("contact") if c.record.kind == "person"}
        self.by_word: dict[str, list[Any]] = defaultdict(list)
        self.phones: list[tuple[str, re.Pattern[str]]] = []
        if show:
            return
        for person_id in sorted(self.persons):
            found = kb.find("contact", person_id)
            if found is None:
                continue
            person = found.record
            for word in {*self.WORD.findall(person.name.casefold()), *person.id.split("-")}:
                if len(word) > 2:
                    self.by_word[word].append(person)
            if person.phone:
                digits = re.sub(r"\D", "", person.phone)
                if len(digits) >= 6:
                    self.phones.append((digits, re.compile(r"[\s.]?".join(digits))))

    @classmethod
    def of(cls, kb: KnowledgeBase, show: bool) -> Personal:
        return cls(kb, show)

    def text(self, value: str | None) -> str | None:
        if value is None or self.show:
            return value
        if "@" in value:
            value = self.EMAIL.sub("[courriel]", value)
        found = {
            id(person): person
            for word in self.WORD.findall(value.casefold())
            for person in self.by_word.get(word, ())
        }
        for person in found.values():
            value = re.sub(rf"(?<![\w-]){re.escape(person.id)}(?![\w-])", REMOVED, value)
            value = re.sub(re.escape(person.name), REMOVED, value, flags=re.IGNORECASE)
        digits = re.sub(r"\D", "", value) if self.phones else ""
        if len(digits) >= 6:
            for number, pattern in self.phones:
                if number in digits:
                    value = pattern.sub("[téléphone]", value)
        return value
