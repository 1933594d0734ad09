"""`dts list`: rows, filters, and a per-folder index so that a warm query stays quick.

A query such as `--type CLSM --dept 06` is answered from an index of the schemes/clsm/
folder kept beside the record cache. The index is used only when the files it was built
from are unchanged (every file's name, size and modification time in that folder and in
territories/), so it never serves stale rows; otherwise the base is loaded and the index
rebuilt. This module imports neither pydantic nor the models: the fast path must not.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from dtscli.base.labels import FEMININE_TYPES, status_words
from dtscli.data.vocab import SCHEME_TYPES, Status, fold
from dtscli.util.errors import DtsError
from dtscli.util.i18n import N_, _, counted
from dtscli.util.suggest import did_you_mean

INDEX_FORMAT = 5
Row = dict[str, Any]
LIST_COLUMNS = (
    ("id", N_("Id")),
    ("type", N_("Type")),
    ("name", N_("Name")),
    ("territory", N_("Territory")),
    ("territory_name", N_("Territory name")),
    ("depts", N_("Dept")),
    ("status", N_("Status")),
    ("signed_on", N_("Signed")),
    ("end_on", N_("Ends")),
)


# ------------------------------------------------------------------ arguments


def normalise_types(types: Iterable[str]) -> list[str]:
    result = []
    for value in types:
        upper = value.upper()
        if upper not in SCHEME_TYPES:
            guess = did_you_mean(upper, list(SCHEME_TYPES))
            hint = _(" (did you mean {guess}?)").format(guess=guess) if guess else ""
            raise DtsError(
                _("unknown scheme type {value!r}{hint}; types are: {types}").format(
                    value=value, hint=hint, types=", ".join(SCHEME_TYPES)
                )
            )
        result.append(upper)
    return result


def normalise_statuses(statuses: Iterable[str]) -> list[str]:
    known = [status.value for status in Status]
    for value in statuses:
        if value not in known:
            guess = did_you_mean(value, known)
            hint = _(" (did you mean {guess}?)").format(guess=guess) if guess else ""
            raise DtsError(
                _("unknown status {value!r}{hint}; statuses are: {statuses}").format(
                    value=value, hint=hint, statuses=", ".join(known)
                )
            )
    return list(statuses)


def normalise_code(code: str) -> str:
    """`6` -> `06` for departments and regions typed without their leading zero."""
    code = code.strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def validate_codes(depts: Iterable[str], regions: Iterable[str], known: dict[str, set]) -> None:
    for dept in depts:
        if dept not in known["depts"]:
            raise DtsError(
                _("unknown department {code!r}; use an INSEE code such as 06 or 2A").format(
                    code=dept
                )
            )
    for region in regions:
        if region not in known["regions"]:
            raise DtsError(
                _("unknown region {code!r}; use an INSEE code such as 93 (PACA)").format(
                    code=region
                )
            )


# ------------------------------------------------------------------ rows


def scheme_row(kb: Any, loaded: Any) -> Row:
    """One line of `dts list`, with what sorting and `--text` need."""
    scheme = loaded.record
    territory = kb.territory(scheme.territory)
    depts = sorted(territory.depts) if territory else []
    return {
        "id": scheme.id,
        "type": scheme.type,
        "name": scheme.name,
        "territory": scheme.territory,
        "territory_name": territory.name if territory else _("(unknown code)"),
        "depts": depts,
        "regions": sorted(territory.regions) if territory else [],
        "population": territory.population if territory else None,
        "status": scheme.status.value,
        "status_basis": scheme.status_basis.value if scheme.status_basis else None,
        "status_as_of": _newest_as_of(scheme.sources),
        "signed_on": scheme.signed_on.isoformat() if scheme.signed_on else None,
        "end_on": scheme.end_on.isoformat() if scheme.end_on else None,
        "_sort": kb.sort_key(loaded),
        "_text": search_text(scheme),
    }


def _newest_as_of(sources: Any) -> str | None:
    """ISO date of the newest dated source: the date a status rests on."""
    dates = [s.as_of.isoformat() for s in sources if not isinstance(s.as_of, str)]
    return max(dates) if dates else None


def search_text(scheme: Any) -> str:
    """What `--text` searches: name, notes and id, folded."""
    return fold(" ".join(filter(None, [scheme.name, scheme.notes, scheme.id])))


def filter_rows(
    rows: Iterable[Row],
    *,
    types: list[str],
    depts: list[str],
    regions: list[str],
    statuses: list[str],
    text: str | None,
) -> list[Row]:
    needle = fold(text) if text else None
    kept = [
        row
        for row in rows
        if (not types or row["type"] in types)
        and (not statuses or row["status"] in statuses)
        and (not depts or not set(depts).isdisjoint(row["depts"]))
        and (not regions or not set(regions).isdisjoint(row["regions"]))
        and (needle is None or needle in row["_text"])
    ]
    return sorted(kept, key=lambda row: row["_sort"])


def public(row: Row) -> Row:
    return {key: value for key, value in row.items() if not key.startswith("_")}


def write_list(rows: list[Row], fmt: str, out: TextIO | None = None) -> None:
    from dtscli.util.output import write_rows

    footer = counted("{count} scheme", "{count} schemes", len(rows))
    columns = [(key, _(title)) for key, title in LIST_COLUMNS]
    shown = [public(r) for r in rows]
    if fmt != "csv":  # CSV is data: the status values, as --status takes them
        shown = [
            dict(
                row,
                status=status_words(
                    row["status"],
                    row.get("status_basis"),
                    row["type"] in FEMININE_TYPES,
                    row.get("status_as_of"),
                ),
            )
            for row in shown
        ]
    write_rows(shown, columns, fmt, footer=footer, out=out)
    if fmt == "csv":
        sys.stderr.write(f"{footer}\n")


# ------------------------------------------------------------------ the index


def _stamps(folder: Path) -> tuple:
    """(name, size, mtime) of every file in a folder: what the index is valid for."""
    try:
        with os.scandir(folder) as entries:
            found = [
                (entry.name, stat.st_size, stat.st_mtime_ns)
                for entry in entries
                if entry.name.endswith((".yaml", ".yml"))
                and not entry.name.startswith(".")
                and (stat := entry.stat())
            ]
    except OSError:
        return ()
    found.sort()
    return tuple(found)


def territories_key(data_dir: Path) -> tuple:
    folder = data_dir / "territories"
    return (_stamps(folder), _stamps(folder / "local"), _stamps(folder / "qpv"))


def _index_path(data_dir: Path, folder: str, shard: str | None = None) -> Path:
    from dtscli.cache.store import folder_for

    name = f"list-{folder}" if shard is None else f"list-{folder}@{shard}"
    return folder_for(data_dir) / f"{name}.marshal"


def _fingerprint() -> str:
    from dtscli.cache.store import code_fingerprint

    return f"{INDEX_FORMAT}|{code_fingerprint()}"


def scheme_folders(data_dir: Path, types: list[str]) -> list[str]:
    if types:
        return [t.lower() for t in types]
    try:
        with os.scandir(data_dir / "schemes") as entries:
            return sorted(e.name for e in entries if e.is_dir() and not e.name.startswith("."))
    except OSError:
        return []


class Heads(NamedTuple):
    """The head files of the scheme folders a query reads."""

    tokens: dict[str, str]  # by folder: the token its shards carry
    shards: dict[str, list[str]]  # by folder: its departments (shard names)
    problems: list[tuple[str, str]]
    known: dict[str, set]  # department and region codes
    locals: list[tuple[Any, ...]]  # local territories and QPV (LocalArea fields)


def read_heads(data_dir: Path, folders: list[str]) -> Heads | None:
    """The heads of the folders' indexes, or None when any of them is stale."""
    from dtscli.cache import store as cachedir

    if not cachedir.enabled():
        return None
    fingerprint, territories = _fingerprint(), territories_key(data_dir)
    heads = Heads({}, {}, [], {}, [])
    try:
        for folder in folders:
            stored = _read_index(_index_path(data_dir, folder))
            expected = (fingerprint, _stamps(data_dir / "schemes" / folder), territories)
            if not isinstance(stored, dict):
                return None
            if stored.get("key") != expected:
                stored = refresh_folder(data_dir, folder, stored, expected)
                if stored is None:
                    return None
            heads.tokens[folder] = stored["token"]
            heads.shards[folder] = stored["shards"]
            heads.problems.extend((severity, text) for severity, text, _ in stored["problems"])
            heads.known.update(stored["known"])
            heads.locals[:] = stored["locals"]
    except (KeyError, TypeError):  # an index of another shape: rebuild it
        return None
    return heads


