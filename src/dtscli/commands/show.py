"""What the query commands do, callable without the CLI: list and show."""

from __future__ import annotations

import io
import sys
from typing import Any, TextIO

from dtscli.base.describe import record_view, territory_view
from dtscli.base.kb import KnowledgeBase, SchemeQuery
from dtscli.cache.listindex import (
    normalise_code,
    normalise_statuses,
    normalise_types,
    public,
    scheme_row,
    write_list,
)
from dtscli.data.findings import Severity
from dtscli.data.vocab import STATUSES, did_you_mean, status_label
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _, counted
from dtscli.util.output import dump_json, to_jsonable

__all__ = ["normalise_code", "normalise_statuses", "normalise_types"]


def require_loadable(kb: KnowledgeBase, err: TextIO | None = None) -> None:
    """Stop on data that did not load (one line, with the place); print warnings to stderr."""
    err = err or sys.stderr
    errors = [f for f in kb.findings if f.severity is Severity.error]
    for warning in [f for f in kb.findings if f.severity is Severity.warning][:5]:
        where = f"{warning.location()}: {warning.message}"
        err.write(_("warning: {message}").format(message=where) + "\n")
    if kb.duplicates:
        first, second = kb.duplicates[0]
        raise DtsError(
            _(
                "{path}: id {id!r} is already used by {other}; "
                "give each record its own id (run `dts check`)"
            ).format(path=second.path, id=second.id, other=first.path),
            exit_code=1,
        )
    if errors:
        first = errors[0]
        more = ""
        if len(errors) > 1:
            more = counted(
                " (and {count} more problem)", " (and {count} more problems)", len(errors) - 1
            )
        raise DtsError(
            _("{place}: {message}{more}; fix the file, `dts check` lists them all").format(
                place=first.location(), message=first.message, more=more
            ),
            exit_code=1,
        )


def build_query(
    kb: KnowledgeBase,
    *,
    types: list[str],
    depts: list[str],
    regions: list[str],
    statuses: list[str],
    territory: str | None,
    text: str | None,
) -> SchemeQuery:
    depts = [normalise_code(d) for d in depts]
    regions = [normalise_code(r) for r in regions]
    kb.validate_codes(depts, regions)
    resolved = None
    if territory:
        resolved = kb.referential.parse_territory(territory, depts[0] if len(depts) == 1 else None)
    return SchemeQuery(
        types=normalise_types(types),
        depts=depts,
        regions=regions,
        statuses=normalise_statuses(statuses),
        territory=resolved,
        text=text,
    )


def list_schemes(
    kb: KnowledgeBase, *, fmt: str = "table", out: TextIO | None = None, **filters: Any
) -> int:
    """Print the matching schemes of a loaded base (the library entry point of `dts list`)."""
    require_loadable(kb)
    query = build_query(kb, **filters)
    found = kb.query(query)
    if fmt == "json":
        dump_json([record_view(kb, loaded) for loaded in found], out)
    else:
        write_list([scheme_row(kb, loaded) for loaded in found], fmt, out)
    return len(found)


def load_problems(
    kb: KnowledgeBase, folders: tuple[str, ...] = ("schemes", "territories")
) -> list[tuple[str, str]]:
    """Problems of the files under `folders` of the base: (severity, `place: message`)."""
    shown = kb.display(kb.data_dir)
    prefix = "" if shown == "." else shown.rstrip("/") + "/"
    problems = [
        (
            "error",
            _("{path}: id {id!r} is already used by {other}").format(
                path=second.path, id=second.id, other=first.path
            ),
        )
        for first, second in kb.duplicates
    ]
    inside_folders = tuple(f + "/" for f in folders)
    for finding in kb.findings:
        inside = finding.path[len(prefix) :] if finding.path.startswith(prefix) else finding.path
        if finding.severity is not Severity.info and inside.startswith(inside_folders):
            problems.append((finding.severity.value, f"{finding.location()}: {finding.message}"))
    return problems


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


def readable(value: Any, key: str | None = None) -> Any:
    """The view for people: None, empty lists and empty mappings left out, statuses in the
    language of the run (`actif`); the rest as `--format json` has it."""
    if isinstance(value, dict):
        kept = {name: readable(item, name) for name, item in value.items()}
        return {name: item for name, item in kept.items() if item not in (None, [], {})}
    if isinstance(value, list):
        return [readable(item, key) for item in value]
    if key == "status" and value in STATUSES:
        return status_label(value)
    return value
