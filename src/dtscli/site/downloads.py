"""The bibliography as files to download: CSL-JSON, RIS and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from dtscli.base.loader import LoadedRecord
from dtscli.data import models


def _csl_date(date: str | None) -> dict[str, Any] | None:
    if not date or date == "unknown":
        return None
    parts = [int(p) for p in date.split("-")]
    return {"date-parts": [parts]}


CSL_TYPES = {
    "article": "article-journal",
    "ouvrage": "book",
    "rapport": "report",
    "actes": "paper-conference",
    "site": "webpage",
    "diaporama": "speech",
    "guide": "report",
    "texte-officiel": "legislation",
    "video": "motion_picture",
    "carte": "map",
    "chapitre": "chapter",
    "communication": "speech",
    "dossier": "report",
    "autre": "document",
}
RIS_TYPES = {
    "article": "JOUR",
    "ouvrage": "BOOK",
    "rapport": "RPRT",
    "actes": "CONF",
    "site": "ELEC",
    "diaporama": "SLIDE",
    "guide": "RPRT",
    "texte-officiel": "STAT",
    "video": "VIDEO",
    "carte": "MAP",
    "chapitre": "CHAP",
    "communication": "CONF",
    "dossier": "RPRT",
    "autre": "GEN",
}


def _author(name: str) -> dict[str, str]:
    """« NOM Prénom » -> CSL family/given; an organisation stays literal."""
    parts = name.split()
    capitals = [p for p in parts if p.isupper() and len(p) > 1]
    if capitals and len(capitals) < len(parts):
        return {
            "family": " ".join(capitals).title(),
            "given": " ".join(p for p in parts if p not in capitals),
        }
    return {"literal": name}


def csl_json(documents: Sequence[LoadedRecord]) -> str:
    items = []
    for loaded in documents:
        d: models.Document = loaded.record
        item: dict[str, Any] = {
            "id": d.id,
            "type": CSL_TYPES.get(d.kind, "document"),
            "title": d.title,
        }
        if d.authors:
            item["author"] = [_author(a) for a in d.authors]
        if d.publisher:
            item["publisher"] = d.publisher
        if d.journal or d.book:
            item["container-title"] = d.journal or d.book
        if d.issue:
            item["issue"] = d.issue
        if (issued := _csl_date(d.date)) is not None:
            item["issued"] = issued
        if d.url:
            item["URL"] = d.url
        if d.pages:
            item["number-of-pages"] = d.pages
        item["language"] = "fr"
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


def ris(documents: Sequence[LoadedRecord]) -> str:
    lines: list[str] = []
    for loaded in documents:
        d: models.Document = loaded.record
        lines.append(f"TY  - {RIS_TYPES.get(d.kind, 'GEN')}")
        lines.append(f"ID  - {d.id}")
        lines.append(f"TI  - {' '.join(d.title.split())}")
        lines += [f"AU  - {a}" for a in d.authors]
        if d.journal or d.book:
            lines.append(f"T2  - {d.journal or d.book}")
        if d.publisher:
            lines.append(f"PB  - {d.publisher}")
        if d.date and d.date != "unknown":
            lines.append(f"PY  - {d.date[:4]}")
            lines.append(f"DA  - {d.date.replace('-', '/')}")
        if d.url:
            lines.append(f"UR  - {d.url}")
        lines.append("LA  - fr")
        lines.append("ER  - ")
        lines.append("")
    return "\r\n".join(lines)


def documents_csv(rows: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["id", "type", "titre", "auteurs", "editeur", "revue", "date", "url", "demarches"]
    )
    for row in rows:
        writer.writerow(
            [
                row["id"],
                row["kind"],
                row["title"],
                "; ".join(row["authors"]),
                row["publisher"] or "",
                row["journal"] or "",
                row["date"] or "",
                row["url"] or "",
                ", ".join(row["types"]),
            ]
        )
    return buffer.getvalue()
