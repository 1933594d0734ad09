"""`dts export --format datapackage -o DIR`: the export's tables as CSV files with their data
dictionary, a Frictionless `datapackage.json` (Data Package v1, Table Schema); and the
Datasette `metadata.json` of the SQLite export, from the same dictionary.

The tables are those of the SQLite export (export.tables): one per record kind, a link table
per list, the territories. Each field's type and constraints come from the models' JSON
Schema (one source of truth): codes and ids are strings with their patterns, enumerations
list their values, dates are dates. Titles and descriptions are French. Primary keys are the
tables' keys; foreign keys are the references the SQLite export declares (a scheme's type,
territory, coordinator; every `<kind>_sources` row to its record and its document…).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from dtscli.commands.export import SINGULAR, TABLES, Column, Dataset, Table, tables
from dtscli.data import models
from dtscli.data.about import DATA_LICENCE
from dtscli.util.errors import DtsError
from dtscli.util.files import write_atomically
from dtscli.util.i18n import _

PROFILE = "tabular-data-package"
KIND_OF_TABLE = {table: kind for kind, table in TABLES.items()}
DEPT_PATTERN = r"\d{2,3}|2[AB]"
CODE_PATTERN = r"\d{5}|2[AB]\d{3}|\d{9}|\d{2,3}|2[AB]|[A-Z0-9]{5,12}|[a-z0-9]+(-[a-z0-9]+)*"

TABLE_TEXT: dict[str, tuple[str, str]] = {
    "scheme_types": (
        "Types de démarche",
        "Ce qu'est chaque type de démarche (CLS, CLSM, ASV, PTSM, CPTS, DAC) : définition, "
        "échelle, pilotage, public, thèmes, base juridique.",
    ),
    "schemes": (
        "Démarches",
        "Une démarche territoriale de santé par ligne : son type, son territoire, son statut "
        "selon sa dernière source, ses dates.",
    ),
    "contacts": ("Contacts", "Personnes et organismes à contacter."),
    "legal_texts": (
        "Textes juridiques",
        "Lois, décrets, ordonnances, arrêtés, articles de code, circulaires, instructions et "
        "recommandations sur lesquels reposent les démarches.",
    ),
    "documents": (
        "Documents",
        "La bibliographie et les documents que les fiches citent en source.",
    ),
    "qpv": ("Quartiers prioritaires", "Quartiers prioritaires de la politique de la ville (QPV)."),
    "local_territories": (
        "Territoires locaux",
        "Pays, conseils de territoire et groupements, avec leurs communes ou leurs EPCI.",
    ),
    "territories": (
        "Territoires",
        "Chaque territoire nommé par une fiche, résolu dans le référentiel officiel (Code "
        "officiel géographique de l'Insee) : nom, population, départements, régions.",
    ),
    "territory_depts": (
        "Départements des territoires",
        "Les départements où se trouve chaque territoire (un EPCI peut en toucher deux).",
    ),
}
ONE_OF: dict[str, str] = {  # a record of each table, for the owner column of its links
    "scheme_types": "Type de démarche",
    "schemes": "Démarche",
    "contacts": "Contact",
    "legal_texts": "Texte juridique",
    "documents": "Document",
    "qpv": "Quartier prioritaire",
    "local_territories": "Territoire local",
}
LIST_TEXT: dict[str, str] = {  # a list field -> its French name, for the link tables
    "pilotage": "pilotage",
    "themes": "thèmes",
    "legal_basis": "bases juridiques",
    "published_counts": "décomptes publiés",
    "axes": "axes thématiques",
    "related": "démarches liées",
    "scheme_types": "types de démarche concernés",
    "articles": "articles cités",
    "code_articles": "articles de code écrits",
    "requires": "exigences",
    "authors": "auteurs",
    "communes": "communes",
    "epci": "EPCI",
    "sources": "sources",
}
COLUMN_TEXT: dict[str, tuple[str, str]] = {
    "id": ("Identifiant", "Identifiant de la fiche, égal au nom de son fichier."),
    "name": ("Nom", "Nom complet, en français."),
    "notes": ("Notes", "Texte libre : ce que les sources laissent ouvert, doutes, contexte."),
    "description": ("Description", "Ce que c'est, en français."),
    "position": ("Rang", "Rang de l'élément dans la liste de la fiche, à partir de 0."),
    "type": ("Type de démarche", "CLS, CLSM, ASV, PTSM, CPTS ou DAC."),
    "territory": (
        "Territoire",
        "Territoire couvert, sous forme de code : commune:INSEE, epci:SIREN, dept:06, "
        "region:93, qpv:CODE ou local:<identifiant>.",
    ),
    "status": (
        "Statut",
        "Où en est la démarche selon sa dernière source : intention, in_preparation (en "
        "préparation), renewal (renouvellement), active, expired (échue), unknown (inconnu).",
    ),
    "signed_on": ("Signée le", "Date de signature, quand une source la donne."),
    "end_on": ("Fin", "Date de fin, prévue ou passée, quand une source la donne."),
    "coordinator": ("Coordination", "Identifiant du contact qui coordonne la démarche."),
    "family": (
        "Famille",
        "Famille de démarches : sante-globale, sante-mentale ou parcours (coordination).",
    ),
    "scale_kinds": (
        "Échelles possibles",
        "Types de territoire qu'une démarche de ce type peut couvrir (liste JSON).",
    ),
    "scale_label": ("Échelle", "L'échelle en mots, telle qu'une fiche l'imprime."),
    "public": ("Public", "À qui la démarche s'adresse."),
    "created_year": ("Année de création", "Année de création du type de démarche."),
    "duration_years": ("Durée (années)", "Durée habituelle d'une démarche de ce type."),
    "pilotage": ("Pilote", "Un acteur qui pilote ce type de démarche."),
    "theme": ("Thème", "Un thème habituel."),
    "legal_text_id": ("Texte juridique", "Identifiant d'un texte juridique (legal_texts)."),
    "count": ("Nombre publié", "Le nombre que la source publie."),
    "label": ("Libellé", "Ce qui est compté, tel que la source le dit."),
    "source_document": ("Document source", "Identifiant du document qui publie ce nombre."),
    "source_as_of": ("Date des faits", "Date à laquelle le nombre était vrai, ou unknown."),
    "source_locator": ("Emplacement", "Page, diapositive ou section du document."),
    "related_id": ("Démarche liée", "Identifiant d'une démarche liée (un CLS et son CLSM…)."),
    "organisation": ("Organisme", "Pour une personne : l'identifiant de son organisme."),
    "role": ("Fonction", "Fonction ou rôle."),
    "email": ("Courriel", "Adresse électronique."),
    "phone": ("Téléphone", "Numéro de téléphone, au format français."),
    "website": ("Site web", "Adresse du site (http ou https)."),
    "verified_on": ("Vérifié le", "Date à laquelle quelqu'un a vérifié les coordonnées."),
    "published_on": ("Publié le", "Date à laquelle une source a publié les coordonnées."),
    "name_basis": ("Origine du nom", "stated (donné par une source) ou guessed (deviné)."),
    "status_basis": (
        "Fondement du statut",
        "stated (dit par la source) ou inferred (déduit, raison dans les notes).",
    ),
    "department": (
        "Département de rattachement",
        "Pour un territoire sur deux départements : celui où la source le range.",
    ),
    "book": ("Ouvrage", "Pour un chapitre : le titre de l'ouvrage qui le contient."),
    "compared": (
        "Comparé à la base",
        "Faux pour un repère (quartiers, contrats de ville, part) jamais comparé à la base.",
    ),
    "incomplete": (
        "Composition incomplète",
        "Vrai quand les sources ne donnent qu'une partie des communes.",
    ),
    "scheme_type": ("Type de démarche", "CLS, CLSM, ASV, PTSM, CPTS ou DAC."),
    "short_name": ("Nom court", "Nom usuel, par ex. 3DS."),
    "number": ("Numéro", "Numéro officiel, en texte (par ex. 2022-217)."),
    "title": ("Titre", "Titre officiel ou tel que publié."),
    "url": ("Adresse", "Adresse web (Légifrance, site officiel, éditeur)."),
    "in_force_on": ("En vigueur le", "Date d'entrée en vigueur ; les règles de dts la lisent."),
    "article": ("Article", "Numéro d'un article qui concerne les démarches."),
    "article_id": ("Article de code", "Identifiant d'un article de code écrit par ce texte."),
    "summary": ("Exigence", "Ce que le texte exige, en français."),
    "rule": ("Règle dts", "Nom de la règle de dts check qui vérifie l'exigence."),
    "publisher": ("Éditeur", "Éditeur ou organisme émetteur."),
    "issue": ("Numéro", "Numéro de la revue."),
    "pages": ("Pages", "Pagination ou longueur, par ex. « 84 p. »."),
    "section": ("Rubrique", "Rubrique de la bibliographie d'où vient le document."),
    "author": ("Auteur", "Un auteur, « NOM Prénom »."),
    "qpv_list": ("Liste", "La liste des QPV à laquelle le quartier appartient."),
    "population": ("Population", "Population légale (Insee)."),
    "commune": ("Commune", "Code Insee d'une commune."),
    "epci": ("EPCI", "Code SIREN d'un EPCI."),
    "document": ("Document", "Identifiant du document cité (documents)."),
    "as_of": ("Date des faits", "Date à laquelle les faits étaient vrais selon le document."),
    "locator": ("Emplacement", "Page, diapositive ou section du document."),
    "ref": ("Territoire", "Le code du territoire, tel que les fiches le citent."),
    "code": ("Code officiel", "Code Insee, SIREN ou identifiant local, sans préfixe."),
    "communes": ("Nombre de communes", "Nombre de communes du territoire."),
    "depts": ("Départements", "Codes des départements du territoire (liste JSON)."),
    "regions": ("Régions", "Codes des régions du territoire (liste JSON)."),
    "dept": ("Département", "Code du département."),
    "dept_name": ("Nom du département", "Nom du département."),
}
TABLE_COLUMN_TEXT: dict[tuple[str, str], tuple[str, str]] = {
    ("contacts", "kind"): ("Nature", "person (une personne) ou organisation (un organisme)."),
    ("contacts", "territory"): ("Territoire", "Territoire dont le contact s'occupe."),
    ("legal_texts", "kind"): ("Nature du texte", "loi, decret, ordonnance, arrete, "
                              "article-de-code, circulaire, instruction ou recommandation."),
    ("legal_texts", "date"): ("Date", "Date du texte."),
    ("legal_texts", "journal"): ("Publication", "Où le texte a été publié (JORF…)."),
    ("documents", "kind"): ("Nature du document", "article, ouvrage, rapport, guide, site…"),
    ("documents", "date"): (
        "Date de publication",
        "AAAA, AAAA-MM ou AAAA-MM-JJ, ou unknown.",
    ),
    ("documents", "journal"): ("Revue ou collection", "Pour un article : la revue."),
    ("local_territories", "kind"): (
        "Nature",
        "pays, conseil-de-territoire, groupement ou autre.",
    ),
    ("territories", "kind"): (
        "Nature",
        "commune, epci, dept, region, qpv ou local (territoire de projet).",
    ),
    ("territories", "name"): ("Nom", "Nom officiel du territoire."),
    ("scheme_axes", "id"): ("Axe", "Identifiant de l'axe ; l'axe santé mentale est sante-mentale."),
    ("scheme_axes", "name"): ("Nom de l'axe", "L'axe tel que le contrat le nomme."),
}  # fmt: skip


# ---------------------------------------------------------------- field types and constraints


@cache
def _model_schema(kind: str) -> dict[str, Any]:
    return models.RECORD_MODELS[kind].model_json_schema(mode="validation")


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _options(node: dict[str, Any], root: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null alternatives of a JSON Schema node, references resolved."""
    node = _resolve(node, root)
    choices = node.get("anyOf") or [node]
    return [_resolve(c, root) for c in choices if c.get("type") != "null"]


