"""`dts export --format csl-json|ris|bibtex`: the documents of the base, for documentalists
and reference managers (Zotero, JabRef, EndNote, Citavi).

Every document is one reference with all it has: kind, title, authors, publisher, journal
and issue, date (year, month, day as far as known), pages, address, abstract (description),
keywords (themes and scheme types), language (French), and the base's id as the citation
key. `--type` keeps the documents about one of the given scheme types.

- CSL-JSON: the format of citeproc processors and of Zotero's own import.
- RIS: tagged lines (`TY  - RPRT` … `ER  - `).
- BibTeX: biblatex-friendly fields (`date`, `url`), UTF-8, special characters escaped; a
  first `@comment` says where the references come from and under which licence.
"""

from __future__ import annotations

import json
import re
from typing import Any

from dtscli.commands.export import Dataset

# the kind of a document -> (CSL type, RIS type, BibTeX entry type)
TYPES: dict[str, tuple[str, str, str]] = {
    "article": ("article-journal", "JOUR", "article"),
    "ouvrage": ("book", "BOOK", "book"),
    "rapport": ("report", "RPRT", "techreport"),
    "actes": ("paper-conference", "CONF", "proceedings"),
    "dossier": ("report", "RPRT", "techreport"),
    "site": ("webpage", "ELEC", "online"),
    "diaporama": ("speech", "SLIDE", "misc"),
    "guide": ("report", "RPRT", "techreport"),
    "texte-officiel": ("legislation", "GOVDOC", "misc"),
    "video": ("motion_picture", "VIDEO", "misc"),
    "carte": ("map", "MAP", "misc"),
    "chapitre": ("chapter", "CHAP", "incollection"),
    "communication": ("speech", "CONF", "misc"),
    "autre": ("document", "GEN", "misc"),
}
ET_AL = ("et al.", "et al", "et alii")
PAGE_COUNT = re.compile(r"^\s*(\d+)\s*p\.?\s*$")  # « 59 p. »: the length of the document
PAGE_RANGE = re.compile(r"^\s*(?:pp?\.\s*)?(\d+(?:\s*[-–]\s*\d+)?)\s*$")  # « p. 12-15 »


def select(dataset: Dataset, types: list[str]) -> list[dict[str, Any]]:
    """The documents, those about one of `types` when given, in id order."""
    documents = dataset.records["documents"]
    if types:
        wanted = set(types)
        documents = [d for d in documents if wanted & set(d.get("scheme_types") or [])]
    return sorted(documents, key=lambda d: d["id"])


def person(author: str) -> dict[str, str]:
    """« ADNOT Sébastien » -> family ADNOT, given Sébastien; an organisation or a name not
    written « NAME Firstname » stays whole (literal)."""
    words = author.split()
    capitals = 0
    for word in words:
        letters = [c for c in word if c.isalpha()]
        if letters and all(c.isupper() for c in letters):
            capitals += 1
        else:
            break
    if 0 < capitals < len(words):
        return {"family": " ".join(words[:capitals]), "given": " ".join(words[capitals:])}
    return {"literal": author}


def authors(document: dict[str, Any]) -> tuple[list[dict[str, str]], bool]:
    """The named authors, and whether the list goes on (« et al. »)."""
    named = [a for a in document.get("authors") or [] if a.strip().lower() not in ET_AL]
    more = len(named) < len(document.get("authors") or [])
    return [person(a) for a in named], more


def date_parts(document: dict[str, Any]) -> list[int]:
    """[year, month, day] as far as the document's date gives them ([] when unknown)."""
    date = document.get("date")
    if not date or date == "unknown":
        return []
    return [int(part) for part in str(date).split("-")]


def pages(document: dict[str, Any]) -> tuple[str | None, str | None]:
    """(number of pages, page range) from « 59 p. » or « p. 12-15 »."""
    text = document.get("pages")
    if not text:
        return None, None
    count = PAGE_COUNT.match(text)
    if count:
        return count.group(1), None
    span = PAGE_RANGE.match(text)
    if span:
        return None, re.sub(r"\s*[-–]\s*", "-", span.group(1))
    return None, None


def keywords(document: dict[str, Any]) -> list[str]:
    return [*(document.get("scheme_types") or []), *(document.get("themes") or [])]


def note(document: dict[str, Any]) -> str | None:
    """The notes, the section of the bibliography and pages that fit no field."""
    parts = []
    if document.get("section"):
        parts.append(f"Rubrique : {document['section']}")
    if document.get("pages") and pages(document) == (None, None):
        parts.append(str(document["pages"]))
    if document.get("notes"):
        parts.append(document["notes"])
    return " — ".join(parts) or None


# ---------------------------------------------------------------- CSL-JSON


def csl_item(document: dict[str, Any]) -> dict[str, Any]:
    names, _ = authors(document)
    item: dict[str, Any] = {
        "id": document["id"],
        "type": TYPES[document["kind"]][0],
        "title": document["title"],
    }
    if names:
        item["author"] = names
    optional = {
        "publisher": document.get("publisher"),
        "container-title": document.get("journal") or document.get("book"),
        "issue": document.get("issue"),
        "URL": document.get("url"),
        "abstract": document.get("description"),
        "note": note(document),
    }
    item.update({key: value for key, value in optional.items() if value})
    parts = date_parts(document)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    count, span = pages(document)
    if count:
        item["number-of-pages"] = count
    if span:
        item["page"] = span
    if keywords(document):
        item["keyword"] = ", ".join(keywords(document))
    item["language"] = "fr"
    return item