REFRESH_LIMIT = 50  # beyond this many changed files in a folder, rebuild from the base


def refresh_folder(data_dir: Path, folder: str, head: dict, expected: tuple) -> dict | None:
    """The index of a scheme folder brought up to date by reading only the files that
    changed since it was written, or None when the base must be loaded instead: another
    version, territories changed, many files changed, or a changed file whose id is used
    by another file (which of the two the base keeps depends on all of them)."""
    fingerprint, stamps, territories = expected
    key = head.get("key")
    if not isinstance(key, list | tuple) or len(key) != 3 or key[0] != fingerprint:
        return None
    if key[2] != territories or head.get("duplicates", True):
        return None
    before = {name: (size, mtime) for name, size, mtime in key[1]}
    now = {name: (size, mtime) for name, size, mtime in stamps}
    changed = [name for name, stamp in now.items() if before.get(name) != stamp]
    gone = [name for name in before if name not in now]
    if len(changed) + len(gone) > REFRESH_LIMIT:
        return None
    rows: dict[str, list[Row]] = {}  # by shard
    for shard in head["shards"]:
        part = _read_index(_index_path(data_dir, folder, shard))
        if not isinstance(part, dict) or part.get("token") != head["token"]:
            return None
        rows[shard] = part["rows"]
    stale = set(changed) | set(gone)
    touched = {shard for shard, part in rows.items() if any(r["_file"] in stale for r in part)}
    kept = {shard: [r for r in part if r["_file"] not in stale] for shard, part in rows.items()}
    problems = [p for p in head["problems"] if p[2] not in stale]
    fresh = _read_changed(data_dir, folder, head, changed, kept, problems)
    if fresh is None:
        return None
    for row in fresh:
        for dept in row["depts"] or ["~"]:
            kept.setdefault(dept, []).append(row)
            touched.add(dept)
    problems.sort(key=lambda p: (p[2] == "", p[2]))  # as a load reports them: by file name
    updated = dict(head, key=expected, problems=problems)
    updated["shards"] = sorted(shard for shard, part in kept.items() if part)
    updated["ids"] = sorted({row["id"] for part in kept.values() for row in part})
    if not _write_shards(data_dir, folder, updated, {s: kept[s] for s in touched}):
        return None
    return updated


