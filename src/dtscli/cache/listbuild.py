"""Writing `dts list`'s index (listindex.py reads it): from a load of the whole base, or
for a folder whose files changed, from those files alone. The slow paths: they import the
base and the models when they run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dtscli.cache import store
from dtscli.cache.listindex import (
    FILES,
    INDEX_FORMAT,
    Row,
    _index_path,
    _racy_files,
    _write_shards,
    digest,
    index_referential,
    problem,
    scheme_folders,
    scheme_row,
)

REFRESH_LIMIT = 50  # beyond this many changed files in a folder, rebuild from the base


def refresh_folder(
    data_dir: Path,
    folder: str,
    head: dict,
    now_stamps: tuple,
    moved: frozenset[str] | set[str] = frozenset(),
) -> dict | None:
    """The index of a scheme folder brought up to date by reading only the files that
    changed since it was written, or None when the base must be loaded instead: another
    version, territories or scheme types changed, many files changed, or a changed file
    whose id is used by another file (which of the two the base keeps depends on all of
    them)."""
    stamps, shared = now_stamps
    key = head.get("key")
    if not isinstance(key, list | tuple) or len(key) != 3 or key[0] != INDEX_FORMAT:
        return None
    if key[2] != digest(shared) or head.get("duplicates", True):
        return None
    files = store.load(_index_path(data_dir, folder, FILES))
    if not isinstance(files, dict) or files.get("token") != head["token"]:
        return None
    if digest(files["stamps"]) != key[1]:
        return None
    before = {entry[0]: entry[1:] for entry in files["stamps"]}
    now = {entry[0]: entry[1:] for entry in stamps}
    changed = [name for name, stamp in now.items() if before.get(name) != stamp or name in moved]
    gone = [name for name in before if name not in now]
    if len(changed) + len(gone) > REFRESH_LIMIT:
        return None
    rows: dict[str, list[Row]] = {}  # by shard
    for shard in head["shards"]:
        part = store.load(_index_path(data_dir, folder, shard))
        if not isinstance(part, dict) or part.get("token") != head["token"]:
            return None
        rows[shard] = part["rows"]
    stale = set(changed) | set(gone)
    touched = {shard for shard, part in rows.items() if any(r["_file"] in stale for r in part)}
    kept = {shard: [r for r in part if r["_file"] not in stale] for shard, part in rows.items()}
    problems = [p for p in head["problems"] if p[2][-1][1] not in stale]
    fresh = _read_changed(data_dir, folder, head, changed, kept, problems)
    if fresh is None:
        return None
    for row in fresh:
        for dept in row["depts"] or ["~"]:
            kept.setdefault(dept, []).append(row)
            touched.add(dept)
    problems.sort(key=lambda item: item[2])  # as a load reports them
    updated = dict(head, key=(INDEX_FORMAT, digest(stamps), digest(shared)), problems=problems)
    updated["racy"] = _racy_files(data_dir, folder, stamps, shared)
    updated["shards"] = sorted(shard for shard, part in kept.items() if part)
    all_rows = [row for part in kept.values() for row in part]
    updated["types"] = sorted({row["type"] for row in all_rows})
    side = {"stamps": stamps, "ids": sorted({row["id"] for row in all_rows})}
    if not _write_shards(data_dir, folder, updated, {s: kept[s] for s in touched}, side):
        return None
    return updated


def _read_changed(
    data_dir: Path,
    folder: str,
    head: dict,
    changed: list[str],
    kept: dict[str, list[Row]],
    problems: list[tuple[Any, ...]],
) -> list[Row] | None:
    """Rows of the changed files (their problems join `problems`), or None when one of
    them takes an id that another file holds."""
    from dtscli.base.kb import KnowledgeBase
    from dtscli.base.loader import load_file
    from dtscli.data.findings import Severity

    kb = KnowledgeBase(data_dir)  # for the rows' territories, sort keys and paths
    kb._referential = index_referential(data_dir, head["locals"])
    taken = {row["id"] for part in kept.values() for row in part}
    for other in scheme_folders(data_dir):
        if other != folder:
            other_head = store.load(_index_path(data_dir, other))
            other_files = store.load(_index_path(data_dir, other, FILES))
            if not isinstance(other_head, dict) or not isinstance(other_files, dict):
                return None
            if other_files.get("token") != other_head.get("token"):
                return None
            taken.update(other_files["ids"])
    fresh = []
    for name in changed:
        relative = f"schemes/{folder}/{name}"
        loaded, findings = load_file(data_dir / relative, "scheme", kb.shown(relative))
        problems.extend(problem(f, relative) for f in findings if f.severity is not Severity.info)
        if loaded is None:
            continue
        if loaded.id in taken:
            return None
        taken.add(loaded.id)
        fresh.append(dict(scheme_row(kb, loaded), _file=name))
    return fresh


def write_index(kb: Any, stamps: dict[str, tuple], shared: tuple) -> None:
    """Per scheme folder: a head file (key, problems, known codes, shard names, types) and
    one shard of rows per department, all keyed by the stamps taken before loading."""
    from dtscli.base.kb import load_problems
    from dtscli.data.findings import Severity

    if not store.enabled():
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
    root = str(kb.data_dir)
    prefix = 0 if root == "." else len(root) + 1  # every file is data_dir / relative
    by_path: dict[str, list[Any]] = {}
    for item in kb.findings:
        if item.severity is not Severity.info:
            by_path.setdefault(item.path, []).append(item)
    own: dict[str, list[tuple[Any, ...]]] = {folder: [] for folder in stamps}
    duplicates = load_problems(kb)[: len(kb.duplicates)]  # they come first, as in a load
    shared_problems = [(*item, (0, number)) for number, item in enumerate(duplicates)]
    for path, _kind in kb.files:
        relative = str(path)[prefix:]
        if not relative.startswith(("schemes/", "territories/")):
            continue
        found = [problem(item, relative) for item in by_path.get(kb.shown(relative), [])]
        parts = relative.split("/")
        if len(parts) == 3 and parts[0] == "schemes" and parts[1] in own:
            own[parts[1]].extend(found)
        else:
            shared_problems.extend(found)
    for folder, rows in by_folder.items():
        key = (INDEX_FORMAT, digest(stamps[folder]), digest(shared))
        shards: dict[str, list[Row]] = {}
        for row in rows:
            for dept in row["depts"] or ["~"]:
                shards.setdefault(dept, []).append(row)
        head = {
            "key": key,
            "token": os.urandom(8).hex(),
            "problems": own[folder],
            "shared": shared_problems,
            "known": known,
            "locals": local_fields,
            "shards": sorted(shards),
            "types": sorted({row["type"] for row in rows}),
            "duplicates": bool(kb.duplicates),  # then a refresh cannot tell who keeps an id
            "racy": _racy_files(kb.data_dir, folder, stamps[folder], shared),
        }
        files = {"stamps": stamps[folder], "ids": sorted({row["id"] for row in rows})}
        if not _write_shards(kb.data_dir, folder, head, shards, files):
            return  # no cache is no error
