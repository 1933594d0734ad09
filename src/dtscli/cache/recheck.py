"""A check from the saved state (checkstate.py): the files changed or added since are read
and checked against the saved facts; every other file keeps its findings.

When the files changed since contribute the same facts as before (an edited name, date,
source, contact detail...), only they are read, validated (by pydantic-core alone, see
fastvalidate.py) and checked. A new file adds its id to the facts and is checked with the
files whose broken references that id may resolve. Anything else (a file deleted or
renamed, an id changed or reused, a scheme type or legal text edited, a CLSM added or
moved, a territory never resolved before) falls back to checking the whole base, which
saves a new state.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from dtscli.base.loader import (
    FolderStamp,
    LoadedRecord,
    Stamp,
    classify,
    folder_stamp_of,
    open_folder,
    scan,
    shown_path,
    stamp_of,
    stat_in,
    validate_parsed,
)
from dtscli.base.yamlfile import MAX_FILE_BYTES, parse_file
from dtscli.cache import store
from dtscli.cache.checkstate import (
    GLOBAL_KINDS,
    CheckState,
    FileState,
    Folder,
    as_row,
    contribution,
    is_racy,
    open_state,
    territory_of,
)
from dtscli.checks.registry import IncompleteScope
from dtscli.checks.runner import CheckConfig, drop_suppressed, rule_findings
from dtscli.data.findings import Finding

if TYPE_CHECKING:
    from dtscli.base.referential import Territory


class SavedScope:
    """The Scope of a re-check: the changed records, checked against the saved facts."""

    def __init__(self, state: CheckState, data_dir: Path, checked: list[LoadedRecord]) -> None:
        self.state = state
        self.data_dir = data_dir
        self.unreadable = state.unreadable
        self._checked = checked
        self._territories: dict[str, Territory | None] = {}

    def checked(self, kind: str | None = None) -> list[LoadedRecord]:
        return [loaded for loaded in self._checked if kind in (None, loaded.kind)]

    def context(self, kind: str) -> list[LoadedRecord]:
        if kind not in self.state.context:
            raise IncompleteScope(f"no {kind} records in the saved check")
        return list(self.state.context[kind].values())

    def find(self, kind: str, record_id: str | None) -> LoadedRecord | None:
        if kind not in self.state.context:
            raise IncompleteScope(f"no {kind} records in the saved check")
        return self.state.context[kind].get(record_id) if record_id else None

    def has_id(self, kind: str, record_id: str) -> bool:
        return record_id in self.state.ids[kind]

    def ids(self, kind: str) -> list[str]:
        return sorted(self.state.ids[kind])

    def owners(self, record_id: str) -> list[str]:
        shared = self.state.shared_ids.get(record_id)
        if shared is not None:
            return shared
        return [loaded.path for loaded in self._checked if loaded.id == record_id]

    def territory(self, ref: str) -> Territory | None:
        if ref not in self._territories:
            if ref not in self.state.territories:
                raise IncompleteScope(f"territory {ref} was not resolved by the saved check")
            self._territories[ref] = territory_of(self.state.territories[ref])
        return self._territories[ref]

    def clsm_coverage(self) -> frozenset[str]:
        return self.state.coverage

    def display(self, path: Path) -> str:
        return shown_path(self.state.data_display, path.relative_to(self.data_dir).as_posix())


class Recheck(NamedTuple):
    findings: list[Finding]
    files_checked: int
    reread: int  # files read again


ADD_LIMIT = 20  # beyond this many new files, check the whole base
REFERENCE_FAMILY = "references"  # rules whose findings a new id may resolve


def recheck(
    data_dir: Path,
    base: Path,
    config: CheckConfig,
    today: dt.date,
    key: tuple[Any, ...],
    path: Path | None,
) -> Recheck | None:
    """The findings of the whole base from the saved check and the files changed or added
    since, or None when the whole base must be checked again."""
    state = open_state(path, key)
    if state is None:
        return None
    since = time.time()
    found = changed_files(state, data_dir, since)
    if found is None:
        return None
    changed, added = found
    if len(added) > ADD_LIMIT:
        return None
    fresh: dict[int, tuple[Any, ...]] = {}
    new_files: list[tuple[str, str, tuple[Any, ...]]] = []
    if changed or added:
        result = _recheck_files(state, data_dir, base, config, today, changed, added, since)
        if result is None:
            return None
        fresh, new_files = result
        for number, entry in fresh.items():
            state.set_file(number, entry)
    if new_files:
        for folder, name, entry in new_files:
            state.insert_file(folder, name, entry)
        state.save()  # file numbers moved: a delta cannot say it
    elif fresh or state.folders_listed:
        state.save_changes(fresh)
    return Recheck(state.findings(), len(state.names), len(fresh) + len(new_files))


Changed = list[tuple[int, str, Stamp]]  # file number, relative path, stamp now
Added = list[tuple[str, str, Stamp]]  # folder, file name, stamp


def changed_files(state: CheckState, data_dir: Path, since: float) -> tuple[Changed, Added] | None:
    """The files whose stamp moved since the saved check (or that were too recent to
    trust it), and the files added since; None when a file was removed or renamed.

    Each folder's stamp tells whether its entries changed (as git's untracked cache
    does): the files of a folder whose entries did not change are stat'ed by their saved
    names without listing it, which is a third of the cost on a national base. A folder
    whose stamp moved (a file added, or an editor that saves by renaming a new file over
    the old one) is listed again."""
    root = str(data_dir)
    sizes, mtimes, ctimes, inodes = state.sizes, state.mtimes, state.ctimes, state.inodes
    racy, names = state.racy, state.names
    changed: Changed = []
    added: Added = []
    for folder, (saved, folder_racy, start, end) in list(state.folders.items()):
        folder_path = os.path.join(root, folder) if folder else root
        try:
            descriptor = open_folder(folder_path)
        except OSError:
            return None  # the folder is gone
        try:
            info = os.stat(folder_path) if descriptor is None else os.fstat(descriptor)
            stamp = folder_stamp_of(info)
            if folder_racy or stamp != tuple(saved):
                new_names = _new_entries(state, folder, folder_path, descriptor)
                if new_names is None:
                    return _changed_by_listing(state, data_dir, since)
                for name in new_names:
                    added.append((folder, name, stamp_of(stat_in(folder_path, name, descriptor))))
                state.folders[folder] = tuple(Folder(stamp, is_racy(stamp[0], since), start, end))
                state.folders_listed = True
            saved_stamps = zip(
                range(start, end),
                names[start:end],
                mtimes[start:end],
                sizes[start:end],
                ctimes[start:end],
                inodes[start:end],
                strict=True,
            )  # thousands of files: the saved stamps read a folder at a time
            for number, name, mtime, size, ctime, inode in saved_stamps:
                try:
                    info = stat_in(folder_path, name, descriptor)
                except OSError:
                    return None  # the file is gone
                if (
                    info.st_mtime_ns != mtime
                    or info.st_size != size
                    or info.st_ctime_ns != ctime
                    or info.st_ino != inode
                    or number in racy
                ):
                    changed.append((number, state.relative(number, folder), stamp_of(info)))
        except OSError:
            return None
        finally:
            if descriptor is not None:
                os.close(descriptor)
    return changed, added


def _new_entries(
    state: CheckState, folder: str, folder_path: str, descriptor: int | None
) -> list[str] | None:
    """The record files a folder holds beyond the saved ones; None when some saved one is
    missing or its sub-folders changed (then every folder is listed)."""
    kind = classify(f"{folder}/x.yaml" if folder else "x.yaml")
    files, subfolders = set(), set()
    for entry in os.scandir(folder_path if descriptor is None else descriptor):
        name = entry.name
        if name[0] == ".":
            continue
        if entry.is_dir():
            subfolders.add(f"{folder}/{name}" if folder else name)
        elif kind is not None and name.endswith((".yaml", ".yml")):
            files.add(name)
    saved_subfolders = {
        other for other in state.folders if other and other.rpartition("/")[0] == folder
    }
    _, _, start, end = state.folders[folder]
    saved = set(state.names[start:end])
    if subfolders != saved_subfolders or not saved <= files:
        return None
    return sorted(files - saved)


def _changed_by_listing(
    state: CheckState, data_dir: Path, since: float
) -> tuple[Changed, Added] | None:
    """changed_files when some folder's sub-folders changed: list every folder."""
    folders: dict[str, FolderStamp] = {}
    scanned = scan(data_dir, stat=True, ordered=True, folders=folders)
    index = state.index()
    changed: Changed = []
    added: Added = []
    for relative, _kind, stamp in scanned:
        if stamp is None:
            return None  # it vanished while listed
        number = index.get(relative)
        if number is None:
            folder, _, name = relative.rpartition("/")
            added.append((folder, name, stamp))
        elif stamp != state.stamp(number) or number in state.racy:
            changed.append((number, relative, stamp))
    if len(scanned) - len(added) != len(state.names):
        return None  # a file was removed or renamed
    ranges = {folder: (entry[2], entry[3]) for folder, entry in state.folders.items()}
    state.folders = {
        folder: tuple(Folder(stamp, is_racy(stamp[0], since), *ranges.get(folder, (0, 0))))
        for folder, stamp in folders.items()
    }  # a folder gone from the listing held no file: every saved file was found
    state.folders_listed = True
    return changed, added


