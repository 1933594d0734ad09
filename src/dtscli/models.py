"""Pydantic models of the records: the public data format of the knowledge base.

Users write these files by hand, so every model forbids unknown keys (a typo must not
pass silently), dates are real dates and codes are strings. Keys are English snake_case;
values (names, descriptions) are French.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
RecordId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
SchemeTypeCode = Literal["CLS", "CLSM", "ASV", "PTSM", "CPTS", "DAC"]
SCHEME_TYPES: tuple[str, ...] = ("CLS", "CLSM", "ASV", "PTSM", "CPTS", "DAC")

TERRITORY_KINDS: tuple[str, ...] = ("commune", "epci", "dept", "region", "qpv", "local")
TERRITORY_PATTERN = (
    r"^(?:commune:(?:\d{5}|2[AB]\d{3})|epci:\d{9}|dept:(?:\d{2,3}|2[AB])|region:\d{2}"
    r"|qpv:[A-Z0-9]{5,12}|local:[a-z0-9]+(?:-[a-z0-9]+)*)$"
)
TerritoryRef = Annotated[str, StringConstraints(pattern=TERRITORY_PATTERN)]
CommuneCode = Annotated[str, StringConstraints(pattern=r"^(?:\d{5}|2[AB]\d{3})$")]
EpciCode = Annotated[str, StringConstraints(pattern=r"^\d{9}$")]
PartialDate = Annotated[
    str, StringConstraints(pattern=r"^(?:\d{4}(?:-\d{2}(?:-\d{2})?)?|unknown)$")
]
HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
MENTAL_HEALTH_AXIS = "sante-mentale"


class Record(BaseModel):
    """Base of every record: unknown keys are errors; numbers are never coerced to strings."""

    model_config = ConfigDict(extra="forbid")


class Status(str, Enum):
    """Where a scheme instance stands."""

    intention = "intention"
    in_preparation = "in_preparation"
    renewal = "renewal"
    active = "active"
    expired = "expired"
    unknown = "unknown"


class Family(str, Enum):
    """The three families of schemes the seeds describe."""

    sante_globale = "sante-globale"
    sante_mentale = "sante-mentale"
    parcours_de_soins = "parcours-de-soins"


class Source(Record):
    """Where a fact comes from, and the date it was true."""

    document: RecordId = Field(description="Id of a record in data/documents/.")
    as_of: dt.date | Literal["unknown"] = Field(
        description="Date the fact was true according to the document (ISO date), or `unknown`."
    )
    locator: str | None = Field(None, description="Page, slide or section in the document.")


class Sourced(Record):
    sources: list[Source] = Field(min_length=1, description="At least one source.")
    notes: str | None = None


# ---------------------------------------------------------------- scheme types


class Scale(Record):
    kinds: list[Literal["commune", "epci", "dept", "region", "qpv", "local"]] = Field(
        min_length=1, description="Territory kinds an instance of this type may cover."
    )
    label: str = Field(description="The scale in French words, as a sheet prints it.")


class PublishedCount(Record):
    """A count published by an authority (e.g. « 19 CLSM en PACA »)."""

    territory: TerritoryRef
    count: int = Field(ge=0)
    status: Status | None = Field(
        None, description="Which instances are counted, when the source says (signed = active)."
    )
    label: str = Field(description="What was counted, in French, as the source says it.")
    source: Source


class SchemeType(Sourced):
    """What a type of scheme is: data/schemes/<TYPE>.yaml."""

    id: SchemeTypeCode
    name: str
    family: Family
    scale: Scale
    pilotage: list[str] = Field(min_length=1)
    public: str
    themes: list[str] = Field(min_length=1)
    created_year: int | None = Field(None, ge=1900, le=2100)
    duration_years: int | None = Field(None, ge=1, le=20)
    legal_basis: list[RecordId] = Field(default_factory=list)
    published_counts: list[PublishedCount] = Field(default_factory=list)
    description: str


# ---------------------------------------------------------------- scheme instances


class Axis(Record):
    id: RecordId = Field(description="Axis id; the mental-health axis is `sante-mentale`.")
    name: str | None = None


class Scheme(Sourced):
    """One scheme on a territory: data/schemes/<type>/<id>.yaml."""

    id: RecordId
    type: SchemeTypeCode
    name: str
    territory: TerritoryRef
    status: Status
    signed_on: dt.date | None = None
    end_on: dt.date | None = None
    axes: list[Axis] = Field(default_factory=list)
    coordinator: RecordId | None = None
    related: list[RecordId] = Field(default_factory=list)

    def has_axis(self, axis_id: str) -> bool:
        return any(axis.id == axis_id for axis in self.axes)


# ---------------------------------------------------------------- contacts

EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


class Contact(Sourced):
    """A person or an organisation to contact: data/contacts/<id>.yaml."""

    id: RecordId
    kind: Literal["person", "organisation"]
    name: str
    organisation: RecordId | None = Field(None, description="For a person: the organisation's id.")
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    website: HttpUrl | None = None
    scheme_types: list[SchemeTypeCode] = Field(default_factory=list)
    territory: TerritoryRef | None = None
    verified_on: dt.date | None = Field(
        None, description="When the contact details were last checked (required for a person)."
    )


# ---------------------------------------------------------------- legal texts


class Requirement(Record):
    """What a legal text requires of a scheme type."""

    scheme_type: SchemeTypeCode
    summary: str
    rule: str | None = Field(None, description="Name of the dts check rule that enforces it.")


class LegalText(Sourced):
    """A law, decree, ordinance, code article, circular, instruction or recommendation."""

    id: RecordId
    kind: Literal[
        "loi",
        "decret",
        "ordonnance",
        "arrete",
        "article-de-code",
        "circulaire",
        "instruction",
        "recommandation",
    ]
    short_name: str | None = None
    number: str | None = None
    date: dt.date | None = None
    title: str
    articles: list[str] = Field(default_factory=list)
    code_articles: list[RecordId] = Field(
        default_factory=list, description="Ids of article-de-code records this text wrote."
    )
    journal: str | None = None
    url: HttpUrl | None = None
    in_force_on: dt.date | None = None
    scheme_types: list[SchemeTypeCode] = Field(default_factory=list)
    requires: list[Requirement] = Field(default_factory=list)
    description: str


# ---------------------------------------------------------------- documents


class Document(Record):
    """A document: a seed, a bibliography entry or a web site."""

    id: RecordId
    kind: Literal[
        "article",
        "ouvrage",
        "rapport",
        "actes",
        "dossier",
        "site",
        "diaporama",
        "guide",
        "texte-officiel",
        "video",
        "carte",
        "autre",
    ]
    title: str
    authors: list[str] = Field(default_factory=list)
    publisher: str | None = None
    journal: str | None = None
    issue: str | None = None
    date: PartialDate | None = None
    pages: str | None = None
    url: HttpUrl | None = None
    scheme_types: list[SchemeTypeCode] = Field(default_factory=list)
    themes: list[RecordId] = Field(default_factory=list)
    section: str | None = Field(None, description="Section of the bibliography it comes from.")
    description: str | None = None
    sources: list[Source] = Field(default_factory=list)
    notes: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: object) -> object:
        """YAML reads `2021-11-17` as a date and `2021` as a number: keep both as text."""
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 2999:
            return str(value)
        return value

    @field_validator("authors")
    @classmethod
    def _no_blank_author(cls, value: list[str]) -> list[str]:
        if any(not author.strip() for author in value):
            raise ValueError("an author is blank")
        return value


# ---------------------------------------------------------------- hand-written territories


class Qpv(Sourced):
    """A quartier prioritaire de la politique de la ville: data/territories/qpv/<code>.yaml."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{5,12}$")]
    name: str
    communes: list[CommuneCode] = Field(min_length=1)
    qpv_list: str = Field(description="The list it belongs to, e.g. `2024` (décret du 28/12/2023).")
    population: int | None = Field(None, ge=0)


class LocalTerritory(Sourced):
    """A pays, a conseil de territoire, a grouping: data/territories/local/<id>.yaml."""

    id: RecordId
    name: str
    kind: Literal["pays", "conseil-de-territoire", "groupement", "autre"]
    communes: list[CommuneCode] = Field(default_factory=list)
    epci: list[EpciCode] = Field(default_factory=list)


RECORD_MODELS: dict[str, type[Record]] = {
    "scheme-type": SchemeType,
    "scheme": Scheme,
    "contact": Contact,
    "legal": LegalText,
    "document": Document,
    "qpv": Qpv,
    "local-territory": LocalTerritory,
}