def _json_node(kind: str, path: tuple[str, ...]) -> tuple[dict[str, Any] | None, bool]:
    """The JSON Schema of the value at `path` in a record of `kind`, and whether the models
    require it (every step of the path required)."""
    root = _model_schema(kind)
    node: dict[str, Any] = root
    required = True
    for step in path:
        options = _options(node, root)
        if not options or "properties" not in options[0]:
            return None, False
        holder = options[0]
        if step not in holder["properties"]:
            return None, False
        required = required and step in holder.get("required", [])
        node = holder["properties"][step]
    return node, required


def _table_schema_pattern(pattern: str) -> str:
    """A JSON Schema pattern (anchored, Python) as a Table Schema one (XML Schema style: whole
    value, no anchors, plain groups)."""
    body = pattern.removeprefix("^").removesuffix("$").replace("(?:", "(")
    depth, alternatives = 0, False  # a `|` outside any group needs one around the whole
    for char in body:
        depth += {"(": 1, ")": -1}.get(char, 0)
        alternatives = alternatives or (char == "|" and depth == 0)
    return f"({body})" if alternatives else body


def _field_from_json(node: dict[str, Any] | None, kind: str) -> dict[str, Any]:
    """Table Schema type, format and constraints of a JSON Schema node."""
    if node is None:
        return {"type": "string"}
    root = _model_schema(kind)
    options = _options(node, root)
    if any(o.get("type") == "array" for o in options):
        return {"type": "array"}
    dates = [o for o in options if o.get("format") == "date"]
    consts = [o["const"] for o in options if "const" in o]
    if dates and consts:  # a date or `unknown`
        words = "|".join(re.escape(c) for c in consts)
        return {"type": "string", "constraints": {"pattern": rf"(\d{{4}}-\d{{2}}-\d{{2}}|{words})"}}
    if dates:
        return {"type": "date"}
    first = options[0] if options else {}
    if first.get("type") == "integer":
        limits = {k: first[k] for k in ("minimum", "maximum") if k in first}
        return {"type": "integer", **({"constraints": limits} if limits else {})}
    constraints: dict[str, Any] = {}
    if "enum" in first:
        constraints["enum"] = list(first["enum"])
    if "pattern" in first:
        constraints["pattern"] = _table_schema_pattern(first["pattern"])
    return {"type": "string", **({"constraints": constraints} if constraints else {})}


