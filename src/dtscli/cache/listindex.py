"""`dts list`: rows, filters, and a per-folder index so that a warm query stays quick.

A query such as `--type CLSM --dept 06` is answered from an index of each schemes/ folder
kept beside the record cache (a record may sit in another type's folder: each head says
which types its folder holds). The index is used only when the files it was built from
are unchanged by store.py's rule (the stamp of every file of the scheme folders, of the
scheme types and of territories/; the content hash of those whose stamp was racy), so it
never serves stale rows or hides a problem; otherwise the base is loaded and the index
rebuilt. This module imports neither pydantic nor the models: the fast path must not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from stat import S_ISREG
from typing import Any, NamedTuple, TextIO

from dtscli.base.labels import FEMININE_TYPES, status_words
from dtscli.base.query import (  # re-exported: the commands take them from here
    normalise_code,
    normalise_statuses,
    normalise_types,
    search_text,
    validate_codes,
)
from dtscli.cache import store
from dtscli.data.vocab import fold
from dtscli.util.hashing import quick_digest
from dtscli.util.i18n import LANGUAGES, N_, _, counted, format_date, language

INDEX_FORMAT = 9
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
        "_status_date_words": _date_words(_newest_as_of(scheme.sources)),
        "signed_on": scheme.signed_on.isoformat() if scheme.signed_on else None,
        "end_on": scheme.end_on.isoformat() if scheme.end_on else None,
        "_sort": kb.sort_key(loaded),
        "_text": search_text(scheme),
    }


def _date_words(iso: str | None) -> dict[str, str] | None:
    """The date in words in each language, made when the index is built: a warm list then
    writes « source du 17 novembre 2021 » without loading Babel's locale data."""
    if iso is None:
        return None
    day = dt.date.fromisoformat(iso)
    return {lang: format_date(day, lang) for lang in LANGUAGES}


def _newest_as_of(sources: Any) -> str | None:
    """ISO date of the newest dated source: the date a status rests on."""
    dates = [s.as_of.isoformat() for s in sources if not isinstance(s.as_of, str)]
    return max(dates) if dates else None


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
        lang = language()
        shown = [
            dict(
                plain,
                status=status_words(
                    row["status"],
                    row.get("status_basis"),
                    row["type"] in FEMININE_TYPES,
                    row.get("status_as_of"),
                    date_words=(row.get("_status_date_words") or {}).get(lang),
                ),
            )
            for row, plain in zip(rows, shown, strict=True)
        ]
    write_rows(shown, columns, fmt, footer=footer, out=out)
    if fmt == "csv":
        sys.stderr.write(f"{footer}\n")


# ------------------------------------------------------------------ the index


BY_DESCRIPTOR = os.stat in os.supports_dir_fd and os.listdir in os.supports_fd


def _stamps(folder: Path) -> tuple:
    """(name, size, mtime, ctime, inode) of every record file in a folder, by name: what an
    index is valid for (store.py's stamp). Thousands of files on every warm list: the
    folder is listed by descriptor and each file stat'ed relative to it (one name to
    resolve, not a path), stamp_of's fields taken inline."""
    if not BY_DESCRIPTOR:
        return _stamps_by_path(folder)
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return ()
    try:
        names = os.listdir(descriptor)
        found = []
        for name in names:
            if name[0] == "." or not name.endswith((".yaml", ".yml")):
                continue
            try:
                info = os.stat(name, dir_fd=descriptor)
            except OSError:  # vanished since listed
                continue
            if S_ISREG(info.st_mode):
                found.append((name, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))
    except OSError:
        return ()
    finally:
        os.close(descriptor)
    found.sort()
    return tuple(found)


