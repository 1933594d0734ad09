"""`dts new`: write a new scheme record, filled from what is known, ready for `dts check`.

The file gets the right folder, id and file name, the territory resolved from the referential,
a real source (so `dts check` finds no error at once) and commented placeholders for the rest:
dates, axes (for a CLS, the mental-health axis the 3DS law requires), coordinator, related
schemes, notes. Missing options are asked for on a terminal, and are errors elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dtscli.base.kb import KnowledgeBase
from dtscli.base.loader import display_path
from dtscli.base.referential import Territory
from dtscli.cache.listindex import normalise_code, normalise_statuses, normalise_types
from dtscli.checks.identity import id_problem_message
from dtscli.commands.common import load_base
from dtscli.data import kinds, models
from dtscli.util.errors import DtsError
from dtscli.util.files import write_atomically
from dtscli.util.i18n import _, format_date, format_number
from dtscli.util.suggest import did_you_mean

# ask(question, default) -> answer; None when there is nobody to ask (stdin is no terminal).
# The command line passes one that prompts on the terminal.
Ask = Callable[[str, str | None], str]
VOWELS = "AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒaeiouyàâäéèêëîïôöùûüœ"


@dataclass
class NewScheme:
    """What `dts new` writes."""

    type: str
    name: str
    territory: Territory
    status: str
    source: str
    as_of: str
    id: str
    path: Path


# ---------------------------------------------------------------- ids and names


def slugify(text: str) -> str:
    """Kebab-case ASCII: « Pays d'Apt Luberon » -> pays-d-apt-luberon."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def suggest_id(scheme_type: str, territory: Territory) -> str:
    """clsm-nice, cls-pays-cevennes; ptsm-06 for a department, by code for a region or a QPV."""
    if territory.kind in ("dept", "region", "qpv"):
        return slugify(f"{scheme_type}-{territory.code}")
    return slugify(f"{scheme_type}-{territory.name}")