def _link_of(table: str) -> tuple[str, str] | None:
    """(owner kind, list field) of a link table such as `scheme_axes`."""
    for kind, owner in TABLES.items():
        prefix = SINGULAR[owner] + "_"
        if (
            table.startswith(prefix)
            and table[len(prefix) :] in models.RECORD_MODELS[kind].model_fields
        ):
            return kind, table[len(prefix) :]
    return None


def _territory_field(table: str, column: Column) -> dict[str, Any]:
    if column.name in ("population", "communes"):
        return {"type": "integer", "constraints": {"minimum": 0}}
    if column.as_json:
        return {"type": "array"}
    patterns = {
        "ref": f"(france|{_table_schema_pattern(models.TERRITORY_PATTERN)})",
        "territory": _table_schema_pattern(models.TERRITORY_PATTERN),
        "code": f"({CODE_PATTERN})",
        "dept": f"({DEPT_PATTERN})",
        "kind": None,
    }
    if column.name == "kind":
        kinds_ = [*models.TERRITORY_KINDS, "country"]  # country: France, for published counts
        return {"type": "string", "constraints": {"enum": kinds_}}
    pattern = patterns.get(column.name)
    return {"type": "string", **({"constraints": {"pattern": pattern}} if pattern else {})}


def field_descriptor(table: Table, column: Column) -> dict[str, Any]:
    """One Table Schema field: name, type, French title and description, constraints."""
    kind = KIND_OF_TABLE.get(table.name)
    link = _link_of(table.name)
    required = column.name in table.primary_key
    if kind is not None:
        node, needed = _json_node(kind, column.path)
        typed = _field_from_json(node, kind)
        required = required or needed
    elif link is not None:
        owner_kind, list_field = link
        owner_table = TABLES[owner_kind]
        if column.name == f"{SINGULAR[owner_table]}_id":
            node, _ = _json_node(owner_kind, ("id",))
            typed = _field_from_json(node, owner_kind)
        elif column.name == "position":
            typed = {"type": "integer", "constraints": {"minimum": 0}}
        else:
            items, _ = _json_node(owner_kind, (list_field,))
            item = _options(items, _model_schema(owner_kind))[0].get("items", {}) if items else {}
            item_options = _options(item, _model_schema(owner_kind)) if item else []
            if item_options and "properties" in item_options[0]:  # a list of records
                node = item_options[0]
                required_here = True
                for step in column.path:
                    holder = _options(node, _model_schema(owner_kind))[0]
                    required_here = required_here and step in holder.get("required", [])
                    node = holder["properties"].get(step, {})
                typed = _field_from_json(node, owner_kind)
                required = required or required_here
            else:  # a list of values
                typed = _field_from_json(item or None, owner_kind)
                required = True
    else:
        typed = _territory_field(table.name, column)
    descriptor: dict[str, Any] = {"name": column.name, "type": typed["type"]}
    title, description = _column_text(table.name, column.name)
    descriptor["title"] = title
    descriptor["description"] = description
    constraints = dict(typed.get("constraints", {}))
    if required:
        constraints["required"] = True
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def _column_text(table: str, column: str) -> tuple[str, str]:
    if (table, column) in TABLE_COLUMN_TEXT:
        return TABLE_COLUMN_TEXT[(table, column)]
    if column in COLUMN_TEXT:
        return COLUMN_TEXT[column]
    for owner in TABLES.values():
        if column == f"{SINGULAR[owner]}_id":
            return ONE_OF[owner], (
                f"Identifiant de la fiche ({ONE_OF[owner].lower()}) à laquelle la ligne appartient."
            )
    return column.replace("_", " ").capitalize(), ""


