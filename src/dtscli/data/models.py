"""Pydantic models of the records: the public data format of the knowledge base.

Users write these files by hand, so every model forbids unknown keys (a typo must not
pass silently), dates are real dates and codes are strings. Keys are English snake_case;
values (names, descriptions) are French.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from dtscli.data import vocab
from dtscli.data.kinds import KINDS

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
RecordId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
SchemeTypeCode = Literal["CLS", "CLSM", "ASV", "PTSM", "CPTS", "DAC"]
SCHEME_TYPES = vocab.SCHEME_TYPES

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
MENTAL_HEALTH_AXIS = vocab.MENTAL_HEALTH_AXIS
TERRITORY_EXAMPLES: list[Any] = [  # list[Any]: pydantic types the examples as JSON values
    "commune:06088",
    "epci:200030195",
    "dept:06",
    "region:93",
    "local:pays-cevennes",
]


class Record(BaseModel):
    """Base of every record: unknown keys are errors; numbers are never coerced to strings."""

    model_config = ConfigDict(extra="forbid")


Status = vocab.Status
StatusBasis = vocab.StatusBasis
NameBasis = vocab.NameBasis
Family = vocab.Family
DepartmentCode = Annotated[str, StringConstraints(pattern=r"^(?:\d{2,3}|2[AB])$")]
COUNT_TERRITORY_PATTERN = r"^(?:france|region:\d{2}|dept:(?:\d{2,3}|2[AB]))$"
CountTerritory = Annotated[str, StringConstraints(pattern=COUNT_TERRITORY_PATTERN)]


class Source(Record):
    """Where a fact comes from, and the date it was true."""

    document: RecordId = Field(description="Id of a record in data/documents/.")
    as_of: dt.date | Literal["unknown"] = Field(
        description="Date the fact was true according to the document (ISO date), or `unknown`."
    )
    locator: str | None = Field(None, description="Page, slide or section in the document.")


class Sourced(Record):
    sources: list[Source] = Field(min_length=1, description="At least one source.")
    notes: str | None = Field(
        None, description="Free text in French: what the sources leave open, doubts, context."
    )


# ---------------------------------------------------------------- scheme types


class Scale(Record):
    """The territories an instance of the type covers."""

    kinds: list[Literal["commune", "epci", "dept", "region", "qpv", "local"]] = Field(
        min_length=1, description="Territory kinds an instance of this type may cover."
    )
    label: str = Field(description="The scale in French words, as a sheet prints it.")


class PublishedCount(Record):
    """A count published by an authority (e.g. « 19 CLSM en PACA »)."""

    territory: CountTerritory = Field(
        description="The territory counted: `france`, region:93, dept:06…"
    )
    count: int = Field(ge=0, description="The number the source publishes.")
    status: Status | None = Field(
        None, description="Which instances are counted, when the source says (signed = active)."
    )
    label: str = Field(description="What was counted, in French, as the source says it.")
    compared: bool = Field(
        True,
        description="False for a figure about something else than the instances of the type "
        "(quartiers, contrats de ville, a share): shown for context, never compared with the base.",
    )
    source: Source = Field(description="The document that publishes the count, and its date.")


class SchemeType(Sourced):
    """What a type of scheme is: data/schemes/<TYPE>.yaml."""

    id: SchemeTypeCode = Field(
        description="The type's code, also the file name: CLS, CLSM, ASV, PTSM, CPTS or DAC."
    )
    name: str = Field(description="Full name in French, e.g. « Contrat local de santé ».")
    family: Family = Field(
        description="Family of schemes: global health, mental health or care pathways."
    )
    scale: Scale = Field(description="The territories an instance covers.")
    pilotage: list[str] = Field(min_length=1, description="Who steers it (French), one item each.")
    public: str = Field(description="Whom it is for (French).")
    themes: list[str] = Field(min_length=1, description="Its usual themes (French).")
    created_year: int | None = Field(
        None, ge=1900, le=2100, description="Year the type of scheme was created."
    )
    duration_years: int | None = Field(
        None, ge=1, le=20, description="Usual duration of one instance, in years."
    )
    legal_basis: list[RecordId] = Field(
        default_factory=list, description="Ids of the legal texts it rests on (data/legal/)."
    )
    published_counts: list[PublishedCount] = Field(
        default_factory=list, description="Counts of instances published by authorities."
    )
    description: str = Field(description="What it is, in French, as a sheet prints it.")


# ---------------------------------------------------------------- scheme instances


class Axis(Record):
    """A thematic axis of a scheme, e.g. the mental-health axis of a CLS."""

    id: RecordId = Field(description="Axis id; the mental-health axis is `sante-mentale`.")
    name: str | None = Field(None, description="The axis as the contract names it (French).")


class Scheme(Sourced):
    """One scheme on a territory: data/schemes/<type>/<id>.yaml."""

    id: RecordId = Field(
        description="Kebab-case id, equal to the file name: <type>-<territory>, e.g. clsm-nice."
    )
    type: SchemeTypeCode = Field(
        description="The scheme type; the file sits in schemes/<type in lower case>/."
    )
    name: str = Field(
        description="Full name in French, e.g. « Conseil local de santé mentale de Nice »."
    )
    territory: TerritoryRef = Field(
        description="Territory covered: commune:INSEE, epci:SIREN, dept:06, region:93, "
        "qpv:CODE or local:<id>.",
        json_schema_extra={"examples": TERRITORY_EXAMPLES},
    )
    status: Status = Field(description="Where it stands, as of its latest source.")
    status_basis: StatusBasis | None = Field(
        None,
        description="How sure the status is: `stated` by a source, or `inferred` (the reason "
        "goes in the notes). Required unless the status is `unknown`.",
    )
    department: DepartmentCode | None = Field(
        None,
        description="For a territory spanning two départements: the one the source groups "
        'the scheme under, e.g. "04" (quote it).',
    )
    signed_on: dt.date | None = Field(
        None, description="Date of signature (YYYY-MM-DD), where a source gives it."
    )
    end_on: dt.date | None = Field(
        None, description="Date it ends or ended (YYYY-MM-DD), where a source gives it."
    )
    axes: list[Axis] = Field(
        default_factory=list,
        description="Thematic axes; a CLS signed since the 3DS law needs `sante-mentale`.",
    )
    coordinator: RecordId | None = Field(
        None, description="Id of the coordinating contact (data/contacts/)."
    )
    related: list[RecordId] = Field(
        default_factory=list, description="Ids of linked schemes (a CLS and its CLSM, a renewal…)."
    )

    def has_axis(self, axis_id: str) -> bool:
        return any(axis.id == axis_id for axis in self.axes)


# ---------------------------------------------------------------- contacts

EMAIL_RE = vocab.EMAIL_RE


class Contact(Sourced):
    """A person or an organisation to contact: data/contacts/<id>.yaml."""

    id: RecordId = Field(
        description="Kebab-case id, equal to the file name: firstname-lastname or the organisation."
    )
    kind: Literal["person", "organisation"] = Field(description="A person or an organisation.")
    name: str = Field(description="Full name of the person or of the organisation.")
    organisation: RecordId | None = Field(None, description="For a person: the organisation's id.")
    role: str | None = Field(None, description="Function or role (French).")
    email: str | None = Field(None, description="E-mail address.")
    phone: str | None = Field(
        None, description="Phone number, French format (04 91 00 00 00 or +33 4 91 00 00 00)."
    )
    website: HttpUrl | None = Field(None, description="Web site (http or https address).")
    scheme_types: list[SchemeTypeCode] = Field(
        default_factory=list, description="Scheme types the contact deals with."
    )
    territory: TerritoryRef | None = Field(
        None, description="Territory the contact covers: region:93, dept:06…"
    )
    name_basis: NameBasis | None = Field(
        None,
        description="`guessed` when no source prints the name (e.g. read from an e-mail "
        "address): shown with a caveat.",
    )
    published_on: dt.date | None = Field(
        None, description="Date a source published these contact details."
    )
    verified_on: dt.date | None = Field(
        None,
        description="Date someone checked these contact details (only then are they "
        "called verified).",
    )


# ---------------------------------------------------------------- legal texts


class Requirement(Record):
    """What a legal text requires of a scheme type."""

    scheme_type: SchemeTypeCode = Field(description="The scheme type the requirement applies to.")
    summary: str = Field(description="What the text requires, in French.")
    rule: str | None = Field(None, description="Name of the dts check rule that enforces it.")


class LegalText(Sourced):
    """A law, decree, ordinance, code article, circular, instruction or recommendation."""

    id: RecordId = Field(description="Kebab-case id, equal to the file name, e.g. loi-2022-217.")
    kind: Literal[
        "loi",
        "decret",
        "ordonnance",
        "arrete",
        "article-de-code",
        "circulaire",
        "instruction",
        "recommandation",
    ] = Field(description="Kind of text.")
    short_name: str | None = Field(None, description="Usual short name, e.g. 3DS.")
    number: str | None = Field(
        None, description='Official number as text, e.g. "2022-217" (quote it).'
    )
    date: dt.date | None = Field(None, description="Date of the text (YYYY-MM-DD).")
    title: str = Field(description="Official title.")
    articles: list[str] = Field(
        default_factory=list, description='Articles that concern the schemes, as text ("122").'
    )
    code_articles: list[RecordId] = Field(
        default_factory=list, description="Ids of article-de-code records this text wrote."
    )
    journal: str | None = Field(
        None, description="Where it was published, e.g. JORF du 22 février 2022."
    )
    url: HttpUrl | None = Field(None, description="Address on Légifrance or an official site.")
    in_force_on: dt.date | None = Field(
        None, description="Date it takes effect (YYYY-MM-DD); rules read it."
    )
    scheme_types: list[SchemeTypeCode] = Field(
        default_factory=list, description="Scheme types it concerns."
    )
    requires: list[Requirement] = Field(
        default_factory=list, description="What it requires of scheme types."
    )
    description: str = Field(description="What it says about the schemes, in French.")


# ---------------------------------------------------------------- documents


def _year_as_number(schema: dict) -> None:
    """In the JSON Schema: an unquoted year (YAML reads `2021` as a number) is accepted too."""
    schema["anyOf"].insert(1, {"type": "integer", "minimum": 1000, "maximum": 2999})


class Document(Record):
    """A document: a seed, a bibliography entry or a web site."""

    id: RecordId = Field(
        description="Kebab-case id, equal to the file name: author-year-words or site-…"
    )
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
        "chapitre",
        "communication",
        "autre",
    ] = Field(description="Kind of document.")
    title: str = Field(description="Title as published.")
    authors: Annotated[list[str], AfterValidator(vocab.no_blank_author)] = Field(
        default_factory=list, description="Authors, « NAME Firstname »."
    )
    publisher: str | None = Field(None, description="Publisher or issuing body.")
    journal: str | None = Field(None, description="Journal or series, for an article.")
    book: str | None = Field(
        None, description="For a chapter: the title of the book that contains it."
    )
    issue: str | None = Field(None, description="Issue number, as text.")
    date: Annotated[PartialDate | None, BeforeValidator(vocab.date_as_text)] = Field(
        None,
        description="Publication date: YYYY, YYYY-MM or YYYY-MM-DD, or `unknown`.",
        json_schema_extra=_year_as_number,
    )
    pages: str | None = Field(None, description="Pages or length, e.g. « 84 p. ».")
    url: HttpUrl | None = Field(None, description="Address (http or https).")
    scheme_types: list[SchemeTypeCode] = Field(
        default_factory=list, description="Scheme types it is about."
    )
    themes: list[RecordId] = Field(default_factory=list, description="Kebab-case theme ids.")
    section: str | None = Field(None, description="Section of the bibliography it comes from.")
    description: str | None = Field(None, description="What it contains, in French.")
    sources: list[Source] = Field(
        default_factory=list,
        description="Where the description comes from (optional for a document).",
    )
    notes: str | None = Field(None, description="Free text in French.")


# ---------------------------------------------------------------- hand-written territories


class Qpv(Sourced):
    """A quartier prioritaire de la politique de la ville: data/territories/qpv/<code>.yaml."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{5,12}$")] = Field(
        description="The QPV code, also the file name, e.g. QN00612M."
    )
    name: str = Field(description="Name of the quartier.")
    communes: list[CommuneCode] = Field(
        min_length=1, description="INSEE codes of its communes, quoted: '06088'."
    )
    qpv_list: str = Field(description="The list it belongs to, e.g. `2024` (décret du 28/12/2023).")
    population: int | None = Field(None, ge=0, description="Population of the quartier.")


class LocalTerritory(Sourced):
    """A pays, a conseil de territoire, a grouping: data/territories/local/<id>.yaml."""

    id: RecordId = Field(
        description="Kebab-case id, equal to the file name; schemes cite it as local:<id>."
    )
    name: str = Field(description="Name in French, e.g. Pays Cévennes.")
    kind: Literal["pays", "conseil-de-territoire", "groupement", "autre"] = Field(
        description="Kind of territory."
    )
    communes: list[CommuneCode] = Field(
        default_factory=list, description="INSEE codes of its communes, quoted: '30007'."
    )
    epci: list[EpciCode] = Field(
        default_factory=list, description="SIREN codes of its EPCI, quoted."
    )
    incomplete: bool = Field(
        False,
        description="True when the sources give only part of its communes: every figure "
        "computed on it (population, coverage) is flagged as a lower bound.",
    )


# The model of each kind of record, by kind name (the table is data/kinds.py).
RECORD_MODELS: dict[str, type[Record]] = {kind.name: globals()[kind.model] for kind in KINDS}