def of_place(name: str) -> str:
    """« de Nice », « d'Albi », « du Cannet », « des Mées », « du Pays Cévennes »."""
    for article, contracted in (("Le ", "du "), ("Les ", "des "), ("Pays ", "du Pays ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    return f"d'{name}" if name[:1] in VOWELS else f"de {name}"


def suggest_name(kb: KnowledgeBase, scheme_type: str, territory: Territory) -> str:
    found = kb.find(kinds.SCHEME_TYPE, scheme_type)
    type_name = found.record.name if found else scheme_type
    return f"{type_name} {of_place(territory.name)}"


def _taken(kb: KnowledgeBase, record_id: str, path: Path) -> bool:
    return kb.get(record_id) is not None or record_id in kb.unreadable or path.exists()


def _free_id(kb: KnowledgeBase, base: str, folder: Path) -> str:
    number = 2
    while _taken(kb, f"{base}-{number}", folder / f"{base}-{number}.yaml"):
        number += 1
    return f"{base}-{number}"


# ---------------------------------------------------------------- reading the options


def _value(
    given: str | None,
    option: str,
    what: str,
    ask: Ask | None,
    parse: Callable[[str], object],
    default: str | None = None,
) -> object:
    """The parsed option; on a terminal, asked (again after each error) when not given."""
    if given is not None:
        return parse(given)
    if ask is None:
        if default is not None:
            return parse(default)
        raise DtsError(
            _(
                "missing option {option} ({what}); give it, or run dts new on a terminal to be "
                "asked"
            ).format(option=option, what=what)
        )
    while True:
        answer = ask(what[:1].upper() + what[1:], default).strip()
        try:
            return parse(answer)
        except DtsError as error:
            ask_error(error.message)


def ask_error(message: str) -> None:
    """Say what was wrong with an answer before asking again."""
    sys.stderr.write(_("error: {message}").format(message=message) + "\n")


def _territory_parser(kb: KnowledgeBase, scheme_type: str, dept: str | None):
    allowed: list[str] = []
    found = kb.find(kinds.SCHEME_TYPE, scheme_type)
    if found is not None:
        allowed = list(found.record.scale.kinds)

    def parse(text: str) -> Territory:
        if not text:
            raise DtsError(_("give a territory: a name (Nice) or a code (commune:06088)"))
        territory = kb.referential.parse_territory(text, dept)
        if allowed and territory.kind not in allowed:
            raise DtsError(
                _(
                    "a {type} covers a territory of kind {kinds} ({scale}); {ref} is a {kind}"
                ).format(
                    type=scheme_type,
                    kinds=", ".join(allowed),
                    scale=found.record.scale.label if found is not None else "",
                    ref=territory.ref,
                    kind=territory.kind,
                )
            )
        return territory

    return parse


def _text_parser(option: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if not text.strip():
            raise DtsError(_("{option} is empty").format(option=option))
        return text.strip()

    return parse


def _document_parser(kb: KnowledgeBase) -> Callable[[str], str]:
    def parse(text: str) -> str:
        text = text.strip()
        if kb.find(kinds.DOCUMENT, text) is None:
            guess = did_you_mean(text, list(kb.records[kinds.DOCUMENT]))
            hint = _(" (did you mean {guess}?)").format(guess=guess) if guess else ""
            raise DtsError(
                _(
                    "no document has the id {id!r}{hint}; --source names a file of "
                    "documents/ (add the document first if it is new)"
                ).format(id=text, hint=hint)
            )
        return text

    return parse


def _parse_as_of(text: str) -> str:
    text = text.strip()
    if text == "unknown":
        return text
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise DtsError(
            _("--as-of {text!r}: write the date as YYYY-MM-DD (or unknown)").format(text=text)
        ) from None


def _parse_status(text: str) -> str:
    return normalise_statuses([text.strip()])[0]


def _parse_id(text: str) -> str:
    if not re.fullmatch(models.ID_PATTERN, text):
        raise DtsError(
            _(
                "--id {text!r}: an id is kebab-case ASCII (lower-case letters, digits, hyphens), "
                "e.g. {example}"
            ).format(text=text, example=slugify(text) or "clsm-nice")
        )
    problem = id_problem_message(text)
    if problem is not None:
        raise DtsError(f"--id {text!r}: {problem}")
    return text


def gather(
    kb: KnowledgeBase,
    scheme_type: str,
    *,
    name: str | None,
    territory: str | None,
    dept: str | None,
    status: str | None,
    source: str | None,
    as_of: str | None,
    record_id: str | None,
    ask: Ask | None,
    today: dt.date | None = None,
) -> NewScheme:
    """Check and complete the options (asking on a terminal); refuse what `dts check` would."""
    scheme_type = normalise_types([scheme_type])[0]
    if dept is not None:
        dept = normalise_code(dept)
        kb.validate_codes([dept], [])
    where = _value(
        territory,
        "--territory",
        _("territory: a name (Nice) or a code (commune:06088)"),
        ask,
        _territory_parser(kb, scheme_type, dept),
    )
    assert isinstance(where, Territory)
    folder = kb.data_dir / "schemes" / scheme_type.lower()
    if record_id is None:
        record_id = suggest_id(scheme_type, where)
        if not re.fullmatch(models.ID_PATTERN, record_id) or id_problem_message(record_id):
            raise DtsError(
                _("cannot make an id from {name!r}; give one with --id").format(name=where.name)
            )
    else:
        record_id = _parse_id(record_id)
    path = folder / f"{record_id}.yaml"
    if _taken(kb, record_id, path):
        existing = kb.get(record_id)
        shown = existing.path if existing is not None else path
        raise DtsError(
            _(
                "the id {id!r} is already used ({path}); choose another with --id, e.g. --id {free}"
            ).format(id=record_id, path=shown, free=_free_id(kb, record_id, folder))
        )
    full_name = _value(
        name,
        "--name",
        _("full name in French"),
        ask,
        _text_parser("--name"),
        suggest_name(kb, scheme_type, where) if ask is not None else None,
    )
    chosen_status = _value(
        status,
        "--status",
        _("status ({statuses})").format(statuses=", ".join(s.value for s in models.Status)),
        ask,
        _parse_status,
        "unknown",
    )
    document = _value(
        source,
        "--source",
        _("id of the source document (documents/)"),
        ask,
        _document_parser(kb),
    )
    date = _value(
        as_of,
        "--as-of",
        _("date the source gives these facts (YYYY-MM-DD)"),
        ask,
        _parse_as_of,
        (today or dt.date.today()).isoformat(),
    )
    return NewScheme(
        scheme_type,
        str(full_name),
        where,
        str(chosen_status),
        str(document),
        str(date),
        record_id,
        path,
    )


# ---------------------------------------------------------------- the file


def scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when YAML reads it back unchanged, else double-quoted."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        plain_ok = YAML(typ="safe", pure=True).load(f"key: {text}\n") == {"key": text}
    except YAMLError:
        plain_ok = False
    return text if plain_ok and "\n" not in text else json.dumps(text, ensure_ascii=False)


def render(kb: KnowledgeBase, new: NewScheme) -> str:
    """The record's text, in the canonical style of `dts fmt`, with commented placeholders."""
    territory = new.territory
    described = territory.name
    if territory.depts:
        described += f" ({', '.join(sorted(territory.depts))})"
    if territory.population:
        described += ", " + _("{population} inhabitants").format(
            population=format_number(territory.population)
        )
    statuses = ", ".join(s.value for s in models.Status)
    lines = [
        f"id: {new.id}",
        f"type: {new.type}",
        f"name: {scalar(new.name)}",
        f"territory: {territory.ref}  # {described}",
        f"status: {new.status}  # {statuses}",
        *_status_basis_line(new.status),
        "# signed_on: YYYY-MM-DD  # " + _("date of signature, only where a source gives it"),
        "# end_on: YYYY-MM-DD  # " + _("end date, only where a source gives it"),
        *_axes_placeholder(kb, new.type),
        "# coordinator: contact-id  # " + _("a record of contacts/"),
        *_related_placeholder(kb, new),
        "sources:",
        f"  - document: {new.source}",
        f"    as_of: {new.as_of}",
        "    # locator: " + _("page, slide or section of the document"),
        "# notes: >-",
        "#   " + _("Free text in French: what the source says, what is still unknown."),
    ]
    return "\n".join(lines) + "\n"


def _status_basis_line(status: str) -> list[str]:
    """A status other than unknown says whether the source states it (rule status-basis)."""
    if status == models.Status.unknown.value:
        return []
    return [
        "status_basis: stated  # "
        + _("stated: the source says so; inferred: write in notes what it is inferred from")
    ]


def _axes_placeholder(kb: KnowledgeBase, scheme_type: str) -> list[str]:
    if scheme_type != "CLS":
        return ["# axes:  # " + _("thematic axes"), "#   - id: axis-id", "#     name: Nom de l'axe"]
    from dtscli.checks.law import RULE, citation, legal_record_for

    law = legal_record_for(kb, RULE)
    since = (
        _("from {date} ({law})").format(date=format_date(law.record.in_force_on), law=citation(law))
        if law is not None and law.record.in_force_on
        else _("since the 3DS law")
    )
    return [
        "# axes:  # " + _("required for a CLS signed {since}").format(since=since),
        f"#   - id: {models.MENTAL_HEALTH_AXIS}",
        "#     name: Santé mentale",
    ]


def _related_placeholder(kb: KnowledgeBase, new: NewScheme) -> list[str]:
    same_place = sorted(
        s.id
        for s in kb.of_kind(kinds.SCHEME)
        if s.record.territory == new.territory.ref and s.id != new.id
    )
    if not same_place:
        return ["# related: []  # " + _("ids of linked schemes")]
    return [
        "# related:  # " + _("schemes on the same territory"),
        *(f"#   - {scheme_id}" for scheme_id in same_place),
    ]


def check_rendered(text: str) -> None:
    """Never write a file that would not load: validate the text before writing it."""
    from pydantic import ValidationError
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(text)
    try:
        models.Scheme.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise DtsError(
            _("the new record would not validate: {problem}").format(problem=first["msg"])
        ) from None


def create(kb: KnowledgeBase, new: NewScheme) -> Path:
    """Write the record atomically; returns its path."""
    from dtscli.commands.init import schema_modeline

    text = schema_modeline(new.path, kb.data_dir, "scheme") + render(kb, new)
    check_rendered(text)
    try:
        write_atomically(new.path, text)
    except OSError as error:
        raise DtsError(
            _("cannot write {path}: {problem}").format(
                path=new.path, problem=error.strerror or error
            )
        ) from None
    return new.path


def interactive() -> bool:
    """Whether to ask for missing options: only when someone types at a terminal."""
    return sys.stdin.isatty()


def run(
    data_dir: Path | None,
    scheme_type: str,
    *,
    name: str | None = None,
    territory: str | None = None,
    dept: str | None = None,
    status: str | None = None,
    source: str | None = None,
    as_of: str | None = None,
    record_id: str | None = None,
    prompt: Ask | None = None,
) -> int:
    """`dts new`: gather the options (asking with `prompt` for the missing ones when someone
    types at a terminal), write the record, say where and what next."""
    kb = load_base(data_dir)
    new = gather(
        kb,
        scheme_type,
        name=name,
        territory=territory,
        dept=dept,
        status=status,
        source=source,
        as_of=as_of,
        record_id=record_id,
        ask=prompt if prompt is not None and interactive() else None,
    )
    shown = display_path(create(kb, new))
    sys.stdout.write(_("wrote {path}").format(path=shown) + "\n")
    sys.stderr.write(
        _("next: fill in what the sources give (the commented keys), then: {command}").format(
            command=f"dts check {shown}"
        )
        + "\n"
    )
    return 0
