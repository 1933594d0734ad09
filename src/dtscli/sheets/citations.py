"""The sources of a sheet: each fact's references numbered once, in order of first citation,
with the document's date and the passages cited; the territory referential as one entry."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from dtscli.base.kb import KnowledgeBase
from dtscli.base.referential import fold
from dtscli.data import kinds, models
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _

Context = dict[str, Any]
REFERENTIAL_KEY = ("referential", "")


# ---------------------------------------------------------------- sources


class Citations:
    """The sheet's « Sources »: numbered in order of first citation; one entry per document
    and `as_of` date, with the locators (pages, slides) the facts were read at."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._numbers: dict[tuple[str, str], int] = {}
        self.entries: list[Context] = []

    def cite(self, sources: Iterable[models.Source], cited_by: str) -> list[int]:
        numbers: list[int] = []
        for source in sources:
            key = (source.document, str(source.as_of))
            if key not in self._numbers:
                self._numbers[key] = len(self.entries) + 1
                self.entries.append(self._entry(source, cited_by))
            number = self._numbers[key]
            entry = self.entries[number - 1]
            if source.locator and source.locator not in entry["locators"]:
                entry["locators"].append(source.locator)
                entry["locators"].sort(key=_natural)
            numbers.append(number)
        return sorted(set(numbers))

    def cite_referential(self) -> list[int]:
        """Populations and territory names come from the official referential."""
        if REFERENTIAL_KEY not in self._numbers:
            self._numbers[REFERENTIAL_KEY] = len(self.entries) + 1
            self.entries.append(referential_entry(self.kb, len(self.entries) + 1))
        return [self._numbers[REFERENTIAL_KEY]]

    def _entry(self, source: models.Source, cited_by: str) -> Context:
        found = self.kb.find(kinds.DOCUMENT, source.document)
        if found is None:
            raise DtsError(
                _(
                    "{place} cites the document {id!r}, which no record in "
                    "documents/ has; run `dts check`"
                ).format(place=cited_by, id=source.document)
            )
        document: models.Document = found.record
        return {
            "number": len(self.entries) + 1,
            "id": document.id,
            "title": document.title,
            "authors": list(document.authors),
            "publisher": document.publisher,
            "date": document.date if document.date and document.date != "unknown" else None,
            "url": document.url,
            "as_of": source.as_of,
            "locators": [],
            "referential": False,
        }


def _natural(text: str) -> list:
    """« p. 9 » before « p. 10 »."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, fold(part))
        for part in re.split(r"(\d+)", text)
    ]


def referential_entry(kb: KnowledgeBase, number: int) -> Context:
    """The territory referential as a source (it is generated, not a document record)."""
    version = None
    header = kb.data_dir / "territories" / "communes.yaml"
    try:
        with header.open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("source:"):
                    version = line.split("version:", 1)[-1].strip(' "}\n') or None
                    break
                if not line.startswith("#"):
                    break
    except OSError:
        pass
    title = "Découpage administratif de la France : communes, EPCI, départements, régions"
    return {
        "number": number,
        "id": "referential",
        "title": title,
        "authors": [],
        "publisher": "INSEE (Code officiel géographique, populations légales) et DGCL, "
        "via le paquet @etalab/decoupage-administratif"
        + (f" version {version}" if version else ""),
        "date": None,
        "url": None,
        "as_of": "unknown",
        "locators": [],
        "referential": True,
    }