def _stamps_by_path(folder: Path) -> tuple:
    try:
        with os.scandir(folder) as entries:
            found = [
                (entry.name, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
                for entry in entries
                if entry.name[0] != "."
                and entry.name.endswith((".yaml", ".yml"))
                and entry.is_file()
                and (info := entry.stat())
            ]
    except OSError:
        return ()
    found.sort()
    return tuple(found)


SHARED_FOLDERS = ("schemes", "territories", "territories/local", "territories/qpv")


def digest(stamps: tuple) -> str:
    """What a head keeps of a list of stamps: their digest (the stamps themselves, needed
    only to refresh, are in the folder's `+files` part). marshal version 2 has no
    back-references, so equal stamps always give equal bytes."""
    return quick_digest(marshal.dumps(stamps, 2))


def shared_key(data_dir: Path) -> tuple:
    """The stamps of the files every scheme folder's rows and problems depend on: the
    scheme types (their problems make `dts list` fail) and the territories."""
    return tuple(_stamps(data_dir / folder) for folder in SHARED_FOLDERS)


def _racy_files(data_dir: Path, folder: str, stamps: tuple, shared: tuple) -> dict[str, str]:
    """The files whose stamps were too recent to trust when the index was written, with
    their content hash: compared again before the index is used."""
    racy: dict[str, str] = {}
    named = [(f"schemes/{folder}", stamps), *zip(SHARED_FOLDERS, shared, strict=True)]
    for where, entries in named:
        for name, _size, mtime, *_rest in entries:
            if store.is_racy(mtime):
                racy[f"{where}/{name}"] = store.digest_of(data_dir / where / name) or ""
    return racy


FILES = "+files"  # the part of a folder's index with its files' stamps and record ids


def _index_path(data_dir: Path, folder: str, shard: str | None = None) -> Path:
    name = f"list-{folder}" if shard is None else f"list-{folder}@{shard}"
    return store.folder_for(data_dir) / f"{name}.marshal"


def scheme_folders(data_dir: Path) -> list[str]:
    """Every scheme folder: a record may sit in another type's folder, so a query by type
    reads them all (their heads say which types they hold)."""
    try:
        with os.scandir(data_dir / "schemes") as entries:
            return sorted(e.name for e in entries if e.is_dir() and not e.name.startswith("."))
    except OSError:
        return []


def scan_order(relative: str) -> tuple:
    """Where a file comes in a load (loader.scan): a folder's files, then its folders."""
    parts = relative.split("/")
    return (*((1, part) for part in parts[:-1]), (0, parts[-1]))


class Heads(NamedTuple):
    """The head files of the scheme folders."""

    tokens: dict[str, str]  # by folder: the token its shards carry
    shards: dict[str, list[str]]  # by folder: its departments (shard names)
    types: dict[str, list[str]]  # by folder: the scheme types of its rows
    problems: list[tuple[str, str]]  # as a load of the base orders them
    known: dict[str, set]  # department and region codes
    locals: list[tuple[Any, ...]]  # local territories and QPV (LocalArea fields)


def read_heads(data_dir: Path) -> Heads | None:
    """The heads of every scheme folder's index, or None when any of them is stale."""
    if not store.enabled():
        return None
    shared = shared_key(data_dir)
    heads = Heads({}, {}, {}, [], {}, [])
    problems: list[tuple[Any, ...]] = []
    try:
        for number, folder in enumerate(scheme_folders(data_dir)):
            stored = store.load(_index_path(data_dir, folder))
            stamps = _stamps(data_dir / "schemes" / folder)
            expected = (INDEX_FORMAT, digest(stamps), digest(shared))
            if not isinstance(stored, dict):
                return None
            moved = _racy_files_moved(data_dir, folder, stored)
            if moved is None:
                return None
            if stored["key"] != expected or moved:
                from dtscli.cache.listbuild import refresh_folder

                stored = refresh_folder(data_dir, folder, stored, (stamps, shared), moved)
                if stored is None:
                    return None
            heads.tokens[folder] = stored["token"]
            heads.shards[folder] = stored["shards"]
            heads.types[folder] = stored["types"]
            problems.extend(stored["problems"])
            if number == 0:  # the same in every head
                problems.extend(stored["shared"])
            heads.known.update(stored["known"])
            heads.locals[:] = stored["locals"]
        problems.sort(key=lambda item: item[2])
        heads.problems.extend((severity, text) for severity, text, _order in problems)
    except (KeyError, TypeError, ValueError, IndexError):  # an index of another shape
        return None
    return heads


def _racy_files_moved(data_dir: Path, folder: str, head: dict) -> set[str] | None:
    """The names of the folder's files whose stamp was racy and whose content changed since
    (re-read like files whose stamp moved); None when a shared file's did (the base is
    loaded). Racy files that kept their content and are no longer recent are forgotten."""
    racy = head["racy"]
    if not racy:
        return set()
    moved = {
        relative
        for relative, digest in racy.items()
        if store.digest_of(data_dir / relative) != digest
    }
    own = f"schemes/{folder}/"
    if any(not relative.startswith(own) for relative in moved):
        return None
    if not moved:
        still = {
            relative: digest
            for relative, digest in racy.items()
            if (stamp := store.stamp_file(data_dir / relative)) and store.is_racy(stamp[1])
        }
        if still != racy:  # rewrite the head alone: its shards are unchanged
            with contextlib.suppress(OSError, ValueError):
                store.dump(_index_path(data_dir, folder), dict(head, racy=still))
    return {relative[len(own) :] for relative in moved}


def read_shards(
    data_dir: Path, heads: Heads, depts: list[str] | None, types: list[str]
) -> list[Row] | None:
    """The rows of the given departments' shards (None: all of them) of the folders that
    hold rows of `types` (none: every type), or None when a shard does not match its head.
    Rows are stored by department, so `--dept 06` reads the rows of the 06 shard only."""
    rows: dict[str, Row] = {}
    try:
        for folder, token in heads.tokens.items():
            if types and not set(types) & set(heads.types[folder]):
                continue
            shards = heads.shards[folder]
            for shard in shards if depts is None else [d for d in depts if d in shards]:
                part = store.load(_index_path(data_dir, folder, shard))
                if not isinstance(part, dict) or part.get("token") != token:
                    return None
                rows.update((row["id"], row) for row in part["rows"])
    except (KeyError, TypeError):
        return None
    return list(rows.values())


def index_referential(data_dir: Path, local_areas: list[tuple[Any, ...]]) -> Any:
    """The referential with the base's local territories (LocalArea fields, as the index
    heads keep them), without loading the base."""
    from dtscli.base.referential import LocalArea
    from dtscli.cache.referential import cached_referential

    cache_folder = store.folder_for(data_dir) if store.enabled() else None
    referential = cached_referential(data_dir / "territories", cache_folder).derive()
    for fields in local_areas:
        referential.add_local(LocalArea(*fields))
    return referential


def problem(finding: Any, relative: str, order: tuple = ()) -> tuple[str, str, tuple]:
    """A problem as the index keeps it: severity, `place: message`, and where a load of
    the base reports it (duplicate ids first, then by file)."""
    return (
        finding.severity.value,
        f"{finding.location()}: {finding.message}",
        order or (1, *scan_order(relative)),
    )


def _write_shards(
    data_dir: Path, folder: str, head: dict, shards: dict[str, list[Row]], files: dict
) -> bool:
    """The given shards and the folder's files part, then the head: a reader that finds the
    head finds its shards."""
    try:
        for dept, part in shards.items():
            store.dump(_index_path(data_dir, folder, dept), {"token": head["token"], "rows": part})
        store.dump(_index_path(data_dir, folder, FILES), dict(files, token=head["token"]))
        store.dump(_index_path(data_dir, folder), head)
    except (OSError, ValueError):  # ValueError: a value marshal cannot write
        return False
    return True


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
        heads = read_heads(data_dir)
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
            rows = read_shards(data_dir, heads, wanted, types)
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
    from dtscli.cache import open_caches

    stamps = {folder: _stamps(data_dir / "schemes" / folder) for folder in scheme_folders(data_dir)}
    shared = shared_key(data_dir)  # taken before loading: a change during it is seen next time
    kb = KnowledgeBase.load(data_dir, caches=open_caches(data_dir))
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
    from dtscli.cache.listbuild import write_index

    write_index(kb, stamps, shared)
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