def _read_changed(
    data_dir: Path,
    folder: str,
    head: dict,
    changed: list[str],
    kept: dict[str, list[Row]],
    problems: list[tuple[str, str, str]],
) -> list[Row] | None:
    """Rows of the changed files (their problems join `problems`), or None when one of
    them takes an id that another file holds."""
    from dtscli.base.kb import KnowledgeBase
    from dtscli.base.loader import load_file
    from dtscli.data.findings import Severity

    kb = KnowledgeBase(data_dir)  # for the rows' territories, sort keys and paths
    kb._referential = index_referential(data_dir, head["locals"])
    taken = {row["id"] for part in kept.values() for row in part}
    for other in scheme_folders(data_dir, []):
        if other != folder:
            other_head = _read_index(_index_path(data_dir, other))
            if not isinstance(other_head, dict) or "ids" not in other_head:
                return None
            taken.update(other_head["ids"])
    fresh = []
    for name in changed:
        relative = f"schemes/{folder}/{name}"
        loaded, findings = load_file(data_dir / relative, "scheme", kb.shown(relative))
        problems.extend(problem(f, name) for f in findings if f.severity is not Severity.info)
        if loaded is None:
            continue
        if loaded.id in taken:
            return None
        taken.add(loaded.id)
        fresh.append(dict(scheme_row(kb, loaded), _file=name))
    return fresh


