"""`dts export`: the base for other tools — a spreadsheet, a map, Datasette, DuckDB.

- JSON: every record kind, as a dict of lists (one list per kind, plus the territories the
  records use, resolved).
- CSV: one row per scheme instance, with its territory resolved (name, departments, regions,
  population) — what a spreadsheet or a map join needs.
- SQLite: one table per record kind (primary key `id`), a link table per list (axes,
  related schemes, legal bases, sources…; `scheme_sources` links a scheme to its documents),
  a `sources` view of every record's sources, a `territories` table and a `metadata` table
  (licence, version, date); foreign keys declared and indexed. The tables are derived from
  the models, so a new field shows up without code here. The datapackage export
  (datapackage.py) writes the same tables as CSV.

Filters (--type, --dept…) narrow the scheme instances; the other kinds are reference data
and are exported whole. `personal=False` leaves out the people among the contacts and every
trace of them in the other records (see export_personal.py).
"""

from __future__ import annotations

import json
import sqlite3
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from dtscli.base.kb import KnowledgeBase, SchemeQuery, build_query
from dtscli.commands.export_csv import to_csv
from dtscli.commands.export_personal import scrub
from dtscli.data import kinds, models
from dtscli.data.canonical import key_order, nested_model
from dtscli.util.errors import DtsError
from dtscli.util.files import atomic_path, final_target, is_special, write_atomically
from dtscli.util.i18n import _, counted

FORMATS = ("json", "csv", "sqlite", "datapackage", "csl-json", "ris", "bibtex")
BIBLIOGRAPHY = ("csl-json", "ris", "bibtex")  # the documents, for reference managers
SUFFIXES = {
    ".json": "json",
    ".csv": "csv",
    ".db": "sqlite",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".ris": "ris",
    ".bib": "bibtex",
}
TABLES: dict[str, str] = {kind.name: kind.table for kind in kinds.KINDS}
SINGULAR: dict[str, str] = {kind.table: kind.singular for kind in kinds.KINDS}
# Fields that hold the id of another record: the column REFERENCES that table, and is indexed.
REFERENCES: dict[str, str] = {
    "type": "scheme_types(id)",
    "scheme_type": "scheme_types(id)",
    "scheme_types": "scheme_types(id)",
    "coordinator": "contacts(id)",
    "organisation": "contacts(id)",
    "document": "documents(id)",
    "related": "schemes(id)",
    "legal_basis": "legal_texts(id)",
    "code_articles": "legal_texts(id)",
    "territory": "territories(ref)",
}
# The column of a list of plain values, in its link table.
VALUE_COLUMNS: dict[str, str] = {
    "related": "related_id",
    "legal_basis": "legal_text_id",
    "code_articles": "article_id",
    "scheme_types": "scheme_type",
    "communes": "commune",
    "authors": "author",
    "themes": "theme",
    "articles": "article",
}


# ---------------------------------------------------------------- what is exported


@dataclass
class Dataset:
    """The records to export, as JSON-ready dicts in canonical key order, by table."""

    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    territories: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)  # licence, version, date: about.py

    def count(self) -> int:
        return sum(len(rows) for rows in self.records.values())


def collect(kb: KnowledgeBase, query: SchemeQuery | None = None, personal: bool = True) -> Dataset:
    """The records of the base (scheme instances filtered by `query`), ready to write."""
    dataset = Dataset()
    persons = {c.id for c in kb.of_kind(kinds.CONTACT) if c.record.kind == "person"}
    for kind, table in TABLES.items():
        if kind == kinds.SCHEME:
            loaded = kb.query(query or SchemeQuery())
        else:
            loaded = sorted(kb.of_kind(kind), key=lambda item: item.id)
        if kind == kinds.CONTACT and not personal:
            loaded = [item for item in loaded if item.id not in persons]
        dataset.records[table] = [dump(item.record) for item in loaded]
    if not personal:
        scrub(kb, dataset, persons)
    dataset.territories = _territories(kb, dataset)
    from dtscli.commands.metadata import export_metadata

    dataset.metadata = export_metadata(kb.data_dir)
    return dataset


def dump(record: BaseModel) -> dict[str, Any]:
    """A record as JSON-ready data, keys in canonical order."""
    data = record.model_dump(mode="json")
    return {key: data[key] for key in key_order(type(record)) if key in data}