def table_text(name: str) -> tuple[str, str]:
    """French title and description of a table (a link table: from its owner and list)."""
    if name in TABLE_TEXT:
        return TABLE_TEXT[name]
    link = _link_of(name)
    if link is None:
        return name, ""
    owner_title = TABLE_TEXT[TABLES[link[0]]][0]
    words = LIST_TEXT.get(link[1], link[1].replace("_", " "))
    if link[1] == "sources":
        return f"{owner_title} : sources", (
            f"Les documents que chaque fiche ({owner_title.lower()}) cite en source, avec la date "
            "à laquelle les faits étaient vrais (as_of) et l'endroit du document (locator)."
        )
    return f"{owner_title} : {words}", (
        f"Une ligne par élément de la liste « {words} » d'une fiche ({owner_title.lower()}), "
        "dans l'ordre du fichier."
    )


def _foreign_keys(table: Table) -> list[dict[str, Any]]:
    keys = []
    for column in table.columns:
        if not column.references:
            continue
        target, _, rest = column.references.partition("(")
        keys.append(
            {
                "fields": column.name,
                "reference": {
                    "resource": "" if target == table.name else target,
                    "fields": rest.rstrip(")"),
                },
            }
        )
    return keys


# ---------------------------------------------------------------- the package


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


def table_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.name for column in table.columns])
    writer.writerows([_cell(value) for value in row] for row in table.rows)
    return buffer.getvalue()