def read_shards(data_dir: Path, heads: Heads, depts: list[str] | None) -> list[Row] | None:
    """The rows of the given departments' shards (None: all of them), or None when a shard
    does not match its head. Rows are stored by department, so `--dept 06` reads the rows
    of the 06 shard only."""
    rows: dict[str, Row] = {}
    try:
        for folder, token in heads.tokens.items():
            shards = heads.shards[folder]
            for shard in shards if depts is None else [d for d in depts if d in shards]:
                part = _read_index(_index_path(data_dir, folder, shard))
                if not isinstance(part, dict) or part.get("token") != token:
                    return None
                rows.update((row["id"], row) for row in part["rows"])
    except (KeyError, TypeError):
        return None
    return list(rows.values())


def index_referential(data_dir: Path, local_areas: list[tuple[Any, ...]]) -> Any:
    """The referential with the base's local territories (LocalArea fields, as the index
    heads keep them), without loading the base."""
    from dtscli.base.referential import LocalArea, cached_referential
    from dtscli.cache.store import enabled, folder_for

    cache_folder = folder_for(data_dir) if enabled() else None
    referential = cached_referential(data_dir / "territories", cache_folder).derive()
    for fields in local_areas:
        referential.add_local(LocalArea(*fields))
    return referential


def _read_index(path: Path) -> Any:
    """An index file: marshal, built into Python (no import) and quicker than pickle for
    plain dicts, lists and strings."""
    try:
        with path.open("rb") as handle:
            return marshal.loads(handle.read())  # marshal.load reads a file in small pieces
    except Exception:  # missing, partial or from another version: the caller rebuilds
        return None


def _write_index(path: Path, document: Any) -> None:
    from dtscli.cache.store import write_cache_file

    write_cache_file(path, marshal.dumps(document))


def problem(finding: Any, file: str) -> tuple[str, str, str]:
    """A problem as the index keeps it: severity, `place: message`, and the name of its
    file in the folder ("" for a territory file)."""
    return (finding.severity.value, f"{finding.location()}: {finding.message}", file)


def _write_shards(data_dir: Path, folder: str, head: dict, shards: dict[str, list[Row]]) -> bool:
    """The given shards, then the head: a reader that finds the head finds its shards."""
    try:
        for dept, part in shards.items():
            _write_index(
                _index_path(data_dir, folder, dept), {"token": head["token"], "rows": part}
            )
        _write_index(_index_path(data_dir, folder), head)
    except (OSError, ValueError):  # ValueError: a value marshal cannot write
        return False
    return True


def write_index(kb: Any, stamps: dict[str, tuple], territories: tuple) -> None:
    """Per scheme folder: a head file (key, problems, known codes, shard names) and one
    shard of rows per department, all keyed by the stamps taken before loading."""
    from dtscli.cache import store as cachedir
    from dtscli.data.findings import Severity

    if not cachedir.enabled():
        return
    referential = kb.referential
    known = {"depts": set(referential.departements), "regions": set(referential.regions)}
    areas = [*referential.locals.values(), *referential.qpvs.values()]
    local_fields = [tuple(area.__dict__.values()) for area in areas]
    by_folder: dict[str, list[Row]] = {folder: [] for folder in stamps}
    for loaded in kb.schemes():
        where = Path(loaded.path)
        if where.parent.name in by_folder:
            by_folder[where.parent.name].append(dict(scheme_row(kb, loaded), _file=where.name))
    fingerprint = _fingerprint()
    for folder, rows in by_folder.items():
        key = (fingerprint, stamps[folder], territories)
        token = os.urandom(8).hex()
        shards: dict[str, list[Row]] = {}
        for row in rows:
            for dept in row["depts"] or ["~"]:
                shards.setdefault(dept, []).append(row)
        problems = [
            problem(f, Path(f.path).name if "territories/" not in f.path else "")
            for f in kb.findings
            if f.severity is not Severity.info
            and (Path(f.path).parent.name == folder or "territories/" in f.path)
        ]
        head = {
            "key": key,
            "token": token,
            "problems": problems,
            "known": known,
            "locals": local_fields,
            "shards": sorted(shards),
            "ids": sorted({row["id"] for row in rows}),
            "duplicates": bool(kb.duplicates),  # then a refresh cannot tell who keeps an id
        }
        if not _write_shards(kb.data_dir, folder, head, shards):
            return  # no cache is no error