def _territories(kb: KnowledgeBase, dataset: Dataset) -> list[dict[str, Any]]:
    """Every territory the exported records name, resolved (unknown codes are left out)."""
    refs: set[str] = set()

    def walk(value: Any, key: str | None = None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif key == "territory" and isinstance(value, str):
            refs.add(value)

    walk(dataset.records)
    referential = kb.referential
    rows = []
    for ref in sorted(refs):
        territory = kb.territory(ref)
        if territory is None:
            continue
        country = territory.kind == "country"  # France (a published count): no dept rows
        depts = [] if country else sorted(territory.depts)
        regions = [] if country else sorted(territory.regions)
        rows.append(
            {
                "ref": ref,
                "kind": territory.kind,
                "code": territory.code,
                "name": territory.name,
                "population": territory.population,
                "communes": len(territory.communes),
                "depts": depts,
                "dept_names": [referential.departements[d].name for d in depts],
                "regions": regions,
                "region_names": [referential.regions[r].name for r in regions],
            }
        )
    return rows


# ---------------------------------------------------------------- JSON


def to_json(dataset: Dataset) -> str:
    payload = {"metadata": dataset.metadata, **dataset.records, "territories": dataset.territories}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- SQLite


@dataclass
class Column:
    name: str
    sql_type: str
    path: tuple[str, ...]  # where the value is in the record's dict
    as_json: bool = False
    references: str | None = None


@dataclass
class Table:
    name: str
    columns: list[Column]
    primary_key: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def create_sql(self) -> list[str]:
        parts = []
        for column in self.columns:
            spec = f'"{column.name}" {column.sql_type}'
            if column.name in self.primary_key:
                spec += " NOT NULL"
            if column.references:
                table, _, target = column.references.partition("(")
                spec += f' REFERENCES "{table}"("{target.rstrip(")")}")'
            parts.append(spec)
        parts.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in self.primary_key) + ")")
        statements = [f'CREATE TABLE "{self.name}" (\n  ' + ",\n  ".join(parts) + "\n)"]
        indexed = [c.name for c in self.columns if c.references and c.name != self.primary_key[0]]
        indexed += [c for c in INDEXED.get(self.name, ()) if c not in indexed]
        for name in indexed:
            statements.append(f'CREATE INDEX "idx_{self.name}_{name}" ON "{self.name}"("{name}")')
        return statements


INDEXED: dict[str, tuple[str, ...]] = {
    "schemes": ("status",),
    "scheme_axes": ("id",),
    "territories": ("kind",),
    "territory_depts": ("dept",),
}


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation) if arg is not type(None))


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    return any(_is_int(arg) for arg in typing.get_args(annotation))


def _columns(
    model: type[BaseModel], prefix: tuple[str, ...] = (), lists_as_json: bool = False
) -> list[Column]:
    """Columns of a model's scalar fields; a nested record is flattened (scale_label…)."""
    columns = []
    for name in key_order(model):
        annotation = model.model_fields[name].annotation
        inner = nested_model(model, name)
        path = (*prefix, name)
        if _is_list(annotation):
            if lists_as_json:
                columns.append(Column("_".join(path), "TEXT", path, as_json=True))
        elif inner is not None:
            columns += _columns(inner, path, lists_as_json=True)
        else:
            sql_type = "INTEGER" if _is_int(annotation) else "TEXT"
            columns.append(Column("_".join(path), sql_type, path, references=REFERENCES.get(name)))
    return columns


def _value(data: dict[str, Any], column: Column) -> Any:
    value: Any = data
    for part in column.path:
        value = value.get(part) if isinstance(value, dict) else None
    return json.dumps(value, ensure_ascii=False) if column.as_json else value


def tables(dataset: Dataset) -> list[Table]:
    """Every table of the SQLite export, with its rows."""
    result: list[Table] = []
    for kind, name in TABLES.items():
        model = models.RECORD_MODELS[kind]
        records = dataset.records[name]
        columns = _columns(model)
        main = Table(name, columns, ("id",))
        main.rows = [tuple(_value(r, c) for c in columns) for r in records]
        result.append(main)
        owner = Column(f"{SINGULAR[name]}_id", "TEXT", (), references=f"{name}(id)")
        for field_name in key_order(model):
            annotation = model.model_fields[field_name].annotation
            if not _is_list(annotation):
                continue
            result.append(_link_table(name, owner, model, field_name, records))
    result += _territory_tables(dataset)
    return result