def _take_new_id(state: CheckState, kind: str, loaded: LoadedRecord | None, stem: str) -> bool:
    """Add what a new file tells the rules about other files to the saved facts: its id
    (or, unreadable, its file stem). False when that is more than a new id (then the whole
    base is checked): an id or stem already known, a CLSM (it covers communes), a scheme
    type, legal text or territory (they shape other files' checks)."""
    if kind == "unexpected":
        return True
    if kind in GLOBAL_KINDS or kind not in state.ids:
        return False
    name = loaded.id if loaded is not None else stem
    if name in state.unreadable or any(name in ids for ids in state.ids.values()):
        return False
    if loaded is None:
        state.unreadable.add(stem)
        return True
    if kind == "scheme" and loaded.record.type == "CLSM":
        return False
    state.ids[kind].add(name)
    return True


def _recheck_files(
    state: CheckState,
    data_dir: Path,
    base: Path,
    config: CheckConfig,
    today: dt.date,
    changed: Changed,
    added: Added,
    since: float,
) -> tuple[dict[int, tuple[Any, ...]], list[tuple[str, str, tuple[Any, ...]]]] | None:
    """The new state of the changed and added files, re-read and re-checked (with, when
    files were added, the files whose broken references a new id may resolve); None if
    what they tell the rules about other files moved (then the whole base is checked)."""
    from dtscli.cache.quickvalidate import QuickValidator

    try:
        quick = QuickValidator(state.schemas)
    except (KeyError, TypeError, ValueError):  # not what a check saved: check everything
        return None
    # (file number or None for a new file, relative path, stamp, checked whatever its digest):
    # the files whose broken references a new id may resolve are checked again
    again = _with_reference_findings(state) if added else {}
    work: list[tuple[int | None, str, Stamp, bool]] = [
        (number, relative, stamp, number in again) for number, relative, stamp in changed
    ]
    work += [
        (None, f"{folder}/{name}" if folder else name, stamp, False)
        for folder, name, stamp in added
    ]
    listed = {number for number, _, _ in changed}
    work += [
        (n, relative, state.stamp(n), True) for n, relative in again.items() if n not in listed
    ]
    checked: list[LoadedRecord] = []
    fresh: dict[int, FileState] = {}
    new: dict[str, FileState] = {}  # by relative path
    entry_of: dict[str, FileState] = {}  # by shown path
    loader_findings: list[Finding] = []
    for number, relative, stamp, forced in work:
        kind = classify(relative)
        shown = shown_path(state.data_display, relative)
        racy = is_racy(stamp[1], since)
        saved = state.file(number) if number is not None else None
        # Touched, not changed (a checkout, a racy stamp): the content says so before any
        # parsing, which would load the YAML library for nothing. A file over the size
        # limit is left to parse_file, which refuses it without reading it.
        if (
            number is not None
            and saved is not None
            and not forced
            and stamp[0] <= MAX_FILE_BYTES
            and store.digest_of(data_dir / relative) == saved.digest
        ):
            fresh[number] = saved._replace(stamp=stamp, racy=racy)
            continue
        parsed = parse_file(data_dir / relative, shown)
        if parsed.digest is None or kind is None:
            return None
        unchanged = saved is not None and not forced and parsed.digest == saved.digest
        if number is not None and saved is not None and unchanged:
            fresh[number] = saved._replace(stamp=stamp, racy=racy)  # changed back meanwhile
            continue
        loaded, findings = validate_parsed(parsed, kind, quick)
        made = contribution(kind, loaded, parsed.digest)
        if saved is not None:
            if made != saved.contribution:
                return None
            entry = fresh[number] = FileState(stamp, parsed.digest, racy, made, [])  # type: ignore[index]
        else:
            if not _take_new_id(state, kind, loaded, Path(relative).stem):
                return None
            entry = new[relative] = FileState(stamp, parsed.digest, racy, made, [])
        entry_of[shown] = entry
        if loaded is not None:
            checked.append(loaded)
        loader_findings.extend(findings)
    if checked or loader_findings:
        scope = SavedScope(state, data_dir, checked)
        try:
            found = rule_findings(scope, config, today, whole_base=False)
        except IncompleteScope:
            return None
        if any(item.rule == "internal-error" for item in found):
            return None  # the whole check reports it where it belongs
        for item in drop_suppressed(loader_findings + found, base):
            owner = entry_of.get(item.path)
            if owner is None:
                return None  # a finding outside the files read: check everything
            owner.findings.append(as_row(item))
    placed = [(*relative.rpartition("/")[::2], tuple(entry)) for relative, entry in new.items()]
    return {number: tuple(entry) for number, entry in fresh.items()}, placed


def _with_reference_findings(state: CheckState) -> dict[int, str]:
    """The files with a broken-reference finding (number: relative path): a new id may be
    what they lack."""
    from dtscli.checks.registry import all_rules

    rules = {name for name, rule in all_rules().items() if rule.family == REFERENCE_FAMILY}
    return {
        number: state.relative(number, folder)
        for folder, (_, _, start, end) in state.folders.items()
        for number in range(start, end)
        if any(row[3] in rules for row in state.file_findings[number])
    }