# ------------------------------------------------------------------ the command


def list_command(
    data_dir: Path,
    *,
    types: list[str],
    depts: list[str],
    regions: list[str],
    statuses: list[str],
    territory: str | None,
    text: str | None,
    fmt: str,
    out: TextIO | None = None,
) -> int:
    """Print the matching schemes; returns the exit code (1 when some files are broken)."""
    types = normalise_types(types)
    statuses = normalise_statuses(statuses)
    depts = [normalise_code(d) for d in depts]
    regions = [normalise_code(r) for r in regions]
    filters = {"types": types, "depts": depts, "regions": regions, "statuses": statuses}
    if fmt != "json":
        heads = read_heads(data_dir, scheme_folders(data_dir, types))
        if heads is not None:
            validate_codes(depts, regions, heads.known)
            place, wanted = None, depts or None
            if territory is not None:
                referential = index_referential(data_dir, heads.locals)
                place = referential.parse_territory(
                    territory, depts[0] if len(depts) == 1 else None
                )
                # a scheme overlapping the place shares one of its departments
                wanted = [d for d in sorted(place.depts) if not depts or d in depts]
            rows = read_shards(data_dir, heads, wanted)
            if rows is not None:
                if place is not None:
                    rows = [
                        row
                        for row in rows
                        if (where := referential.resolve(row["territory"])) is not None
                        and where.overlaps(place)
                    ]
                write_list(filter_rows(rows, text=text, **filters), fmt, out)
                return _report_problems(heads.problems)
    return _list_from_base(data_dir, territory=territory, text=text, fmt=fmt, out=out, **filters)


def _list_from_base(
    data_dir: Path,
    *,
    types: list[str],
    depts: list[str],
    regions: list[str],
    statuses: list[str],
    territory: str | None,
    text: str | None,
    fmt: str,
    out: TextIO | None,
) -> int:
    from dtscli.base.kb import KnowledgeBase, build_query, load_problems

    folders = scheme_folders(data_dir, [])
    stamps = {folder: _stamps(data_dir / "schemes" / folder) for folder in folders}
    territories = territories_key(data_dir)
    kb = KnowledgeBase.load(data_dir, use_cache=True)
    problems = load_problems(kb)
    query = build_query(
        kb,
        types=types,
        depts=depts,
        regions=regions,
        statuses=statuses,
        territory=territory,
        text=text,
    )
    write_index(kb, stamps, territories)
    rows = [scheme_row(kb, loaded) for loaded in kb.query(query)]
    if fmt == "json":
        from dtscli.base.describe import record_view
        from dtscli.util.output import dump_json

        views = [record_view(kb, kb.records["scheme"][row["id"]]) for row in rows]
        dump_json(views, out)
        sys.stderr.write(counted("{count} scheme", "{count} schemes", len(rows)) + "\n")
    else:
        write_list(rows, fmt, out)
    return _report_problems(problems)


def _report_problems(problems: list[tuple[str, str]]) -> int:
    """Warnings (at most five) on stderr; for broken files, one more line and exit 1 (the
    list is still printed, without them)."""
    for _severity, text in [p for p in problems if p[0] == "warning"][:5]:
        sys.stderr.write(_("warning: {message}").format(message=text) + "\n")
    errors = [text for severity, text in problems if severity == "error"]
    if not errors:
        return 0
    more = ""
    if len(errors) > 1:
        more = counted(
            " (and {count} more problem)", " (and {count} more problems)", len(errors) - 1
        )
    sys.stderr.write(
        _("error: {message}{more}; these files were left out, `dts check` lists them all").format(
            message=errors[0], more=more
        )
        + "\n"
    )
    return 1