def descriptor(dataset: Dataset, every: list[Table], now: dt.datetime | None = None) -> dict:
    """The datapackage.json of the tables."""
    meta = dataset.metadata
    created = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    resources = []
    for table in every:
        title, description = table_text(table.name)
        schema: dict[str, Any] = {
            "fields": [field_descriptor(table, column) for column in table.columns],
            "missingValues": [""],
            "primaryKey": list(table.primary_key),
        }
        keys = _foreign_keys(table)
        if keys:
            schema["foreignKeys"] = keys
        resources.append(
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "title": title,
                "description": description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "profile": PROFILE,
        "name": "dts-demarches-territoriales-de-sante",
        "title": meta.get("title"),
        "description": meta.get("description"),
        "version": meta.get("version"),
        "created": created.isoformat().replace("+00:00", "Z"),
        "licenses": meta.get("licenses") or [dict(DATA_LICENCE)],
        "sources": meta.get("sources") or [],
        "keywords": ["santé", "territoires", "CLS", "CLSM", "ASV", "PTSM", "CPTS", "DAC"],
        "language": "fr",
        "generator": meta.get("generator"),
        "resources": resources,
    }


def write_datapackage(dataset: Dataset, folder: Path) -> list[Path]:
    """The CSV tables and datapackage.json in `folder` (each file written atomically)."""
    if folder.exists() and not folder.is_dir():
        raise DtsError(
            _("{folder} is not a folder: -o names the folder of the package").format(folder=folder)
        )
    every = tables(dataset)
    written = []
    try:
        for table in every:
            path = folder / f"{table.name}.csv"
            write_atomically(path, table_csv(table))
            written.append(path)
        path = folder / "datapackage.json"
        text = json.dumps(descriptor(dataset, every), ensure_ascii=False, indent=2) + "\n"
        write_atomically(path, text)
        written.append(path)
    except OSError as error:
        raise DtsError(
            _("cannot write in {folder}: {problem}").format(
                folder=folder, problem=error.strerror or error
            )
        ) from None
    return written