def sources_view() -> str:
    """Every record's sources in one view (record_table, record_id, position, document,
    as_of, locator), over the `<kind>_sources` link tables."""
    parts = [
        f"SELECT '{name}' AS record_table, \"{SINGULAR[name]}_id\" AS record_id, position, "
        f'document, as_of, locator FROM "{SINGULAR[name]}_sources"'
        for name in TABLES.values()
    ]
    return "CREATE VIEW sources AS\n" + "\nUNION ALL ".join(parts)


def metadata_table(dataset: Dataset) -> Table:
    """What the export is: title, version, date, licence, source (about.py), as rows."""
    licence = (dataset.metadata.get("licenses") or [{}])[0]
    source = (dataset.metadata.get("sources") or [{}])[0]
    values = {
        "title": dataset.metadata.get("title"),
        "description": dataset.metadata.get("description"),
        "version": dataset.metadata.get("version"),
        "created": dataset.metadata.get("created"),
        "licence": licence.get("title"),
        "licence_url": licence.get("path"),
        "source": source.get("title"),
        "source_url": source.get("path"),
        "generator": dataset.metadata.get("generator"),
    }
    table = Table("metadata", [Column("key", "TEXT", ()), Column("value", "TEXT", ())], ("key",))
    table.rows = [(key, value) for key, value in values.items() if value is not None]
    return table


def _link_table(
    owner_table: str,
    owner: Column,
    model: type[BaseModel],
    field_name: str,
    records: list[dict[str, Any]],
) -> Table:
    """The link table of one list field: (owner id, position, the item's columns)."""
    inner = nested_model(model, field_name)
    if inner is not None:
        item_columns = _columns(inner, lists_as_json=True)
    else:
        value_name = VALUE_COLUMNS.get(field_name, field_name)
        item_columns = [Column(value_name, "TEXT", (), references=REFERENCES.get(field_name))]
    table = Table(
        f"{SINGULAR[owner_table]}_{field_name}",
        [owner, Column("position", "INTEGER", ()), *item_columns],
        (owner.name, "position"),
    )
    for record in records:
        for position, item in enumerate(record.get(field_name) or []):
            values = tuple(_value(item, c) for c in item_columns) if inner else (item,)
            table.rows.append((record["id"], position, *values))
    return table


def _territory_tables(dataset: Dataset) -> list[Table]:
    territories = Table(
        "territories",
        [
            Column("ref", "TEXT", ("ref",)),
            Column("kind", "TEXT", ("kind",)),
            Column("code", "TEXT", ("code",)),
            Column("name", "TEXT", ("name",)),
            Column("population", "INTEGER", ("population",)),
            Column("communes", "INTEGER", ("communes",)),
            Column("depts", "TEXT", ("depts",), as_json=True),
            Column("regions", "TEXT", ("regions",), as_json=True),
        ],
        ("ref",),
    )
    territories.rows = [
        tuple(_value(t, c) for c in territories.columns) for t in dataset.territories
    ]
    depts = Table(
        "territory_depts",
        [
            Column("territory", "TEXT", (), references="territories(ref)"),
            Column("dept", "TEXT", ()),
            Column("dept_name", "TEXT", ()),
        ],
        ("territory", "dept"),
    )
    for t in dataset.territories:
        depts.rows += [(t["ref"], d, n) for d, n in zip(t["depts"], t["dept_names"], strict=True)]
    return [territories, depts]


def write_sqlite(dataset: Dataset, path: Path) -> None:
    """Build the database in a temporary file beside `path`, then rename it over `path`
    (util/files.py: the mode of the file replaced, or the umask's for a new one)."""
    if is_special(path):
        raise DtsError(
            _("{path} is not a regular file: an SQLite export needs one (-o base.db)").format(
                path=path
            )
        )
    with atomic_path(final_target(path)) as temporary:
        connection = sqlite3.connect(temporary)
        try:
            with connection:
                for table in [*tables(dataset), metadata_table(dataset)]:
                    for statement in table.create_sql():
                        connection.execute(statement)
                    if table.rows:
                        marks = ", ".join("?" for _ in table.columns)
                        connection.executemany(
                            f'INSERT INTO "{table.name}" VALUES ({marks})', table.rows
                        )
                connection.execute(sources_view())
        finally:
            connection.close()


