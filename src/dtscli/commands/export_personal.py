"""`dts export --no-personal`: no trace of people in the open data. Their contact records
go, references to them become null, and their ids, names (any case or accents) and phone
numbers (any French format) are replaced in free text (base/personal.py), as are e-mail
addresses other than an organisation's own. Authors of published documents are kept."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from dtscli.base.personal import PersonalData, people_of
from dtscli.data import kinds

if TYPE_CHECKING:
    from dtscli.base.kb import KnowledgeBase
    from dtscli.commands.export import Dataset

REMOVED_PERSON = "[personne retirée]"
REMOVED_ADDRESS = "[adresse retirée]"
REMOVED_PHONE = "[téléphone retiré]"
EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def scrub(kb: KnowledgeBase, dataset: Dataset, persons: set[str]) -> None:
    """Leave no trace of the people `persons` (ids of person contacts) in `dataset`."""
    people = PersonalData(people_of(kb, persons))
    public_emails = {
        c.record.email.lower()
        for c in kb.of_kind(kinds.CONTACT)
        if c.record.kind == "organisation" and c.record.email
    }

    def clean(value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: clean(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return value if key == "authors" else [clean(v, key) for v in value]
        if not isinstance(value, str):
            return value
        if key in ("coordinator", "organisation") and value in persons:
            return None
        value = EMAIL_IN_TEXT.sub(
            lambda m: m.group(0) if m.group(0).lower() in public_emails else REMOVED_ADDRESS, value
        )
        return people.scrub(value, REMOVED_PERSON, REMOVED_PHONE)

    for table, rows in dataset.records.items():
        dataset.records[table] = [clean(row) for row in rows]