# ---------------------------------------------------------------- Datasette


def datasette_metadata(dataset: Dataset, database: str) -> dict[str, Any]:
    """Datasette's metadata.json for the SQLite export named `database` (file stem): titles,
    descriptions, licence and source, per table and column."""
    meta = dataset.metadata
    licence = (meta.get("licenses") or [DATA_LICENCE])[0]
    source = (meta.get("sources") or [{}])[0]
    described: dict[str, Any] = {}
    for table in tables(dataset):
        title, description = table_text(table.name)
        described[table.name] = {
            "title": title,
            "description": description,
            "columns": {
                column.name: " — ".join(
                    part for part in _column_text(table.name, column.name) if part
                )
                for column in table.columns
            },
        }
    described["metadata"] = {
        "title": "À propos de cet export",
        "description": "Titre, version des données, date, licence et source de l'export.",
    }
    about = {
        "title": meta.get("title"),
        "description": meta.get("description"),
        "license": licence.get("title"),
        "license_url": licence.get("path"),
        "source": source.get("title"),
    }
    if str(source.get("path", "")).startswith(("http://", "https://")):
        about["source_url"] = source["path"]
    return {
        **about,
        "databases": {
            database: {
                **about,
                "description": f"{meta.get('description')} Version des données : "
                f"{meta.get('version')}, export du {meta.get('created')} "
                f"({meta.get('generator')}).",
                "tables": described,
            }
        },
    }


def write_datasette_metadata(dataset: Dataset, database: Path, target: Path) -> bool:
    text = json.dumps(datasette_metadata(dataset, database.stem), ensure_ascii=False, indent=2)
    try:
        return write_atomically(target, text + "\n")
    except OSError as error:
        raise DtsError(
            _("cannot write {path}: {problem}").format(path=target, problem=error.strerror or error)
        ) from None
