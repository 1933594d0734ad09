"""The kinds of record a knowledge base holds, in ONE table.

Each row says what a kind is called (in findings, `dts schema`, `dts show`'s `record_kind`),
where its files sit in a data directory, which model of models.py validates it, the file
name of its JSON Schema, its table in the exports, and how to name it in English and French.
Code names a kind by the constants below, never by a string of its own.

Adding a kind of record: a model in models.py, a row here (and a folder that no other kind
uses); the loader then finds its files, `dts check` validates them, `dts schema` and
`dts export` include it. Rules that read it are added in checks/.

Plain data, no import of pydantic: the fast paths (listing, the check state) read it.
"""

from __future__ import annotations

from typing import NamedTuple


class Kind(NamedTuple):
    """One kind of record."""

    name: str  # its name in findings, `dts schema`, the exports' record_kind
    folder: str  # the folder of its files, relative to the data directory
    nested: bool  # files sit one sub-folder below `folder` (schemes/<type>/<id>.yaml)
    file: str  # how its files are named, for messages and schema titles
    model: str  # the class of models.py that validates it
    table: str  # its table in `dts export` (SQLite table, JSON key)
    singular: str  # one row of that table, in column names (scheme_type_id…)
    label_en: str
    label_fr: str

    @property
    def schema_file(self) -> str:
        """The file `dts schema -o DIR` writes for it."""
        return f"{self.name}.schema.json"

    @property
    def where(self) -> str:
        """Where its files sit, with their names: schemes/<type>/<id>.yaml."""
        return f"{self.folder}/{self.file}"

    @property
    def place(self) -> str:
        """The folder to put a missing record in, as a message says it: schemes/<type>/."""
        return self.where.rsplit("/", 1)[0] + "/"


SCHEME_TYPE = "scheme-type"
SCHEME = "scheme"
CONTACT = "contact"
LEGAL = "legal"
DOCUMENT = "document"
QPV = "qpv"
LOCAL_TERRITORY = "local-territory"
# A YAML file in a folder dts does not know: reported, never loaded (not a kind of record).
UNEXPECTED = "unexpected"
# A link to a folder already read (a loop such as `ln -s . loop`): reported once, not followed.
FOLDER_LOOP = "folder-loop"

KINDS: tuple[Kind, ...] = (
    Kind(
        SCHEME_TYPE,
        "schemes",
        False,
        "<TYPE>.yaml",
        "SchemeType",
        "scheme_types",
        "scheme_type",
        "scheme type",
        "type de démarche",
    ),
    Kind(
        SCHEME,
        "schemes",
        True,
        "<type>/<id>.yaml",
        "Scheme",
        "schemes",
        "scheme",
        "scheme",
        "démarche",
    ),
    Kind(
        CONTACT,
        "contacts",
        False,
        "<id>.yaml",
        "Contact",
        "contacts",
        "contact",
        "contact",
        "contact",
    ),
    Kind(
        LEGAL,
        "legal",
        False,
        "<id>.yaml",
        "LegalText",
        "legal_texts",
        "legal_text",
        "legal text",
        "texte juridique",
    ),
    Kind(
        DOCUMENT,
        "documents",
        False,
        "<id>.yaml",
        "Document",
        "documents",
        "document",
        "document",
        "document",
    ),
    Kind(
        QPV,
        "territories/qpv",
        False,
        "<code>.yaml",
        "Qpv",
        "qpv",
        "qpv",
        "QPV",
        "quartier prioritaire",
    ),
    Kind(
        LOCAL_TERRITORY,
        "territories/local",
        False,
        "<id>.yaml",
        "LocalTerritory",
        "local_territories",
        "local_territory",
        "local territory",
        "territoire local",
    ),
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
NAMES: tuple[str, ...] = tuple(BY_NAME)
# What a file holds, by the folder it sits in (`nested`: by its folder's parent).
BY_FOLDER: dict[str, str] = {kind.folder: kind.name for kind in KINDS if not kind.nested}
BY_PARENT_FOLDER: dict[str, str] = {kind.folder: kind.name for kind in KINDS if kind.nested}
# The kinds that are territories: records the referential adds to the official ones.
TERRITORY_KINDS: dict[str, str] = {LOCAL_TERRITORY: "local", QPV: "qpv"}  # kind -> ref prefix