def to_csl_json(documents: list[dict[str, Any]]) -> str:
    return json.dumps([csl_item(d) for d in documents], ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- RIS


def _ris_name(name: dict[str, str]) -> str:
    return f"{name['family']}, {name['given']}" if "family" in name else name["literal"]


def ris_record(document: dict[str, Any]) -> list[tuple[str, str]]:
    names, more = authors(document)
    lines = [("TY", TYPES[document["kind"]][1]), ("ID", document["id"])]
    lines += [("AU", _ris_name(name)) for name in names]
    if more:
        lines.append(("AU", "et al."))
    lines.append(("TI", document["title"]))
    parts = date_parts(document)
    if parts:
        lines.append(("PY", str(parts[0])))
        padded = [f"{p:02d}" for p in parts[1:]] + [""] * (2 - len(parts[1:]))
        lines.append(("DA", "/".join([str(parts[0]), *padded, ""])))
    for tag, key in (("PB", "publisher"), ("JO", "journal"), ("T2", "book"), ("IS", "issue")):
        if document.get(key):
            lines.append((tag, str(document[key])))
    count, span = pages(document)
    if span:
        start, _, end = span.partition("-")
        lines.append(("SP", start))
        if end:
            lines.append(("EP", end))
    if count:
        lines.append(("N1", f"{count} p."))  # RIS has no tag for a length
    for tag, value in (("UR", document.get("url")), ("AB", document.get("description"))):
        if value:
            lines.append((tag, value))
    lines += [("KW", word) for word in keywords(document)]
    if note(document):
        lines.append(("N1", note(document) or ""))
    lines.append(("LA", "fr"))
    lines.append(("ER", ""))
    return lines


def to_ris(documents: list[dict[str, Any]]) -> str:
    out = []
    for document in documents:
        for tag, value in ris_record(document):
            flat = " ".join(value.split())  # one line per tag
            out.append(f"{tag}  - {flat}".rstrip() if tag != "ER" else "ER  - ")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- BibTeX

BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
                  "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}  # fmt: skip


def bibtex_escape(text: str) -> str:
    return "".join(BIBTEX_SPECIAL.get(char, char) for char in " ".join(text.split()))


def _bibtex_name(name: dict[str, str]) -> str:
    if "family" in name:
        return f"{bibtex_escape(name['family'])}, {bibtex_escape(name['given'])}"
    return "{" + bibtex_escape(name["literal"]) + "}"  # braces: an organisation, kept whole


def bibtex_entry(document: dict[str, Any]) -> str:
    names, more = authors(document)
    kind = TYPES[document["kind"]][2]
    fields: list[tuple[str, str]] = [("title", "{" + bibtex_escape(document["title"]) + "}")]
    if names or more:
        listed = [_bibtex_name(n) for n in names] + (["others"] if more else [])
        fields.append(("author", " and ".join(listed)))
    parts = date_parts(document)
    if parts:
        fields.append(("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(("month", str(parts[1])))
        fields.append(("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
    publisher = document.get("publisher")
    if publisher:
        fields.append(
            ("institution" if kind == "techreport" else "publisher", bibtex_escape(publisher))
        )
    for key, field_name in (("journal", "journal"), ("book", "booktitle"), ("issue", "number")):
        if document.get(key):
            fields.append((field_name, bibtex_escape(str(document[key]))))
    count, span = pages(document)
    if span:
        fields.append(("pages", span.replace("-", "--")))
    if count:
        fields.append(("pagetotal", count))
    if document.get("url"):
        fields.append(("url", document["url"].replace("%", r"\%").replace("#", r"\#")))
    if document.get("description"):
        fields.append(("abstract", bibtex_escape(document["description"])))
    if keywords(document):
        fields.append(("keywords", bibtex_escape(", ".join(keywords(document)))))
    if note(document):
        fields.append(("note", bibtex_escape(note(document) or "")))
    fields.append(("language", "french"))
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
    return f"@{kind}{{{document['id']},\n{body}\n}}\n"


def to_bibtex(documents: list[dict[str, Any]], metadata: dict[str, Any]) -> str:
    licence = (metadata.get("licenses") or [{}])[0]
    about = (
        f"{metadata.get('title')} : bibliographie. Données en version {metadata.get('version')}"
        f", exportées le {metadata.get('created')} ({metadata.get('generator')}). Licence : "
        f"{licence.get('title')}, {licence.get('path')}"
    )
    header = "@comment{" + about.replace("{", "(").replace("}", ")") + "}\n"
    return "\n".join([header, *(bibtex_entry(d) for d in documents)])


def render_bibliography(dataset: Dataset, fmt: str, types: list[str]) -> str:
    documents = select(dataset, types)
    if fmt == "csl-json":
        return to_csl_json(documents)
    if fmt == "ris":
        return to_ris(documents)
    return to_bibtex(documents, dataset.metadata)