# ---------------------------------------------------------------- the command


def choose_format(fmt: str | None, output: Path | None) -> str:
    """--format, else from the output's suffix (.json, .csv, .db/.sqlite)."""
    if fmt is None:
        if output is None or output.suffix.lower() not in SUFFIXES:
            raise DtsError(
                _("give --format ({formats}), or an -o file ending in {suffixes}").format(
                    formats=", ".join(FORMATS), suffixes=", ".join(SUFFIXES)
                )
            )
        return SUFFIXES[output.suffix.lower()]
    if fmt not in FORMATS:
        raise DtsError(
            _("unknown format {fmt!r}; choose one of: {formats}").format(
                fmt=fmt, formats=", ".join(FORMATS)
            )
        )
    return fmt


def export(
    dataset: Dataset,
    fmt: str,
    output: Path | None,
    *,
    excel: bool = False,
    types: list[str] | None = None,
) -> tuple[str | None, bool]:
    """Write the export; returns (text for standard output or None, whether a file changed)."""
    if fmt == "sqlite":
        if output is None:
            raise DtsError(_("an SQLite export needs a file: add -o base.db"))
        try:
            write_sqlite(dataset, output)
        except (OSError, sqlite3.Error) as error:
            raise DtsError(
                _("cannot write {path}: {problem}").format(path=output, problem=error)
            ) from None
        return None, True
    if fmt == "datapackage":
        if output is None:
            raise DtsError("un paquet de données s'écrit dans un dossier : ajoutez -o DOSSIER")
        from dtscli.commands.datapackage import write_datapackage

        write_datapackage(dataset, output)
        return None, True
    if fmt in BIBLIOGRAPHY:
        from dtscli.commands.bibliography import render_bibliography

        text = render_bibliography(dataset, fmt, types or [])
    else:
        text = to_json(dataset) if fmt == "json" else to_csv(dataset, excel)
    if output is None:
        return text, False
    try:  # the Excel CSV carries its own byte order mark (export_csv.py)
        return None, write_atomically(output, text)
    except OSError as error:
        raise DtsError(
            _("cannot write {path}: {problem}").format(path=output, problem=error.strerror or error)
        ) from None


def run(
    data_dir: Path | None,
    *,
    fmt: str | None = None,
    output: Path | None = None,
    personal: bool = True,
    excel: bool = False,
    metadata: Path | None = None,
    types: list[str],
    depts: list[str],
    regions: list[str],
    statuses: list[str],
    territory: str | None = None,
    text: str | None = None,
) -> int:
    """`dts export`: the format from --format or -o, the schemes filtered as `dts list` does,
    written to -o (or standard output for json and csv)."""
    import sys

    from dtscli.commands.common import load_base, require_loadable

    target = None if output is None or str(output) == "-" else output
    chosen = choose_format(fmt, target)
    if excel and chosen != "csv":
        raise DtsError(_("--excel is for the CSV format"))
    if metadata is not None and chosen != "sqlite":
        raise DtsError(_("--metadata goes with the sqlite format (Datasette)"))
    kb = load_base(data_dir)
    require_loadable(kb)
    query = build_query(
        kb,
        types=types,
        depts=depts,
        regions=regions,
        statuses=statuses,
        territory=territory,
        text=text,
    )
    dataset = collect(kb, query, personal=personal)
    written, changed = export(dataset, chosen, target, excel=excel, types=query.types)
    if written is not None:
        sys.stdout.write(written)
        return 0
    if metadata is not None and target is not None:
        from dtscli.commands.datapackage import write_datasette_metadata

        write_datasette_metadata(dataset, target, metadata)
        sys.stderr.write(_("wrote {path}").format(path=metadata) + "\n")
    schemes = len(dataset.records[kinds.BY_NAME[kinds.SCHEME].table])
    message = (
        _("wrote {path} ({schemes}, {records})")
        if changed
        else _("unchanged: {path} ({schemes}, {records})")
    )
    counts = {
        "schemes": counted("{count} scheme", "{count} schemes", schemes),
        "records": counted("{count} record", "{count} records", dataset.count()),
    }
    sys.stderr.write(message.format(path=target, **counts) + "\n")
    return 0
