"""`dts show`: one record with its references resolved, or what covers a territory."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any, TextIO

from dtscli.base.describe import record_view, territory_view
from dtscli.base.kb import KnowledgeBase
from dtscli.base.labels import FEMININE_TYPES, STATUSES, status_label, status_words
from dtscli.cache.listindex import public, scheme_row
from dtscli.commands.common import load_base, require_loadable
from dtscli.util.errors import DtsError
from dtscli.util.i18n import N_, _
from dtscli.util.output import check_format, dump_json, to_jsonable
from dtscli.util.suggest import did_you_mean

FORMATS = ("text", "json")


def run(data_dir: Path | None, record_id: str, fmt: str = "text", out: TextIO | None = None) -> int:
    check_format(fmt, FORMATS)
    show(load_base(data_dir), record_id, fmt, out)
    return 0


def show(kb: KnowledgeBase, record_id: str, fmt: str = "text", out: TextIO | None = None) -> None:
    require_loadable(kb)
    out = out or sys.stdout
    if ":" in record_id:
        view = territory_summary(kb, record_id)
    else:
        loaded = kb.get(record_id) or kb.get(record_id.upper())
        if loaded is None:
            every = [i for bucket in kb.records.values() for i in bucket]
            guess = did_you_mean(record_id, every)
            hint = _(" (did you mean {guess!r}?)").format(guess=guess) if guess else ""
            raise DtsError(
                _("no record has the id {id!r}{hint}; `dts list` shows the schemes").format(
                    id=record_id, hint=hint
                )
            )
        view = record_view(kb, loaded)
    if fmt == "json":
        dump_json(view, out)
    else:
        out.write(render_text(view))


def territory_summary(kb: KnowledgeBase, ref: str) -> dict[str, Any]:
    """A territory and every scheme that overlaps it ("what covers Nice?")."""
    territory = kb.referential.parse_territory(ref)
    covering = kb.covering(territory)
    return {
        "territory": territory_view(kb, territory.ref),
        "schemes": [public(scheme_row(kb, loaded)) for loaded in covering],
    }


def render_text(view: dict[str, Any]) -> str:
    """The view as YAML that any YAML 1.2 parser reads back: what `--format json` prints, for
    people (see `readable`); codes such as '06' and dates stay quoted text."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096  # one line per value: no folding inside names and notes
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump(readable(to_jsonable(view)), buffer)
    return buffer.getvalue()


def scheme_status_words(view: dict[str, Any]) -> str:
    """« actif (déduit), source du 17 novembre 2021 »: how sure, and as of when."""
    dates = [s.get("as_of") for s in view.get("sources") or [] if isinstance(s, dict)]
    dated = sorted(str(d) for d in dates if d and str(d) != "unknown")
    return status_words(
        view["status"],
        view.get("status_basis"),
        feminine=view.get("type") in FEMININE_TYPES,
        as_of=dated[-1] if dated else None,
    )


def readable(value: Any, key: str | None = None) -> Any:
    """The view for people: None, empty lists and empty mappings left out, statuses in the
    language of the run (`actif`); the rest as `--format json` has it."""
    if isinstance(value, dict):
        if value.get("status") in STATUSES and "type" in value:
            value = dict(value, status=scheme_status_words(value))
        kept = {name: readable(item, name) for name, item in value.items()}
        return {name: item for name, item in kept.items() if item not in (None, [], {})}
    if isinstance(value, list):
        return [readable(item, key) for item in value]
    if key == "status" and value in STATUSES:
        return status_label(value)
    if key in ("as_of", "date") and value == "unknown":
        return _("unknown date")
    if key in BASIS_WORDS and value in BASIS_WORDS[key]:
        return _(BASIS_WORDS[key][value])
    return value


# The words of how sure a fact is, for people (the data keeps the codes).
BASIS_WORDS = {
    "status_basis": {"stated": N_("stated by the source"), "inferred": N_("inferred")},
    "name_basis": {"stated": N_("given by the source"), "guessed": N_("guessed")},
}
